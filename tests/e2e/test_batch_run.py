#!/usr/bin/env python3
"""A batch run as a desk watches it, against the loopback fake (MyMemory: one segment per
request, so requests count segments): on a terminal a live progress line is redrawn in place at
most ten times a second; without one, or with -q, there is none; a summary line closes every run
with the counts the fake saw; a first Ctrl+C stops sending, waits for the requests in flight and
writes every output (what was not translated kept in Arabic, marked interrupted), exit 75, and a
run started again sends only the rest; a second Ctrl+C abandons the requests in flight at once;
--report writes a JSON report that agrees with the outputs.

usage: test_batch_run.py TARJIM FAKE_PROVIDER"""
import collections
import fcntl
import json
import os
import re
import select
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import check  # noqa: E402

tarjim, fake = sys.argv[1:3]
# A home of our own: no configuration, memory or cache of the user's answers for the fake.
home = tempfile.TemporaryDirectory(prefix="tarjim-batch-")
tmp = home.name
env = {k: v for k, v in os.environ.items()
       if k not in ("TARJIM_PROVIDER", "MYMEMORY_EMAIL", "MYMEMORY_KEY", "TARJIM_TM")}
for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
    env[var] = os.path.join(tmp, var.lower())
JOBS = 2


fakep, _, base = harness.start_fake(fake)


def reset(faults="none"):
    harness.control(base, "/_reset", "")
    harness.control(base, "/_faults", faults)


conf = os.path.join(tmp, "config")
with open(conf, "w") as f:
    f.write("[mymemory]\nrequests_per_second = 1000\n")  # the fake needs no pacing

# Five articles of ten distinct one-sentence lines.
NFILES, NLINES = 5, 10
TOTAL = NFILES * NLINES
inputs = []
for i in range(NFILES):
    path = os.path.join(tmp, f"a{i}.ar.txt")
    with open(path, "w", encoding="utf-8") as f:
        for k in range(NLINES):
            f.write(f"قال المتحدث إن الاجتماع رقم {i}{k} انتهى بعد ساعات من النقاش.\n")
    inputs.append(path)


def translate(out, *args, tm="tm.sqlite3", files=None):
    return [tarjim, "translate", "--config", conf, "-p", "mymemory", "-u", base + "/mymemory",
            "-j", str(JOBS), "-f", "json", "--tm", os.path.join(tmp, tm), "-o",
            os.path.join(tmp, out), *args, *(files or inputs)]


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)


def outputs(out):
    """The segments of each output file, or None for a file missing or not JSON."""
    docs = []
    for i in range(NFILES):
        try:
            with open(os.path.join(tmp, out, f"a{i}.en.json"), encoding="utf-8") as f:
                docs.append([s for b in json.load(f)["blocks"] for s in b["segments"]])
        except (OSError, ValueError):
            docs.append(None)
    return docs


SUMMARY = re.compile(r"tarjim: (\d+) segments in (\d+) files, (\d+) requests"
                     r"(?: \(mymemory: (\d+) requests, ([\d,]+) chars\))?, (\d+) from memory, "
                     r"(\d+) failed, ([\d.]+) s( \(interrupted\))?\n")


def load_report(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return {"files": [], "totals": {}, "providers": {}}


def summary(err):
    m = SUMMARY.search(err)
    if not m:
        return None
    g = m.groups()
    return {"segments": int(g[0]), "files": int(g[1]), "requests": int(g[2]),
            "chars": int((g[4] or "0").replace(",", "")), "tm_hits": int(g[5]),
            "failed": int(g[6]), "seconds": float(g[7]), "interrupted": bool(g[8])}


# (a) On a terminal: the live line, redrawn in place, at most ten times a second.
reset("latency=100")
master, slave = os.openpty()
fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 200, 0, 0))
with open(os.path.join(tmp, "a.stdout"), "wb") as sink:
    t0 = time.monotonic()
    p = subprocess.Popen(translate("out-a", tm="a.sqlite3"), stdin=subprocess.DEVNULL,
                         stdout=sink, stderr=slave, env=env)
os.close(slave)
raw = b""
while True:
    ready, _, _ = select.select([master], [], [], 60)
    if not ready:
        break
    try:
        chunk = os.read(master, 65536)
    except OSError:  # EIO: the terminal's last writer has gone
        break
    if not chunk:
        break
    raw += chunk
p.wait(timeout=60)
elapsed = time.monotonic() - t0
os.close(master)
err = raw.decode("utf-8", "replace").replace("\r\n", "\n")
draws = re.findall(r"\rtarjim: (\d+)/(\d+) files, (\d+)/~?(\d+) segments, (\d+) requests?, "
                   r"([\d,]+) chars sent, (\d+) from memory, (\d+) failed[^\r\n\x1b]*\x1b\[K", err)
sent = harness.stats(base)["requests"]
print(f"terminal: {len(draws)} draws in {elapsed:.2f} s, {sent} requests")
check(p.returncode == 0, f"terminal run: exit 0 ({p.returncode}: {err[-300:]!r})")
check(len(draws) >= 5, f"the progress line is drawn and redrawn with \\r ({len(draws)} draws)")
check(len(draws) <= 10 * elapsed + 2,
      f"at most ten redraws a second ({len(draws)} in {elapsed:.2f} s)")
plausible = all(int(fd) <= int(ft) == NFILES and int(sd) <= int(st) and int(st) <= TOTAL
                and int(rq) <= sent and int(fl) == 0 and int(tm) == 0
                for fd, ft, sd, st, rq, ch, tm, fl in draws)
check(plausible, f"the counts are plausible: files and segments within their totals "
      f"({draws[:1]} ... {draws[-1:]})")
check(draws and any(int(d[2]) > 0 for d in draws) and int(draws[-1][2]) >= int(draws[0][2])
      and any(d[3] == str(TOTAL) for d in draws),
      "segments done rise, and the total is the run's once every input is read")
check(any("ETA" in line and "segments/s" in line for line in err.split("\r")),
      "the line shows the rate and an ETA")
s = summary(err)
check(s is not None and s["segments"] == TOTAL and s["requests"] == sent,
      f"a summary closes the terminal run ({s})")
last_draw = err.rfind("\rtarjim: ")
check(err.find("\r\x1b[K", last_draw) != -1 and err.rfind("\r\x1b[K") < err.find("tarjim: 50 "),
      "the line is erased before the summary")

# (b) No terminal, then -q on a terminal: no line; the summary has the fake's counts.
reset("fail-rate=0.5,fail-with=echo,seed=5")
r = run(translate("out-b", tm="b.sqlite3"))
st = harness.stats(base)
docs = outputs("out-b")
failed = sum(s["origin"] == "failed" for d in docs if d for s in d)
s = summary(r.stderr)
print(f"no terminal: {st['requests']} requests, {failed} failed; {s}")
check("\r" not in r.stderr and "\x1b" not in r.stderr, "no progress line when stderr is a pipe")
check(s is not None and s["segments"] == TOTAL and s["files"] == NFILES
      and s["requests"] == st["requests"] and s["chars"] == st["characters"],
      f"the summary counts the segments, files, requests and characters the fake saw "
      f"({s}, fake {st['requests']} requests, {st['characters']} characters)")
check(s is not None and failed > 0 and s["failed"] == failed and r.returncode == 75,
      f"the summary counts the failures of the outputs ({failed}), exit 75 ({r.returncode})")
reset()
master, slave = os.openpty()
p = subprocess.Popen(translate("out-q", "-q", tm="q.sqlite3"), stdin=subprocess.DEVNULL,
                     stdout=subprocess.DEVNULL, stderr=slave, env=env)
os.close(slave)
raw = b""
while True:
    try:
        chunk = os.read(master, 65536)
    except OSError:
        break
    if not chunk:
        break
    raw += chunk
p.wait(timeout=60)
os.close(master)
err = raw.decode("utf-8", "replace")
s = summary(err.replace("\r\n", "\n"))
check(p.returncode == 0 and "\x1b" not in err and f"/{NFILES} files" not in err,
      f"-q on a terminal: no progress line ({err[:200]!r})")
check(s is not None and s["requests"] == harness.stats(base)["requests"] == TOTAL,
      f"-q: the summary is still written ({s})")

# (c) Ctrl+C once the first answers have come: exit 75, every output written, the rest marked.
reset("latency=300")
cmd = translate("out-c", "--report", os.path.join(tmp, "c.json"), tm="c.sqlite3")
p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
deadline = time.monotonic() + 60
while (time.monotonic() < deadline and harness.stats(base)["billed_segments"] < 4
       and p.poll() is None):
    time.sleep(0.02)
p.send_signal(signal.SIGINT)
t0 = time.monotonic()
_, err = p.communicate(timeout=60)
took = time.monotonic() - t0
first_requests = harness.stats(base)["requests"]
docs = outputs("out-c")
segs = [s for d in docs if d for s in d]
done = [s for s in segs if s["origin"] == "provider"]
stopped = [s for s in segs if s["origin"] == "failed"]
print(f"interrupted run: {first_requests} requests, {len(done)} translated, "
      f"{len(stopped)} interrupted, exit {p.returncode} {took:.2f} s after Ctrl+C")
check(p.returncode == 75, f"Ctrl+C: exit 75 (got {p.returncode}: {err.strip()[-300:]})")
check(took < 3, f"Ctrl+C: it ends once the requests in flight are in ({took:.2f} s)")
check(first_requests < TOTAL, f"fewer requests than a whole run ({first_requests} < {TOTAL})")
check(all(d is not None for d in docs) and len(segs) == TOTAL,
      f"every output file is written and parses ({[d is not None for d in docs]}, "
      f"{len(segs)} segments)")
out_c = os.path.join(tmp, "out-c")
check(os.path.isdir(out_c) and not [n for n in os.listdir(out_c) if n.endswith(".part")],
      "no temporary file is left")
check(len(done) >= 4 and len(done) + len(stopped) == TOTAL
      and all(s["target"] == s["source"] and any(q["code"] == "interrupted" for q in s["qa"])
              for s in stopped),
      "what was not translated keeps its Arabic and is marked failed, interrupted")
s = summary(err)
check(s is not None and s["interrupted"] and s["failed"] == len(stopped)
      and s["requests"] == first_requests,
      f"the summary is printed and says interrupted ({s})")
check("Ctrl+C again" in err, "Ctrl+C is acknowledged on stderr")
rep = load_report(os.path.join(tmp, "c.json"))
check(rep.get("interrupted") is True and rep.get("exit") == 75
      and sum(x["qa"].get("interrupted", 0) for x in rep["files"]) == len(stopped),
      f"the report says interrupted, exit 75, {len(stopped)} interrupted segments")

# ... and the run started again sends only what the memory does not hold.
reset()
r = run(translate("out-c2", tm="c.sqlite3"))
resent = harness.stats(base)["requests"]
docs2 = outputs("out-c2")
print(f"rerun: {resent} requests")
check(r.returncode == 0 and resent == len(stopped),
      f"rerun: only the {len(stopped)} interrupted segments are sent ({resent}, exit "
      f"{r.returncode})")
check(all(d is not None for d in docs2)
      and sum(s["origin"] == "tm" for d in docs2 for s in d) == len(done),
      f"rerun: the {len(done)} answered before Ctrl+C come from the memory")

# (d) A second Ctrl+C while the fake holds the requests: exit 75 at once.
reset("latency=8000")
p = subprocess.Popen(translate("out-d", tm="d.sqlite3"), stdout=subprocess.DEVNULL,
                     stderr=subprocess.PIPE, text=True, env=env)
deadline = time.monotonic() + 30
while time.monotonic() < deadline and harness.stats(base)["in_flight"] < JOBS and p.poll() is None:
    time.sleep(0.02)
p.send_signal(signal.SIGINT)
time.sleep(0.5)
still = p.poll() is None
p.send_signal(signal.SIGINT)
t0 = time.monotonic()
_, err = p.communicate(timeout=30)
took = time.monotonic() - t0
docs = outputs("out-d")
print(f"second Ctrl+C: exit {p.returncode} {took:.2f} s after it")
check(still, "after the first Ctrl+C it waits for the requests in flight")
check(p.returncode == 75 and took < 1,
      f"second Ctrl+C: exit 75 within a second ({p.returncode} after {took:.2f} s)")
check(all(d is not None and all(s["origin"] == "failed"
                                and any(q["code"] == "interrupted" for q in s["qa"]) for s in d)
          for d in docs),
      "every output is written, its segments marked interrupted")
s = summary(err)
check(s is not None and s["interrupted"] and s["failed"] == TOTAL,
      f"second Ctrl+C: the summary ({s})")

# (e) --report agrees with the outputs: segments, failures, memory hits, QA codes by code.
reset("fail-rate=0.5,fail-with=echo,seed=9")
report = os.path.join(tmp, "e.json")
run(translate("out-e0", tm="e.sqlite3", files=inputs[:2]))  # two articles in the memory
reset("fail-rate=0.5,fail-with=echo,seed=9")
r = run(translate("out-e", "--report", report, tm="e.sqlite3"))
st = harness.stats(base)
rep = load_report(report)
docs = outputs("out-e")
ok = len(rep["files"]) == NFILES
for i, entry in enumerate(rep["files"]):
    d = docs[i] or []
    qa = collections.Counter(q["code"] for s in d for q in s["qa"])
    want = {"input": inputs[i], "output": os.path.join(tmp, "out-e", f"a{i}.en.json"),
            "segments": len(d), "failed": sum(s["origin"] == "failed" for s in d),
            "tm_hits": sum(s["origin"] == "tm" for s in d), "qa": dict(qa)}
    got = {k: entry.get(k) for k in want}
    if got != want:
        ok = False
        print(f"report entry {i}: {got}\n  outputs say {want}")
check(ok, "the report's entry for each input matches its output (segments, failed, tm_hits, qa)")
tot = rep["totals"]
all_segs = [s for d in docs if d for s in d]
engine = rep["providers"].get("mymemory", {})
check(tot.get("segments") == TOTAL and tot.get("files") == NFILES
      and tot.get("failed") == sum(s["origin"] == "failed" for s in all_segs)
      and tot.get("tm_hits") == sum(s["origin"] == "tm" for s in all_segs) > 0
      and tot.get("requests") == st["requests"] == engine.get("requests")
      and engine.get("chars") == st["characters"] == tot.get("chars_sent"),
      f"the report's totals and provider counts match the outputs and the fake ({tot}, "
      f"{rep['providers']}, fake {st['requests']} requests)")
check(rep.get("exit") == r.returncode and rep.get("interrupted") is False
      and isinstance(rep.get("seconds"), (int, float)),
      f"the report has the exit status ({rep.get('exit')} vs {r.returncode}) and the seconds")
check(not os.path.exists(report + ".part"), "the report is written whole (no temporary left)")
reset()

fakep.terminate()
fakep.wait()
harness.finish()
