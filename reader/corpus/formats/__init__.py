"""Readers for each input format: bytes in, raw records (fields + paragraphs) out. No metadata guessing here.

One module a format; `registry` maps suffixes (and XML root elements) to them. What other modules import from
here (`parse_file`, `SUPPORTED`, `FormatError`, `RawRecord`, `split_paragraphs`, `safe_name` …) stays here.
"""

from __future__ import annotations

from reader.corpus.formats.jsonl import MAX_BAD_LINES, parse_json, parse_jsonl
from reader.corpus.formats.markdown import MAX_FRONT, parse_md, render
from reader.corpus.formats.plain import parse_txt
from reader.corpus.formats.records import FIELDS, MAX_FIELD, MAX_ID, FormatError, RawRecord, record_key, safe_name
from reader.corpus.formats.registry import SUPPORTED, parse_named
from reader.corpus.formats.text import EARLY_BREAK, MAX_PARAGRAPHS, MIN_WRAP, clean, decode, split_paragraphs

__all__ = ["SUPPORTED", "FIELDS", "MAX_FIELD", "MAX_ID", "MAX_BAD_LINES", "MAX_FRONT", "MAX_PARAGRAPHS",
           "EARLY_BREAK", "MIN_WRAP", "FormatError", "RawRecord", "clean", "decode", "split_paragraphs", "render",
           "parse_txt", "parse_md", "parse_jsonl", "parse_json", "record_key", "safe_name", "parse_file"]


def parse_file(rel: str, data: bytes) -> tuple[list[RawRecord], list[dict]]:
    """Dispatch on the suffix (see registry.PARSERS). Raises FormatError for a file that cannot be an article."""
    return parse_named(rel, rel, data)
