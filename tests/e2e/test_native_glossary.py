#!/usr/bin/env python3
"""tarjim translate --native-glossary against the loopback fake, as a user runs it.

DeepL: the first run creates one glossary of the article's pinned names and every translate
request names it (glossary_id, source_lang, the Arabic sent as it is); a second run with the
same entries finds it in the cache, checks that the service still has it and creates none;
other entries make a new glossary; a glossary deleted on the service is made again. Microsoft:
the pins travel as dynamic-dictionary markup. In every case the pinned names are in the
segments' English and the pin check still runs (a name the engine loses is flagged).

usage: test_native_glossary.py TARJIM FAKE_PROVIDER SOURCE_DIR"""
import json
import os
import subprocess
import sys
import tempfile
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import check  # noqa: E402

tarjim, fake, source = sys.argv[1:4]
articles = [os.path.join(source, "examples", n)
            for n in ("ukraine-talks.ar.txt", "gaza-ceasefire.ar.txt", "opec-output.ar.txt")]
KEY = "k3y-n4tive-glossary"


fakep, port, base = harness.start_fake(fake, "--key", KEY, "--region", "westeurope")
cache = tempfile.TemporaryDirectory()


def call(path, method="GET", body=None, headers=None):
    """One request to the fake; returns (status, text)."""
    data = body.encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


DEEPL_AUTH = {"Authorization": "DeepL-Auth-Key " + KEY, "User-Agent": "test"}


def glossaries():
    """The glossaries the fake's DeepL holds for KEY."""
    status, text = call("/deepl/v2/glossaries", headers=DEEPL_AUTH)
    assert status == 200, (status, text)
    return json.loads(text)["glossaries"]


def requests():
    return json.loads(call("/_requests")[1])


def reset():
    call("/_reset", "POST", "")


def translate(provider, article, *extra, native=True):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DEEPL_AUTH_KEY", "AZURE_TRANSLATOR_KEY", "TARJIM_PROVIDER")}
    env["XDG_CACHE_HOME"] = cache.name
    env["AZURE_TRANSLATOR_REGION"] = "westeurope"
    args = [tarjim, "translate", "-f", "json", "-p", provider, "-u", f"{base}/{provider}",
            "-k", KEY, *(["--native-glossary"] if native else []), *extra, article]
    r = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120)
    doc = json.loads(r.stdout) if r.returncode == 0 else None
    return r, doc


def segments(doc):
    for b in doc["blocks"]:
        yield from b["segments"]


def check_pins(name, doc):
    """Every pinned name in its segment's English, and no segment left untranslated."""
    sent = [s for s in segments(doc) if s["origin"] != "copy"]
    check(sent and all(s["origin"] == "provider" for s in sent),
          f"{name}: every segment translated by the provider")
    pinned = [(p["target"], s["id"]) for s in sent for p in s["pins"]]
    missing = [(t, i) for t, i in pinned if t not in next(s["target"] for s in sent
                                                           if s["id"] == i)]
    check(len(pinned) >= 5 and not missing,
          f"{name}: all {len(pinned)} pinned names in their segments' English {missing[:3]}")
    check(not any(q["code"] == "native_glossary" for s in sent for q in s["qa"]),
          f"{name}: the native glossary was used (no native_glossary note)")


def deepl_translates():
    return [r for r in requests() if r["protocol"] == "deepl" and r["url"].endswith("/v2/translate")]


def created():
    return [r for r in requests() if r["method"] == "POST" and r["url"].endswith("/v2/glossaries")]


# DeepL, first run: one glossary, named by every translate request, which sends the Arabic.
r, doc = translate("deepl", articles[0])
check(r.returncode == 0, f"deepl run 1: exit 0 (got {r.returncode}: {r.stderr.strip()[:300]})")
if doc:
    check_pins("deepl run 1", doc)
gl = glossaries()
check(len(gl) == 1, f"deepl run 1: one glossary created ({len(gl)})")
gid = gl[0]["glossary_id"] if gl else None
check(len(created()) == 1 and created()[0]["status"] == 201, "deepl run 1: one create request")
if gl and doc:
    entries = call(f"/deepl/v2/glossaries/{gid}/entries", headers=DEEPL_AUTH)[1].split("\n")
    targets = {e.split("\t")[1] for e in entries}
    names = {p["target"] for s in segments(doc) for p in s["pins"]}
    check(names <= targets and gl[0]["entry_count"] == len(entries),
          f"deepl run 1: the glossary holds the run's {len(names)} pinned names "
          f"({gl[0]['entry_count']} spellings)")
tr = deepl_translates()
bodies = [json.loads(t["body"]) for t in tr]
check(tr and all(b.get("glossary_id") == gid and b.get("source_lang") == "AR" for b in bodies),
      f"deepl run 1: {len(tr)} translate requests carry glossary_id and source_lang")
check(all("tag_handling" not in b and not any("<x>" in t for t in b["text"]) for b in bodies),
      "deepl run 1: the Arabic travels as it is, without markup")
check(KEY not in r.stdout + r.stderr, "deepl run 1: the key is never printed")
cache_file = os.path.join(cache.name, "tarjim", "native-glossaries")
cached = open(cache_file).read() if os.path.exists(cache_file) else ""
check(gid and gid in cached and KEY not in cached,
      "deepl run 1: the cache holds the glossary's id and never the key")

# Second run, same entries: the cached glossary is checked and reused.
reset()
r, doc = translate("deepl", articles[0])
check(r.returncode == 0, f"deepl run 2: exit 0 (got {r.returncode})")
if doc:
    check_pins("deepl run 2", doc)
check(len(glossaries()) == 1 and not created(),
      f"deepl run 2: no glossary created ({len(glossaries())} held, {len(created())} created)")
checks = [q for q in requests() if q["method"] == "GET" and q["url"].endswith(f"/v2/glossaries/{gid}")]
check(len(checks) == 1 and checks[0]["status"] == 200, "deepl run 2: the cached glossary checked once")
check(all(json.loads(t["body"]).get("glossary_id") == gid for t in deepl_translates()),
      "deepl run 2: translate requests name the cached glossary")

# Other entries: a new glossary, the first kept.
reset()
r, doc = translate("deepl", articles[1])
check(r.returncode == 0, f"deepl other article: exit 0 (got {r.returncode})")
if doc:
    check_pins("deepl other article", doc)
ids = {g["glossary_id"] for g in glossaries()}
check(len(ids) == 2 and gid in ids and len(created()) == 1,
      f"deepl other article: a second glossary ({len(ids)} held)")

# A glossary deleted on the service is made again, and the cache learns the new id.
status, _ = call(f"/deepl/v2/glossaries/{gid}", "DELETE", headers=DEEPL_AUTH)
check(status == 204, f"fake: the glossary deleted ({status})")
reset()
r, doc = translate("deepl", articles[0])
check(r.returncode == 0, f"deepl after deletion: exit 0 (got {r.returncode})")
if doc:
    check_pins("deepl after deletion", doc)
new = [g["glossary_id"] for g in glossaries() if g["glossary_id"] not in ids]
check(len(new) == 1 and len(created()) == 1, "deepl after deletion: the glossary made again")
check(new and all(json.loads(t["body"]).get("glossary_id") == new[0] for t in deepl_translates()),
      "deepl after deletion: translate requests name the new glossary")
check(new and new[0] in open(cache_file).read(), "deepl after deletion: the cache has the new id")

# The verify step still runs: when the engine does not apply the glossary (the fake's unwrap
# fault), the names come back transliterated and every one is flagged or repaired, never
# silently lost.
reset()
call("/_faults", "POST", "unwrap")
r, doc = translate("deepl", articles[0])
call("/_faults", "POST", "none")
check(r.returncode == 0, f"deepl, glossary not applied: exit 0 (got {r.returncode})")
if doc:
    sent = [s for s in segments(doc) if s["origin"] == "provider" and s["pins"]]
    lost = [s for s in sent if any(p["target"] not in s["target"] for p in s["pins"])]
    flagged = [s for s in sent if any(q["code"] in ("pin_missing", "pin_repaired")
                                      for q in s["qa"])]
    unflagged = [s["id"] for s in lost if s not in flagged]
    check(flagged and not unflagged,
          f"deepl, glossary not applied: {len(flagged)} segments flagged, none silently "
          f"lost {unflagged[:3]}")

# Without --native-glossary: no glossary requests, pins as <x> markup.
reset()
r, doc = translate("deepl", articles[0], native=False)
bodies = [json.loads(t["body"]) for t in deepl_translates()]
check(r.returncode == 0 and not created() and bodies
      and all("glossary_id" not in b and b.get("tag_handling") == "xml" for b in bodies),
      "deepl without --native-glossary: markup, no glossary")

# A glossary the service refuses (its first request, the create, answered 400): the run goes
# on with the pins as markup, and each pinned segment says why.
reset()
call("/_faults", "POST", "fail-first=1,fail-with=400")
r, doc = translate("deepl", articles[2])
call("/_faults", "POST", "none")
check(r.returncode == 0, f"deepl, glossary refused: exit 0 (got {r.returncode})")
bodies = [json.loads(t["body"]) for t in deepl_translates()]
check(bodies and all("glossary_id" not in b and b.get("tag_handling") == "xml" for b in bodies),
      "deepl, glossary refused: the pins travel as markup")
if doc:
    pinned = [s for s in segments(doc) if s["origin"] == "provider" and s["pins"]]
    noted = [s for s in pinned if any(q["code"] == "native_glossary" for q in s["qa"])]
    check(pinned and len(noted) == len(pinned),
          f"deepl, glossary refused: {len(noted)} of {len(pinned)} pinned segments say so")
    check(all(p["target"] in s["target"] for s in pinned for p in s["pins"]),
          "deepl, glossary refused: the pinned names still in the English")

# The server takes the flag too: its translations name the glossary (the cached one).
def serve_translate(article, *args):
    env = {k: v for k, v in os.environ.items() if k not in ("DEEPL_AUTH_KEY", "TARJIM_PROVIDER")}
    env["XDG_CACHE_HOME"] = cache.name
    with open(article, encoding="utf-8") as f:
        return harness.serve_translate(tarjim, f.read(), *args, env=env)


reset()
held = {g["glossary_id"] for g in glossaries()}
status, doc = serve_translate(articles[0], "-p", "deepl", "-u", base + "/deepl", "-k", KEY,
                              "--native-glossary")
check(status == 200, f"serve --native-glossary: 200 ({status})")
if doc:
    check_pins("serve", doc)
check(not created() and {g["glossary_id"] for g in glossaries()} == held,
      "serve --native-glossary: the cached glossary reused, none made")
check(deepl_translates() and all(json.loads(t["body"]).get("glossary_id") in held
                                 for t in deepl_translates()),
      "serve --native-glossary: translate requests name the glossary")

# Microsoft: the dynamic dictionary in plain text, the English written in place.
reset()
r, doc = translate("microsoft", articles[0])
check(r.returncode == 0, f"microsoft: exit 0 (got {r.returncode}: {r.stderr.strip()[:300]})")
if doc:
    check_pins("microsoft", doc)
ms = [q for q in requests() if q["protocol"] == "microsoft"]
texts = [e["Text"] for q in ms for e in json.loads(q["body"])]
args = [dict(q["args"]) for q in ms]
check(ms and any("<mstrans:dictionary translation=\"" in t for t in texts)
      and not any("notranslate" in t for t in texts),
      f"microsoft: {len(ms)} requests carry the dictionary markup")
check(all(a.get("from") == "ar" and "textType" not in a for a in args),
      "microsoft: from=ar, plain text")

fakep.terminate()
fakep.wait()
cache.cleanup()
harness.finish()
