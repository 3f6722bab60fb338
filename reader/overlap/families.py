"""Wire families: connected groups of articles that share copy, and the likely original of each."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from reader.models import Family, Overlap

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
FAMILY_COPY = 0.5
"""A pair joins a family when one side is mostly the other's text (this share of it reused) …"""
FAMILY_BOTH = 0.2
"""… and the other side is not a digest that holds it among many (at least this share of it reused too).
A round-up quoting seven stories shares a little of itself with each: joined through it, seven unrelated
stories were one family."""


def original(members: Iterable[str], date: Callable[[str], str | None]) -> str | None:
    """The earliest dated member, or None when dates do not decide.

    Dates do not decide when any member has no (valid ISO) date, since it could be the earliest,
    or when two members share the earliest date.
    """
    dated = []
    for member in members:
        value = date(member)
        if not value or not _ISO.fullmatch(value[:10]):
            return None
        dated.append((value[:10], member))
    if not dated:
        return None
    dated.sort()
    if len(dated) > 1 and dated[0][0] == dated[1][0]:
        return None
    return dated[0][1]


def families(overlaps: Iterable[Overlap], dates: Mapping[str, str | None] | Callable[[str], str | None]
             ) -> list[Family]:
    """Group articles that copy one another into families: joined by derived pairs (label != "non") in which
    one side is mostly the other's text and the other side is not a digest (FAMILY_COPY, FAMILY_BOTH).

    Args:
        overlaps: Scored pairs; pairs labelled "non", and pairs that only touch a digest, join nothing.
        dates: ISO date of each article id (a mapping, or a function returning None when unknown).

    Returns:
        Families of two or more articles, largest first; members sorted by id.
    """
    get = dates.get if isinstance(dates, Mapping) else dates
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]  # path halving keeps the trees flat
            x = parent[x]
        return x

    for o in overlaps:
        if o.label == "non" or max(o.share_a, o.share_b) < FAMILY_COPY or min(o.share_a, o.share_b) < FAMILY_BOTH:
            continue
        ra, rb = find(o.a), find(o.b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = {}
    for member in parent:
        groups.setdefault(find(member), []).append(member)
    out = [Family(tuple(sorted(g)), original(g, get)) for g in groups.values() if len(g) > 1]
    return sorted(out, key=lambda f: (-len(f.articles), f.articles))
