"""The shapes the TUI's panes draw, made from Library results: sidebar groups, a diff's pairs and word marks.

Plain Python (no Textual, no Rich), called inside worker threads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.entities import FIELDS as ENTITY_FIELDS
from reader.library import Library
from reader.models import Entity, Segment

if TYPE_CHECKING:
    from reader.overlap.align import WordOp


@dataclass(frozen=True, slots=True)
class Alignment:
    """A pair diff as the diff screen draws it."""

    a: str
    b: str
    segments: tuple[Segment, ...]
    share_a: float
    share_b: float
    label: str
    derived: str | None = None
    """"a" or "b": the side the label takes as the copy."""
    ops: tuple[tuple[WordOp, ...], ...] = ()
    """Per segment: the overlap module's word ops, which reader/overlap/render.py turns into the lines
    both `wire diff` and the diff view show (changed words, the number / quote / verb flags)."""


def entity_counts(library: Library, query: str, limit: int = 40) -> dict[str, list[Entity]]:
    """People, organisations and places with article counts over the articles `query` matches (all if empty),
    from the entity view the background stages last wrote (the app never merges entities itself)."""
    return library.entities_by_type(list(ENTITY_FIELDS), query or None, limit, merge=False)


def diff(library: Library, a: str, b: str) -> Alignment:
    """The aligned pair as the diff screen draws it, with the overlap module's own word diff of each
    changed passage (the same one `wire diff` shows)."""
    found = library.diff(a, b)
    overlap = found.overlap
    return Alignment(a, b, tuple(found.alignment.segments), overlap.share_a, overlap.share_b, overlap.label,
                     overlap.derived, tuple(found.alignment.ops))
