"""Mail (`.eml`, stdlib `email`): subject as title, sender as byline, date; the plain part, else the HTML part."""

from __future__ import annotations

import email
import email.policy
import email.utils

from reader.corpus.formats.records import FormatError, RawRecord, pick, sha
from reader.corpus.formats.text import clean, decode, split_paragraphs


def parse(rel: str, data: bytes) -> tuple[list[RawRecord], list[dict]]:
    """One article: a press release or tip as mailed. The HTML part goes through the HTML reader
    (trafilatura), or, when that finds no main text in a short mail, through plain tag stripping."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    if not any(message.get(h) for h in ("From", "Subject", "Date", "To", "Message-ID")):
        raise FormatError("not an email message (no From, Subject or Date header)")
    paragraphs = _body(message)
    fields = pick({"title": _header(message, "Subject"), "byline": _sender(message),
                   "outlet": _header(message, "Organization"), "date": _date(message)})
    if not paragraphs:
        return [], [{"path": rel, "reason": "email has no text part"}]
    return [RawRecord(rel, sha(data), paragraphs, fields)], []


def _header(message, name: str) -> str:
    """A header's decoded value as one line; a header the parser cannot make sense of is left out."""
    try:
        value = message.get(name)
    except (ValueError, TypeError, IndexError, LookupError):  # the header parser's own failures
        return ""
    return " ".join(str(value).split()) if value is not None else ""


def _sender(message) -> str:
    """The sender's display name, else the address."""
    name, address = email.utils.parseaddr(_header(message, "From"))
    return name or address


def _date(message) -> str | None:
    try:
        return email.utils.parsedate_to_datetime(_header(message, "Date")).date().isoformat()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _body(message) -> list[str]:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return []
    try:
        text = part.get_content()
    except (LookupError, ValueError, AssertionError):  # an unknown charset, a broken transfer encoding
        text = decode(part.get_payload(decode=True) or b"")
    if not isinstance(text, str):
        text = decode(text)
    text = clean(text)
    if part.get_content_subtype() == "html":
        from reader.corpus.formats import html, htmltext

        paragraphs, _ = html.extract(text)
        return paragraphs or htmltext.paragraphs(text)
    return split_paragraphs(text.replace("\r\n", "\n"))
