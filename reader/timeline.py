"""Timelines: how many articles per day, ISO week or month, and a one-line sparkline of the counts."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from reader.errors import WireError

UNITS = ("day", "week", "month")
BY = (*UNITS, "auto")
DAY_SPAN = 62
"""`auto` counts by day while the dates cover at most this many days (first and last included)."""
WEEK_SPAN = 731
"""`auto` counts by week while the dates cover at most this many days (two years); by month beyond."""
BLOCKS = "▁▂▃▄▅▆▇█"


@dataclass(frozen=True, slots=True)
class Bucket:
    """One day, week (starting Monday) or month, and how many articles fall in it."""

    start: str
    """ISO date of the bucket's first day."""
    count: int

    def to_dict(self) -> dict:
        return {"start": self.start, "count": self.count}


@dataclass(frozen=True, slots=True)
class Timeline:
    """Counts per bucket from the first dated article's bucket to the last one's, empty buckets included."""

    by: str
    """day | week | month (what `auto` chose, when asked)."""
    buckets: tuple[Bucket, ...]
    undated: int
    """Articles without a date: in no bucket."""
    first: str | None = None
    """The earliest date seen (a week or month bucket may start before it); None when nothing is dated."""
    last: str | None = None
    """The latest date seen."""

    def to_dict(self) -> dict:
        return {"by": self.by, "buckets": [b.to_dict() for b in self.buckets], "undated": self.undated}


def histogram(dates: Iterable[str | None], by: str = "auto") -> Timeline:
    """Count `dates` (ISO `YYYY-MM-DD`, or None for an undated article) per day, week or month.

    Args:
        by: day, week (ISO weeks, from Monday), month, or auto: day when the dates cover at most
            DAY_SPAN days, week up to WEEK_SPAN days, else month.
    """
    if by not in BY:
        raise WireError(f"unknown timeline unit '{by}' (use {', '.join(BY)})")
    # A corpus has far fewer distinct days than articles (Reuters-21578: 21,577 dates on 58 days):
    # count the strings first, in C, and parse each distinct one once.
    per_day: Counter[dt.date] = Counter()
    undated = 0
    for value, n in Counter(dates).items():
        day = _day(value)
        if day is None:
            undated += n
        else:
            per_day[day] += n
    if not per_day:
        return Timeline("day" if by == "auto" else by, (), undated)
    first, last = min(per_day), max(per_day)
    unit = by if by != "auto" else _auto(first, last)
    start = _STARTS[unit]
    counts: Counter[dt.date] = Counter()
    for day, n in per_day.items():
        counts[start(day)] += n
    # Every bucket from the first to the last, the empty ones too: a gap in coverage is news as well.
    buckets, current, end = [], start(first), start(last)
    while True:
        buckets.append(Bucket(current.isoformat(), counts.get(current, 0)))
        if current >= end:
            break  # before stepping on: the day after 9999-12-31 does not exist
        current = _next(current, unit)
    return Timeline(unit, tuple(buckets), undated, first.isoformat(), last.isoformat())


def merge_size(buckets: int, width: int) -> int:
    """How many neighbouring buckets share one cell of a `width`-cell sparkline (1 when all fit)."""
    if width < 1:
        return max(1, buckets)
    return max(1, -(-buckets // width))


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell of a drawn timeline: the buckets it sums, as the days they cover (both included)."""

    start: str
    end: str
    count: int


def cells(timeline: Timeline, width: int) -> list[Cell]:
    """The cells of a `width`-cell sparkline, each with the first and last day it covers and its count:
    what a cursor on the timeline points at, and the date range the list narrows to."""
    if width < 1 or not timeline.buckets:
        return []
    size = merge_size(len(timeline.buckets), width)
    out = []
    for i in range(0, len(timeline.buckets), size):
        group = timeline.buckets[i:i + size]
        last = dt.date.fromisoformat(group[-1].start)
        end = _next(last, timeline.by) - dt.timedelta(days=1) if last < dt.date.max - dt.timedelta(days=31) else last
        out.append(Cell(group[0].start, end.isoformat(), sum(b.count for b in group)))
    return out


def sparkline(timeline: Timeline, width: int) -> str:
    """The counts as block characters (▁ to █, a space for none) in at most `width` cells.

    Heights are relative to the fullest cell; any article at all draws at least ▁, so a thin
    stretch never looks like a gap.
    """
    counts = [b.count for b in timeline.buckets]
    if width < 1 or not counts:
        return ""
    # More buckets than cells: each cell takes the same number of neighbouring buckets and sums
    # their counts, so every cell spans the same length of time and still says how many articles
    # it holds (only the last cell may span less, when the buckets do not divide evenly).
    size = merge_size(len(counts), width)
    cells = [sum(counts[i:i + size]) for i in range(0, len(counts), size)]
    top = max(cells)
    return "".join(BLOCKS[-(-count * len(BLOCKS) // top) - 1] if count else " " for count in cells)


def _day(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        # The first ten characters: a full timestamp still counts on its day.
        return dt.date.fromisoformat(value[:10])
    except (TypeError, ValueError):
        return None  # not a date we can place: counted with the undated, never dropped


def _auto(first: dt.date, last: dt.date) -> str:
    span = (last - first).days + 1
    return "day" if span <= DAY_SPAN else "week" if span <= WEEK_SPAN else "month"


def _next(day: dt.date, unit: str) -> dt.date:
    if unit == "day":
        return day + dt.timedelta(days=1)
    if unit == "week":
        return day + dt.timedelta(days=7)
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


_STARTS = {
    "day": lambda day: day,
    "week": lambda day: day - dt.timedelta(days=day.weekday()),  # ISO weeks start on Monday
    "month": lambda day: day.replace(day=1),
}
