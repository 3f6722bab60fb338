"""IPTC NewsML-G2 (`newsItem`, or a `newsMessage` of them): one article per text item, its version marked."""

from __future__ import annotations

import re

from reader.corpus.formats import xmlsafe
from reader.corpus.formats.records import FormatError, RawRecord, pick, record_key, sha
from reader.corpus.formats.xmlsafe import child, descendants, local, path, words


def parse(rel: str, data: bytes) -> tuple[list[RawRecord], list[dict]]:
    """Each `newsItem` of the file (the root, or the items of a `newsMessage`); a file of one item is one
    article with the file's id, several are `path#guid`. Items that are not text (pictures, packages) are
    skip entries."""
    root = xmlsafe.parse(data, "NewsML-G2")
    items = [root] if local(root.tag) == "newsItem" else descendants(root, "newsItem")
    if not items:
        raise FormatError(f"NewsML-G2: no newsItem in its {local(root.tag)}")
    records, skipped, seen = [], [], set()
    for number, item in enumerate(items, start=1):
        guid = item.get("guid") or ""
        if len(items) == 1:
            where = rel
        else:
            key = record_key(guid, number)
            where = f"{rel}#{key}@{number}" if key in seen else f"{rel}#{key}"
            seen.add(key)
        element = path(item, "itemMeta", "itemClass")
        item_class = element.get("qcode", "") if element is not None else ""
        if item_class and not item_class.endswith(":text"):
            skipped.append({"path": where, "reason": f"NewsML-G2 item of class {item_class[:40]}, not text"})
            continue
        paragraphs, fields = item_text(item)
        if not paragraphs:
            skipped.append({"path": where, "reason": "NewsML-G2 item has no text in its contentSet"})
            continue
        records.append(RawRecord(where, sha(data) if len(items) == 1 else sha(words(item).encode()), paragraphs,
                                 fields))
    return records, skipped


def item_text(item) -> tuple[list[str], dict]:
    """One newsItem's body paragraphs and fields: headline, byline, provider as outlet, date, and the
    version with the guid as the story key (a later version of a story keeps its guid)."""
    meta, content = child(item, "itemMeta"), child(item, "contentMeta")
    values: dict = {
        "title": words(child(content, "headline")),
        "byline": _byline(content),
        "outlet": _provider(item, meta),
        "date": (words(child(content, "contentCreated")) or words(child(meta, "firstCreated"))
                 or words(child(meta, "versionCreated"))),
    }
    fields = pick(values)
    version = item.get("version", "")
    if version.strip().isdigit():
        fields["version"] = int(version.strip()[:9])
    if item.get("guid"):
        fields["story"] = item.get("guid").strip()[:200]
    paragraphs = _body(item)
    dateline = words(child(content, "dateline"))
    if dateline and paragraphs and not paragraphs[0].startswith(dateline):
        paragraphs[0] = f"{dateline} \u2014 {paragraphs[0]}"  # as the wire prints it; build_article reads it
    return paragraphs, fields


def _byline(content) -> str:
    """`by` as written ("By Dana Ruiz" → "Dana Ruiz"), else the creators' names."""
    by = words(child(content, "by"))
    if by:
        return re.sub(r"^by\s+", "", by, flags=re.I)
    names = [words(child(c, "name")) for c in descendants(content, "creator")]
    return ", ".join(n for n in names if n)


def _provider(item, meta) -> str:
    """The provider's name; else the copyright holder's; else the provider's code without its scheme."""
    provider = child(meta, "provider")
    name = words(child(provider, "name")) or (provider.get("literal", "") if provider is not None else "")
    if name:
        return name
    holder = words(path(item, "rightsInfo", "copyrightHolder", "name"))
    if holder:
        return holder
    qcode = provider.get("qcode", "") if provider is not None else ""
    return qcode.split(":", 1)[-1]


def _body(item) -> list[str]:
    """The paragraphs of the first text content: inline NITF (`body.content`), XHTML (`body`), or plain
    inlineData."""
    for content in descendants(child(item, "contentSet"), "inlineXML"):
        body = descendants(content, "body.content") or descendants(content, "body")
        paragraphs = xmlsafe.paragraphs(body[0] if body else content)
        if paragraphs:
            return paragraphs
    for content in descendants(child(item, "contentSet"), "inlineData"):
        text = "".join(content.itertext())
        paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]
        if paragraphs:
            return paragraphs
    return []
