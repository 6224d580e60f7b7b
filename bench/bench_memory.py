#!/usr/bin/env python3
"""Peak memory of tarjim on long input and of a server fed endless new words.

translate: `tarjim translate -f text|json|jsonl` and `tarjim segment -f json` on a 50 MB article
(the examples repeated) and on its first 2 MB; the peak RSS of each run (wait4's ru_maxrss for
that process alone) and the ratio big/small, which is near 1x when memory does not grow with
the input (GNU time, package `time`, measures it best: see peak()). With -b OTHER, the same runs of another tarjim (e.g. an older build), and the ratios.

serve: `tarjim serve` on 127.0.0.1, then N requests (default 420) of about 900 KB of random
Arabic words of 500-900 letters, each word new; the server's RSS every 60 requests. The
offline engine's gloss cache is what grows with new words.

Usage: bench/bench_memory.py -t build/src/cli/tarjim [-b OTHER] [-m MB] [--serve-requests N]
                             [translate] [serve]
"""
import argparse
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def article(mb):
    """The examples, in name order, repeated to at least mb * 10^6 bytes."""
    ex = os.path.join(ROOT, "examples")
    text = b"".join(open(os.path.join(ex, f), "rb").read()
                    for f in sorted(os.listdir(ex)) if f.endswith(".ar.txt"))
    return text * (mb * 1000000 // len(text) + 1)


def own_rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak(argv, path):
    """Runs argv + [path] with output to /dev/null; returns (peak RSS in MiB, seconds, status).

    Through GNU time (package `time`) when it is there: it forks the run from its own small
    process. Else wait4's ru_maxrss, which counts this script's pages at the fork as a floor."""
    with open(os.devnull, "wb") as null, tempfile.NamedTemporaryFile("r") as rss:
        timed = ["/usr/bin/time", "-f", "%M", "-o", rss.name] if os.path.exists("/usr/bin/time") else []
        t0 = time.monotonic()
        proc = subprocess.Popen(timed + argv + [path], stdout=null, stderr=null)
        _, status, ru = os.wait4(proc.pid, 0)
        seconds = time.monotonic() - t0
        kib = ru.ru_maxrss
        if timed:
            lines = [l for l in rss.read().split("\n") if l.strip().isdigit()]
            kib = int(lines[-1]) if lines else kib
        return kib / 1024, seconds, os.waitstatus_to_exitcode(status)


def write_inputs(tmp, mb):
    """Writes the big article and its first ~2 MB (cut after a line); returns their paths."""
    big = article(mb)
    cut = big.index(b"\n", 2000000) + 1
    paths = {"big": os.path.join(tmp, "big.ar.txt"), "small": os.path.join(tmp, "small.ar.txt")}
    with open(paths["big"], "wb") as f:
        f.write(big)
    with open(paths["small"], "wb") as f:
        f.write(big[:cut])
    print(f"input: {len(big) / 1e6:.1f} MB (examples repeated); small: its first "
          f"{cut / 1e6:.1f} MB")
    return paths


def bench_translate(tarjims, mb):
    with tempfile.TemporaryDirectory() as tmp:
        # The text is gone before the first run: a child starts with its parent's pages, and
        # Linux keeps them in the child's peak across exec.
        paths = write_inputs(tmp, mb)
        if not os.path.exists("/usr/bin/time"):
            print(f"(no /usr/bin/time: this script's own RSS is a floor for every figure: "
                  f"{own_rss():.1f} MiB)")
        runs = [("translate -f text", ["translate", "-q", "-f", "text"]),
                ("translate -f json", ["translate", "-q", "-f", "json"]),
                ("translate -f jsonl", ["translate", "-q", "-f", "jsonl"]),
                ("segment -f json", ["segment", "-f", "json"])]
        results = {}
        for label, args in runs:
            for name, exe in tarjims:
                small = peak([exe] + args, paths["small"])
                large = peak([exe] + args, paths["big"])
                results[(label, name)] = large[0]
                print(f"{name:9} {label:19} {mb} MB: {large[0]:8.1f} MiB {large[1]:6.1f} s"
                      f" (exit {large[2]})   2 MB: {small[0]:7.1f} MiB   ratio {large[0] / small[0]:5.2f}x",
                      flush=True)
        if len(tarjims) > 1:
            print("peak RSS, other / this tarjim:")
            for label, _ in runs:
                a, b = results[(label, tarjims[1][0])], results[(label, tarjims[0][0])]
                print(f"  {label:19} {a:8.1f} / {b:6.1f} MiB = {a / b:6.1f}x")


def bench_serve(exe, n):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    proc = subprocess.Popen([exe, "serve", "--listen", f"127.0.0.1:{port}"],
                            stderr=subprocess.DEVNULL)

    def status(key):
        for line in open(f"/proc/{proc.pid}/status"):
            if line.startswith(key):
                return int(line.split()[1]) // 1024
        return 0

    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        print(f"serve: start RSS {status('VmRSS')} MiB")
        rnd = random.Random(6)
        letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
        t0 = time.monotonic()
        for i in range(n):
            words, size = [], 0
            while size < 900000:
                w = "".join(rnd.choice(letters) for _ in range(rnd.randint(500, 900)))
                words.append(w)
                size += 2 * len(w) + 1
            body = json.dumps({"text": " ".join(words)}, ensure_ascii=False).encode()
            req = urllib.request.Request(f"http://127.0.0.1:{port}/api/translate", data=body,
                                         headers={"Content-Type": "application/json"})
            urllib.request.urlopen(req, timeout=300).read()
            if (i + 1) % 60 == 0 or i + 1 == n:
                print(f"serve: {i + 1:4} requests: RSS {status('VmRSS')} MiB, peak "
                      f"{status('VmHWM')} MiB, {time.monotonic() - t0:.0f} s", flush=True)
    finally:
        proc.terminate()
        proc.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-t", "--tarjim", default=os.path.join(ROOT, "build", "src", "cli", "tarjim"))
    ap.add_argument("-b", "--baseline", help="another tarjim to measure beside it")
    ap.add_argument("-m", "--megabytes", type=int, default=50)
    ap.add_argument("--serve-requests", type=int, default=420)
    ap.add_argument("parts", nargs="*", default=["translate", "serve"])
    a = ap.parse_args()
    tarjims = [("this", a.tarjim)] + ([("other", a.baseline)] if a.baseline else [])
    if "translate" in a.parts:
        bench_translate(tarjims, a.megabytes)
    if "serve" in a.parts:
        for name, exe in tarjims:
            print(f"serve ({name}):")
            bench_serve(exe, a.serve_requests)
    return 0


if __name__ == "__main__":
    sys.exit(main())
