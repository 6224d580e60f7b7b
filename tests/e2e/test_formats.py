#!/usr/bin/env python3
"""tarjim translate -f html|xliff|tmx, read back as a user's tools would (xml.etree, and
html.parser for the page): with -o DIR the files are NAME.en.html, .en.xlf and .en.tmx; each
holds the same segments, text, pins, origins and QA findings as the JSON of the same run; an
article containing <, & and ]]> survives every format; failed segments are XLIFF's "initial"
units without a target and are left out of TMX; XLIFF has the structure of the 2.1 core schema
(checked by hand: Debian ships no XLIFF schema).

usage: test_formats.py TARJIM SOURCE_DIR"""
import html.parser
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import check  # noqa: E402

tarjim, source = sys.argv[1:3]
XLF = "{urn:oasis:names:tc:xliff:document:2.0}"
XH = "{http://www.w3.org/1999/xhtml}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NMTOKEN = re.compile(r"^[-.:\w]+$")
STATE_OF = {"provider": "translated", "offline": "translated", "copy": "translated",
            "tm": "translated", "failed": "initial"}


def run(*args):
    """tarjim translate with no configuration and an empty translation memory, so that every
    run of an article gives the same segments (none served from an earlier run's memory)."""
    home = tempfile.mkdtemp(dir=scratch)
    env = dict(os.environ, XDG_CONFIG_HOME=home, XDG_DATA_HOME=home)
    env.pop("TARJIM_TM", None)
    env.pop("TARJIM_PROVIDER", None)
    return subprocess.run([tarjim, "translate", *args], capture_output=True, text=True,
                          timeout=120, env=env)


def last(err):
    lines = err.strip().splitlines()
    return lines[-1] if lines else ""


def segments(doc):
    for b in doc["blocks"]:
        yield from b["segments"]


def text(el):
    return "".join(el.itertext())


def check_xliff(path, doc, name):
    root = ET.parse(path).getroot()
    check(root.tag == XLF + "xliff" and root.get("version") == "2.1", f"{name}: XLIFF 2.1 root")
    check(root.get("srcLang") == "ar" and root.get("trgLang") == "en", f"{name}: ar -> en")
    files = root.findall(XLF + "file")
    check(len(files) == 1 and NMTOKEN.match(files[0].get("id", "")), f"{name}: one <file> with an id")
    groups = files[0].findall(XLF + "group")
    check(len(groups) == len(doc["blocks"]), f"{name}: a group per block ({len(groups)})")
    ids = set()
    for el in root.iter():
        if el.tag in (XLF + "group", XLF + "unit"):
            check(NMTOKEN.match(el.get("id", "")) and el.get("id") not in ids,
                  f"{name}: {el.tag[len(XLF):]} id {el.get('id')} a unique NMTOKEN")
            ids.add(el.get("id"))
    for g, block in zip(groups, doc["blocks"]):
        check(g.get("type") == "tj:" + block["kind"], f"{name}: group type tj:{block['kind']}")
        units = g.findall(XLF + "unit")
        check(len(units) == len(block["segments"]) and len(units) == len(list(g)),
              f"{name}: group {g.get('id')}: a unit per segment and nothing else")
        for u, s in zip(units, block["segments"]):
            kids = [c.tag[len(XLF):] for c in u]
            want = (["notes"] if s["qa"] else []) + ["segment"]
            check(kids == want, f"{name}: unit {u.get('id')}: children {kids}")
            sg = u.find(XLF + "segment")
            src, tgt = sg.find(XLF + "source"), sg.find(XLF + "target")
            check([c.tag for c in sg] == [XLF + "source"] + ([XLF + "target"] if tgt is not None else []),
                  f"{name}: unit {u.get('id')}: source then target")
            check(sg.get("state") == STATE_OF[s["origin"]],
                  f"{name}: unit {u.get('id')}: {s['origin']} is {sg.get('state')}")
            check(sg.get("subState") == "tj:" + s["origin"], f"{name}: unit {u.get('id')}: subState")
            check(text(src) == s["source"], f"{name}: unit {u.get('id')}: source text")
            if s["origin"] == "failed":
                check(tgt is None, f"{name}: unit {u.get('id')}: failed, no target")
            else:
                check(tgt is not None and text(tgt) == s["target"],
                      f"{name}: unit {u.get('id')}: target text")
            mrks = src.findall(XLF + "mrk")
            check([(m.text, m.get("value")) for m in mrks] ==
                  [(p["source"], p["target"]) for p in s["pins"]],
                  f"{name}: unit {u.get('id')}: a <mrk> per pin with the glossary's English")
            for m in mrks + (tgt.findall(XLF + "mrk") if tgt is not None else []):
                check(m.get("translate") == "no" and m.get("type") == "term" and
                      NMTOKEN.match(m.get("id", "")) and re.match(r"^[^ ]+#L\d+$", m.get("ref", "")),
                      f"{name}: unit {u.get('id')}: mrk {m.get('id')} attributes")
            if tgt is not None:
                src_ids = {m.get("id"): m.get("value") for m in mrks}
                check(all(src_ids.get(m.get("id")) == m.get("value") for m in tgt.findall(XLF + "mrk")),
                      f"{name}: unit {u.get('id')}: target mrks match source mrks")
            notes = u.findall(f"{XLF}notes/{XLF}note")
            check([(n.get("category"), n.text) for n in notes] ==
                  [("qa", f"{q['code']}: {q['message']}") for q in s["qa"]],
                  f"{name}: unit {u.get('id')}: QA findings as notes")


def check_tmx(path, doc, name):
    root = ET.parse(path).getroot()
    h = root.find("header")
    check(root.tag == "tmx" and root.get("version") == "1.4", f"{name}: TMX 1.4")
    check(h is not None and h.get("creationtool") == "tarjim" and h.get("srclang") == "ar" and
          all(h.get(a) for a in ("creationtoolversion", "segtype", "o-tmf", "adminlang", "datatype")),
          f"{name}: header with the required attributes")
    want = [s for s in segments(doc) if s["origin"] != "failed"]
    tus = root.findall("body/tu")
    check(len(tus) == len(want), f"{name}: a tu per translated segment ({len(tus)} of {len(want)})")
    for tu, s in zip(tus, want):
        tuvs = tu.findall("tuv")
        check([t.get(XML_LANG) for t in tuvs] == ["ar", "en"], f"{name}: tu: ar and en")
        check([t.findtext("seg") for t in tuvs] == [s["source"], s["target"]],
              f"{name}: tu: source and target text")
        check(re.match(r"^\d{8}T\d{6}Z$", tu.get("changedate", "")), f"{name}: tu changedate")


class Page(html.parser.HTMLParser):
    """What a browser's tokenizer sees: every tag with its attributes, in order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def check_html(path, doc, name):
    data = open(path, encoding="utf-8").read()
    check(data.startswith("<!DOCTYPE html>\n"), f"{name}: HTML5 doctype")
    page = Page()
    page.feed(data)
    tags = [t for t, _ in page.tags]
    check(not {"script", "link", "img", "iframe", "object"} & set(tags) and
          not any("src" in a or "href" in a for _, a in page.tags),
          f"{name}: self-contained (no script, nothing fetched)")
    css = re.search(r"<style>(.*?)</style>", data, re.S)
    check(css and "@media print" in css.group(1) and "Noto Naskh Arabic" in css.group(1) and
          "url(" not in css.group(1), f"{name}: inline style with print rules and Noto Arabic")
    tds = [a for t, a in page.tags if t == "td"]
    n = sum(1 for _ in segments(doc))
    check(len(tds) == 2 * n, f"{name}: two cells per segment ({len(tds)})")
    check(all((a.get("lang"), a.get("dir")) == (("ar", "rtl") if i % 2 == 0 else ("en", "ltr"))
              for i, a in enumerate(tds)), f"{name}: Arabic rtl beside English ltr")
    root = ET.parse(path).getroot()  # the page is well-formed XML too
    rows = root.findall(f".//{XH}tbody/{XH}tr")
    check(len(root.findall(f".//{XH}tbody")) == len(doc["blocks"]), f"{name}: a row group per block")
    check(len(rows) == n, f"{name}: a row per segment")
    for tr, s in zip(rows, segments(doc)):
        ar, en = tr.findall(XH + "td")
        check(text(ar) == s["source"], f"{name}: {tr.get('id')}: Arabic text")
        en_text = text(en.find(XH + "div"))
        check(en_text == (s["target"] if s["origin"] != "failed" else "[untranslated]"),
              f"{name}: {tr.get('id')}: English text")
        marks = ar.findall(f".//{XH}mark")
        check([(m.text, m.get("title").split(" (")[0]) for m in marks] ==
              [(p["source"], p["target"]) for p in s["pins"]],
              f"{name}: {tr.get('id')}: pins marked, titled with the glossary's English")
        check(all(m.get("title") in [p["target"] for p in s["pins"]]
                  for m in en.findall(f".//{XH}mark")),
              f"{name}: {tr.get('id')}: English marks are pins")
        origin = en.find(f".//{XH}span[@class='origin {s['origin']}']")
        check(origin is not None, f"{name}: {tr.get('id')}: origin {s['origin']} shown")
        qa = [text(li) for li in en.findall(f".//{XH}li")]
        check(qa == [f"{q['code']} {q['message']}" for q in s["qa"]],
              f"{name}: {tr.get('id')}: QA findings shown")


with tempfile.TemporaryDirectory() as tmp:
    scratch = tmp
    article = os.path.join(tmp, "escape.ar.txt")
    english = 'CNN <b>live</b> & ]]> "Q&A" <![CDATA[x]]>'
    with open(article, "w", encoding="utf-8") as f:
        f.write("بوتين يصل إلى موسكو <عاجل> & ]]>\n\n" + english + "\n"
                "قال الكرملين إن بوتين سيلتقي الأمين العام لحلف الناتو.\n")
    ukraine = os.path.join(source, "examples", "ukraine-talks.ar.txt")
    out = os.path.join(tmp, "out")
    docs = {}
    for path in (article, ukraine):
        r = run("-f", "json", path)
        check(r.returncode == 0, f"json of {os.path.basename(path)}: exit 0 ({last(r.stderr)})")
        docs[path] = json.loads(r.stdout)
    for fmt, ext, checker in (("xliff", ".en.xlf", check_xliff), ("tmx", ".en.tmx", check_tmx),
                              ("html", ".en.html", check_html)):
        r = run("-f", fmt, "-o", out, article, ukraine)
        check(r.returncode == 0, f"{fmt}: exit 0 ({last(r.stderr)})")
        for path in (article, ukraine):
            name = os.path.basename(path)[:-len(".ar.txt")] + ext
            written = os.path.join(out, name)
            check(os.path.exists(written), f"{fmt}: -o writes {name}")
            checker(written, docs[path], name)
            raw = open(written, encoding="utf-8").read()
            if path == article:
                check("&lt;" in raw and "&amp;" in raw and "]]>" not in raw,
                      f"{name}: <, & and ]]> escaped")
                everything = "".join(ET.parse(written).getroot().itertext())
                check("<عاجل> & ]]>" in everything and english in everything,
                      f"{name}: <, & and ]]> read back as written")
        check(not [f for f in os.listdir(out) if f.endswith(".part")], f"{fmt}: no .part left")
        # Standard output gets the same document.
        r = run("-f", fmt, article)
        check(r.returncode == 0 and ET.fromstring(r.stdout.encode()) is not None,
              f"{fmt}: standard output parses")

    # An engine that cannot be reached: every Arabic segment fails, the English line is copied.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    failed = os.path.join(tmp, "failed")
    r = run("-f", "json", "-p", "libretranslate", "-u", dead, article)
    doc = json.loads(r.stdout)
    check([s["origin"] for s in segments(doc)] == ["failed", "copy", "failed"],
          "unreachable engine: Arabic segments failed, English copied")
    for fmt, ext, checker in (("xliff", ".en.xlf", check_xliff), ("tmx", ".en.tmx", check_tmx),
                              ("html", ".en.html", check_html)):
        r = run("-f", fmt, "-o", failed, "-p", "libretranslate", "-u", dead, article)
        check(r.returncode == 69, f"{fmt}, unreachable engine: exit 69 (got {r.returncode})")
        checker(os.path.join(failed, "escape" + ext), doc, "failed escape" + ext)
    tus = ET.parse(os.path.join(failed, "escape.en.tmx")).getroot().findall("body/tu")
    check(len(tus) == 1 and tus[0].find("tuv/seg").text == english,
          "TMX of a failed run: only the copied segment")
    states = [u.get("state") for u in
              ET.parse(os.path.join(failed, "escape.en.xlf")).getroot().iter(XLF + "segment")]
    check(states == ["initial", "translated", "initial"], f"XLIFF of a failed run: {states}")

harness.finish()
