"""CSV (`.csv`): a header row naming the JSONL keys (`text`, `title`, `date`, `outlet`, `byline`, `url`, `tags`,
`id`), then one article a row."""

from __future__ import annotations

import csv
import io

from reader.corpus.formats.jsonl import from_object
from reader.corpus.formats.records import FormatError, RawRecord, sha
from reader.corpus.formats.text import decode

MAX_CELL = 64 * 1024 * 1024
"""Characters of one cell: the csv module's default (128 KB) is shorter than a long article."""


def parse(rel: str, data: bytes) -> tuple[list[RawRecord], list[dict]]:
    """One record per row with a `text` cell; rows without one are skip entries `path#row`."""
    text = decode(data).lstrip("\ufeff")
    head = text[:text.find("\n")] if "\n" in text else text
    # Spreadsheets in much of Europe write `;` between cells (the comma is their decimal mark).
    delimiter = max(",;\t", key=head.count)
    csv.field_size_limit(MAX_CELL)
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(rows, None)
        if not header:
            raise FormatError("empty CSV file")
        names = [name.strip().lower() for name in header]
        if "text" not in names:
            raise FormatError("CSV has no 'text' column in its header row")
        records, skipped, seen = [], [], set()
        for number, row in enumerate(rows, start=1):
            if not any(cell.strip() for cell in row):
                continue
            obj = {name: cell for name, cell in zip(names, row, strict=False) if name and cell != ""}
            if not isinstance(obj.get("text"), str) or not obj["text"].strip():
                skipped.append({"path": f"{rel}#{number}", "reason": "row has no 'text' cell"})
                continue
            records.append(from_object(rel, obj, number, seen, sha("\x1f".join(row).encode("utf-8", "replace"))))
    except csv.Error as exc:
        raise FormatError(f"invalid CSV: {str(exc).splitlines()[0][:100]}") from None
    return records, skipped
