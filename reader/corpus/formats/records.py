"""What every format yields: raw records, the skip error, and the article fields picked from a file's values."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from reader.corpus.formats.text import clean

# Keys a front matter block or a JSONL record may set; others are ignored (and kept out of the model).
FIELDS = ("title", "date", "outlet", "byline", "url", "tags")


class FormatError(Exception):
    """The file (or one record of it) cannot be read as an article; the message is the skip reason."""


@dataclass
class RawRecord:
    """One article as found in a file, before metadata is inferred and boilerplate marked."""

    id: str
    sha256: str
    paragraphs: list[str]
    fields: dict = field(default_factory=dict)
    """Values given explicitly by the file (front matter, record keys, the txt metadata line; for agency XML
    also `version` (an int) and `story`, the key its versions share)."""
    first_line: str | None = None
    """txt only: the remainder of a ` date …` metadata line when it was not a byline."""


MAX_ID = 200
"""Characters of a record id kept in the article id."""


def record_key(value, number: int) -> str:
    """A JSONL record's part of the article id: its `id` (a string or an integer), else its line number.

    Control characters and line breaks are shown as escapes, so that an id prints on one line and
    can be typed; a dict or list id, or an empty one, falls back to the line number.
    """
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return str(number)
    key = safe_name(str(value).strip())[:MAX_ID]
    return key or str(number)


_UNSAFE_NAME = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def safe_name(name: str) -> str:
    """`name` with control and bidi characters, and undecodable bytes (surrogateescape), as `\\xNN` escapes.

    File names are bytes on Linux: one that is not UTF-8 reaches Python with surrogate escapes, which
    SQLite, Whoosh and JSON refuse. Its escaped form is valid UTF-8 and prints on one line.
    """
    def escape(match: re.Match[str]) -> str:
        code = ord(match.group())
        if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: the undecodable byte itself
            return f"\\x{code - 0xDC00:02x}"
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _UNSAFE_NAME.sub(escape, name)


MAX_FIELD = 1000
"""Characters kept of a title, outlet or byline (a 5,000-digit number as a title is not a title)."""


def _scalar(value) -> str | None:
    """A field value as clean text, or None for what cannot be one (lists, mappings, NaN, empty)."""
    if isinstance(value, float) and value != value or value in (float("inf"), float("-inf")):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, str | int | float):
        text = clean(str(value)).strip()
        return text[:MAX_FIELD * 2] or None
    return None


def pick(meta: dict) -> dict:
    """Keep the known article fields, as strings (YAML turns dates into date objects); values of the
    wrong shape (a list as a title, a mapping as an outlet) are left out."""
    out = {}
    for key in FIELDS:
        value = meta.get(key)
        if value is None or value == "":
            continue
        if key == "tags":
            if isinstance(value, str):
                value = [t.strip() for t in value.split(",")]
            if isinstance(value, list):
                tags = (_scalar(t) for t in value[:200])
                out[key] = tuple(t[:100] for t in tags if t)
            else:
                out[key] = ()
            continue
        text = _scalar(value)
        if text is None:
            continue
        out[key] = text if key == "url" else text[:MAX_FIELD]
    return out


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
