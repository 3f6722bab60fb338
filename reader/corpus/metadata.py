"""Metadata inferred from the text: datelines, dates, outlets from known phrases, titles from the lede."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path

import yaml

from reader.errors import WireError

_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_MON = r"(?P<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DASH = r"\s*(?:[—–]|--?|:)\s*"

# Wire datelines at the start of a lede, most specific first. Each may give a date and an outlet.
_DATELINES = [
    # LONDON, Feb 4 (Reuters) -
    re.compile(rf"^[A-Z][A-Za-z .'’-]{{1,40}},\s+{_MON}\s+(?P<day>\d{{1,2}})(?:,?\s+(?P<year>\d{{4}}))?\s*"
               rf"\((?P<outlet>[A-Z][\w.&' ]{{1,30}})\){_DASH}"),
    # (CNN) —   /   WASHINGTON (AP) —
    re.compile(rf"^(?:[A-Z][A-Z .'’-]{{1,40}},?\s+)?\((?P<outlet>[A-Z][\w.&' ]{{1,30}})\){_DASH}"),
    # Feb 4 :   /   Feb. 4, 2026 —
    re.compile(rf"^{_MON}\s+(?P<day>\d{{1,2}})(?:,?\s+(?P<year>\d{{4}}))?{_DASH}"),
]


def parse_dateline(lede: str, reference: dt.date) -> tuple[str, dict]:
    """Strip a wire dateline from the lede and return what it said.

    A dateline without a year ("Feb 4 :") is taken as the latest such day not after `reference`
    (the file's modification date): wire copy omits the year because it is the current one.

    Returns:
        The lede without its dateline, and a dict with `date` and/or `outlet` when found.
    """
    for pattern in _DATELINES:
        match = pattern.match(lede)
        if not match:
            continue
        found = {}
        groups = match.groupdict()
        if groups.get("outlet"):
            found["outlet"] = groups["outlet"].strip()
        if groups.get("mon"):
            month = _MONTHS[groups["mon"][:3].lower()]
            day = int(groups["day"])
            year = int(groups["year"]) if groups.get("year") else reference.year
            try:
                date = dt.date(year, month, day)
                if not groups.get("year") and date > reference:
                    date = dt.date(year - 1, month, day)
                found["date"] = date.isoformat()
            except ValueError:
                pass
        return lede[match.end():].lstrip(), found
    return lede, {}


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y",
                 "%b %d %Y", "%d-%b-%Y", "%d.%m.%Y", "%d/%m/%Y")


def parse_date(value: str) -> str | None:
    """An ISO date (YYYY-MM-DD) from the common ways articles write one, or None."""
    value = value.strip()
    iso = re.match(r"^(\d{4})-(\d{2})-(\d{2})", value)
    if iso:
        try:
            return dt.date(*map(int, iso.groups())).isoformat()
        except ValueError:
            return None
    head = re.split(r"[T ]\d{1,2}:\d{2}", value)[0].strip().rstrip(",")
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(head.replace("Sept ", "Sep "), fmt).date().isoformat()
        except ValueError:
            continue
    return None


def derive_title(lede: str, limit: int = 100) -> str:
    """The lede's first sentence, at most `limit` characters, cut on a word boundary with an ellipsis."""
    # Only the start can make the title: a 2 MB lede (a line without spaces) is not scanned whole.
    lede = " ".join(lede[:limit * 100].split())
    sentence = re.match(r"^(.+?[.!?])(?=\s+[A-Z“\"‘'(]|$)", lede)
    title = sentence.group(1) if sentence else lede
    if len(title) <= limit:
        return title
    cut = title[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:—–-") + "…"


@lru_cache(maxsize=8)
def _load_outlet_rules(paths: tuple[Path, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    rules = []
    for path in paths:
        if not path.is_file():
            continue
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise WireError(f"cannot read outlet rules {path}: {str(exc).splitlines()[0]}") from None
        entries = data.get("outlets") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise WireError(f"{path}: expected a list under 'outlets'")
        for entry in entries:
            if not (isinstance(entry, dict) and isinstance(entry.get("name"), str)
                    and isinstance(entry.get("phrases"), list)):
                raise WireError(f"{path}: each outlet needs a 'name' and a list of 'phrases'")
            rules.append((entry["name"], tuple(str(p) for p in entry["phrases"])))
    return tuple(rules)


SHIPPED_OUTLETS = Path(__file__).with_name("outlets.yaml")


def outlet_from_phrases(text: str, extra: Path | None = None) -> str | None:
    """The first outlet whose known phrase occurs in `text`; the user's rules are checked first."""
    paths = ((extra,) if extra else ()) + (SHIPPED_OUTLETS,)
    for name, phrases in _load_outlet_rules(paths):
        if any(p in text for p in phrases):
            return name
    return None
