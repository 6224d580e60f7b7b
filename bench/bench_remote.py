#!/usr/bin/env python3
"""Remote translation against the sequential bound, measured in one run (issue 7, item 10).

Generates N distinct Arabic articles (default 100) from examples/*.ar.txt with a fixed seed,
starts the loopback fake (tests/fake/) with a fixed latency per request (default 100 ms), and
runs `tarjim translate -p libretranslate -o OUTDIR FILES...` through it:

  -j 8               one process for all the files (the figure the issue asks about)
  -j 1               one process for all the files, one request in flight
  per file, serial   one process per file, one after another (-j 8 each)
  per file, 8 at once  one process per file, 8 processes at a time (-j 8 each)

Each run's wall time is timed here, its peak RSS read from `/usr/bin/time -v` (from
wait4() when that program is missing), and its requests, segments and characters from the
fake's /_stats (reset before each run). The sequential bound is what one request per segment
costs in latency alone: distinct segments x latency. The ratio is that bound over the wall
time. Not a test: it prints figures, and exits 1 only when a run fails.

usage: bench_remote.py [-t TARJIM] [-f FAKE_PROVIDER] [-e EXAMPLES_DIR] [-n ARTICLES]
                       [-l LATENCY_MS] [-j JOBS] [-s SEED] [--keep DIR] [--quick]"""
import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
MONTHS = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر",
          "أكتوبر", "نوفمبر", "ديسمبر"]
DIGITS = re.compile(r"[0-9]+|[٠-٩]+")
# A crude sentence split, only to vary each sentence of a line; tarjim's segmenter decides
# the segments that are counted and sent.
SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+")
DATELINE = re.compile(r"^(\S+) (\([^()]{1,20}\) - )")
TRAILING = re.compile(r"[.!?؟»\"”']*$")


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-t", "--tarjim", default="build/src/cli/tarjim")
    ap.add_argument("-f", "--fake", default="build/tests/fake_provider")
    ap.add_argument("-e", "--examples", default=os.path.join(HERE, "..", "examples"))
    ap.add_argument("-n", "--articles", type=int, default=100)
    ap.add_argument("-l", "--latency", type=int, default=100, help="ms per request")
    ap.add_argument("-j", "--jobs", type=int, default=8)
    ap.add_argument("-s", "--seed", type=int, default=7)
    ap.add_argument("--keep", metavar="DIR", help="write the articles here and keep them")
    ap.add_argument("--quick", action="store_true", help="skip the per-file runs")
    return ap.parse_args()


# ---- the articles -------------------------------------------------------------------------

def read_pool(examples):
    """Headlines (first line of each example) and body lines (the other non-empty lines)."""
    heads, body = [], []
    names = sorted(n for n in os.listdir(examples) if n.endswith(".ar.txt"))
    if not names:
        sys.exit(f"bench_remote: no .ar.txt in {examples}")
    for n in names:
        with open(os.path.join(examples, n), encoding="utf-8") as f:
            lines = [ln.strip() for ln in f if ln.strip()]
        heads.append(lines[0])
        body.extend(lines[1:])
    return heads, body


def new_number(rng, m):
    """A number of the same length and script as the digit run m."""
    s = m.group(0)
    zero = ord("٠") if "٠" <= s[0] <= "٩" else ord("0")
    ds = [rng.randrange(10) for _ in s]
    if len(ds) > 1:
        ds[0] = rng.randrange(1, 10)
    return "".join(chr(zero + d) for d in ds)


def vary_sentence(rng, s, used):
    """s with its numbers redrawn, or with a date added when it has none; never one already
    in used (the set of every sentence made so far)."""
    for _ in range(1000):
        if DIGITS.search(s):
            v = DIGITS.sub(lambda m: new_number(rng, m), s)
        else:
            date = f"{rng.randint(1, 28)} {rng.choice(MONTHS)}"
            end = TRAILING.search(s).start()
            tail = s[end:]
            if tail[:1] in ("»", '"', "”", "'"):  # after the closing quote
                q = len(tail) - len(tail.lstrip("»\"”'"))
                end, tail = end + q, tail[q:]
            v = s[:end] + (f"، في {date}" if tail else f" في {date}") + tail
        if v not in used:
            used.add(v)
            return v
    sys.exit("bench_remote: could not make a distinct sentence from: " + s)


def vary_line(rng, line, used):
    """line with each sentence varied; a dateline ("CITY (AGENCY) - ", its own segment) gets
    a date ("CITY، D MONTH (AGENCY) - ", part of the first sentence) so that it repeats in no
    other article."""
    m = DATELINE.match(line)
    head = f"{m.group(1)}، {rng.randint(1, 28)} {rng.choice(MONTHS)} {m.group(2)}" if m else ""
    body = line[m.end():] if m else line
    return head + " ".join(vary_sentence(rng, s, used) for s in SENTENCE_END.split(body))


def make_articles(examples, n, seed, outdir):
    """Writes n articles to outdir: a varied headline, a blank line, and 10-18 body lines
    drawn from the pool in a shuffled order, each sentence varied. Same seed, same files."""
    rng = random.Random(seed)
    heads, body = read_pool(examples)
    used = set()
    paths = []
    for k in range(n):
        lines = [vary_line(rng, rng.choice(heads), used), ""]
        take = min(len(body), rng.randint(10, 18))
        lines += [vary_line(rng, ln, used) for ln in rng.sample(body, take)]
        p = os.path.join(outdir, f"article-{k + 1:03d}.ar.txt")
        with open(p, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        paths.append(p)
    return paths


def has_arabic(s):
    return any("\u0600" <= c <= "\u06ff" or "\u0750" <= c <= "\u077f" for c in s)


def count_segments(tarjim, paths):
    """Segments as tarjim's segmenter makes them: (all, those with Arabic, distinct with
    Arabic over all files, distinct with Arabic within each file summed, characters of the
    distinct ones)."""
    total = arabic = per_file = 0
    seen = set()
    for p in paths:
        r = subprocess.run([tarjim, "segment", "-f", "json", p], capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"bench_remote: tarjim segment {p}: exit {r.returncode}: {r.stderr}")
        mine = set()
        for b in json.loads(r.stdout)["blocks"]:
            for s in b["segments"]:
                total += 1
                if has_arabic(s["source"]):
                    arabic += 1
                    mine.add(s["source"])
        per_file += len(mine)
        seen |= mine
    return total, arabic, len(seen), per_file, sum(len(s) for s in seen)


# ---- the fake and the runs ----------------------------------------------------------------

class Fake:
    def __init__(self, exe, latency):
        self.p = subprocess.Popen([exe, "--port", "0", "--exit-with-parent", "--latency",
                                   str(latency)], stdout=subprocess.PIPE, text=True)
        line = self.p.stdout.readline().split()
        if not line or line[0] != "port":
            sys.exit(f"bench_remote: {exe} did not print its port")
        self.base = f"http://127.0.0.1:{line[1]}"

    def get(self, path, data=None):
        with urllib.request.urlopen(urllib.request.Request(self.base + path, data=data)) as r:
            return r.read()

    def reset(self):
        self.get("/_reset", data=b"")

    def stats(self):
        return json.loads(self.get("/_stats"))

    def stop(self):
        self.p.terminate()
        self.p.wait()


TIME_V = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None


def spawn(argv, rssfile):
    """Starts argv (under /usr/bin/time -v when there is one)."""
    if TIME_V:
        argv = [TIME_V, "-v", "-o", rssfile] + argv
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def reap(p, rssfile):
    """Waits for p; returns (exit status, peak RSS in KiB, stderr)."""
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    rss = ru.ru_maxrss
    if TIME_V:
        with open(rssfile) as f:
            m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", f.read())
        rss = int(m.group(1)) if m else rss
    return p.returncode, rss, err


def run_mode(a, fake, paths, work, name, jobs, per_file=0):
    """Runs translate over paths; per_file=0: one process for all, else one process per file
    with per_file processes at a time. Returns a dict of figures."""
    outdir = os.path.join(work, "out-" + re.sub(r"\W+", "-", name))
    os.makedirs(outdir)
    url = fake.base + "/libretranslate"
    base = [a.tarjim, "translate", "-q", "-j", str(jobs), "-p", "libretranslate", "-u", url,
            "-o", outdir]
    groups = [paths] if not per_file else [[p] for p in paths]
    rssfile = os.path.join(work, "rss")
    fake.reset()
    peak, bad, running, queue = 0, [], [], list(groups)
    t0 = time.monotonic()
    while queue or running:
        while queue and len(running) < max(1, per_file):
            files = queue.pop(0)
            rf = f"{rssfile}-{len(queue)}"
            running.append((spawn(base + files, rf), rf, files))
        p, rf, files = running.pop(0)
        rc, rss, err = reap(p, rf)
        peak = max(peak, rss)
        if rc != 0:
            bad.append(f"exit {rc} on {len(files)} file(s): {err.strip()[:300]}")
    wall = time.monotonic() - t0
    st = fake.stats()
    written = len([n for n in os.listdir(outdir) if n.endswith(".en.txt")])
    if written != len(paths):
        bad.append(f"{written} outputs for {len(paths)} inputs")
    return {"name": name, "wall": wall, "rss": peak, "requests": st["requests"],
            "segments": st["segments"], "chars": st["characters"],
            "in_flight": st["max_in_flight"], "status": st["status"], "bad": bad,
            "procs": len(groups)}


def main():
    a = parse_args()
    for exe in (a.tarjim, a.fake):
        if not os.access(exe, os.X_OK):
            sys.exit(f"bench_remote: {exe} is not an executable (use -t TARJIM -f FAKE)")
    work = tempfile.mkdtemp(prefix="bench_remote.")
    fake = None
    try:
        adir = a.keep or os.path.join(work, "articles")
        os.makedirs(adir, exist_ok=True)
        paths = make_articles(a.examples, a.articles, a.seed, adir)
        size = sum(os.path.getsize(p) for p in paths)
        total, arabic, distinct, per_file, chars = count_segments(a.tarjim, paths)
        print(f"articles: {len(paths)} ({size / 1e3:.0f} kB, seed {a.seed}) from {a.examples}")
        print(f"segments: {total}, with Arabic {arabic}, distinct {distinct} over all files "
              f"({per_file} distinct within each file, summed), {chars} characters")
        bound = distinct * a.latency / 1000
        print(f"sequential bound: {distinct} distinct segments x {a.latency} ms = {bound:.1f} s")
        print(f"peak RSS from: {'/usr/bin/time -v' if TIME_V else 'wait4() (no /usr/bin/time)'}")
        print()

        fake = Fake(a.fake, a.latency)
        modes = [(f"-j {a.jobs}", a.jobs, 0), ("-j 1", 1, 0)]
        if not a.quick:
            modes += [(f"per file, serial, -j {a.jobs}", a.jobs, 1),
                      (f"per file, {a.jobs} at once", a.jobs, a.jobs)]
        rows = [run_mode(a, fake, paths, work, n, j, pf) for n, j, pf in modes]

        print(f"{'run':28} {'wall s':>8} {'requests':>8} {'segments':>8} {'chars':>8} "
              f"{'in flight':>9} {'peak RSS':>10} {'bound/wall':>10}")
        for r in rows:
            print(f"{r['name']:28} {r['wall']:8.2f} {r['requests']:8d} {r['segments']:8d} "
                  f"{r['chars']:8d} {r['in_flight']:9d} {r['rss'] / 1024:6.1f} MiB "
                  f"{bound / r['wall']:9.1f}x")
        failed = [f"{r['name']}: {b}" for r in rows for b in r["bad"]]
        for f in failed:
            print("FAILED " + f)

        r, one = rows[0], rows[1]
        ratio = bound / r["wall"]
        print()
        print(f"tarjim translate {r['name']}, one process, {len(paths)} files:")
        print(f"  requests made {r['requests']} ({r['requests'] / len(paths):.2f} per file), "
              f"characters sent {r['chars']}, segments sent {r['segments']}")
        print(f"  (characters sent count the pins' markup and English: the distinct segments "
              f"hold {chars})")
        print(f"  wall {r['wall']:.2f} s against the sequential bound {bound:.1f} s: "
              f"{ratio:.1f}x (issue 7 asks >= 20x): {'met' if ratio >= 20 else 'NOT met'}")
        print(f"  peak RSS {r['rss'] / 1024:.1f} MiB (issue 7 asks <= 64 MiB): "
              f"{'met' if r['rss'] <= 64 * 1024 else 'NOT met'}")
        print(f"  against -j 1 in this run: {one['wall'] / r['wall']:.2f}x faster; most requests "
              f"in flight at once: {r['in_flight']} (-j {a.jobs}), {one['in_flight']} (-j 1)")
        floor = -(-r["requests"] // a.jobs) * a.latency / 1000
        print(f"  latency floor of these {r['requests']} requests: one after another "
              f"{r['requests'] * a.latency / 1000:.1f} s; {a.jobs} in flight across files "
              f"{floor:.1f} s ({bound / floor:.0f}x)")
        return 1 if failed else 0
    finally:
        if fake:
            fake.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
