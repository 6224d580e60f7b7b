#!/usr/bin/env python3
"""The web server under load (issue 10, item 7), against baselines measured in the same run.

1. Served from the memory: `tarjim serve` with a fresh SQLite memory in which one sentence is
   approved (POST /api/tm); `POST /api/translate` of that one-sentence article (every answer
   checked to come from the memory first) is loaded by wrk with C connections for D seconds;
   the baseline is `GET /healthz` loaded the same way, the server's floor. Figures: requests/s,
   p50 and p99 latency, answers other than 200, and the ratio translate / healthz.
2. Editors waiting on a slow engine: the server translates through the loopback provider fake
   (tests/fake/) answering each request after L ms (default 500); E editors (default 50) each
   send one-sentence articles of their own (never in the memory) one after another for D
   seconds, while one more client asks `GET /healthz` every 20 ms. Figures: the editors'
   translations answered 200 and refused (503 busy), their p50/p99, and `/healthz` p50/p99
   under that load against the same client's figures on the idle server (measured first).

Not a test: it prints figures, and exits 1 only when something fails to start or an answer
is wrong. wrk is Debian's `wrk` package.

usage: bench_server.py [-t TARJIM] [-f FAKE_PROVIDER] [-c CONNECTIONS] [-d SECONDS]
                       [-e EDITORS] [-l LATENCY_MS] [--max-jobs N]"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

SENTENCE = "قال الرئيس الروسي فلاديمير بوتين إن قمة بريكس في قازان ناجحة."
APPROVED = "Russian President Vladimir Putin said the BRICS summit in Kazan was a success."

# wrk's script: the POST, and a JSON line of figures at the end.
WRK_LUA = r"""
local body = os.getenv("BENCH_BODY")
if body then
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.body = body
end
done = function(summary, latency, requests)
  local non200 = (summary.errors.status or 0)
  io.write(string.format(
    '{"requests": %d, "seconds": %f, "p50_us": %d, "p99_us": %d, "non2xx": %d, ' ..
    '"socket_errors": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(99),
    non200, summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout))
end
"""


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-t", "--tarjim", default="build/src/cli/tarjim")
    ap.add_argument("-f", "--fake", default="build/tests/fake_provider")
    ap.add_argument("-c", "--connections", type=int, default=8)
    ap.add_argument("-d", "--duration", type=int, default=10, help="seconds per load")
    ap.add_argument("-e", "--editors", type=int, default=50)
    ap.add_argument("-l", "--latency", type=int, default=500, help="ms per engine request")
    ap.add_argument("--max-jobs", type=int, help="serve --max-jobs (default: the server's)")
    return ap.parse_args()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(base, proc):
    for _ in range(200):
        if proc.poll() is not None:
            sys.exit(f"tarjim serve exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    sys.exit("tarjim serve did not start")


def post(base, path, obj, timeout=60):
    req = urllib.request.Request(base + path, data=json.dumps(obj).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, None


def serve(args, scratch, extra):
    port = free_port()
    env = dict(os.environ, XDG_DATA_HOME=scratch, XDG_CONFIG_HOME=scratch,
               XDG_CACHE_HOME=scratch)
    env.pop("TARJIM_TM", None)
    cmd = [args.tarjim, "serve", "--listen", f"127.0.0.1:{port}", *extra]
    if args.max_jobs:
        cmd += ["--max-jobs", str(args.max_jobs)]
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    wait_up(base, proc)
    return proc, base


def stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def wrk(args, url, body, lua):
    env = dict(os.environ)
    if body is not None:
        env["BENCH_BODY"] = body
    r = subprocess.run(["wrk", "-t2", f"-c{args.connections}", f"-d{args.duration}s", "-s", lua,
                        url], capture_output=True, text=True, env=env)
    line = [x for x in r.stdout.splitlines() if x.startswith("{")]
    if r.returncode != 0 or not line:
        sys.exit(f"wrk failed: {r.stderr.strip() or r.stdout.strip()}")
    f = json.loads(line[-1])
    f["rps"] = (f["requests"] - f["non2xx"]) / f["seconds"]  # answered 200
    return f


def show(name, f):
    print(f"  {name:<34} {f['rps']:>9,.0f} answered 200/s   p50 {f['p50_us'] / 1000:6.2f} ms   "
          f"p99 {f['p99_us'] / 1000:6.2f} ms   not 200: {f['non2xx']:,}   "
          f"socket errors: {f['socket_errors']}")


def from_memory(args, scratch):
    print(f"1. one-sentence article served from the memory (wrk, {args.connections} "
          f"connections, {args.duration} s each)")
    proc, base = serve(args, scratch, ["--tm", os.path.join(scratch, "tm.sqlite3")])
    try:
        st, _ = post(base, "/api/tm", {"source": SENTENCE, "target": APPROVED})
        st2, doc = post(base, "/api/translate", {"text": SENTENCE})
        seg = doc["blocks"][0]["segments"][0] if doc else {}
        if st not in (200, 201) or st2 != 200 or seg.get("origin") != "tm" or seg.get("target") != APPROVED:
            sys.exit(f"the approved sentence does not come from the memory ({st}, {st2}, {seg})")
        lua = os.path.join(scratch, "bench.lua")
        with open(lua, "w") as fh:
            fh.write(WRK_LUA)
        health = wrk(args, base + "/healthz", None, lua)
        tr = wrk(args, base + "/api/translate", json.dumps({"text": SENTENCE}), lua)
        show("GET /healthz (baseline)", health)
        show("POST /api/translate (memory)", tr)
        print(f"  translate / healthz: {tr['rps'] / health['rps']:.2f}x the requests/s")
        return tr["non2xx"] == 0 and tr["socket_errors"] == 0
    finally:
        stop(proc)


def pct(values, p):
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


def probe_health(base, until, out):
    while time.monotonic() < until:
        t = time.monotonic()
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=10) as r:
                r.read()
            out.append((time.monotonic() - t) * 1000)
        except OSError:
            out.append(float("inf"))
        time.sleep(0.02)


def editors(args, scratch):
    print(f"2. {args.editors} editors translating through an engine that answers after "
          f"{args.latency} ms ({args.duration} s)")
    fake = subprocess.Popen([args.fake, "--port", "0", "--exit-with-parent", "--latency",
                             str(args.latency)], stdout=subprocess.PIPE, text=True)
    line = fake.stdout.readline().split()
    if not line or line[0] != "port":
        sys.exit("the provider fake did not start")
    url = f"http://127.0.0.1:{line[1]}/libretranslate"
    proc, base = serve(args, scratch, ["--no-tm", "-p", "libretranslate", "-u", url])
    try:
        idle = []
        probe_health(base, time.monotonic() + 3, idle)
        results = []  # (status, ms)
        lock = threading.Lock()
        until = time.monotonic() + args.duration

        def editor(k):
            n = 0
            while time.monotonic() < until:
                n += 1
                text = f"{SENTENCE[:-1]} في اليوم {k * 1000 + n}."
                t = time.monotonic()
                st, doc = post(base, "/api/translate", {"text": text}, timeout=120)
                ms = (time.monotonic() - t) * 1000
                ok = st == 200 and doc and doc["blocks"][0]["segments"][0]["origin"] == "provider"
                with lock:
                    results.append((st if ok or st != 200 else -1, ms))
                if st == 503:
                    time.sleep(0.5)

        threads = [threading.Thread(target=editor, args=(k,)) for k in range(args.editors)]
        for t in threads:
            t.start()
        loaded = []
        time.sleep(0.5)
        probe_health(base, until, loaded)
        for t in threads:
            t.join()
        done = [ms for st, ms in results if st == 200]
        busy = sum(1 for st, _ in results if st == 503)
        wrong = sum(1 for st, _ in results if st not in (200, 503))
        print(f"  translations answered 200: {len(done):,} ({len(done) / args.duration:.1f}/s), "
              f"refused busy (503): {busy:,}, other: {wrong}")
        print(f"  their latency: p50 {pct(done, 50):.0f} ms, p99 {pct(done, 99):.0f} ms "
              f"(the engine alone: {args.latency} ms)")
        print(f"  GET /healthz idle:        p50 {pct(idle, 50):6.2f} ms   p99 {pct(idle, 99):6.2f} ms"
              f"   ({len(idle)} probes)")
        print(f"  GET /healthz under load:  p50 {pct(loaded, 50):6.2f} ms   "
              f"p99 {pct(loaded, 99):6.2f} ms   ({len(loaded)} probes)")
        return wrong == 0
    finally:
        stop(proc)
        fake.terminate()
        fake.wait()


def main():
    args = parse_args()
    if not shutil.which("wrk"):
        sys.exit("bench_server needs wrk (Debian package wrk)")
    scratch = tempfile.mkdtemp(prefix="bench-server-")
    try:
        ok = from_memory(args, scratch)
        ok = editors(args, scratch) and ok
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
