"""Readers for each input format: bytes in, raw records (fields + paragraphs) out. No metadata guessing here."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

import yaml

from reader import yamlsafe

SUPPORTED = (".txt", ".md", ".markdown", ".jsonl")
"""File suffixes the corpus loader reads; anything else is skipped with a reason."""

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
    """Values given explicitly by the file (front matter, record keys, the txt metadata line)."""
    first_line: str | None = None
    """txt only: the remainder of a ` date …` metadata line when it was not a byline."""


def _utf16(data: bytes) -> str | None:
    """The UTF-16 codec of `data` when it has a UTF-16 BOM, or NULs in every other byte of its start."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    head = data[:4096]
    pairs = len(head) // 2
    if pairs < 2:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    # ASCII-range text in UTF-16 has a NUL in (nearly) every high byte and in no low byte.
    if odd >= 0.6 * pairs and even == 0:
        return "utf-16-le"
    if even >= 0.6 * pairs and odd == 0:
        return "utf-16-be"
    return None


_SURROGATE = re.compile("[\ud800-\udfff]")


def clean(text: str) -> str:
    """`text` fit to store and print: lone surrogates (from JSON or YAML escapes) replaced, NULs dropped."""
    return _SURROGATE.sub("\ufffd", text).replace("\x00", "")


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 (BOM, or detected); otherwise cp1252, whose every byte decodes,
    so a file never crashes us."""
    codec = _utf16(data)
    if codec:
        text = data.decode(codec, errors="replace").lstrip("\ufeff")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


EARLY_BREAK = 0.85
"""A line shorter than this share of the text's widest line, when the next word would have fitted on it,
ended early (a paragraph's last line, a row of a table), rather than being wrapped."""
MIN_WRAP = 40
"""Texts whose widest line is narrower than this are not taken to be hard-wrapped: their lines all join."""
_SENTENCE_END = frozenset(".!?\"'\u201d\u2019\u00bb)\u3002\u06d4")
MAX_PARAGRAPHS = 5000
"""A text with more paragraphs has runs of them joined (as lines of one paragraph), so that it has at
most this many: 200,000 one-line paragraphs cost every stage per-paragraph work (boilerplate rules,
repetition keys, JSON rows) for nothing a reader can use. No news article comes near it."""


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs are separated by blank lines; wrapped lines inside one are joined.

    A text with no blank line at all is either one paragraph per line, or hard-wrapped with
    indented first lines (as old wire copy is); indentation decides. Inside a block, an indented
    line after a finished sentence that ended early starts a new paragraph too, and a run of lines
    that all ended early keeps its line breaks, so results tables ("Shr 22 cts vs 15 cts" / "Revs
    12.3 mln vs 10.1 mln") stay rows instead of running into one line.
    """
    text = text.strip("\n")
    if not text.strip():
        return []
    if re.search(r"\n[ \t]*\n", text):
        blocks = re.split(r"\n[ \t]*\n", text)
    elif any(line[:1] in (" ", "\t") for line in text.split("\n")[1:]):
        blocks = re.split(r"\n(?=[ \t])", text)
    else:
        blocks = text.split("\n")
    width = max(len(line.rstrip()) for line in text.split("\n"))
    paragraphs = []
    for block in blocks:
        paragraphs += _block_paragraphs([line for line in block.split("\n") if line.strip()], width)
    if len(paragraphs) > MAX_PARAGRAPHS:
        run = -(-len(paragraphs) // MAX_PARAGRAPHS)
        paragraphs = ["\n".join(paragraphs[i:i + run]) for i in range(0, len(paragraphs), run)]
    return paragraphs


def _block_paragraphs(lines: list[str], width: int) -> list[str]:
    """The paragraphs of one block of non-blank lines (see split_paragraphs)."""
    if not lines:
        return []
    room = [len(a.strip()) + 1 + len(b.split(None, 1)[0]) for a, b in zip(lines, lines[1:], strict=False)]
    early = [width >= MIN_WRAP and r <= EARLY_BREAK * width for r in room] + [False]
    paragraphs, current = [], lines[0].strip()
    for i in range(1, len(lines)):
        line = lines[i].strip()
        # Indented after a finished sentence that left room for the next word: a new paragraph.
        if lines[i][:1] in " \t" and current[-1] in _SENTENCE_END and width >= MIN_WRAP and room[i - 1] <= width:
            paragraphs.append(current)
            current = line
        elif early[i - 1] and (early[i] or (i >= 2 and early[i - 2])):
            current += "\n" + line  # one of a run of short lines: rows of a table, a list
        else:
            current += " " + line
    paragraphs.append(current)
    return paragraphs


_TXT_META = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b\s*(.*)$")
_BYLINE = re.compile(r"^By\s+([^,]{2,80}?)(?:,\s*(.{2,60}))?\s*$")


def parse_txt(rel: str, data: bytes) -> list[RawRecord]:
    """A loose text file: an optional first line ` date YYYY-MM-DD By NAME, OUTLET`, then paragraphs."""
    text = clean(decode(data))
    fields: dict = {}
    first_line = None
    head, _, rest = text.lstrip("\ufeff").partition("\n")
    meta = _TXT_META.match(head)
    if meta:
        fields["date"] = meta.group(1)
        remainder = meta.group(2).strip()
        byline = _BYLINE.match(remainder)
        if byline:
            fields["byline"] = byline.group(1).strip()
            if byline.group(2):
                fields["outlet"] = byline.group(2).strip()
        elif remainder:
            first_line = remainder
        text = rest
    paragraphs = split_paragraphs(text)
    if first_line:
        paragraphs.insert(0, first_line)
    return [RawRecord(rel, _sha(data), paragraphs, fields, first_line)]


_FRONT = re.compile(r"^---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|$)", re.S)
MAX_FRONT = 256 * 1024
"""Front matter is a few lines of metadata; a bigger block is not read (the body still is)."""


def parse_md(rel: str, data: bytes) -> list[RawRecord]:
    """Markdown with optional YAML front matter (title, date, outlet, byline, url, tags)."""
    text = clean(decode(data)).lstrip("\ufeff")
    fields: dict = {}
    front = _FRONT.match(text)
    if front:
        if len(front.group(1)) <= MAX_FRONT:
            try:
                # Lenient: a date that cannot be (2026-02-30) or `!!float abc` stays text, then fails
                # to parse as a date and is left out; alias bombs and deep nesting raise.
                meta = yamlsafe.load(front.group(1), lenient=True)
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                where = f" (line {mark.line + 2})" if mark else ""
                problem = getattr(exc, "problem", None)
                problem = f": {problem.splitlines()[0]}" if problem else ""
                raise FormatError(f"invalid YAML front matter{where}{problem}") from None
            if meta is not None and not isinstance(meta, dict):
                raise FormatError("front matter is not a mapping")
            fields = _pick(meta or {})
        text = text[front.end():]
    # Markdown headings and emphasis markers are layout, not words.
    lines = [re.sub(r"^#{1,6}\s+", "", line) for line in text.split("\n")]
    return [RawRecord(rel, _sha(data), split_paragraphs("\n".join(lines)), fields)]


def parse_jsonl(rel: str, data: bytes) -> tuple[list[RawRecord], list[dict]]:
    """One JSON object per line with `text` and the article fields; bad lines are skipped, not fatal.

    Returns:
        The records, and a skip entry `{"path", "reason"}` for each line that is not an article.
    """
    codec = _utf16(data)
    if codec:  # lines are split on b"\n", which UTF-16 does not keep as one byte
        data = decode(data).encode("utf-8", errors="replace")
    records, skipped, seen = [], [], set()
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        if len(skipped) >= MAX_BAD_LINES and not records:  # not JSONL at all (a binary file renamed)
            raise FormatError(f"not JSONL: the first {MAX_BAD_LINES} lines are not articles")
        where = f"{rel}#{number}"
        try:
            obj = _json(decode(raw))
        except FormatError as exc:
            skipped.append({"path": where, "reason": str(exc)})
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            skipped.append({"path": where, "reason": "record has no 'text' string"})
            continue
        key = record_key(obj.get("id"), number)
        if key in seen:  # a repeated record id would make two articles share one id
            key = f"{key}@{number}"
        seen.add(key)
        records.append(RawRecord(f"{rel}#{key}", _sha(raw), split_paragraphs(decode(clean(obj["text"]).encode())),
                                 _pick(obj)))
    return records, skipped


MAX_BAD_LINES = 100
"""Bad lines, before any good one, after which a file is taken not to be JSONL at all."""


def _json(line: str):
    """One JSON value; raises FormatError saying what is wrong with it."""
    try:
        # Integers too long for Python's int/str conversion limit (4,300 digits) stay text;
        # NaN and Infinity are not values any article field can use.
        return json.loads(line, parse_int=lambda s: int(s) if len(s) <= 1000 else s,
                          parse_constant=lambda name: None)
    except json.JSONDecodeError as exc:
        raise FormatError(f"invalid JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise FormatError("invalid JSON: nested too deeply") from None
    except ValueError as exc:
        raise FormatError(f"invalid JSON: {str(exc).splitlines()[0][:80]}") from None


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


def _pick(meta: dict) -> dict:
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


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_file(rel: str, data: bytes) -> tuple[list[RawRecord], list[dict]]:
    """Dispatch on the suffix. Raises FormatError for a file that cannot be an article."""
    # JSONL: a NUL in a later line spoils that line only (it is not valid JSON); one in the first
    # line says the file is binary.
    head = data[:data.find(b"\n")] if rel.lower().endswith(".jsonl") and b"\n" in data[:8192] else data[:8192]
    if b"\x00" in head and not _utf16(data):
        raise FormatError("binary file (contains NUL bytes), not text")
    suffix = rel[rel.rfind("."):].lower() if "." in rel else ""
    if suffix == ".txt":
        return parse_txt(rel, data), []
    if suffix in (".md", ".markdown"):
        return parse_md(rel, data), []
    if suffix == ".jsonl":
        return parse_jsonl(rel, data)
    raise FormatError(f"unsupported file type '{suffix or rel}'")
