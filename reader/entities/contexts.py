"""Where a name stands in the corpus: the words around its mentions that show a place, a company or a person."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from reader.models import Mention


def _form(text: str) -> str:
    return " ".join(text.split()).lower()


PLACE_WORDS = frozenset("in at near across throughout outside inside".split())
"""Words before a place ("in Sri Lanka", "at Buenos Aires"), never before a person's name."""
HOLDINGS = frozenset("stake stakes interest interests share shares holding holdings investment investments "
                     "position units".split())
"""... except "a stake in Husky": a company's name after a holding's "in"."""
COMPANY_WORDS = frozenset("company firm concern unit subsidiary group corporation".split())
"""Words before a company's name: "the state oil company Petrobras"."""
_PRONOUN = re.compile(r"\s+(?:said|says)\s+(it|its|he|his|she|her)\b")
""""ChemLawn said its …" is a company; "Volcker said he …" a person."""


def contexts(texts: Mapping[str, str], mentions: Mapping[str, Sequence[Mention]]) -> dict[str, Counter]:
    """Per form, how often its mentions stand where a place, a company, a person or a thing named with "the"
    stands (the words just before and after)."""
    seen: dict[str, Counter] = defaultdict(Counter)
    for doc, ms in mentions.items():
        text = texts.get(doc)
        if text is None:
            continue
        for m in ms:
            before = text[max(0, m.start - 14):m.start].split()
            last = before[-1] if before else ""
            c = seen[_form(m.text)]
            if last in PLACE_WORDS and text[m.end:m.end + 1] not in ("'", "\u2019") and \
                    not (len(before) > 1 and before[-2].lower() in HOLDINGS):
                c["place"] += 1
            elif last.lower() in ("the", '"the'):
                c["the"] += 1
            elif last in COMPANY_WORDS or text[m.start - 1:m.start] == "<" or m.text.startswith("<"):
                c["company"] += 1  # Reuters writes a company's name "<Petroleo Brasileiro SA>"
            pronoun = _PRONOUN.match(text, m.end, m.end + 16)
            if pronoun:
                c["company" if pronoun.group(1) in ("it", "its") else "person"] += 1
    return seen
