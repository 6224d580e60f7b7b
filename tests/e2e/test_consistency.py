#!/usr/bin/env python3
"""A batch run (tarjim translate -o DIR a.ar.txt b.ar.txt) against the loopback fake: a name
that b's English writes otherwise than a's, and one English spelling that stands for two
Arabic names across the files, are flagged `inconsistent` on b's segments, naming a's; each
file lists its own names not in the glossary (`suggest_pin`); b alone has no such finding.

The fake transliterates the Arabic it does not know letter by letter: a name after a clitic
comes back with the clitic glued on (لزوبارينكو → lzwbarynkw, not zwbarynkw), and س and ص
both come back as s (سيمونوف and صيمونوف → symwnwf).

usage: test_consistency.py TARJIM FAKE_PROVIDER"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import check  # noqa: E402

tarjim, fake = sys.argv[1:3]
os.environ["TARJIM_TM"] = "off"  # every segment from the engine, none from a memory


def findings(path, code):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    return [(s["id"], q["message"]) for b in doc["blocks"] for s in b["segments"]
            for q in s["qa"] if q["code"] == code]


p, _, base = harness.start_fake(fake)
url = base + "/libretranslate"
try:
    with tempfile.TemporaryDirectory() as tmp:
        a = os.path.join(tmp, "a.ar.txt")
        b = os.path.join(tmp, "b.ar.txt")
        with open(a, "w", encoding="utf-8") as f:
            f.write("قال الرئيس زوبارينكو إن المحادثات مستمرة.\n"
                    "وقال السفير سيمونوف إن الوفد وصل.\n")
        with open(b, "w", encoding="utf-8") as f:
            f.write("ورد الوفد على لزوبارينكو أمس.\n"
                    "وأكد السفير صيمونوف أن الوفد وصل.\n")
        out = os.path.join(tmp, "out")
        r = subprocess.run([tarjim, "translate", "-q", "-p", "libretranslate", "-u", url,
                            "-f", "json", "-o", out, a, b],
                           capture_output=True, text=True, timeout=120)
        check(r.returncode == 0, f"batch: exit 0 (got {r.returncode}: {r.stderr.strip()[:300]})")
        fa, fb = os.path.join(out, "a.en.json"), os.path.join(out, "b.en.json")
        if os.path.exists(fa) and os.path.exists(fb):
            check(findings(fa, "inconsistent") == [], "a: the first file has nothing to agree with")
            got = findings(fb, "inconsistent")
            want = [(1, "'زوبارينكو' is 'lzwbarynkw' in segment 1 but 'zwbarynkw' in segment 1 "
                        f"of {a}"),
                    (2, f"'symwnwf' stands for 'صيمونوف' in segment 2 but for 'سيمونوف' in "
                        f"segment 2 of {a}")]
            check(got == want, f"b: a's renderings are held against b's ({got})")
            sa = [m for _, m in findings(fa, "suggest_pin")]
            sb = [m for _, m in findings(fb, "suggest_pin")]
            check(any(m.startswith("'زوبارينكو'") for m in sa) and
                  any(m.startswith("'سيمونوف'") for m in sa),
                  f"a: its names not in the glossary are suggested ({sa})")
            check(any(m.startswith("'زوبارينكو'") for m in sb) and
                  any(m.startswith("'صيمونوف'") for m in sb),
                  f"b: so are its own, again ({sb})")
        else:
            check(False, "batch: both outputs written")

        # The same file alone: nothing to be inconsistent with.
        r = subprocess.run([tarjim, "translate", "-q", "-p", "libretranslate", "-u", url,
                            "-f", "json", "-o", out, b],
                           capture_output=True, text=True, timeout=120)
        check(r.returncode == 0 and findings(fb, "inconsistent") == [],
              "b alone: no finding")
finally:
    p.terminate()
    p.wait()

harness.finish()
