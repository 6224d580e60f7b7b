"""What every e2e script shares: checks that print "ok: WHAT" or "FAILED: WHAT" and are counted,
finish() that ends the script by the count (exit 1 when any failed), and the loopback fake
provider (tests/fake/fake_provider, tests/fake/README.md) started on a free port and driven
through its control routes (/_faults, /_reset, /_stats).

A script imports it from its own folder:
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import harness  # noqa: E402"""
import json
import re
import subprocess
import sys
import urllib.error
import urllib.request

failures = []
passed = 0

# The fake listens on 127.0.0.1: never through an http_proxy of the environment.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def check(cond, what):
    """Print "ok: what" or "FAILED: what" (flushed: scripts with threads and children print
    too) and count the outcome for finish()."""
    global passed
    print(("ok: " if cond else "FAILED: ") + what, flush=True)
    if cond:
        passed += 1
    else:
        failures.append(what)


def finish():
    """End the script: "N check(s) failed" and exit 1 if any check failed, else "all N checks
    passed" and exit 0."""
    if failures:
        print(f"{len(failures)} check(s) failed", flush=True)
        sys.exit(1)
    print(f"all {passed} checks passed", flush=True)
    sys.exit(0)


def start_fake(fake, *args):
    """Start the fake provider at path fake with args on a free loopback port; it exits with
    this process. Returns (process, port, base URL)."""
    p = subprocess.Popen([fake, "--port", "0", "--exit-with-parent", *args],
                         stdout=subprocess.PIPE, text=True)
    line = p.stdout.readline().split()
    assert line and line[0] == "port", line
    port = int(line[1])
    return p, port, f"http://127.0.0.1:{port}"


def control(base, path, body=None):
    """GET, or POST body to, one of the fake's control routes at base; returns the answer's
    text (an HTTP error raises)."""
    data = body.encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data,
                                 method="POST" if data is not None else "GET")
    with _opener.open(req, timeout=10) as r:
        return r.read().decode()


def stats(base):
    """The fake's counters (GET /_stats): requests, characters, in_flight, max_in_flight..."""
    return json.loads(control(base, "/_stats"))


def serve_translate(tarjim, text, *args, env=None):
    """Start `tarjim serve` with args on a free loopback port (env: its environment, None: this
    one), post text to /api/translate, stop the server. Returns (status, JSON document or None
    when the answer is an error)."""
    srv = subprocess.Popen([tarjim, "serve", "--listen", "127.0.0.1:0", *args],
                           stderr=subprocess.PIPE, text=True, env=env)
    try:
        url = None
        for _ in range(50):
            m = re.search(r"serving on (http://\S+)", srv.stderr.readline())
            if m:
                url = m.group(1).rstrip("/")
                break
        assert url, "tarjim serve did not say where it listens"
        req = urllib.request.Request(url + "/api/translate",
                                     data=json.dumps({"text": text}).encode(),
                                     headers={"Content-Type": "application/json"})
        try:
            with _opener.open(req, timeout=60) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, None
    finally:
        srv.terminate()
        srv.wait(timeout=20)
