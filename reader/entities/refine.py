"""Per-document clean-up of raw NER mentions: trim titles, make labels agree, propagate names, drop noise."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from reader.entities.names import TITLE_MODIFIERS, company_form_only, is_title, strip_titles
from reader.entities.results import teams
from reader.models import Mention

_TOKEN = re.compile(r"\S+")
_TRAIL = re.compile(r"(?:['\u2019]s?|[\s,;:.!?\"\u201d\u2019)\]-])+$")
_ABBREV = re.compile(r"(?:\b\w\.\w|\b(?:Inc|Corp|Co|Ltd|Jr|Sr|St|Bros|Mt|Ft))$")
_LEAD = re.compile(r"^[\s\"\u201c\u2018(\[-]+")
_STOP = re.compile(r"^(?:\d[\d.,:/-]*|[-\u2013\u2014]+|\(.*)$")
"""A token that ends a name: a score or date ("Durham 114", "Mexico 2-0"), a spaced dash ("Romania -
Cosmin Contra") or an opening bracket ("Scott Draper (Australia)"). Results tables run names into them."""


def _trim(text: str, m: Mention) -> Mention | None:
    """Cut a leading "the", titles (people only), quotes and a trailing possessive off a mention's span."""
    start, end = m.start, m.end
    span = text[start:end]
    lead = _LEAD.match(span)
    if lead:
        start += lead.end()
    trail = _TRAIL.search(text[start:end])
    if trail and trail.start() > 0:
        end = start + trail.start()
    # Keep the "." of an abbreviation such as "U.S." or "Inc.": it belongs to the name.
    if end < m.end and text[end] == "." and _ABBREV.search(text[start:end]):
        end += 1
    tokens = list(_TOKEN.finditer(text[start:end]))
    if not tokens:
        return None
    cut = next((i for i, t in enumerate(tokens) if i and _STOP.match(t.group())), len(tokens))
    if cut < len(tokens):
        tokens = tokens[:cut]
        end = start + tokens[-1].end()
        trail = _TRAIL.search(text[start:end])
        if trail and trail.start() > 0:
            end = start + trail.start()
    words = [t.group() for t in tokens]
    keep = len(words)
    if len(words) > 1 and words[0].lower() == "the":
        keep = len(words) - 1
    if m.type == "person":
        keep = min(keep, len(strip_titles(words)))
    start += tokens[len(words) - keep].start()
    if not any(c.isalpha() for c in text[start:end]) or all(is_title(w) for w in text[start:end].split()):
        return None
    return Mention(start, end, text[start:end], m.type)


_ROW = re.compile(r"[ \t]+(?:[a-z]+[ \t]+){0,2}(?:[-+(]?\$?\d[\d,./]*\)?|nil|one|two|three|four|five|six|seven|"
                  r"eight|nine|ten)[ \t]+(?:[a-z]+[ \t]+){0,2}vs\b", re.I)


def table_label(text: str, start: int, end: int) -> bool:
    """True for a span that labels a figure compared with another: an earnings-table row, not a name.

    Wire results tables ("Revs 12.3 mln vs 10.1 mln", "Avg shrs 5,000,000 vs 4,900,000", "Shr seven
    cts vs 20 cts") are read as people by the model, with or without their line breaks (loaders
    reflow a paragraph's lines). Datelines ("LONDON 1996-08-30"), scores ("Mark Waugh 24") and fixtures
    ("Arsenal vs Chelsea") have no figure before a "vs", and keep their names.
    """
    return _ROW.match(text, end, min(len(text), end + 60)) is not None


def overlaps(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in taken)


def boundary_ok(text: str, start: int, end: int) -> bool:
    """A propagated match must stand alone, not be the head or tail of a longer capitalised name."""
    after = text[end:end + 2]
    if len(after) == 2 and after[0] == " " and after[1].isupper():
        return False
    if end < len(text) and (text[end].isalnum() or text[end] in "-&"):
        return False
    if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "-&"):
        return False
    before = text[:start].rstrip(" ").rsplit(None, 1)
    if before and start >= 2 and text[start - 1] == " " and before[-1][:1].isupper():
        word = before[-1]
        if not is_title(word) and word[-1] not in ".:!?\"\u201d" and word.lower() not in ("the", "a", "an"):
            return False
    return True


def _propagate(text: str, mentions: list[Mention]) -> list[Mention]:
    """Tag untagged occurrences of names the model found elsewhere in the document, and person surnames."""
    votes: dict[str, Counter] = defaultdict(Counter)
    for m in mentions:
        votes[m.text][m.type] += 1
        words = m.text.split()
        if m.type == "person" and len(words) > 1 and words[-1][:1].isupper() and len(words[-1]) > 2:
            votes[words[-1]]["person"] += 1
    taken = [(m.start, m.end) for m in mentions]
    added = []
    # Longest names first, so "Casey Wasserman" claims its span before "Wasserman" is looked for.
    for form in sorted(votes, key=len, reverse=True):
        if not form[:1].isupper() or len(form) < 2:
            continue
        type_ = votes[form].most_common(1)[0][0]
        for match in re.finditer(re.escape(form), text):
            s, e = match.span()
            if overlaps(taken, s, e) or not boundary_ok(text, s, e):
                continue
            taken.append((s, e))
            added.append(Mention(s, e, form, type_))
    return mentions + added


def _agree(mentions: list[Mention]) -> list[Mention]:
    """Give every occurrence of one surface form its majority type within the document."""
    votes: dict[str, Counter] = defaultdict(Counter)
    for m in mentions:
        votes[m.text][m.type] += 1
    # A lone surname takes the type of the full name it shortens ("Maxwell" beside "Ghislaine Maxwell").
    surnames = {m.text.split()[-1] for m in mentions if m.type == "person" and " " in m.text}
    out = []
    for m in mentions:
        (best, n), *rest = votes[m.text].most_common()
        if rest and rest[0][1] == n:
            best = m.type
        if m.text in surnames:
            best = "person"
        out.append(m if best == m.type else Mention(m.start, m.end, m.text, best))
    return out


def _common(text: str, m: Mention, lexicon: frozenset[str], name_words: set[str],
            heads: dict[str, str]) -> bool:
    """A single dictionary word tagged as an entity that the text shows is not a name.

    Evidence, any one of: it is written in lower case elsewhere in the document; it qualifies a
    following title ("State Senator"); it is a plural common noun ending a longer name of another type
    in the document ("Games", a place, beside the organisation "Winter Games"). A word that is part of
    a longer name in the
    same document ("Bass" beside "Karen Bass") is kept.
    """
    word = m.text
    lower = word.lower()
    if " " in word or word in name_words or not word[:1].isupper() or word.isupper():
        return False  # acronyms ("IOC") are names even when WordNet lists the letters
    plural = lower.endswith("s") and lower[:-1] in lexicon
    if lower not in lexicon and not plural:
        return False
    if plural and heads.get(word, m.type) != m.type:
        return True
    follower = text[m.end:m.end + 30].split(None, 1)
    if follower and (is_title(follower[0]) or follower[0].lower() in TITLE_MODIFIERS) and m.type != "person":
        return True
    return re.search(r"(?<![\w-])" + re.escape(lower) + r"(?![\w-])", text) is not None


_PARTICLES = frozenset({"de", "del", "della", "di", "da", "du", "van", "von", "der", "den", "la", "le", "al", "el",
                        "bin", "ibn", "ben", "dos", "das", "ter", "zu", "y", "e", "o"})
"""Lower-case words that may open a name ("de Gaulle", "van Gogh", "al-Assad")."""


def _lower_start(original: str, m: Mention) -> bool:
    """A name does not start with a lower-case word in a cased script: "cts" in "Shr 22 cts vs 15 cts"
    (tagged ORG all over Reuters' results tables), "cts Net". Scripts without case never match."""
    first = original[m.start:m.end].split(maxsplit=1)[0] if original[m.start:m.end].strip() else ""
    head = first.split("-")[0].split("'")[0]
    return bool(first) and first[0].islower() and head.lower() not in _PARTICLES


def refine(text: str, mentions: list[Mention], lexicon: frozenset[str], original: str | None = None
           ) -> list[Mention]:
    """Clean one document's raw mentions.

    Args:
        text: The text the offsets refer to (ALL-CAPS lines re-cased, same length as the original).
        mentions: Raw NER mentions, offsets into `text`.
        lexicon: Lower-case dictionary words.
        original: The text before re-casing, where lower-case use of a word is looked for.

    Returns:
        Mentions sorted by offset, without overlaps; `text` fields are slices of `text`.
    """
    trimmed = [t for t in (_trim(text, m) for m in mentions) if t is not None
               and not table_label(text, t.start, t.end)
               and not (t.type == "person" and any(c.isdigit() for c in t.text))]  # "JUL7", "APR7"
    # Team names of results lines replace whatever the model tagged over them.
    team_spans = teams(text)
    trimmed = [m for m in trimmed if not overlaps([(t.start, t.end) for t in team_spans], m.start, m.end)]
    trimmed += team_spans
    merged = _propagate(text, _agree(trimmed))
    name_words = {w for m in merged if m.type == "person" and " " in m.text for w in m.text.split()}
    heads = {m.text.split()[-1]: m.type for m in merged if m.type != "person" and " " in m.text}
    kept = [m for m in merged if not _common(original or text, m, lexicon, name_words, heads)
            and not _lower_start(original or text, m) and not company_form_only(m.text)]
    return sorted(kept, key=lambda m: (m.start, m.end))
