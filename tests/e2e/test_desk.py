#!/usr/bin/env python3
"""The editors' desk as a browser meets it, against `tarjim serve` and the loopback fake (MyMemory:
one segment per request, answers delayed by the fake):

- streaming: with Accept: application/x-ndjson the start event (every segment's source and pins)
  comes before the engine has answered anything, segment events come while requests are still
  being answered (the fake's count when the first arrives is below the total), in document order,
  each the segment of the JSON document, then end with the stats;
- cancel: a client that closes the connection after the first segment event leaves the fake with
  far fewer requests than a whole translation;
- the desk glossary: GET /api/glossary finds entries by Arabic (spelling variants, clitics) and by
  English; POST adds (201, the file rewritten whole, no temporary file left), an identical entry is
  200, another English is 409 unless replace, a bad row is 400 bad_entry, no --desk-glossary is 403;
  the next translation pins the new entry (pins and target);
- export: the edited document in each format, parsed back (XML with ElementTree): XLIFF state final
  for an approved segment and translated for an edited one, TMX, HTML, text, JSON and JSON Lines;
  a pin inside a character is 400 bad_document naming its path;
- safety: POSTs from another site are 403 cross_site (Sec-Fetch-Site, Origin), same origin passes;
  audit lines name the token's fingerprint, never the token;
- load: 50 translations at once through an engine answering in 500 ms are all answered 200 at the
  server's defaults while /healthz stays fast.

usage: test_desk.py TARJIM FAKE_PROVIDER SOURCE_DIR"""
import hashlib
import html.parser
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import check  # noqa: E402

tarjim, fake, source = sys.argv[1:4]
tmp = tempfile.mkdtemp(prefix="tarjim-desk-")
env = {k: v for k, v in os.environ.items()
       if k not in ("TARJIM_PROVIDER", "MYMEMORY_EMAIL", "MYMEMORY_KEY", "TARJIM_TM",
                    "TARJIM_TOKEN")}
env.update(XDG_CONFIG_HOME=tmp, XDG_DATA_HOME=tmp, XDG_CACHE_HOME=tmp,
           TARJIM_DATA_DIR=source)
conf = os.path.join(tmp, "config")
with open(conf, "w") as f:
    f.write("[mymemory]\nrequests_per_second = 1000\n")  # the fake needs no pacing

fakep, fake_port, fake_base = harness.start_fake(fake)


def fake_reset(latency_ms):
    harness.control(fake_base, "/_faults", f"latency={latency_ms}" if latency_ms else "none")
    harness.control(fake_base, "/_reset", "")


class Server:
    def __init__(self, *args, engine="mymemory", token=None, port=None):
        cmd = [tarjim, "serve", "--listen", "127.0.0.1:0", "--config", conf, "--no-tm"]
        if engine == "mymemory":
            cmd += ["-p", "mymemory", "-u", f"http://127.0.0.1:{port or fake_port}/mymemory"]
        else:
            cmd += ["-p", engine]
        if token:
            cmd += ["--token", token]
        self.log = open(os.path.join(tmp, f"serve-{time.monotonic_ns()}.log"), "w+")
        self.proc = subprocess.Popen(cmd + list(args), stderr=self.log, env=env)
        self.token = token
        for _ in range(100):
            time.sleep(0.05)
            self.log.seek(0)
            m = re.search(r"serving on http://([\d.]+):(\d+)/", self.log.read())
            if m:
                self.host, self.port = m.group(1), int(m.group(2))
                return
        self.proc.kill()
        raise RuntimeError("serve did not start")

    def request(self, method, path, body=None, headers=None, timeout=60):
        h = {"Content-Type": "application/json"} if body is not None else {}
        if self.token:
            h["Authorization"] = "Bearer " + self.token
        h.update(headers or {})
        c = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
        c.request(method, path, body=data, headers=h)
        r = c.getresponse()
        out = r.read()
        c.close()
        return r, out

    def json(self, method, path, body=None, headers=None):
        r, out = self.request(method, path, body, headers)
        try:
            return r.status, json.loads(out)
        except ValueError:
            return r.status, {"raw": out[:200]}

    def stderr(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)


def events(srv, text, until=None):
    """POSTs text for NDJSON; returns [(seconds, event, fake requests then)], stopping (and
    closing the connection) after the first event for which until(event) is true."""
    c = http.client.HTTPConnection(srv.host, srv.port, timeout=60)
    c.request("POST", "/api/translate", body=json.dumps({"text": text}).encode(),
              headers={"Content-Type": "application/json", "Accept": "application/x-ndjson"})
    t0 = time.monotonic()
    r = c.getresponse()
    got = [("status", r.status, r.getheader("Content-Type"))]
    while True:
        line = r.readline()
        if not line:
            break
        ev = json.loads(line)
        got.append((time.monotonic() - t0, ev, harness.stats(fake_base)["requests"]))
        if until and until(ev):
            break
    r.close()
    c.close()
    return got


def segments_of(doc):
    for b in doc["blocks"]:
        yield from b["segments"]


with open(os.path.join(source, "examples", "gaza-ceasefire.ar.txt"), encoding="utf-8") as f:
    article = f.read()

# 1. Streaming, against an engine that answers each request in 500 ms.
LATENCY = 500
srv = Server()
try:
    fake_reset(0)
    status, whole = srv.json("POST", "/api/translate", {"text": article})
    check(status == 200 and "blocks" in whole, f"without Accept: the JSON document ({status})")
    fake_reset(LATENCY)
    got = events(srv, article)
    head, evs = got[0], got[1:]
    check(head[1] == 200 and head[2].startswith("application/x-ndjson"),
          f"NDJSON answer: {head[1]} {head[2]}")
    kinds = [e["event"] for _, e, _ in evs]
    check(kinds and kinds[0] == "start" and kinds[-1] == "end"
          and all(k == "segment" for k in kinds[1:-1]), f"start, segments, end ({kinds[:3]}...)")
    start = evs[0][1] if evs else {}
    total = harness.stats(fake_base)["requests"]
    check(evs and evs[0][0] < LATENCY / 1000,
          f"start before any answer of the engine ({evs[0][0]:.3f} s)")
    nseg = sum(len(b["segments"]) for b in whole["blocks"])
    check(start.get("segments") == nseg and len(start.get("blocks", [])) == len(whole["blocks"]),
          f"start lists every segment ({start.get('segments')} of {nseg})")
    check([s["source"] for b in start.get("blocks", []) for s in b["segments"]]
          == [s["source"] for s in segments_of(whole)]
          and [s["pins"] for b in start.get("blocks", []) for s in b["segments"]]
          == [s["pins"] for s in segments_of(whole)], "start: the sources and pins of the document")
    segs = [(t, e, n) for t, e, n in evs if e["event"] == "segment"]
    first_t, _, first_n = segs[0]
    end_t = evs[-1][0]
    print(f"figures: start {evs[0][0]*1000:.0f} ms, first segment {first_t*1000:.0f} ms, "
          f"end {end_t*1000:.0f} ms, {total} requests ({first_n} answered or sent at the first "
          f"segment)")
    check(first_n < total and first_t + LATENCY / 1000 <= end_t + 0.05,
          f"progressive: first segment at {first_t:.2f} s with {first_n} of {total} requests sent, "
          f"end at {end_t:.2f} s")
    order = [(e["block"], e["index"]) for _, e, _ in segs]
    check(order == [(b, i) for b, bl in enumerate(whole["blocks"])
                    for i in range(len(bl["segments"]))], "segment events in document order")
    streamed = [e["segment"] for _, e, _ in segs]
    check(streamed == list(segments_of(whole)),
          "each segment event is the JSON document's segment (same targets, pins, qa)")
    end = evs[-1][1]
    check(end.get("stats", {}).get("segments") == nseg and end["stats"].get("failed") == 0
          and isinstance(end.get("qa"), list), f"end: stats and document findings ({end})")

    # 2. Cancel: the client leaves after the first segment.
    fake_reset(300)
    got = events(srv, article, until=lambda e: e["event"] == "segment")
    time.sleep(3)
    cancelled = harness.stats(fake_base)["requests"]
    print(f"figures: cancel after the first segment: {cancelled} requests, whole: {total}")
    check(cancelled < total / 2, f"cancel: {cancelled} requests sent, a whole run sends {total}")
    status, _ = srv.json("GET", "/healthz")
    check(status == 200, "the server goes on after a cancelled stream")

    fake_reset(0)
    r, out = srv.request("POST", "/api/translate", b"{bad", {"Accept": "application/x-ndjson"})
    check(r.status == 400 and json.loads(out)["error"]["code"] == "bad_json",
          "a bad body asked as NDJSON is still a JSON error")
finally:
    srv.stop()

# An engine that cannot be reached: failed segment events, then an error line instead of end.
srv = Server()
srv.stop()
srv = Server(port=srv.port)  # free again: nothing listens there
try:
    c = http.client.HTTPConnection(srv.host, srv.port, timeout=60)
    c.request("POST", "/api/translate", body=json.dumps({"text": "قال بوتين إن الكرملين يرحب."}),
              headers={"Content-Type": "application/json", "Accept": "application/x-ndjson"})
    r = c.getresponse()
    lines = [json.loads(line) for line in r.read().splitlines()]
    c.close()
    last = lines[-1] if lines else {}
    check(r.status == 200 and last.get("event") == "error"
          and last["error"].get("code") == "provider_unavailable"
          and any(e.get("event") == "segment" and e["segment"]["origin"] == "failed"
                  for e in lines), f"an unreachable engine: failed segments, then error ({last})")
finally:
    srv.stop()

# 3. The desk glossary, with the offline engine (pins written into its draft).
desk_dir = os.path.join(tmp, "desk")
os.mkdir(desk_dir)
desk = os.path.join(desk_dir, "desk.tsv")
srv = Server("--desk-glossary", desk, engine="offline")
try:
    check(os.path.exists(desk), "--desk-glossary makes the file when missing")
    q = urllib.parse.quote("بوتين")
    status, found = srv.json("GET", "/api/glossary?q=" + q)
    check(status == 200 and found["entries"] and found["entries"][0]["english"] == "Putin"
          and found["entries"][0]["file"] == "news-ar-en.tsv", f"GET by Arabic ({status})")
    status, found = srv.json("GET", "/api/glossary?q=" + urllib.parse.quote("وبوتين"))
    check(status == 200 and any(e["english"] == "Putin" for e in found["entries"]),
          "GET: a clitic before the name still finds it")
    status, found = srv.json("GET", "/api/glossary?q=" + urllib.parse.quote("أوكرانيا"))
    status2, found2 = srv.json("GET", "/api/glossary?q=" + urllib.parse.quote("اوكرانيا"))
    check(status == 200 and found["entries"] and found["entries"] == found2["entries"],
          "GET: hamza and bare alef spellings find the same entries")
    status, found = srv.json("GET", "/api/glossary?q=kremlin")
    check(status == 200 and found["entries"] and found["entries"][0]["english"] == "Kremlin",
          "GET by English, ignoring case, exact match first")
    status, found = srv.json("GET", "/api/glossary?q=a")
    check(status == 200 and 0 < len(found["entries"]) <= 50, "GET: at most 50 entries")
    status, found = srv.json("GET", "/api/glossary")
    check(status == 400, f"GET without q: 400 ({status})")

    entry = {"arabic": "كاراباخوف", "english": "Karabakhov", "type": "person"}
    status, doc = srv.json("POST", "/api/translate", {"text": "والتقى كاراباخوف الوفد."})
    seg = doc["blocks"][0]["segments"][0]
    check(status == 200 and not any(p["target"] == "Karabakhov" for p in seg["pins"]),
          "before the add: the name is not pinned")
    status, out = srv.json("POST", "/api/glossary", entry)
    check(status == 201 and out.get("entry", {}).get("english") == "Karabakhov"
          and out["entry"].get("file") == "desk.tsv", f"POST: 201 with the entry ({status} {out})")
    with open(desk, encoding="utf-8") as f:
        rows = [line for line in f.read().splitlines() if line and not line.startswith("#")]
    check(rows == ["كاراباخوف\tKarabakhov\tperson"], f"the desk file holds the row ({rows})")
    check(os.listdir(desk_dir) == ["desk.tsv"], f"no temporary file left ({os.listdir(desk_dir)})")
    status, doc = srv.json("POST", "/api/translate", {"text": "والتقى كاراباخوف الوفد."})
    seg = doc["blocks"][0]["segments"][0]
    pin = [p for p in seg["pins"] if p["target"] == "Karabakhov"]
    check(status == 200 and pin and seg["source"].encode()[pin[0]["start"]:pin[0]["end"]].decode()
          == "كاراباخوف" and "Karabakhov" in seg["target"],
          f"the next translation pins the new entry ({seg['target']})")
    status, found = srv.json("GET", "/api/glossary?q=karabakhov")
    check(status == 200 and found["entries"] and found["entries"][0]["file"] == "desk.tsv",
          "GET finds the desk's entry")
    status, out = srv.json("POST", "/api/glossary", entry)
    check(status == 200, f"the same entry again: 200, nothing written ({status})")
    status, out = srv.json("POST", "/api/glossary", dict(entry, english="Karabahov"))
    check(status == 409 and out["error"]["code"] == "conflict", f"another English: 409 ({status})")
    status, out = srv.json("POST", "/api/glossary",
                           dict(entry, english="Karabahov", replace=True))
    with open(desk, encoding="utf-8") as f:
        rows = [line for line in f.read().splitlines() if line and not line.startswith("#")]
    check(status == 201 and rows == ["كاراباخوف\tKarabahov\tperson"],
          f"replace: 201, the row replaced ({status} {rows})")
    bad = [({"arabic": "Putin", "english": "Putin"}, "Latin Arabic"),
           ({"arabic": "بوتين Putin", "english": "Putin"}, "Latin letters in the Arabic"),
           ({"arabic": "بوتين", "english": "بوتين"}, "Arabic English"),
           ({"arabic": "بوتين\tx", "english": "Putin"}, "a tab"),
           ({"arabic": "بوتين", "english": "Putin\nx"}, "a line break"),
           ({"arabic": "بوتين", "english": "Putin", "type": "city"}, "an unknown type"),
           ({"arabic": "ب" * 300, "english": "Putin"}, "too long"),
           ({"english": "Putin"}, "no Arabic")]
    for body, what in bad:
        status, out = srv.json("POST", "/api/glossary", body)
        check(status == 400 and out["error"]["code"] == "bad_entry",
              f"{what}: 400 bad_entry ({status} {out.get('error', {}).get('message')})")
    check("glossary add" in srv.stderr() and "Karabakhov" in srv.stderr(),
          "the add is in the audit log")
finally:
    srv.stop()

srv = Server(engine="offline")
try:
    status, out = srv.json("POST", "/api/glossary", {"arabic": "بوتين", "english": "Putin"})
    check(status == 403 and out["error"]["code"] == "no_desk_glossary",
          f"no --desk-glossary: 403 ({status})")

    # 4. Export of an edited document.
    status, doc = srv.json("POST", "/api/translate", {"text": article})
    segs = list(segments_of(doc))
    segs[0]["target"] = "Edited headline & <b>not markup</b>"
    segs[0]["approved"] = True
    segs[1]["target"] = "An edited second sentence."
    expected = {"text": ("text/plain", "txt"), "json": ("application/json", "json"),
                "jsonl": ("application/x-ndjson", "jsonl"), "html": ("text/html", "html"),
                "xliff": ("application/xliff+xml", "xlf"), "tmx": ("application/x-tmx+xml", "tmx")}
    got = {}
    for fmt, (ctype, ext) in expected.items():
        r, out = srv.request("POST", "/api/export?format=" + fmt, doc)
        got[fmt] = out.decode()
        check(r.status == 200 and r.getheader("Content-Type", "").startswith(ctype)
              and r.getheader("Content-Disposition") == f'attachment; filename="article.en.{ext}"',
              f"export {fmt}: {r.status} {r.getheader('Content-Type')} "
              f"{r.getheader('Content-Disposition')}")
    lines = got["text"].split("\n")
    check(lines[0] == segs[0]["target"] and segs[1]["target"] in got["text"],
          "text: the edited English, in the article's layout")
    back = json.loads(got["json"])
    check(list(segments_of(back)) == segs, "json: the same document back (edits and approval)")
    jl = [json.loads(line) for line in got["jsonl"].splitlines()]
    check(len(jl) == len(segs) and jl[0]["target"] == segs[0]["target"], "jsonl: a line a segment")
    ns = {"x": "urn:oasis:names:tc:xliff:document:2.0"}
    root = ET.fromstring(got["xliff"].encode())
    units = root.findall(".//x:segment", ns)
    tgt0 = "".join(units[0].find("x:target", ns).itertext())
    check(len(units) == len(segs) and units[0].get("state") == "final"
          and tgt0 == segs[0]["target"] and units[1].get("state") == "translated"
          and "".join(units[1].find("x:target", ns).itertext()) == segs[1]["target"],
          f"xliff: approved final, edited translated ({units[0].get('state')}, "
          f"{units[1].get('state')})")
    root = ET.fromstring(got["tmx"].encode())
    tus = root.findall(".//tu")
    en = ["".join(t.find("tuv[@{http://www.w3.org/XML/1998/namespace}lang='en']/seg").itertext())
          for t in tus]
    check(segs[0]["target"] in en and segs[1]["target"] in en, "tmx: the edited English")

    class Text(html.parser.HTMLParser):
        def __init__(self):
            super().__init__()
            self.text, self.tags = [], []

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)

        def handle_data(self, data):
            self.text.append(data)

    p = Text()
    p.feed(got["html"])
    check(segs[0]["target"] in "".join(p.text) and "script" not in p.tags and "b" not in p.tags,
          "html: the edited English as text, markup in it not made markup")
    doc2 = json.loads(json.dumps(doc))
    first = next(segments_of(doc2))
    first["pins"][0]["end"] = first["pins"][0]["start"] + 1
    status, out = srv.json("POST", "/api/export?format=xliff", doc2)
    check(status == 400 and out["error"]["code"] == "bad_document"
          and "blocks[0].segments[0].pins[0].end" in out["error"]["message"],
          f"a pin inside a character: 400 naming its path ({out.get('error')})")
    status, out = srv.json("POST", "/api/export?format=docx", doc)
    check(status == 400 and out["error"]["code"] == "bad_format", f"format docx: 400 ({status})")

    # 5. Cross-site requests.
    same = f"http://{srv.host}:{srv.port}"
    for headers, want, what in [({"Sec-Fetch-Site": "cross-site"}, 403, "Sec-Fetch-Site"),
                                ({"Origin": "http://evil.example"}, 403, "another Origin"),
                                ({"Origin": f"http://{srv.host}:{srv.port + 1}"}, 403,
                                 "another port"),
                                ({"Origin": "null"}, 403, "Origin null"),
                                ({"Origin": same, "Sec-Fetch-Site": "same-origin"}, 200,
                                 "same origin")]:
        status, out = srv.json("POST", "/api/translate", {"text": "بوتين"}, headers)
        check(status == want and (want == 200 or out["error"]["code"] == "cross_site"),
              f"POST with {what}: {status}")
    status, out = srv.json("POST", "/api/export?format=text", doc, {"Origin": "http://evil.example"})
    check(status == 403, f"export from another site: {status}")
    status, _ = srv.json("GET", "/api/providers", None, {"Origin": "http://evil.example"})
    check(status == 200, f"a GET is not refused ({status})")
finally:
    srv.stop()

# 6. Audit lines: the token's fingerprint, never the token.
TOKEN = "desk-secret-token-123"
srv = Server("--tm", os.path.join(tmp, "tm.sqlite3"), "--desk-glossary",
             os.path.join(tmp, "desk2.tsv"), engine="offline", token=TOKEN)
try:
    status, _ = srv.json("POST", "/api/tm", {"source": "قال بوتين إن الكرملين يرحب.",
                                             "target": "Putin said the Kremlin welcomes it."})
    status2, _ = srv.json("POST", "/api/glossary", {"arabic": "كاراباخوف", "english": "Karabakhov"})
    log = srv.stderr()
    fp = hashlib.sha256(TOKEN.encode()).hexdigest()[:8]
    audit = [line for line in log.splitlines() if "audit:" in line]
    check(status == 201 and status2 == 201 and len(audit) == 2
          and all(f"who={fp}" in line for line in audit), f"audit lines with who={fp} ({audit})")
    check("tm approve" in audit[0] and "source_bytes=" in audit[0] and "بوتين" not in audit[0],
          "tm approve: the source's length and hash, not its text")
    check(TOKEN not in log, "the token is not in the log")
finally:
    srv.stop()

# 7. 50 editors at once through an engine answering in 500 ms: all served, /healthz fast.
srv = Server()
try:
    fake_reset(LATENCY)
    results = []
    texts = [f"قال المتحدث إن الاجتماع رقم {i} انتهى.\n\nوأضاف أن الوفد غادر." for i in range(50)]

    def editor(i):
        t0 = time.monotonic()
        if i % 2:
            r, out = srv.request("POST", "/api/translate", {"text": texts[i]})
            ok = r.status == 200 and json.loads(out)["stats"]["failed"] == 0
            results.append((r.status, ok, time.monotonic() - t0))
        else:
            got = events(srv, texts[i])
            ok = got[0][1] == 200 and got[-1][1].get("event") == "end"
            results.append((got[0][1], ok, time.monotonic() - t0))

    threads = [threading.Thread(target=editor, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    health = []
    while any(t.is_alive() for t in threads):
        t0 = time.monotonic()
        status, _ = srv.json("GET", "/healthz")
        health.append(time.monotonic() - t0)
        time.sleep(0.02)
    for t in threads:
        t.join()
    statuses = sorted(set(s for s, _, _ in results))
    health.sort()
    p50 = health[len(health) // 2] * 1000
    p99 = health[min(len(health) - 1, int(len(health) * 0.99))] * 1000
    slowest = max(d for _, _, d in results)
    print(f"figures: 50 translations at once, engine 500 ms: statuses {statuses}, slowest "
          f"{slowest:.2f} s, max in flight at the fake "
          f"{harness.stats(fake_base)['max_in_flight']}; "
          f"/healthz {len(health)} probes, p50 {p50:.1f} ms, p99 {p99:.1f} ms")
    check(len(results) == 50 and statuses == [200] and all(ok for _, ok, _ in results),
          f"50 translations at once all answered 200 ({statuses})")
    check(p99 < 250, f"/healthz stays fast meanwhile (p99 {p99:.1f} ms)")
finally:
    srv.stop()

fakep.terminate()
fakep.wait()
subprocess.run(["rm", "-rf", tmp])
harness.finish()
