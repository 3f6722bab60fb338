"""Names the model misses, found by the corpus pass: organisations named with letters and digits (LA28, G-7, 3M)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping

_ALPHANUMERIC = re.compile(r"(?<![\w$.,-])(?:[A-Z]{1,5}-?[0-9]{1,4}|[0-9]{1,2}[A-Z]{1,3})(?![\w-]|[.,][0-9])")
"""A word of capitals and digits: "LA28", "G-7", "G20", "3M"; not "$3M", "1.5M" nor "B-52s"."""
_NEXT = re.compile(r"(?:['\u2019]s)?\s+(\w+)")
ORG_WORDS = frozenset("""
said says officials official board committee organisers organizers organizing organising chairman chairwoman chief
president members member ministers countries nations summit leaders spokesman spokeswoman spokesperson executive
executives shares products statement staff group partners meeting agreement accord
""".split())
"""Words after an organisation's name ("LA28 officials", "G-7 countries", "3M products")."""
UNITS = frozenset("K KB MB GB TB KM KG MM CM AM PM G D S V W KW MW HP".split())
"""Letters after digits that make a measure, not a name ("5G", "3D", "10K", "4PM")."""
MIN_USES = 2
"""Uses before an organisation's word (in all) for a name to be proposed."""


def alphanumeric_organisations(texts: Mapping[str, str]) -> dict[str, list[tuple[int, int]]]:
    """Every occurrence (start, end), by document, of the letter-and-digit words the corpus uses as an
    organisation's name: followed by an organisation's word at least MIN_USES times, in at least two documents
    or three times. The model, trained on words, tags "LA28" (the organising committee) now and then at best."""
    seen: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    as_org: Counter = Counter()
    for doc, text in texts.items():
        for m in _ALPHANUMERIC.finditer(text):
            word = m.group()
            if word[0].isdigit() and word.lstrip("0123456789") in UNITS:
                continue
            name = word.replace("-", "")  # "G-7" and "G7" are one name, counted together
            seen[name].append((doc, m.start(), m.end()))
            after = _NEXT.match(text, m.end())
            if after and after.group(1).lower() in ORG_WORDS:
                as_org[name] += 1
    out: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for name, places in seen.items():
        if as_org[name] >= MIN_USES and (len({doc for doc, _, _ in places}) >= 2 or len(places) >= 3):
            for doc, start, end in places:
                out[doc].append((start, end))
    return out
