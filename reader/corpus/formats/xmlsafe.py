"""XML read safely (no entity declarations, nothing external), its root element named, and ElementTree helpers."""

from __future__ import annotations

import re

from reader.corpus.formats.records import FormatError

_PROLOG = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>)", re.S | re.I)
_ROOT = re.compile(rb"\s*<(?:([A-Za-z_][\w.-]*):)?([A-Za-z_][\w.-]*)")
SNIFF = 64 * 1024
"""Bytes looked at for the root element: a prolog longer than this (comments, a DTD) is not a news file."""


def _head(data: bytes) -> bytes:
    """The start of an XML document as UTF-8-ish bytes (UTF-16 files read through their UTF-8 form)."""
    head = data[:SNIFF]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or head[:4:2] == b"<?" or head[1:4:2] == b"<?":
        head = head.decode("utf-16", errors="replace").encode()
    return head.removeprefix(b"\xef\xbb\xbf")


def _prolog_end(head: bytes) -> int:
    """Where the first element starts, after the XML declaration, comments, processing instructions and DTD."""
    at = 0
    while True:
        prolog = _PROLOG.match(head, at)
        if not prolog or prolog.end() == at:
            return at
        at = prolog.end()


def root_name(data: bytes) -> str | None:
    """The local name of the document's root element (`rss`, `feed`, `RDF`, `newsItem`, `nitf` …), or None
    for what does not start as XML."""
    head = _head(data)
    root = _ROOT.match(head, _prolog_end(head))
    return root.group(2).decode("ascii") if root else None


def refuse_entities(data: bytes, what: str) -> None:
    """Raise FormatError when the document's DTD declares entities: an entity bomb (billion laughs) or an
    external entity (`SYSTEM "file:///etc/passwd"`). News formats never need their own entities; a parser
    that expands them (or fetches them) is the risk, so such a file is not handed to one at all."""
    head = _head(data)
    # Searched for in all of the file, not only in a DTD this module could delimit: a declaration hidden
    # past a tricky internal subset must not slip through. A false alarm costs one odd file.
    if re.search(rb"<!DOCTYPE", head, re.I) and (re.search(rb"<!ENTITY", head, re.I)
                                                  or re.search(rb"<!ENTITY", data, re.I)):
        raise FormatError(f"{what}: refused, it declares entities (none is expanded, no external file read)")


def parse(data: bytes, what: str):
    """The root Element of `data`, parsed by expat through defusedxml: a document that declares entities
    (a billion-laughs bomb) or refers to external ones (file:///etc/passwd) is refused, not expanded.

    Raises:
        FormatError: naming `what` the file was read as, and why it is refused.
    """
    import defusedxml.ElementTree as safe  # here: only XML files need it
    from defusedxml import DefusedXmlException

    try:
        return safe.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise FormatError(f"{what}: refused, {_refusal(exc)}") from None
    except safe.ParseError as exc:
        raise FormatError(f"{what}: not well-formed XML ({str(exc).splitlines()[0][:100]})") from None


def _refusal(exc: Exception) -> str:
    """Why defusedxml refused a document, in words."""
    name = type(exc).__name__
    if name == "EntitiesForbidden":
        return "it declares entities (entity expansion is not allowed)"
    if name == "ExternalReferenceForbidden":
        return "it refers to an external entity or file"
    return f"unsafe XML ({name})"


def local(tag) -> str:
    """An element's name without its namespace (`{http://iptc.org/std/nar/2006-10-01/}headline` → `headline`)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def child(element, name: str):
    """The first direct child of `element` with this local name, or None."""
    if element is None:
        return None
    return next((e for e in element if local(e.tag) == name), None)


def path(element, *names: str):
    """The element reached by following direct children by local name, or None."""
    for name in names:
        element = child(element, name)
    return element


def descendants(element, name: str) -> list:
    """Every element below `element` (itself included) with this local name, in document order."""
    return [] if element is None else [e for e in element.iter() if local(e.tag) == name]


def words(element) -> str:
    """The element's text, markup gone and runs of white space made one space."""
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


BLOCKS = frozenset(("p", "hl2", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "tr", "dt", "dd"))
"""Elements of a story body that are a paragraph each (NITF and XHTML share most of these names)."""


def paragraphs(body) -> list[str]:
    """The paragraphs of a NITF `body.content` or an XHTML `body`: each block element's words; text not
    inside any block (a bare line in a `block`) one paragraph too. Tables of figures keep a row a paragraph."""
    found: list[str] = []

    def walk(element) -> None:
        if local(element.tag) in BLOCKS and not any(local(e.tag) in BLOCKS for e in element.iter() if e is not element):
            text = words(element)
            if text:
                found.append(text)
            return
        loose = " ".join((element.text or "").split())
        if loose:
            found.append(loose)
        for inner in element:
            if local(inner.tag) not in ("media", "img", "object", "script", "style"):
                walk(inner)
            tail = " ".join((inner.tail or "").split())
            if tail:
                found.append(tail)

    if body is not None:
        walk(body)
    return found
