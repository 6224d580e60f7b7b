#!/usr/bin/env python3
"""The apertium provider against the real Apertium APy server from Debian (apertium-apy with
apertium-eng-spa; Debian has no Arabic-English pair, so the protocol is proved with eng|spa on
English text), started on a free loopback port by tests/fake/start-apy.

apy_client drives the provider through the dispatcher on English segments (tarjim translate
sends only segments with Arabic letters): the Spanish comes back, a pinned name survives as a
placeholder where APy would translate it, a segment longer than APy translates whole comes
back whole, and a pair APy lacks is a refused request, not retried. tarjim translate takes the
pair from the configuration file's [apertium] langpair.

Skipped (77) when apertium-apy or the eng|spa pair is not installed.

usage: test_apertium.py TARJIM APY_CLIENT START_APY"""
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import check  # noqa: E402

tarjim, client, start_apy = sys.argv[1:4]


def run_client(url, pair, segments):
    r = subprocess.run([client, url, pair], input=json.dumps(segments), capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def pinned(text, name):
    """A segment whose pin covers name, whose English is name."""
    start = text.encode().index(name.encode())
    return {"text": text, "pins": [{"start": start, "end": start + len(name.encode()),
                                    "english": name}]}


def translate(conf, path, *extra):
    r = subprocess.run([tarjim, "translate", "--config", conf, "-p", "apertium", "-f", "json",
                        *extra, path], capture_output=True, text=True, timeout=120)
    segs = []
    if r.stdout:
        segs = [s for b in json.loads(r.stdout)["blocks"] for s in b["segments"]]
    return r, segs


apy = subprocess.Popen([start_apy, "--pair", "eng|spa", "--exit-with-parent"],
                       stdout=subprocess.PIPE, text=True)
line = apy.stdout.readline().split()
if not line:
    rc = apy.wait()
    if rc == 77:
        print("skip: apertium-apy or apertium-eng-spa is not installed")
        sys.exit(77)
    print(f"FAILED: start-apy exited {rc} without a port")
    sys.exit(1)
base = f"http://127.0.0.1:{int(line[1])}"
try:
    # Translation, in order, several segments over concurrent requests.
    president = "The president met John Smith in the house."
    out = run_client(base, "eng|spa", [
        {"text": "hello world"},
        {"text": "The house is red."},
        pinned(president, "John Smith"),
        {"text": president},
    ])
    items = out["items"]
    texts = [i.get("text") for i in items]
    check(out["status"] == "ok" and all(i["done"] for i in items),
          f"eng|spa: every segment translated ({out['status']} {out['diag']})")
    check(texts[0] == "hola Mundo", f"'hello world' -> 'hola Mundo' ({texts[0]!r})")
    check(texts[1] == "La casa es roja.", f"'The house is red.' -> 'La casa es roja.' "
          f"({texts[1]!r})")
    # APy translates the name when it travels bare; as a placeholder it comes back as pinned.
    check(texts[3] is not None and "John Herrero" in texts[3],
          f"unpinned, APy translates the name ({texts[3]!r})")
    check(texts[2] == "El presidente cumplió John Smith en la casa."
          and items[2]["pin_back"] == [True],
          f"the pinned name survives as a placeholder ({texts[2]!r} {items[2].get('pin_back')})")

    # A segment of 1,500 sentences (43,889 characters): APy translates at most 10 chunks of
    # one request and drops the rest, so it goes as parts and comes back whole.
    long_text = " ".join(f"The house number {i} is red." for i in range(1500))
    out = run_client(base, "eng|spa", [{"text": long_text}])
    item = out["items"][0]
    got = item.get("text", "")
    numbers = [int(n) for n in re.findall(r"\d+", got)]
    check(item["done"] and numbers == list(range(1500))
          and got.endswith("El número de casa 1499 es rojo."),
          f"a {len(long_text)}-character segment comes back whole in {out['requests']} "
          f"requests ({len(got)} characters, last number {numbers[-1] if numbers else None})")

    # A pair APy lacks: a refused request, said so with the pair, sent once.
    out = run_client(base, "ara|eng", [{"text": "hello world"}])
    item = out["items"][0]
    check(out["status"] == "partial" and out["exit"] == 75 and not item["done"]
          and item["error_kind"] == "bad_request"
          and "That pair is not installed (ara|eng)" in item["error"],
          f"ara|eng: bad_request, 'That pair is not installed (ara|eng)' ({item})")
    check(out["requests"] == 1, f"a refused pair is not retried ({out['requests']} requests)")
    out = run_client(base, "eng", [{"text": "hello world"}])
    check(out["status"] == "config" and out["exit"] == 78 and out["requests"] == 0,
          f"a pair without '|' is a configuration error, nothing sent ({out['diag']})")

    # tarjim translate: the pair comes from [apertium] langpair in the configuration file.
    with tempfile.TemporaryDirectory() as tmp:
        article = os.path.join(tmp, "mixed.ar.txt")
        with open(article, "w", encoding="utf-8") as f:
            f.write("The house is red في القاهرة.\n")
        conf = os.path.join(tmp, "config")
        with open(conf, "w") as f:
            f.write(f"[apertium]\nurl = {base}\nlangpair = eng|spa\n")
        r, segs = translate(conf, article)
        check(r.returncode == 0 and len(segs) == 1 and segs[0]["origin"] == "provider"
              and segs[0]["target"] == "La casa es roja في Cairo.",
              f"translate with langpair = eng|spa: Spanish, the pinned Cairo in place "
              f"(exit {r.returncode}, {[s['target'] for s in segs]} {r.stderr.strip()[:200]})")

        # One long line as one segment (--max-segment 60000): 3,000 clauses, 55,900 bytes.
        long_article = os.path.join(tmp, "long.ar.txt")
        with open(long_article, "w", encoding="utf-8") as f:
            f.write(", ".join(f"house {i} is red" for i in range(3000)) + " في القاهرة.\n")
        r, segs = translate(conf, long_article, "--max-segment", "60000")
        target = segs[0]["target"] if len(segs) == 1 else ""
        numbers = [int(n) for n in re.findall(r"\d+", target)]
        check(r.returncode == 0 and numbers == list(range(3000))
              and target.endswith("casa 2999 es rojo في Cairo."),
              f"translate: a 55,900-byte segment comes back whole ({len(target)} characters, "
              f"exit {r.returncode}, last number {numbers[-1] if numbers else None})")

        with open(conf, "w") as f:
            f.write(f"[apertium]\nurl = {base}\n")
        r, segs = translate(conf, article)
        check(r.returncode == 75 and segs and segs[0]["origin"] == "failed"
              and any("That pair is not installed (ara|eng)" in q["message"]
                      for q in segs[0]["qa"]),
              f"translate with the default pair ara|eng: exit 75, the segment failed saying "
              f"why (exit {r.returncode})")
        with open(conf, "w") as f:
            f.write(f"[apertium]\nurl = {base}\nlangpair = eng\n")
        r, _ = translate(conf, article)
        check(r.returncode == 78 and "language pair 'eng'" in r.stderr,
              f"translate with langpair = eng: exit 78 ({r.returncode} {r.stderr.strip()[:120]})")
finally:
    apy.terminate()
    apy.wait(timeout=30)

harness.finish()
