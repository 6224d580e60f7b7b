#!/usr/bin/env python3
"""Pins through an engine that mangles them: tarjim translate against the loopback fake with
--mangle-rate (tests/fake/README.md), every bundled example, one row per provider strategy.

For each pin of each segment the target is judged as a reader sees it (tests/e2e/pins.py):
right (its English as often as the source has the term), flagged (wrong, and the segment's qa
says so: pin_missing, pin_doubled), or silently wrong (wrong and not flagged; must be 0). The
table also gives the pins right before repair (right less the pins repaired: each repaired pin
carries one pin_repaired note), the requests sent, those of them that were retries with another strategy
(beyond what the same run without mangling sends), and the repairs by the strategy that made
them.

usage: bench_mangle.py TARJIM FAKE_PROVIDER [--source DIR] [--rate P] [--seeds 1,2,3]"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "e2e"))
import pins  # noqa: E402

SCRATCH = tempfile.mkdtemp(prefix="bench-mangle-")

STRATEGIES = [
    ("html", "libretranslate", "/libretranslate", {}),
    ("html", "google", "/google", {}),
    ("html", "microsoft", "/microsoft", {}),
    ("xml", "deepl", "/deepl", {}),
    ("placeholder", "mymemory", "/mymemory", {}),
    ("prompt", "openai", "/openai/v1", {"OPENAI_MODEL": "fake"}),
]


def start_fake(fake, *args):
    p = subprocess.Popen([fake, "--port", "0", "--exit-with-parent", *args],
                         stdout=subprocess.PIPE, text=True)
    line = p.stdout.readline().split()
    assert line and line[0] == "port", line
    return p, int(line[1])


def translate(tarjim, provider, url, article, env_extra):
    env = dict(os.environ)
    for v in ("DEEPL_AUTH_KEY", "GOOGLE_API_KEY", "AZURE_TRANSLATOR_KEY", "OPENAI_API_KEY",
              "OPENAI_BASE_URL", "LIBRETRANSLATE_API_KEY", "TARJIM_PROVIDER"):
        env.pop(v, None)
    env.update(env_extra)
    # Nothing remembered between runs (no memory, no cache): every segment goes to the engine.
    env["XDG_DATA_HOME"] = env["XDG_CACHE_HOME"] = env["XDG_CONFIG_HOME"] = SCRATCH
    r = subprocess.run([tarjim, "translate", "-f", "json", "--no-tm", "-p", provider, "-u", url,
                        "-k", "k3y", article], capture_output=True, text=True, env=env,
                       timeout=300)
    if r.returncode not in (0, 75):
        raise SystemExit(f"{provider} {article}: exit {r.returncode}: {r.stderr.strip()[:300]}")
    return json.loads(r.stdout)


def run(tarjim, fake, source, rate, seeds):
    spellings = pins.load_spellings(os.path.join(source, "glossaries", "news-ar-en.tsv"))
    articles = sorted(glob.glob(os.path.join(source, "examples", "*.ar.txt")))
    rows = []
    for kind, provider, path, env in STRATEGIES:
        row = {"strategy": kind, "provider": provider, "pins": 0, "right": 0, "flagged": 0,
               "silent": 0, "requests": 0, "segments": 0, "repairs": {}}
        for seed in seeds:
            fp, port = start_fake(fake, "--mangle-rate", str(rate), "--seed", str(seed))
            try:
                for article in articles:
                    doc = translate(tarjim, provider, f"http://127.0.0.1:{port}{path}", article,
                                    env)
                    row["requests"] += doc["stats"]["requests"]
                    row["segments"] += doc["stats"]["segments"]
                    for verdict, s, p, flagged in pins.judge(doc, spellings):
                        row["pins"] += 1
                        if verdict == "right":
                            row["right"] += 1
                        elif flagged:
                            row["flagged"] += 1
                        else:
                            row["silent"] += 1
                    for k, v in pins.repairs(doc).items():
                        row["repairs"][k] = row["repairs"].get(k, 0) + v
            finally:
                fp.terminate()
                fp.wait()
        # The same without mangling: the requests a clean run sends, to count the retries.
        fp, port = start_fake(fake)
        try:
            for article in articles:
                doc = translate(tarjim, provider, f"http://127.0.0.1:{port}{path}", article, env)
                row["clean_requests"] = row.get("clean_requests", 0) + doc["stats"]["requests"]
        finally:
            fp.terminate()
            fp.wait()
        row["retries"] = row["requests"] - row["clean_requests"] * len(seeds)
        rows.append(row)
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("tarjim")
    ap.add_argument("fake")
    ap.add_argument("--source", default=os.path.join(HERE, ".."))
    ap.add_argument("--rate", type=float, default=0.5)
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--json", action="store_true", help="print the rows as JSON")
    a = ap.parse_args()
    seeds = [int(s) for s in a.seeds.split(",") if s]
    rows = run(a.tarjim, a.fake, a.source, a.rate, seeds)
    if a.json:
        print(json.dumps(rows, indent=2))
        return
    print(f"mangle rate {a.rate}, seeds {a.seeds}, {len(seeds)} run(s) of every example\n")
    print(f"{'strategy':<12} {'provider':<15} {'pins':>5} {'before':>7} {'right':>6} "
          f"{'right %':>8} {'flagged':>8} {'silent':>7} {'requests':>9} {'retries':>8}  repairs")
    for r in rows:
        pct = 100.0 * r["right"] / r["pins"] if r["pins"] else 0.0
        # Each repaired pin carries one note: the pins right as the engine first gave them.
        before = r["right"] - sum(r["repairs"].values())
        rep = ", ".join(f"{k} {v}" for k, v in sorted(r["repairs"].items(), key=lambda t: -t[1]))
        print(f"{r['strategy']:<12} {r['provider']:<15} {r['pins']:>5} {before:>7} {r['right']:>6} "
              f"{pct:>7.1f}% {r['flagged']:>8} {r['silent']:>7} {r['requests']:>9} "
              f"{r['retries']:>8}  {rep}")
    shutil.rmtree(SCRATCH, ignore_errors=True)
    if any(r["silent"] for r in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
