#!/usr/bin/env python3
"""A streamed translation (POST /api/translate, Accept: application/x-ndjson) to a client that
reads slowly: the server holds at most 1 MiB of the answer unsent, so the job waits for the
client instead of piling the whole answer up in memory, and the client still gets every line.

An article of about 900 KB (the examples, repeated) gives some 6 MB of events through the
offline engine. The client's receive buffer is kept small and it reads nothing for 4 s. With
`--max-jobs 1` the waiting job is the server's only one, so another translation meanwhile is
refused busy (503): the job did not finish into memory. Then the client reads everything: the
end event, and one segment event for every segment the start event announced.

usage: test_stream_slow.py TARJIM SOURCE_DIR"""
import glob
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import check  # noqa: E402

tarjim, source = sys.argv[1:3]
tmp = tempfile.mkdtemp(prefix="tarjim-slow-")
env = {k: v for k, v in os.environ.items() if k not in ("TARJIM_PROVIDER", "TARJIM_TOKEN")}
env.update(XDG_CONFIG_HOME=tmp, XDG_DATA_HOME=tmp, XDG_CACHE_HOME=tmp, TARJIM_DATA_DIR=source)

articles = [open(p, encoding="utf-8").read()
            for p in sorted(glob.glob(os.path.join(source, "examples", "*.ar.txt")))]
text = ""
while len(text.encode()) < 900_000:
    text += articles[len(text) % len(articles)] + "\n\n"
body = json.dumps({"text": text}, ensure_ascii=False).encode()

log = open(os.path.join(tmp, "serve.log"), "w+")
proc = subprocess.Popen([tarjim, "serve", "--listen", "127.0.0.1:0", "--no-tm", "--max-jobs", "1"],
                        stderr=log, env=env)
port = None
for _ in range(200):
    time.sleep(0.05)
    log.seek(0)
    m = re.search(r"serving on http://[\d.]+:(\d+)/", log.read())
    if m:
        port = int(m.group(1))
        break
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

try:
    check(port is not None, "tarjim serve started")
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", port))
    s.sendall(b"POST /api/translate HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
              b"Content-Type: application/json\r\nAccept: application/x-ndjson\r\n"
              b"Content-Length: %d\r\nConnection: close\r\n\r\n" % (port, len(body)) + body)
    time.sleep(4)  # reading nothing

    req = urllib.request.Request(f"http://127.0.0.1:{port}/api/translate",
                                 data=json.dumps({"text": "قال بوتين"}).encode(),
                                 headers={"Content-Type": "application/json"})
    try:
        with opener.open(req, timeout=10) as r:
            second = r.status
    except urllib.error.HTTPError as e:
        second = e.code
    check(second == 503, f"while the slow client reads nothing its job waits: another "
          f"translation is refused busy ({second})")

    # Now read it all (chunked transfer coding), and count the events.
    s.settimeout(60)
    raw = bytearray()
    while True:
        b = s.recv(1 << 20)
        if not b:
            break
        raw += b
    head, _, rest = bytes(raw).partition(b"\r\n\r\n")
    check(head.startswith(b"HTTP/1.1 200") and b"chunked" in head.lower(),
          f"a 200 answer in chunks ({head[:40]!r})")
    payload = bytearray()
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        n = int(size_line.split(b";")[0], 16)
        if n == 0:
            break
        payload += rest[:n]
        rest = rest[n + 2:]
    events = [json.loads(line) for line in payload.decode().splitlines() if line.strip()]
    kinds = [e.get("event") for e in events]
    start = events[0] if events else {}
    announced = start.get("segments", -1)
    got = kinds.count("segment")
    check(len(payload) > 2 * (1 << 20),
          f"the answer is several times the 1 MiB held back ({len(payload):,} bytes)")
    check(kinds[:1] == ["start"] and kinds[-1:] == ["end"],
          f"start first, end last ({kinds[:1]}, {kinds[-1:]})")
    check(announced > 1000 and got == announced,
          f"every segment announced came ({got} of {announced})")
finally:
    proc.terminate()
    proc.wait(timeout=15)

harness.finish()
