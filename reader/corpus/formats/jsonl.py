"""JSON Lines (`.jsonl`) and JSON (`.json`: one article object, or an array of them): `text` plus the article fields."""

from __future__ import annotations

import json

from reader.corpus.formats.records import FormatError, RawRecord, pick, record_key, sha
from reader.corpus.formats.text import _utf16, clean, decode, split_paragraphs


def parse(rel: str, data: bytes) -> tuple[list[RawRecord], list[dict]]:
    return parse_jsonl(rel, data)


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
        records.append(from_object(rel, obj, number, seen, sha(raw)))
    return records, skipped


def from_object(rel: str, obj: dict, number: int, seen: set[str], digest: str) -> RawRecord:
    """The record of one JSONL line, JSON array item or CSV row (`obj` has a `text` string); `seen` holds
    the file's record keys so far."""
    key = record_key(obj.get("id"), number)
    if key in seen:  # a repeated record id would make two articles share one id
        key = f"{key}@{number}"
    seen.add(key)
    return RawRecord(f"{rel}#{key}", digest, split_paragraphs(decode(clean(obj["text"]).encode())), pick(obj))


def parse_json(rel: str, data: bytes) -> tuple[list[RawRecord], list[dict]]:
    """A `.json` file: one article object, or an array of them (each as a JSONL record, id `path#id`)."""
    value = _json(decode(data))
    if isinstance(value, dict):
        if not isinstance(value.get("text"), str):
            raise FormatError("JSON object has no 'text' string")
        return [RawRecord(rel, sha(data), split_paragraphs(decode(clean(value["text"]).encode())), pick(value))], []
    if not isinstance(value, list):
        raise FormatError("JSON is neither an article object nor an array of them")
    records, skipped, seen = [], [], set()
    for number, obj in enumerate(value, start=1):
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            skipped.append({"path": f"{rel}#{number}", "reason": "record has no 'text' string"})
            continue
        digest = sha(json.dumps(obj, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8", "replace"))
        records.append(from_object(rel, obj, number, seen, digest))
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
