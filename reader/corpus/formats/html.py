"""Saved web pages (`.html`, `.htm`): main text and metadata by trafilatura; navigation, ads and comments left out."""

from __future__ import annotations

import re

from reader.corpus.formats.records import FormatError, RawRecord, pick, sha
from reader.corpus.formats.text import detect

MAX_TREE = 200_000
"""Elements of a page parsed at most: a generated page of millions of nested divs is refused, not walked."""
_BLOCKS = ("p", "head", "quote", "code", "item", "row")
"""trafilatura's own element names for paragraphs, headings, quotes, code, list items and table rows."""


def parse(rel: str, data: bytes) -> tuple[list[RawRecord], list[dict]]:
    """One article: trafilatura's main text, a paragraph per block, and its title, date, author (byline),
    site name (outlet), canonical URL and tags."""
    paragraphs, fields = extract(_text(data))
    if not paragraphs:
        raise FormatError("HTML page: no main text found (navigation and boilerplate only)")
    return [RawRecord(rel, sha(data), paragraphs, fields)], []


_MARKUP = re.compile(rb"<(script|style)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>", re.S | re.I)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*[\w-]+""", re.I)


def _text(data: bytes) -> bytes | str:
    """The page for trafilatura: its bytes when they are UTF-8 or the page names its charset (which
    trafilatura honours); else text decoded by our detection, which reads an undeclared cp1251 page as
    cp1251 where trafilatura's guess takes it for cp1250."""
    try:
        data.decode("utf-8")
        return data
    except UnicodeDecodeError:
        pass
    if _CHARSET.search(data[:8192]) or data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data
    words = _MARKUP.sub(b" ", data[:512 * 1024])
    return data.decode(detect(words), errors="replace")


_CONFIG = None


def _config():
    """trafilatura's settings with MAX_TREE set (its default has no cap)."""
    global _CONFIG
    if _CONFIG is None:
        from trafilatura.settings import use_config

        _CONFIG = use_config()
        _CONFIG.set("DEFAULT", "MAX_TREE_SIZE", str(MAX_TREE))
    return _CONFIG


def extract(page: bytes | str) -> tuple[list[str], dict]:
    """Paragraphs and fields of one HTML page (bytes: trafilatura reads its declared charset)."""
    import trafilatura  # here: it takes ~0.5 s to import, and only HTML needs it

    try:
        # fast: no second opinion from readability and jusText, which cost ten times the main extractor
        # (0.2 s a page against 0.02) for pages that already have an <article> or clear paragraphs.
        doc = trafilatura.bare_extraction(
            page, with_metadata=True, include_comments=False, include_tables=True, include_images=False,
            include_links=False, favor_precision=True, fast=True, deduplicate=False, config=_config())
    except (ValueError, TypeError, RecursionError) as exc:  # what lxml raises on a page it cannot build
        raise FormatError(f"HTML page: cannot parse ({type(exc).__name__}: {str(exc)[:80]})") from None
    if doc is None or doc.body is None:
        return [], {}
    paragraphs = []
    for element in doc.body.iter(*_BLOCKS):
        # A block holding blocks (a list item of paragraphs, a quote of several) is read through them.
        if any(inner is not element for inner in element.iter(*_BLOCKS)):
            continue
        text = " ".join("".join(element.itertext()).split())
        if text:
            paragraphs.append(text)
    if paragraphs and doc.title and paragraphs[0] == " ".join(doc.title.split()):
        del paragraphs[0]  # the page's own headline, which is the title
    fields = pick({"title": doc.title, "byline": doc.author, "outlet": doc.sitename, "date": doc.date,
                   "url": doc.url, "tags": list(doc.tags or ()) + list(doc.categories or ())})
    return paragraphs, fields
