"""The query text before Whoosh parses it: dates as day numbers, and what is wrong with unbalanced input."""

from __future__ import annotations

import re
from collections.abc import Callable

from reader.corpus.metadata import parse_date
from reader.errors import WireError

_DATE = r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?"
ENTITY_FIELD = re.compile(r"\b(person|org|place|entity):", re.I)
"""The fields NER fills: a query naming one must wait for the entity stage to be complete."""


def _day_bounds(text: str) -> tuple[str, str] | None:
    """'2026' → 20260000..20261299; '2026-02' → 20260200..20260299; '2026-02-04' → that day."""
    match = re.fullmatch(_DATE, text.strip())
    if not match:
        return None
    year, month, day = match.groups()
    low = f"{year}{int(month or 0):02d}{int(day or 0):02d}"
    high = f"{year}{int(month or 12):02d}{int(day or 99):02d}" if not day else low
    return low, high


def dates_as_numbers(query: str) -> str:
    """Rewrite date:2026-02, date:[2026-02-01 to 2026-02-10], date:[2026 to] into day numbers."""
    def one(match: re.Match[str]) -> str:
        bounds = _day_bounds(match.group(1))
        return f"date:[{bounds[0]} to {bounds[1]}]" if bounds else match.group(0)

    def span(match: re.Match[str]) -> str:
        low = _day_bounds(match.group(1)) if match.group(1).strip() else ("", "")
        high = _day_bounds(match.group(2)) if match.group(2).strip() else ("", "")
        if low is None or high is None:
            return match.group(0)
        return f"date:[{low[0]} to {high[1]}]".replace("[ to", "[to").replace(" to ]", " to]")

    query = re.sub(r"\bdate:\[([^\]]*?)\s*\bto\b\s*([^\]]*)\]", span, query, flags=re.I)
    return re.sub(r"\bdate:(\d{4}(?:-\d{1,2}){0,2})\b", one, query)


def syntax_problem(query: str) -> str | None:
    """Whoosh silently guesses on unbalanced input; say what was wrong instead."""
    if query.count('"') % 2:
        return "unbalanced quote"
    depth = 0
    for ch in query:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            break
    if depth != 0:
        return "unbalanced parenthesis"
    if re.search(r"(?:^|\s)\w+:(?:\s|$)", query):
        return "a field name with nothing after it"
    return None


_OPEN, _CLOSE = "\ue000", "\ue001"


def dated_between(since: str | None, until: str | None) -> Callable[[str | None], bool]:
    """--since/--until as a test on an ISO date, as `Library.search` bounds a query's hits: an undated
    article is outside any bound. A WireError, naming the option, for a value that is not a date."""
    bounds = []
    for name, value in (("since", since), ("until", until)):
        iso = parse_date(value) if value else None
        if value and iso is None:
            raise WireError(f"--{name}: not a date: '{value}' (use YYYY-MM-DD)")
        bounds.append(iso)
    low, high = bounds
    if not (low or high):
        return lambda date: True
    return lambda date: bool(date) and (not low or date >= low) and (not high or date <= high)


MARKS = {"read": ("read", True), "unread": ("read", False), "starred": ("starred", True),
         "unstarred": ("starred", False)}
"""`is:` values: which of the user's marks a query keeps, and whether it must be set or unset."""
_IS = re.compile(r'"[^"]*"|(\bNOT\s+)?\bis:("[^"]*"|\w*)', re.I)


def split_marks(query: str) -> tuple[str, tuple[str, ...]]:
    """The query without its `is:read|unread|starred|unstarred` parts (`NOT is:x` is the opposite), and those
    parts: they are the user's marks, kept in the state file, so they narrow the whole query's matches by id
    rather than being searched. A WireError for another value, or for `is:` inside parentheses or beside OR."""
    wants: list[str] = []
    kept: list[str] = []
    last = 0
    for match in _IS.finditer(query):
        if match.group(2) is None:
            continue  # a quoted phrase: `"is:read"` is text
        value = match.group(2).strip('"').lower()
        if value not in MARKS:
            raise WireError(f"is:{match.group(2)}: use is:read, is:unread, is:starred or is:unstarred")
        before, after = query[:match.start()], query[match.end():]
        if before.count("(") != before.count(")") or re.search(r"\bOR\s*$", before) or re.match(r"\s*OR\b", after):
            raise WireError(f"{match.group(0).strip()}: is: narrows the whole query, so it cannot sit inside "
                            "parentheses or beside OR")
        if match.group(1):
            value = {"read": "unread", "unread": "read", "starred": "unstarred", "unstarred": "starred"}[value]
        wants.append(value)
        kept.append(query[last:match.start()])
        last = match.end()
    if not wants:
        return query, ()
    kept.append(query[last:])
    return " ".join("".join(kept).split()), tuple(dict.fromkeys(wants))


def marks_test(wants: tuple[str, ...], marked: Callable[[str], set[str]] | None
               ) -> Callable[[str], bool] | None:
    """`split_marks`' parts as a test on an article id, given the ids the user marked `read` or `starred`
    (None: no state, nothing marked); None when there is nothing to test."""
    if not wants:
        return None
    sets = {kind: (marked(kind) if marked else set()) for kind in ("read", "starred")}
    tests = [(sets[kind], flag) for kind, flag in (MARKS[w] for w in wants)]
    return lambda article_id: all((article_id in ids) == flag for ids, flag in tests)
