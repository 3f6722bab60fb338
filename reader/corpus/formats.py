"""Readers for each input format: bytes in, raw records (fields + paragraphs) out. No metadata guessing here."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

import yaml

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


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM); otherwise cp1252, whose every byte decodes, so a file never crashes us."""
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
    text = decode(data)
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


def parse_md(rel: str, data: bytes) -> list[RawRecord]:
    """Markdown with optional YAML front matter (title, date, outlet, byline, url, tags)."""
    text = decode(data).lstrip("\ufeff")
    fields: dict = {}
    front = _FRONT.match(text)
    if front:
        try:
            meta = yaml.safe_load(front.group(1))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 2})" if mark else ""
            raise FormatError(f"invalid YAML front matter{where}") from None
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
    records, skipped, seen = [], [], set()
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        where = f"{rel}#{number}"
        try:
            obj = json.loads(decode(raw))
        except ValueError as exc:
            skipped.append({"path": where, "reason": f"invalid JSON: {exc.msg}"})
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            skipped.append({"path": where, "reason": "record has no 'text' string"})
            continue
        key = str(obj.get("id") if obj.get("id") not in (None, "") else number)
        if key in seen:  # a repeated record id would make two articles share one id
            key = f"{key}@{number}"
        seen.add(key)
        records.append(RawRecord(f"{rel}#{key}", _sha(raw), split_paragraphs(decode(obj["text"].encode())),
                                 _pick(obj)))
    return records, skipped


def _pick(meta: dict) -> dict:
    """Keep the known article fields, as strings (YAML turns dates into date objects)."""
    out = {}
    for key in FIELDS:
        value = meta.get(key)
        if value is None or value == "":
            continue
        if key == "tags":
            if isinstance(value, str):
                value = [t.strip() for t in value.split(",")]
            out[key] = tuple(str(t) for t in value if str(t).strip()) if isinstance(value, list) else ()
        elif hasattr(value, "isoformat"):
            out[key] = value.isoformat()
        else:
            out[key] = str(value).strip()
    return out


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_file(rel: str, data: bytes) -> tuple[list[RawRecord], list[dict]]:
    """Dispatch on the suffix. Raises FormatError for a file that cannot be an article."""
    if b"\x00" in data[:8192]:
        raise FormatError("binary file (contains NUL bytes), not text")
    suffix = rel[rel.rfind("."):].lower() if "." in rel else ""
    if suffix == ".txt":
        return parse_txt(rel, data), []
    if suffix in (".md", ".markdown"):
        return parse_md(rel, data), []
    if suffix == ".jsonl":
        return parse_jsonl(rel, data)
    raise FormatError(f"unsupported file type '{suffix or rel}'")
