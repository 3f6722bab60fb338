"""IPTC NITF (`<nitf>`): headline, byline, dateline, distributor, date and body; `du-key`/`doc-id` mark versions."""

from __future__ import annotations

import re

from reader.corpus.formats import xmlsafe
from reader.corpus.formats.records import RawRecord, pick, sha
from reader.corpus.formats.xmlsafe import child, path, words


def parse(rel: str, data: bytes) -> tuple[list[RawRecord], list[dict]]:
    """One article: the file's id, its `body.content` paragraphs, the fields from `head` and `body.head`."""
    root = xmlsafe.parse(data, "NITF")
    paragraphs, fields = story(root)
    if not paragraphs:
        return [], [{"path": rel, "reason": "NITF document has no text in its body.content"}]
    return [RawRecord(rel, sha(data), paragraphs, fields)], []


def story(root) -> tuple[list[str], dict]:
    """A `nitf` element's paragraphs and fields."""
    head, body = child(root, "head"), child(root, "body")
    docdata = child(head, "docdata")
    top = child(body, "body.head")
    headline = words(path(top, "hedline", "hl1")) or words(child(head, "title"))
    byline = re.sub(r"^by\s+", "", words(child(top, "byline")), flags=re.I)
    person = words(path(top, "byline", "person"))
    copyright_ = child(docdata, "doc.copyright")
    doc_id = child(docdata, "doc-id")
    outlet = (words(child(top, "distributor")) or (copyright_.get("holder", "") if copyright_ is not None else "")
              or (doc_id.get("regsrc", "") if doc_id is not None else ""))
    issued = child(docdata, "date.issue")
    dateline = child(top, "dateline")
    story_date = child(dateline, "story.date")
    date = _norm(issued.get("norm", "") if issued is not None else "") or _norm(
        story_date.get("norm", "") if story_date is not None else "")
    fields = pick({"title": headline, "byline": person or byline, "outlet": outlet, "date": date})
    fields.update(_version(docdata))
    paragraphs = xmlsafe.paragraphs(child(body, "body.content"))
    where = words(dateline)
    if where and paragraphs and not paragraphs[0].startswith(where):
        paragraphs[0] = f"{where} \u2014 {paragraphs[0]}"  # as the wire prints it
    return paragraphs, fields


def _version(docdata) -> dict:
    """`version` and `story` from the document's data: `du-key` (its `key`, and its `version`, else its
    `generation`), else `doc-id` (`id-string`, with a revision when it ends in one, as `…-0042-r2`)."""
    out: dict = {}
    du_key = child(docdata, "du-key")
    if du_key is not None and du_key.get("key"):
        out["story"] = du_key.get("key").strip()[:200]
        number = (du_key.get("version") or du_key.get("generation") or "").strip()
        if number.isdigit():
            out["version"] = int(number[:9])
    doc_id = child(docdata, "doc-id")
    id_string = (doc_id.get("id-string") or "").strip() if doc_id is not None else ""
    if id_string and "story" not in out:
        revision = re.match(r"^(.+?)[-_:.](?:r|rev|v)(\d{1,4})$", id_string, re.I)
        out["story"] = (revision.group(1) if revision and "version" not in out else id_string)[:200]
        if revision and "version" not in out:
            out["version"] = int(revision.group(2))
    return out


def _norm(value: str) -> str:
    """An ISO 8601 `norm` date (`20261202T093000Z`, `2026-12-02T09:30:00`) as YYYY-MM-DD, else ''."""
    found = re.match(r"^(\d{4})-?(\d{2})-?(\d{2})", value.strip())
    return "-".join(found.groups()) if found else ""
