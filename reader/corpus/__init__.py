"""The corpus: find article files, read them in any supported format, and clean them into Articles."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reader.corpus.boilerplate import matches_rule
from reader.corpus.formats import SUPPORTED, FormatError, RawRecord, parse_file
from reader.corpus.metadata import derive_title, outlet_from_phrases, parse_date, parse_dateline
from reader.corpus.scanning import FileStat, scan
from reader.models import Article, Paragraph

__all__ = ["FileStat", "SUPPORTED", "scan", "load_file", "build_article", "FormatError"]

PARSER_VERSION = "5"
"""Bump when parsing or cleaning changes, so that every file is parsed again."""


def load_file(rel: str, data: bytes, mtime_ns: int, outlets: Path | None = None
              ) -> tuple[list[Article], list[dict]]:
    """Parse one file's bytes into Articles. Raises FormatError when the file cannot be an article."""
    records, skipped = parse_file(rel, data)
    try:
        reference = dt.datetime.fromtimestamp(mtime_ns / 1e9).date()
    except (ValueError, OverflowError, OSError):  # an mtime before 1900 or after 9999 (touch -d)
        reference = dt.date.today()
    text = None
    articles = []
    for record in records:
        if text is None or len(records) > 1:
            text = "\n".join(record.paragraphs)
        article = build_article(record, rel, reference, text, outlets)
        if article.paragraphs:
            articles.append(article)
        else:
            skipped.append({"path": record.id, "reason": "no text"})
    if not articles and not skipped:  # a JSONL file of blank lines: say so rather than nothing
        skipped.append({"path": rel, "reason": "no records (empty file)"})
    return articles, skipped


def build_article(record: RawRecord, rel: str, reference: dt.date, raw_text: str,
                  outlets: Path | None = None) -> Article:
    """Clean a raw record: rule boilerplate, byline and dateline, then fill in missing metadata."""
    fields = dict(record.fields)
    texts = list(record.paragraphs)
    flags = [matches_rule(p) for p in texts]
    lede_at = next((i for i, flag in enumerate(flags) if not flag), None)
    if lede_at is not None:
        # A short first paragraph "By NAME" is a byline, not reporting.
        first = texts[lede_at]
        if first.startswith("By ") and len(first) <= 80 and lede_at + 1 < len(texts):
            fields.setdefault("byline", first[3:].split(",")[0].strip())
            del texts[lede_at], flags[lede_at]
        lede, found = parse_dateline(texts[lede_at], reference)
        for key, value in found.items():
            fields.setdefault(key, value)
        if lede:
            texts[lede_at] = lede
        else:
            del texts[lede_at], flags[lede_at]
    paragraphs = tuple(Paragraph(t, f) for t, f in zip(texts, flags, strict=True))
    date = parse_date(fields["date"]) if fields.get("date") else None
    outlet = fields.get("outlet") or outlet_from_phrases(raw_text, outlets)
    title = fields.get("title")
    if not title:
        lede_text = next((p.text for p in paragraphs if not p.boilerplate), "")
        title = derive_title(lede_text) if lede_text else Path(rel).stem
    version = fields.get("version")
    return Article(record.id, rel, title, paragraphs, record.sha256, outlet, fields.get("byline"), date,
                   fields.get("url"), tuple(fields.get("tags", ())), version if isinstance(version, int) else None,
                   fields.get("story"))
