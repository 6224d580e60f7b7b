#!/usr/bin/env python3
"""tarjim translate against the loopback fake of each provider, as a user runs it: every
segment comes back translated by the named engine with the glossary's names in its English;
faults (429 with Retry-After, 5xx, a failure rate) are ridden out; refused credentials exit 77;
an unreachable provider exits 69 within seconds; keys never appear in the output.

usage: test_remote.py TARJIM FAKE_PROVIDER SOURCE_DIR"""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import check  # noqa: E402

tarjim, fake, source = sys.argv[1:4]
# A home of our own: no configuration file, translation memory or cache of the user's (or of
# another test running beside this one) may answer for the services under test.
import tempfile as _tempfile
_home = _tempfile.TemporaryDirectory()
for _var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
    os.environ[_var] = os.path.join(_home.name, _var.lower())
article = os.path.join(source, "examples", "ukraine-talks.ar.txt")
KEY = "k3y-s3cret-777"


def translate(provider, url, *extra, env_extra=None, fmt="json"):
    env = dict(os.environ)
    for v in ("DEEPL_AUTH_KEY", "GOOGLE_API_KEY", "AZURE_TRANSLATOR_KEY", "OPENAI_API_KEY",
              "OPENAI_BASE_URL", "LIBRETRANSLATE_API_KEY"):
        env.pop(v, None)
    env.update(env_extra or {})
    t0 = time.monotonic()
    r = subprocess.run([tarjim, "translate", "-f", fmt, "-p", provider, "-u", url, *extra,
                        article], capture_output=True, text=True, env=env, timeout=120)
    return r, time.monotonic() - t0


def segments(doc):
    for b in doc["blocks"]:
        yield from b["segments"]


fakep, port, base = harness.start_fake(fake, "--key", KEY, "--region", "westeurope",
                                       "--model", "tiny")
cases = [
    ("libretranslate", base + "/libretranslate", ["-k", KEY], {}),
    ("deepl", base + "/deepl", ["-k", KEY], {}),
    ("google", base + "/google", ["-k", KEY], {}),
    ("microsoft", base + "/microsoft", ["-k", KEY], {"AZURE_TRANSLATOR_REGION": "westeurope"}),
    ("mymemory", base + "/mymemory", ["-k", KEY], {}),
    ("openai", base + "/openai/v1", ["-k", KEY], {"OPENAI_MODEL": "tiny"}),
]
for name, url, extra, env in cases:
    r, _ = translate(name, url, *extra, env_extra=env)
    check(r.returncode == 0, f"{name}: exit 0 (got {r.returncode}: {r.stderr.strip()[:300]})")
    if r.returncode != 0:
        continue
    doc = json.loads(r.stdout)
    segs = list(segments(doc))
    sent = [s for s in segs if s["origin"] != "copy"]
    check(all(s["origin"] == "provider" and s.get("engine") == name for s in sent),
          f"{name}: every segment translated by {name}")
    # The names the glossary pins come out in the English of the segment, as the glossary says,
    # where the protection is markup or placeholders; a prompt (openai) may be ignored by the
    # engine, and then the segment says so: a pin is never silently lost.
    missing = [(p["target"], s["id"]) for s in sent for p in s["pins"]
               if p["target"] not in s["target"]]
    if name != "openai":
        check(not missing, f"{name}: every pinned name in its segment's target {missing[:3]}")
        check(any("Kremlin" in s["target"] for s in sent), f"{name}: Kremlin in the English")
    unflagged = [(p["target"], s["id"]) for s in sent for p in s["pins"]
                 if p["target"] not in s["target"]
                 and not any(q["code"] == "pin_missing" for q in s["qa"])]
    check(not unflagged, f"{name}: every missing pin flagged pin_missing {unflagged[:3]}")
    check(KEY not in r.stdout and KEY not in r.stderr, f"{name}: the key is never printed")

# Faults: the run still gets every segment through.
for fault in ("fail-first=1,fail-with=429,retry-after=1", "fail-first=2,fail-with=503",
              "fail-rate=0.4,seed=7"):
    harness.control(base, "/_reset", "")
    harness.control(base, "/_faults", fault)
    r, secs = translate("libretranslate", base + "/libretranslate", "-k", KEY)
    ok = r.returncode == 0 and all(s["origin"] in ("provider", "copy")
                                   for s in segments(json.loads(r.stdout)))
    check(ok, f"fault {fault}: every segment translated (exit {r.returncode}, {secs:.1f} s)"
          + (f" {r.stderr.strip()[:200]}" if not ok else ""))
    harness.control(base, "/_faults", "none")

# A dry run sends nothing and says what it would send.
harness.control(base, "/_reset", "")
r, _ = translate("deepl", base + "/deepl", "-k", KEY, "--dry-run")
stats = harness.stats(base)
check(r.returncode == 0 and "requests" in r.stdout and stats["requests"] == 0,
      f"dry run: counts printed, nothing sent ({r.stdout.strip()[:120]})")

# The configuration file: provider, key file, url; `tarjim providers` says where the key
# comes from and never shows it.
import tempfile
with tempfile.TemporaryDirectory() as tmp:
    keyfile = os.path.join(tmp, "deepl.key")
    with open(keyfile, "w") as f:
        f.write(KEY + "\n")
    os.chmod(keyfile, 0o600)
    conf = os.path.join(tmp, "config")
    with open(conf, "w") as f:
        f.write(f"provider = deepl\njobs = 2\n\n[deepl]\napi_key_file = {keyfile}\n"
                f"url = {base}/deepl\n")
    os.chmod(conf, 0o600)
    env = {k: v for k, v in os.environ.items() if k not in ("DEEPL_AUTH_KEY", "TARJIM_PROVIDER")}
    r = subprocess.run([tarjim, "translate", "--config", conf, "-f", "json", article],
                       capture_output=True, text=True, env=env, timeout=60)
    ok = r.returncode == 0 and all(s.get("engine") == "deepl" for s in
                                   segments(json.loads(r.stdout)) if s["origin"] != "copy")
    check(ok, f"config file: provider, key file and url used (exit {r.returncode} {r.stderr[:200]})")
    r = subprocess.run([tarjim, "providers", "--config", conf], capture_output=True, text=True,
                       env=env)
    line = [l for l in r.stdout.splitlines() if l.startswith("deepl")]
    check(line and "key from config file" in line[0] and "default" in line[0],
          f"providers: deepl is the default, key from the config file ({line})")
    check(KEY not in r.stdout + r.stderr, "providers never prints the key")
    env["DEEPL_AUTH_KEY"] = "from-env-key"
    r = subprocess.run([tarjim, "providers", "--config", conf], capture_output=True, text=True,
                       env=env)
    check("key from DEEPL_AUTH_KEY" in r.stdout, "the environment outranks the file")
    with open(conf, "a") as f:
        f.write("jbos = 3\n")
    r = subprocess.run([tarjim, "translate", "--config", conf, article], capture_output=True,
                       text=True, env=env)
    check(r.returncode == 78 and f"{conf}:7:" in r.stderr,
          f"a bad config line: exit 78 naming file and line ({r.returncode} {r.stderr[:120]})")

# A batch into --out-dir keeps requests in flight across inputs, and writes every input whole,
# in its own file; a bad input among them leaves no output file and the others are written.
with tempfile.TemporaryDirectory() as tmp:
    with open(article, encoding="utf-8") as f:
        lines = [l for l in f.read().splitlines() if l.strip()]
    inputs = []
    for i in range(6):
        path = os.path.join(tmp, f"a{i}.ar.txt")
        with open(path, "w", encoding="utf-8") as f:
            # Distinct inputs: identical segments would rightly be sent once for all.
            f.write("\n".join(l.replace(" ", f" {i}{k} ", 1) for k, l in enumerate(lines)) + "\n")
        inputs.append(path)
    bad = os.path.join(tmp, "bad.ar.txt")
    with open(bad, "wb") as f:
        f.write("بوتين في موسكو.\n".encode() + b"\xff\n")
    out = os.path.join(tmp, "out")
    harness.control(base, "/_reset", "")
    harness.control(base, "/_faults", "latency=300")
    env = {k: v for k, v in os.environ.items() if k != "TARJIM_PROVIDER"}
    r = subprocess.run([tarjim, "translate", "-j", "4", "-f", "json", "-p", "deepl", "-u",
                        base + "/deepl", "-k", KEY, "-o", out, inputs[0], bad, *inputs[1:]],
                       capture_output=True, text=True, env=env, timeout=120)
    harness.control(base, "/_faults", "none")
    stats = harness.stats(base)
    check(r.returncode == 65 and "bad.ar.txt" in r.stderr,
          f"batch with a bad input: exit 65 naming it ({r.returncode} {r.stderr[:160]})")
    check(stats["max_in_flight"] >= 2,
          f"batch: requests in flight across inputs (most at once: {stats['max_in_flight']})")
    check(not os.path.exists(os.path.join(out, "bad.en.json")), "batch: no output for the bad input")
    whole = True
    for i, path in enumerate(inputs):
        doc = json.load(open(os.path.join(out, f"a{i}.en.json")))
        segs = list(segments(doc))
        ok = bool(segs) and all(s["origin"] in ("provider", "copy") for s in segs)
        ok &= doc["stats"]["segments"] == len(segs) and doc["stats"]["requests"] >= 1
        if not ok:
            print(f"  a{i}: {len(segs)} segments, stats {doc['stats']}, origins "
                  f"{sorted(set(s['origin'] for s in segs))}")
        whole &= ok
    check(whole, "batch: every good input written whole, translated, with its own stats")

# Refused credentials: exit 77, the Arabic kept and marked, no retry storm.
harness.control(base, "/_reset", "")
r, _ = translate("deepl", base + "/deepl", "-k", "wrong-key-123")
check(r.returncode == 77, f"deepl with a wrong key: exit 77 (got {r.returncode})")
check("wrong-key-123" not in r.stdout + r.stderr, "a refused key is not printed")
doc = json.loads(r.stdout)
check(all(s["origin"] in ("failed", "copy") for s in segments(doc)),
      "refused credentials: segments kept in Arabic and marked failed")
stats = harness.stats(base)
check(stats["requests"] <= 2, f"refused credentials are not retried ({stats['requests']} requests)")

# Unreachable: exit 69 within seconds, output still written.
fakep.terminate()
fakep.wait()
r, secs = translate("libretranslate", base, fmt="text")
check(r.returncode == 69 and secs < 10, f"unreachable: exit 69 in {secs:.1f} s (got {r.returncode})")
check(len(r.stdout.strip().splitlines()) >= 5, "unreachable: the article is still written")

# Failover: the segments the unreachable service could not translate go to the next engine.
r, secs = translate("libretranslate", base, "--fallback", "offline")
doc = json.loads(r.stdout) if r.stdout else {"blocks": []}
sent = [s for s in segments(doc) if s["origin"] != "copy"]
check(r.returncode == 0 and sent and all(s["origin"] == "offline" and s.get("engine") == "offline"
                                          for s in sent),
      f"--fallback offline: every segment translated offline (exit {r.returncode}, {secs:.1f} s)")

# The server goes through the same pipeline: a remote engine, and failover to the offline one.
def serve_translate(*args):
    """Starts tarjim serve with args, posts the article, returns (status, JSON or None)."""
    with open(article, encoding="utf-8") as f:
        return harness.serve_translate(tarjim, f.read(), *args)


fakep, port, base = harness.start_fake(fake, "--key", KEY)
status, doc = serve_translate("-p", "libretranslate", "-u", base + "/libretranslate", "-k", KEY)
sent = [s for s in segments(doc)] if doc else []
check(status == 200 and sent and all(s["origin"] in ("provider", "copy") for s in sent)
      and any(s.get("engine") == "libretranslate" and "Kremlin" in s["target"] for s in sent),
      f"serve: POST /api/translate through libretranslate (status {status})")
fakep.terminate()
fakep.wait()
status, doc = serve_translate("-p", "libretranslate", "-u", base + "/libretranslate", "-k", KEY,
                              "--fallback", "offline")
sent = [s for s in segments(doc) if s["origin"] != "copy"] if doc else []
check(status == 200 and sent and all(s["origin"] == "offline" for s in sent),
      f"serve --fallback offline: an unreachable engine's segments translated offline ({status})")
status, doc = serve_translate("-p", "libretranslate", "-u", base + "/libretranslate", "-k", KEY)
check(status == 502, f"serve without a fallback: an unreachable engine is 502 ({status})")

harness.finish()
