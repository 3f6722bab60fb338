"""The shapes the TUI's panes draw, made from Library results: sidebar groups, a diff's pairs and word marks.

Plain Python (no Textual, no Rich), called inside worker threads.
"""

from __future__ import annotations

from dataclasses import dataclass

from reader.entities import FIELDS as ENTITY_FIELDS
from reader.library import Library
from reader.models import Entity, Segment


@dataclass(frozen=True, slots=True)
class Alignment:
    """A pair diff as the diff screen draws it."""

    a: str
    b: str
    segments: tuple[Segment, ...]
    share_a: float
    share_b: float
    label: str
    marks: tuple[tuple[list[tuple[int, int]], list[tuple[int, int]]], ...] = ()
    """Per segment: (start, end) of the changed words on the a side and on the b side."""
    flags: tuple[tuple[str, ...], ...] = ()
    """Per segment: what its edits touch that a journalist checks — number, quote, verb (attribution)."""
    derived: str | None = None
    """"a" or "b": the side the label takes as the copy."""


def entity_counts(library: Library, query: str, limit: int = 40) -> dict[str, list[Entity]]:
    """People, organisations and places with article counts over the articles `query` matches (all if empty)."""
    return library.entities_by_type(list(ENTITY_FIELDS), query or None, limit)


def diff(library: Library, a: str, b: str) -> Alignment:
    """The aligned pair as the diff screen draws it, with the changed words of each changed passage
    taken from the overlap module's own word diff (the same one `wire diff` shows)."""
    # Imported here: the overlap module brings numpy and datasketch, which the first screen never needs.
    from reader.overlap.align import changed_spans
    from reader.overlap.flags import op_flags

    found = library.diff(a, b)
    marks = tuple(changed_spans(ops) if seg.kind == "changed" else ([], [])
                  for seg, ops in zip(found.alignment.segments, found.alignment.ops, strict=True))
    flags = tuple(tuple(sorted({f for op in op_flags(ops) for f in op})) if seg.kind == "changed" else ()
                  for seg, ops in zip(found.alignment.segments, found.alignment.ops, strict=True))
    overlap = found.overlap
    return Alignment(a, b, tuple(found.alignment.segments), overlap.share_a, overlap.share_b, overlap.label,
                     marks, flags, overlap.derived)
