"""Loose text files (`.txt`): an optional ` date … By NAME, OUTLET` first line, then paragraphs."""

from __future__ import annotations

import re

from reader.corpus.formats.records import RawRecord, sha
from reader.corpus.formats.text import clean, decode, split_paragraphs

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
    return [RawRecord(rel, sha(data), paragraphs, fields, first_line)]




def parse(rel: str, data: bytes) -> tuple[list[RawRecord], list[dict]]:
    return parse_txt(rel, data), []
