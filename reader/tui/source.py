"""The shapes the TUI's panes draw, made from Library results: sidebar groups, a diff's pairs and word marks.

Plain Python (no Textual, no Rich), called inside worker threads.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from reader.library import Library
from reader.models import Entity, Segment

ENTITY_FIELDS = {"person": "person", "organization": "org", "place": "place"}
"""Entity type → the search field that filters on it."""


@dataclass(frozen=True, slots=True)
class Alignment:
    """A pair diff as the diff screen draws it."""

    a: str
    b: str
    segments: tuple[Segment, ...]
    share_a: float
    share_b: float
    label: str


def entity_counts(library: Library, query: str, limit: int = 40) -> dict[str, list[Entity]]:
    """People, organisations and places with article counts over the articles `query` matches (all if empty)."""
    out: dict[str, list[Entity]] = {t: [] for t in ENTITY_FIELDS}
    for entity in library.entities(query=query or None):
        if entity.type in out:
            out[entity.type].append(entity)
    for kind in out:
        out[kind] = sorted(out[kind], key=lambda e: (-e.articles, -e.mentions, e.name))[:limit]
    return out


def diff(library: Library, a: str, b: str) -> Alignment:
    """The aligned pair; the Library's Comparison (overlap + alignment) becomes a plain Alignment."""
    found = library.diff(a, b)
    alignment = getattr(found, "alignment", found)
    overlap = getattr(found, "overlap", found)
    return Alignment(a, b, tuple(alignment.segments), float(getattr(overlap, "share_a", 0.0)),
                     float(getattr(overlap, "share_b", 0.0)), str(getattr(overlap, "label", "")))


def word_marks(a: str, b: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Character spans of the words that differ between two matched passages (a side, b side).

    Wanted from the overlap module (the design puts the word diff there); until then difflib here.
    """
    words_a = [m.span() for m in re.finditer(r"\S+", a)]
    words_b = [m.span() for m in re.finditer(r"\S+", b)]
    matcher = difflib.SequenceMatcher(a=[a[i:j] for i, j in words_a], b=[b[i:j] for i, j in words_b],
                                      autojunk=False)
    out_a: list[tuple[int, int]] = []
    out_b: list[tuple[int, int]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        if i2 > i1:
            out_a.append((words_a[i1][0], words_a[i2 - 1][1]))
        if j2 > j1:
            out_b.append((words_b[j1][0], words_b[j2 - 1][1]))
    return out_a, out_b
