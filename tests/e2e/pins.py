"""What a reader sees of the pinned terms in tarjim's JSON output, judged from the segment's
target alone: is each pin's English there (or an alias the glossary lists), as whole words with
the glossary's case (a capital where a sentence starts allowed), as many times as the segment has
pins of the term? Shared by tests/e2e/test_mangle.py and bench/bench_mangle.py."""
import re

SENTENCE_END = re.compile(r'(^|[.!?:…])[\s"\'(\[“‘«]*$')


def load_spellings(glossary_path):
    """canonical English -> every English spelling of it in the glossary (aliases after '|')."""
    spellings = {}
    with open(glossary_path, encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 2:
                continue
            names = [n.strip() for n in cols[1].split("|") if n.strip()]
            if names:
                spellings.setdefault(names[0], set()).update(names)
    return spellings


def _word(c):
    return c.isalnum() or ord(c) >= 0x80


def _occurrences(target, spelling):
    """(start, end) of spelling in target as whole words."""
    out = []
    for m in re.finditer(re.escape(spelling), target):
        a, b = m.start(), m.end()
        left = a == 0 or not _word(target[a - 1]) or not _word(spelling[0])
        right = b == len(target) or not _word(target[b]) or not _word(spelling[-1])
        if left and right:
            out.append((a, b))
    if spelling[:1].islower():
        cap = spelling[0].upper() + spelling[1:]
        for m in re.finditer(re.escape(cap), target):
            a, b = m.start(), m.end()
            if SENTENCE_END.search(target[:a]) is None:
                continue
            right = b == len(target) or not _word(target[b])
            if right:
                out.append((a, b))
    return out


def counts(segment, spellings):
    """term English -> (times in the target, pins of it in the segment)."""
    terms = {}
    for p in segment["pins"]:
        terms.setdefault(p["target"], [0, 0])[1] += 1
    found = []
    for en in terms:
        for sp in spellings.get(en, {en}) | {en}:
            for a, b in _occurrences(segment["target"], sp):
                found.append((b - a, a, b, en))
    taken = []
    for length, a, b, en in sorted(found, key=lambda t: (-t[0], t[1])):
        if all(b <= x or a >= y for x, y in taken):
            taken.append((a, b))
            terms[en][0] += 1
    return terms


def judge(doc, spellings):
    """Per pin: ("right" | "lost" | "doubled", segment, pin, flagged). A pin is lost when its
    term is in the target fewer times than the segment has pins of it (the last pins of the
    term count as the lost ones); flagged says whether the segment's qa carries the finding."""
    out = []
    for block in doc["blocks"]:
        for s in block["segments"]:
            if s.get("origin") in ("failed", "copy"):
                continue
            codes = {q["code"] for q in s.get("qa", [])}
            c = counts(s, spellings)
            seen = {}
            for p in s["pins"]:
                en = p["target"]
                have, want = c[en]
                seen[en] = seen.get(en, 0) + 1
                if seen[en] > have:
                    out.append(("lost", s, p, "pin_missing" in codes))
                elif have > want and seen[en] == want:
                    out.append(("doubled", s, p, "pin_doubled" in codes))
                else:
                    out.append(("right", s, p, True))
    return out


def repairs(doc):
    """strategy -> pin_repaired notes naming it."""
    out = {}
    for block in doc["blocks"]:
        for s in block["segments"]:
            for q in s.get("qa", []):
                if q["code"] != "pin_repaired":
                    continue
                m = re.search(r"repaired by (\S+):", q["message"])
                key = m.group(1) if m else "?"
                out[key] = out.get(key, 0) + 1
    return out
