"""RSS 0.9x/1.0/2.0 and Atom (`feedparser`): each item one article, `path#guid`, so a feed read again keeps its ids.

`parse_feed(bytes)` takes a feed's bytes from anywhere (a file here; a fetched feed later).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from reader.corpus.formats import htmltext, xmlsafe
from reader.corpus.formats.records import FormatError, RawRecord, pick, record_key, sha


def parse(rel: str, data: bytes) -> tuple[list[RawRecord], list[dict]]:
    """The items of a feed file, as articles with ids `path#<guid, else link, else position>`."""
    return parse_feed(data, rel)


def parse_feed(data: bytes, rel: str = "feed") -> tuple[list[RawRecord], list[dict]]:
    """Each item of the feed in `data`: title, link as url, date, author as byline, content (else summary)
    as paragraphs, the feed's title as outlet, its categories as tags.

    feedparser drops a document's entity declarations but for plain-text ones (no nested references, no
    SYSTEM entities) and does not fetch external ones; the registry refuses any declaration before this
    (xmlsafe.refuse_entities, first). Its sanitizer removes scripts and styles from item HTML.

    Raises:
        FormatError: the bytes are not a feed, or a feed with no items.
    """
    import feedparser  # here: only feeds need it, and `wire search` start-up is measured

    xmlsafe.refuse_entities(data, "feed")

    parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
    if not parsed.entries:
        if not parsed.get("version") and parsed.get("bozo"):
            problem = str(parsed.get("bozo_exception", "")).splitlines()[0][:100] if parsed.get(
                "bozo_exception") else "unreadable"
            raise FormatError(f"not a readable feed: {problem}")
        raise FormatError("feed has no items" if parsed.get("version") else "not a feed (no RSS or Atom items)")
    outlet = parsed.feed.get("title")
    records, skipped, seen = [], [], set()
    for number, entry in enumerate(parsed.entries, start=1):
        # The guid (RSS) or id (Atom) is the item's own; the link is next best: both survive a re-read
        # of a feed that gained items at its top, where a position would not.
        key = record_key(entry.get("id") or entry.get("link"), number)
        if key in seen:
            key = f"{key}@{number}"
        seen.add(key)
        where = f"{rel}#{key}"
        html = _content(entry)
        paragraphs = htmltext.paragraphs(html) if html else []
        if not paragraphs:
            skipped.append({"path": where, "reason": "feed item has no content or summary"})
            continue
        fields = pick({"title": htmltext_one(entry.get("title", "")), "url": entry.get("link"),
                       "byline": _author(entry.get("author", "")), "outlet": outlet, "date": _date(entry),
                       "tags": [t.get("term") for t in entry.get("tags", ()) if t.get("term")]})
        records.append(RawRecord(where, sha(("\x1f".join((key, *paragraphs))).encode("utf-8", "replace")),
                                 paragraphs, fields))
    return records, skipped


def _content(entry) -> str:
    """The item's full content when it has one (Atom content, RSS content:encoded), else its summary."""
    for content in entry.get("content", ()):
        if content.get("value", "").strip():
            return content["value"]
    return entry.get("summary", "") or ""


def htmltext_one(text: str) -> str:
    """A title that may hold markup or entities, as one line of text."""
    return " ".join(htmltext.paragraphs(text)) if "<" in text or "&" in text else text


def _author(author: str) -> str:
    """RSS writes `email (Name)`: the name (feedparser's own split of it cuts letters off)."""
    named = re.match(r"^\s*\S+@\S+\s+\((.+)\)\s*$", author)
    return named.group(1).strip() if named else author


def _date(entry) -> str | None:
    """The item's publication (else update) date as YYYY-MM-DD; feedparser gives it as UTC."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        stamp = entry.get(key)
        if stamp:
            try:
                return dt.datetime.fromtimestamp(calendar.timegm(stamp), dt.timezone.utc).date().isoformat()
            except (OverflowError, ValueError, OSError):
                continue
    return None
