"""The one table of formats: file suffix (and XML root element) → parser. Adding a format is a module and a line."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from reader.corpus.formats import gzipped, xmlsafe
from reader.corpus.formats.records import FormatError, RawRecord

Parser = Callable[[str, bytes], tuple[list[RawRecord], list[dict]]]

PARSERS: dict[str, str] = {
    # suffix: "module:function" in reader.corpus.formats, imported on first use (trafilatura, feedparser
    # and lxml cost a start-up that `wire search` must not pay).
    ".txt": "plain:parse",
    ".md": "markdown:parse",
    ".markdown": "markdown:parse",
    ".jsonl": "jsonl:parse",
    ".json": "jsonl:parse_json",
    ".csv": "table:parse",
    ".html": "html:parse",
    ".htm": "html:parse",
    ".rss": "feed:parse",
    ".atom": "feed:parse",
    ".xml": "registry:parse_xml",
    ".nitf": "nitf:parse",
    ".newsml": "newsml:parse",
    ".eml": "mail:parse",
}

XML_ROOTS: dict[str, str] = {
    # root element of a `.xml` file (local name): parser
    "rss": "feed:parse",
    "RDF": "feed:parse",  # RSS 1.0 (and 0.90)
    "feed": "feed:parse",  # Atom
    "newsItem": "newsml:parse",
    "newsMessage": "newsml:parse",
    "nitf": "nitf:parse",
}

COMPRESSED = {".gz": gzipped.gunzip}
"""Suffixes of compressed files: unpacked, then read by the parser of the name without the suffix."""

SUPPORTED = tuple(PARSERS) + tuple(s + c for c in COMPRESSED for s in PARSERS)
"""File suffixes the corpus loader reads (`scan` keeps these); anything else is skipped with a reason."""


def _load(target: str) -> Parser:
    module, function = target.split(":")
    return getattr(importlib.import_module(f"reader.corpus.formats.{module}"), function)


def _suffix(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    return base[base.rfind("."):].lower() if "." in base else ""


def parser_for(name: str) -> Parser | None:
    """The parser for a file of this name, or None when no format has its suffix."""
    target = PARSERS.get(_suffix(name))
    return _load(target) if target else None


def parse_xml(rel: str, data: bytes) -> tuple[list[RawRecord], list[dict]]:
    """A `.xml` file, read as what its root element says it is: a feed, NewsML-G2 or NITF."""
    xmlsafe.refuse_entities(data, "XML")
    root = xmlsafe.root_name(data)
    if root is None:
        raise FormatError("not XML (no root element found at its start)")
    target = XML_ROOTS.get(root)
    if target is None:
        raise FormatError(f"XML of a kind not read here (root element <{root[:40]}>)")
    return _load(target)(rel, data)


def parse_named(rel: str, name: str, data: bytes) -> tuple[list[RawRecord], list[dict]]:
    """Parse `data` as the format `name`'s suffix says (ids are made from `rel`). A compressed file is
    unpacked and read by the format of its inner name (`old.txt.gz` as `.txt`), once: a gzip inside a
    gzip is not unpacked again."""
    suffix = _suffix(name)
    if suffix in COMPRESSED:
        inner = name[:-len(suffix)]
        if _suffix(inner) in COMPRESSED:
            raise FormatError("compressed twice (a .gz inside a .gz is not unpacked)")
        parser = parser_for(inner)
        if parser is None:
            raise FormatError(f"unsupported file type '{_suffix(inner) or inner}' inside '{suffix}'")
        return check_binary(rel, inner, COMPRESSED[suffix](data), parser)
    parser = parser_for(name)
    if parser is None:
        raise FormatError(f"unsupported file type '{suffix or rel}'")
    return check_binary(rel, name, data, parser)


def check_binary(rel: str, name: str, data: bytes, parser: Parser) -> tuple[list[RawRecord], list[dict]]:
    """Refuse a binary file (NULs near its start, not UTF-16), then parse it."""
    from reader.corpus.formats.text import _utf16

    # JSONL: a NUL in a later line spoils that line only (it is not valid JSON); one in the first
    # line says the file is binary.
    jsonl = name.lower().endswith(".jsonl")
    head = data[:data.find(b"\n")] if jsonl and b"\n" in data[:8192] else data[:8192]
    if b"\x00" in head and not _utf16(data):
        raise FormatError("binary file (contains NUL bytes), not text")
    return parser(rel, data)
