#!/usr/bin/env python3
"""The translation memory as a user meets it, against the loopback fake (one segment per MyMemory
request, so requests count segments): a batch run killed with SIGKILL midway and started again
sends only what the memory does not hold (at most the requests that were in flight are billed
twice), a third run sends nothing; a changed glossary entry sends again only the segments that
pin it; an approval wins; similar segments are offered as candidates, never used; TMX export and
import carry the memory over; two runs at once into one memory lose nothing and store nothing
twice; serve stores approvals through POST /api/tm; a damaged memory, or one of a newer schema,
is refused by name (exit 78).

With --postgres, the memories are databases of a PostgreSQL server that the test starts itself
(a throwaway cluster: initdb in a temporary folder, a free loopback port, stopped at the end;
as the postgres user when run as root); skipped (77) without Debian's postgresql package.

usage: test_tm.py TARJIM FAKE_PROVIDER SOURCE_DIR [--postgres]"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import check  # noqa: E402

tarjim, fake, source = sys.argv[1:4]
postgres = "--postgres" in sys.argv[4:]
JOBS = 4


def segments(doc):
    for b in doc["blocks"]:
        yield from b["segments"]


fakep, port, base = harness.start_fake(fake)

tmp = tempfile.mkdtemp(prefix="tarjim-tm-")


class Cluster:
    """A throwaway PostgreSQL cluster in a temporary folder, on a free loopback port."""

    def __init__(self, where):
        import glob
        import pwd
        import socket
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not bins:
            print("SKIP: no PostgreSQL server (Debian package postgresql)")
            sys.exit(77)
        self.bin = os.path.dirname(bins[-1])
        self.dir = os.path.join(where, "pg")
        os.mkdir(self.dir)
        self.run_as = []
        if os.geteuid() == 0:  # initdb and the server refuse to run as root
            pw = pwd.getpwnam("postgres")
            os.chown(where, pw.pw_uid, pw.pw_gid)
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
            self.run_as = ["runuser", "-u", "postgres", "--"]
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        subprocess.run(self.run_as + [self.bin + "/initdb", "-D", self.dir + "/data", "-A",
                                      "trust", "-U", "tarjim", "--no-sync"],
                       check=True, capture_output=True)
        subprocess.run(self.run_as + [self.bin + "/pg_ctl", "-D", self.dir + "/data", "-l",
                                      self.dir + "/log", "-w", "-o",
                                      f"-p {self.port} -k {self.dir} "
                                      "-c listen_addresses=127.0.0.1 -c fsync=off",
                                      "start"], check=True, capture_output=True)

    def url(self, name):
        """A new database of the cluster, as tarjim names it."""
        subprocess.run(["psql", "-q", self.url_of("postgres"), "-c", f"CREATE DATABASE {name}"],
                       check=True, capture_output=True)
        return self.url_of(name)

    def url_of(self, name):
        return f"postgresql://tarjim:not-a-secret@127.0.0.1:{self.port}/{name}"

    def sql(self, name, statement):
        subprocess.run(["psql", "-q", self.url_of(name), "-c", statement], check=True,
                       capture_output=True)

    def stop(self):
        subprocess.run(self.run_as + [self.bin + "/pg_ctl", "-D", self.dir + "/data", "-m",
                                      "immediate", "stop"], capture_output=True)


cluster = Cluster(tmp) if postgres else None
env = {k: v for k, v in os.environ.items()
       if k not in ("TARJIM_PROVIDER", "MYMEMORY_EMAIL", "MYMEMORY_KEY", "TARJIM_TM")}
conf = os.path.join(tmp, "config")
with open(conf, "w") as f:
    f.write("[mymemory]\nrequests_per_second = 1000\n")  # the fake needs no pacing
db = cluster.url("tm") if postgres else os.path.join(tmp, "tm.sqlite3")
gloss = os.path.join(tmp, "desk.tsv")
with open(gloss, "w", encoding="utf-8") as f:
    f.write("الزيتونة\tZaytouna\torg\n")

# Six articles of twelve distinct one-sentence lines; line 3 of each pins the desk's term.
NFILES, NLINES = 6, 12
inputs = []
for i in range(NFILES):
    path = os.path.join(tmp, f"a{i}.ar.txt")
    with open(path, "w", encoding="utf-8") as f:
        for k in range(NLINES):
            if k == 3:
                f.write(f"زار وفد من الزيتونة المدينة رقم {i}{k} أمس.\n")
            else:
                f.write(f"قال المتحدث إن الاجتماع رقم {i}{k} انتهى بعد ساعات من النقاش.\n")
    inputs.append(path)
TOTAL = NFILES * NLINES


def translate(*args, files=None, tm=db, glossary=gloss, fmt="json", out=None):
    cmd = [tarjim, "translate", "--config", conf, "-p", "mymemory", "-u", base + "/mymemory",
           "-j", str(JOBS), "-f", fmt, "-g", glossary]
    cmd += ["--tm", tm] if tm else ["--no-tm"]
    if out:
        cmd += ["-o", out]
    cmd += [*args, *(files if files is not None else inputs)]
    return cmd


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)


def tm_count(what, path=db):
    """A count of `tarjim tm stats`: "segments" or "translations"."""
    r = subprocess.run([tarjim, "tm", "--tm", path, "stats"], capture_output=True, text=True,
                       env=env, timeout=30)
    m = re.search(what + r"\s+(\d+)", r.stdout)
    return int(m.group(1)) if m else -1


def tm_units(path=db):
    return tm_count("translations", path)


def outputs(out):
    docs = [json.load(open(os.path.join(out, f"a{i}.en.json"), encoding="utf-8"))
            for i in range(NFILES)]
    return [s for d in docs for s in segments(d)], docs


# 1. A batch run killed with SIGKILL midway.
harness.control(base, "/_reset", "")
harness.control(base, "/_faults", "latency=250")
out1 = os.path.join(tmp, "out1")
p = subprocess.Popen(translate(out=out1), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     env=env)
deadline = time.monotonic() + 60
while (time.monotonic() < deadline and harness.stats(base)["requests"] < TOTAL // 3
       and p.poll() is None):
    time.sleep(0.02)
p.send_signal(signal.SIGKILL)
p.wait()
killed_requests = harness.stats(base)["requests"]
stored = tm_units()
print(f"killed run: {killed_requests} requests sent, {stored} translations stored")
check(p.returncode == -signal.SIGKILL and 0 < killed_requests < TOTAL,
      f"the first run was killed midway ({killed_requests} of {TOTAL} requests sent)")
check(killed_requests - JOBS <= stored <= killed_requests,
      f"every answer that came back before the kill is stored ({stored} stored, "
      f"{killed_requests} sent, at most {JOBS} in flight)")

# 2. Started again: only what the memory does not hold is sent.
harness.control(base, "/_reset", "")
out2 = os.path.join(tmp, "out2")
r = run(translate(out=out2))
resumed = harness.stats(base)["requests"]
print(f"rerun: {resumed} requests sent")
check(r.returncode == 0, f"rerun: exit 0 ({r.returncode} {r.stderr.strip()[:200]})")
check(resumed == TOTAL - stored,
      f"rerun sends only the {TOTAL - stored} segments not stored (sent {resumed})")
check(killed_requests + resumed - TOTAL <= JOBS,
      f"billed twice: {killed_requests + resumed - TOTAL} requests, at most the {JOBS} in flight")
segs, docs = outputs(out2)
origins = [s["origin"] for s in segs]
check(origins.count("tm") == stored and origins.count("provider") == TOTAL - stored,
      f"rerun: {stored} segments from the memory, the rest from the engine "
      f"({origins.count('tm')} tm, {origins.count('provider')} provider)")
check(all(s["engine"] == "mymemory" for s in segs), "rerun: memory hits name their engine")
check(sum(d["stats"]["tm_hits"] for d in docs) == stored
      and sum(d["stats"]["requests"] for d in docs) >= 1,
      "rerun: the stats count the memory hits")
harness.control(base, "/_faults", "none")

# 3. A third run sends nothing.
harness.control(base, "/_reset", "")
out3 = os.path.join(tmp, "out3")
r = run(translate(out=out3))
third = harness.stats(base)["requests"]
print(f"third run: {third} requests sent")
segs3, docs3 = outputs(out3)
check(r.returncode == 0 and third == 0 and all(s["origin"] == "tm" for s in segs3),
      f"third run: nothing sent, every segment from the memory ({third} requests)")
check([s["target"] for s in segs3] == [s["target"] for s in segs],
      "third run: the same English as the run that paid for it")
check(all(d["stats"]["tm_hits"] == NLINES and d["stats"]["requests"] == 0 for d in docs3),
      "third run: tm_hits count every segment")

# 4. A changed glossary entry sends again only the segments that pin it.
gloss2 = os.path.join(tmp, "desk2.tsv")
with open(gloss2, "w", encoding="utf-8") as f:
    f.write("الزيتونة\tAl-Zaytouna\torg\n")
harness.control(base, "/_reset", "")
r = run(translate(glossary=gloss2, out=os.path.join(tmp, "out4")))
changed = harness.stats(base)["requests"]
check(r.returncode == 0 and changed == NFILES,
      f"a changed entry: only its {NFILES} segments sent again (sent {changed})")
harness.control(base, "/_reset", "")
r = run(translate(glossary=gloss2, out=os.path.join(tmp, "out5")))
check(harness.stats(base)["requests"] == 0, "and then they are in the memory too")

# 5. An approval wins over the engine's translation.
line = "قال المتحدث إن الاجتماع رقم 05 انتهى بعد ساعات من النقاش."
r = subprocess.run([tarjim, "tm", "--tm", db, "-g", gloss, "approve", line,
                    "The spokesman said meeting 05 ended after hours of talks."],
                   capture_output=True, text=True, env=env, timeout=30)
check(r.returncode == 0, f"tm approve: exit 0 ({r.returncode} {r.stderr.strip()[:200]})")
harness.control(base, "/_reset", "")
r = run(translate(files=[inputs[0]]))
doc = json.loads(r.stdout) if r.returncode == 0 else {"blocks": []}
seg = [s for s in segments(doc) if s["source"] == line]
check(len(seg) == 1 and seg[0]["origin"] == "tm" and seg[0]["engine"] == "human"
      and seg[0]["target"] == "The spokesman said meeting 05 ended after hours of talks.",
      f"the approved English comes back (origin tm, engine human): {seg[:1]}")
check(harness.stats(base)["requests"] == 0, "nothing sent for the approved article")

# 6. A similar segment: its stored translations are offered, the engine translates it.
similar = os.path.join(tmp, "similar.ar.txt")
with open(similar, "w", encoding="utf-8") as f:
    f.write("قال المتحدث إن الاجتماع رقم 05 انتهى بعد ساعات من الحوار.\n")
harness.control(base, "/_reset", "")
r = run(translate(files=[similar]))
doc = json.loads(r.stdout) if r.returncode == 0 else {"blocks": []}
seg = list(segments(doc))
cands = seg[0].get("candidates", []) if seg else []
check(seg and seg[0]["origin"] == "provider" and harness.stats(base)["requests"] == 1,
      "a similar segment is still sent (a candidate is never used silently)")
check(cands and cands[0]["origin"] == "human" and 85 <= cands[0]["similarity"] < 100
      and cands[0]["source"] == line
      and cands[0]["target"] == "The spokesman said meeting 05 ended after hours of talks.",
      f"the approved translation of the similar segment is offered first: {cands[:1]}")
check(any(c["origin"] == "provider" and c.get("engine") == "mymemory" for c in cands),
      "the engine's translation is offered too")
r = run(translate(files=[similar], fmt="text"))
check(r.returncode == 0 and "candidates" not in r.stdout, "text output has no candidates")

# 7. TMX export and import carry the memory over to another one.
tmx = os.path.join(tmp, "memory.tmx")
r = subprocess.run([tarjim, "tm", "--tm", db, "export", tmx], capture_output=True, text=True,
                   env=env, timeout=60)
check(r.returncode == 0 and os.path.exists(tmx), f"tm export: exit 0 ({r.stderr.strip()[:200]})")
db2 = cluster.url("other") if postgres else os.path.join(tmp, "other.sqlite3")
r = subprocess.run([tarjim, "tm", "--tm", db2, "-g", gloss, "import", tmx], capture_output=True,
                   text=True, env=env, timeout=60)
# (The memory holds two translations of each segment that pins the changed entry; TMX has no
# place for the glossary, so the import keys both under today's glossary, and one replaces the
# other.)
check(r.returncode == 0 and tm_count("segments", db2) == tm_count("segments", db)
      and tm_units(db2) == tm_units(db) - NFILES,
      f"tm import: every segment ({tm_count('segments', db2)} of {tm_count('segments', db)}) "
      f"{r.stdout.strip()}")
harness.control(base, "/_reset", "")
r = run(translate(tm=db2, out=os.path.join(tmp, "out6")))
check(r.returncode == 0 and harness.stats(base)["requests"] == 0,
      "the imported memory serves the whole batch: nothing sent")
segs6, _ = outputs(os.path.join(tmp, "out6"))
check(any(s["engine"] == "human" for s in segs6) and any(s["engine"] == "mymemory" for s in segs6),
      "engines and approvals survive the round trip")

# 8. Two batch runs at once into one new memory: both finish, nothing is lost, nothing stored
# twice (a segment and engine has one translation), and the next run sends nothing.
shared = cluster.url("shared") if postgres else os.path.join(tmp, "shared.sqlite3")
harness.control(base, "/_reset", "")
harness.control(base, "/_faults", "latency=50")
runs = [subprocess.Popen(translate(tm=shared, out=os.path.join(tmp, f"par{k}")),
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
        for k in range(2)]
errs = [p.communicate(timeout=120)[1] for p in runs]
both = harness.stats(base)["requests"]
harness.control(base, "/_faults", "none")
print(f"two runs at once: {both} requests")
check(both > TOTAL,
      f"the two runs overlapped: both sent segments the other was storing ({both} requests, "
      f"{TOTAL} segments)")
check(all(p.returncode == 0 for p in runs),
      f"two runs at once into one memory: both exit 0 ({[p.returncode for p in runs]} "
      f"{' '.join(e.strip()[:200] for e in errs)})")
check(tm_units(shared) == TOTAL and tm_count("segments", shared) == TOTAL,
      f"two runs at once: every segment stored once ({tm_units(shared)} translations of "
      f"{tm_count('segments', shared)} segments, {TOTAL} expected)")
harness.control(base, "/_reset", "")
r = run(translate(tm=shared, out=os.path.join(tmp, "par-after")))
check(r.returncode == 0 and harness.stats(base)["requests"] == 0, "and a third run sends nothing")

# 9. A damaged memory, or one of a newer schema, is refused by name; --no-tm sends everything.
if postgres:
    cluster.sql("other", "UPDATE tarjim_meta SET value = '99' WHERE key = 'schema'")
    r = run(translate(tm=db2, files=[inputs[0]]))
    shown = db2.replace("not-a-secret", "***")
    check(r.returncode == 78 and shown in r.stderr and "newer" in r.stderr
          and "not-a-secret" not in r.stderr,
          f"a memory of a newer schema: exit 78 naming it, password hidden ({r.returncode} "
          f"{r.stderr.strip()[:200]})")
    r = run(translate(tm=cluster.url_of("nosuchdb"), files=[inputs[0]]))
    check(r.returncode == 78 and "nosuchdb" in r.stderr,
          f"a database that is not there: exit 78 ({r.returncode} {r.stderr.strip()[:200]})")
else:
    bad = os.path.join(tmp, "damaged.sqlite3")
    with open(bad, "wb") as f:
        f.write(b"SQLite format 3\0" + b"\xff" * 4000)
    r = run(translate(tm=bad, files=[inputs[0]]))
    check(r.returncode == 78 and bad in r.stderr,
          f"a damaged memory: exit 78 naming it ({r.returncode} {r.stderr.strip()[:200]})")
harness.control(base, "/_reset", "")
r = run(translate(tm=None, files=[inputs[0]]))
check(r.returncode == 0 and harness.stats(base)["requests"] == NLINES, "--no-tm: everything sent")


# 10. serve: POST /api/tm stores an approval; the next translation serves it.
def serve(*args):
    srv = subprocess.Popen([tarjim, "serve", "--listen", "127.0.0.1:0", "--config", conf,
                            "-p", "mymemory", "-u", base + "/mymemory", "-g", gloss, *args],
                           stderr=subprocess.PIPE, text=True, env=env)
    for _ in range(50):
        m = re.search(r"serving on (http://\S+)", srv.stderr.readline())
        if m:
            return srv, m.group(1).rstrip("/")
    srv.kill()
    raise RuntimeError("serve did not start")


def post(url, body):
    req = urllib.request.Request(url, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


text = "قال المتحدث إن الاجتماع رقم 17 انتهى بعد ساعات من النقاش."
srv, url = serve("--tm", db)
try:
    status, answer = post(url + "/api/tm", {"source": text, "target": "Meeting 17 ended."})
    check(status == 201 and answer.get("engine") == "human",
          f"POST /api/tm: 201 ({status} {answer})")
    status, answer = post(url + "/api/tm", {"source": "hello", "target": "x"})
    check(status == 400, f"POST /api/tm without Arabic: 400 ({status})")
    status, doc = post(url + "/api/translate", {"text": text})
    seg = list(segments(doc)) if status == 200 else []
    check(seg and seg[0]["origin"] == "tm" and seg[0]["engine"] == "human"
          and seg[0]["target"] == "Meeting 17 ended.",
          f"POST /api/translate serves the approval ({seg[:1]})")
finally:
    srv.terminate()
    srv.wait(timeout=20)
srv, url = serve("--no-tm")
try:
    status, _ = post(url + "/api/tm", {"source": text, "target": "x"})
    check(status == 409, f"serve --no-tm: POST /api/tm is 409 ({status})")
finally:
    srv.terminate()
    srv.wait(timeout=20)

fakep.terminate()
fakep.wait()
if cluster:
    cluster.stop()
subprocess.run(["rm", "-rf", tmp])
harness.finish()
