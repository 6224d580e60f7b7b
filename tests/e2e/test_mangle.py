#!/usr/bin/env python3
"""Pins through engines that mangle them: tarjim translate against the loopback fake with half
of the protected spans, placeholders and pinned names dropped, moved, repeated, altered,
swapped, unwrapped or left with a broken closing tag (--mangle-rate 0.5), on every bundled
example and with every provider's protection strategy (libretranslate, google and microsoft
HTML, deepl XML, mymemory placeholders, openai prompt).

What a reader sees in each segment's target is judged (pins.py): no pin is silently lost, every
pin is right or its segment's qa says it is not (pin_missing, pin_doubled); most come out right
after repair, and the repairs are told (pin_repaired, naming the strategy). Then two faults
with a known outcome: markup that comes back lowercased is rewritten in place (one request),
markup that vanishes is sent again with placeholders (one more request, every pin right), and
markup and placeholders that vanish where Microsoft's dynamic dictionary holds are sent again
with the dictionary.

usage: test_mangle.py TARJIM FAKE_PROVIDER SOURCE_DIR"""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import pins  # noqa: E402
from harness import check  # noqa: E402

tarjim, fake, source = sys.argv[1:4]
articles = sorted(glob.glob(os.path.join(source, "examples", "*.ar.txt")))
spellings = pins.load_spellings(os.path.join(source, "glossaries", "news-ar-en.tsv"))
scratch = tempfile.mkdtemp(prefix="test-mangle-")

STRATEGIES = [
    ("html", "libretranslate", "/libretranslate", {}),
    ("html", "google", "/google", {}),
    ("html", "microsoft", "/microsoft", {}),
    ("xml", "deepl", "/deepl", {}),
    ("placeholder", "mymemory", "/mymemory", {}),
    ("prompt", "openai", "/openai/v1", {"OPENAI_MODEL": "fake"}),
]


def translate(provider, url, article, env_extra):
    env = dict(os.environ)
    for v in ("DEEPL_AUTH_KEY", "GOOGLE_API_KEY", "AZURE_TRANSLATOR_KEY", "OPENAI_API_KEY",
              "OPENAI_BASE_URL", "LIBRETRANSLATE_API_KEY", "TARJIM_PROVIDER", "TARJIM_TM"):
        env.pop(v, None)
    env.update(env_extra)
    env["XDG_DATA_HOME"] = env["XDG_CACHE_HOME"] = env["XDG_CONFIG_HOME"] = scratch
    r = subprocess.run([tarjim, "translate", "-f", "json", "--no-tm", "-p", provider, "-u", url,
                        "-k", "k3y", article], capture_output=True, text=True, env=env,
                       timeout=120)
    return r, (json.loads(r.stdout) if r.stdout.strip() else None)


try:
    # Half of everything mangled, every example, every strategy.
    fp, port, base = harness.start_fake(fake, "--mangle-rate", "0.5", "--seed", "11")
    for kind, provider, path, env in STRATEGIES:
        total = right = 0
        silent = []
        repaired = {}
        exits = set()
        for article in articles:
            r, doc = translate(provider, f"http://127.0.0.1:{port}{path}", article, env)
            exits.add(r.returncode)
            if doc is None:
                continue
            for verdict, s, p, flagged in pins.judge(doc, spellings):
                total += 1
                right += verdict == "right"
                if not flagged:
                    silent.append((verdict, s["id"], p["source"], p["target"], s["target"][:120]))
            for k, v in pins.repairs(doc).items():
                repaired[k] = repaired.get(k, 0) + v
        name = f"{kind} ({provider})"
        check(exits == {0}, f"{name}: every run exits 0 ({sorted(exits)})")
        check(total >= 100, f"{name}: the examples' pins judged ({total})")
        check(not silent, f"{name}: no pin silently lost or doubled {silent[:3]}")
        check(total and right >= 0.9 * total,
              f"{name}: at least 90% of pins right after repair ({right}/{total})")
        check(sum(repaired.values()) > 0, f"{name}: repairs told in qa ({repaired})")
    fp.terminate()
    fp.wait()

    # The fake mangles as asked, the same way for the same seed and text.
    fp, port, base = harness.start_fake(fake, "--seed", "3")
    body = json.dumps({"q": ['قال <span translate="no">Putin</span> وـ<span translate="no">'
                             'Lavrov</span> في ⟦1⟧'], "source": "ar", "target": "en",
                       "format": "html"})

    def lt(fault):
        req = urllib.request.Request(f"http://127.0.0.1:{port}/libretranslate/translate",
                                     data=body.encode(), method="POST",
                                     headers={"Content-Type": "application/json",
                                              "X-Fake-Fault": fault})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())["translatedText"][0]

    plain, m1, m2 = lt("mangle=0"), lt("mangle=1"), lt("mangle=1")
    check(plain == 'Said <span translate="no">Putin</span> and <span translate="no">Lavrov'
          '</span> in ⟦1⟧', f"no mangling: the spans as sent ({plain!r})")
    check(m1 != plain and m1 == m2, f"mangle=1: spans mangled, the same each time ({m1!r})")

    # Known faults: markup lowercased is rewritten in place, with no request more.
    harness.control(base, "/_faults", "alter-protected")
    r, doc = translate("deepl", f"http://127.0.0.1:{port}/deepl", articles[-1], {})
    judged = pins.judge(doc, spellings)
    check(all(v == "right" for v, *_ in judged) and doc["stats"]["requests"] == 1,
          f"alter-protected: every pin right in one request ({doc['stats']['requests']})")
    check(pins.repairs(doc).get("markup", 0) > 0, f"alter-protected: told as markup repairs "
          f"({pins.repairs(doc)})")
    # Markup that vanishes: the segments go again with placeholders, in one more request.
    harness.control(base, "/_faults", "drop-protected")
    r, doc = translate("libretranslate", f"http://127.0.0.1:{port}/libretranslate",
                       articles[-1], {})
    judged = pins.judge(doc, spellings)
    check(all(v == "right" for v, *_ in judged) and doc["stats"]["requests"] == 2,
          f"drop-protected: every pin right, one retry request ({doc['stats']['requests']})")
    check(pins.repairs(doc).get("retry-placeholder", 0) > 0,
          f"drop-protected: told as retries with placeholders ({pins.repairs(doc)})")
    # Markup and placeholders that vanish where the service's own dictionary holds: Microsoft's
    # segments go again with placeholders, then with the dynamic dictionary (no native glossary
    # asked for), which puts every pin right: three requests in all.
    harness.control(base, "/_faults", "drop-markup")
    r, doc = translate("microsoft", f"http://127.0.0.1:{port}/microsoft", articles[-1], {})
    judged = pins.judge(doc, spellings)
    check(judged and all(v == "right" for v, *_ in judged) and doc["stats"]["requests"] == 3,
          f"drop-markup: every pin right after the dictionary retry ({doc['stats']['requests']} "
          f"requests, {sum(v == 'right' for v, *_ in judged)}/{len(judged)} right)")
    check(pins.repairs(doc).get("retry-native", 0) > 0,
          f"drop-markup: told as retries with the service's dictionary ({pins.repairs(doc)})")
    fp.terminate()
    fp.wait()
finally:
    shutil.rmtree(scratch, ignore_errors=True)

harness.finish()
