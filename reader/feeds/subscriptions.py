"""The user's feed subscriptions (url, name, folder, full-text opt-in): rows of the state file, per corpus."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from reader.errors import WireError
from reader.feeds.net import SCHEMES
from reader.state import State
from reader.textsafe import inert

# Subscriptions are the user's own choice, as precious as a saved search: they live in the state file (table
# `feeds`, schema 3, reader/state_corpora.py), keyed by corpus, so a rebuild or a deleted cache keeps them and
# two corpora never see each other's. What a fetch learns (validators, items seen) is derived: see bookkeeping.py.

MAX_URL = 2000
MAX_NAME = 80
_FOLDER_CHARS = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Feed:
    """One subscription."""

    url: str
    name: str
    folder: str
    """The folder under `<corpus>/feeds/` its items are written to (fixed at `add`: a rename moves nothing)."""
    full_text: bool
    """Fetch each item's page for its text when the feed gives only a summary."""
    added: float

    def to_dict(self) -> dict:
        return {"name": self.name, "url": self.url, "folder": f"feeds/{self.folder}", "full_text": self.full_text,
                "added": self.added}


def check_url(url: str) -> str:
    """`url` if it is an http(s) address wire may fetch, else a WireError saying why (one line)."""
    url = url.strip()
    if not url:
        raise WireError("give the feed's address (http:// or https://)")
    if len(url) > MAX_URL or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise WireError(f"not a feed address: {inert(url[:100])!r} (spaces or control characters, or too long)")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 — raises ValueError for a port that is not a number
    except ValueError as exc:
        raise WireError(f"not a feed address: {inert(url[:100])} ({exc})") from None
    if parts.scheme.lower() not in SCHEMES:
        scheme = f"'{inert(parts.scheme[:20])}:'" if parts.scheme else "an address without http:// or https://"
        raise WireError(f"only http and https feeds are fetched, not {scheme} ({inert(url[:100])})")
    if not host:
        raise WireError(f"not a feed address: {inert(url[:100])} (no host)")
    return url


def check_name(name: str) -> str:
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME or any(ord(ch) < 32 or 0x7f <= ord(ch) <= 0x9f for ch in name):
        raise WireError(f"a feed's name is 1 to {MAX_NAME} printable characters, not {inert(name[:100])!r}")
    return name


def feeds(state: State | None) -> list[Feed]:
    """The corpus's subscriptions, by name (none without a state file)."""
    if state is None or state.cid is None:
        return []
    return [Feed(url, name, folder, bool(full), added) for url, name, folder, full, added in state.query(
        "SELECT url, name, folder, full_text, added FROM feeds WHERE corpus = ? ORDER BY name COLLATE NOCASE",
        (state.cid,))]


def find(state: State | None, which: str) -> Feed:
    """The subscription named `which` (any case), or whose address it is.

    Raises:
        WireError: none is.
    """
    return find_in(feeds(state), which)


def find_in(subscribed: list[Feed], which: str) -> Feed:
    """`find` among `subscribed`."""
    for feed in subscribed:
        if which == feed.url or which.casefold() == feed.name.casefold():
            return feed
    known = ", ".join(inert(f.name) for f in subscribed) or "none yet: wire feeds add URL"
    raise WireError(f"no feed named or at {inert(which[:100])!r} (feeds: {known})")


def subscribe(state: State, url: str, name: str | None = None, full_text: bool = False) -> Feed:
    """Add a subscription; its name defaults to the address's host (host-2… when taken).

    Raises:
        WireError: a bad address or name, or one this corpus already has.
    """
    url = check_url(url)
    current = feeds(state)
    for feed in current:
        if feed.url == url:
            raise WireError(f"already subscribed to {inert(url)} as {inert(feed.name)!r}")
    names = {f.name.casefold() for f in current}
    if name is not None:
        name = check_name(name)
        if name.casefold() in names:
            raise WireError(f"a feed is already named {inert(name)!r}: give another with --name")
    else:
        host = urlsplit(url).hostname or "feed"
        name = next(n for n in (host if i == 1 else f"{host}-{i}" for i in range(1, len(names) + 2))
                    if n.casefold() not in names)
    folders = {f.folder for f in current}
    base = _FOLDER_CHARS.sub("-", name.lower()).strip("-")[:40] or "feed"
    folder = next(f for f in (base if i == 1 else f"{base}-{i}" for i in range(1, len(folders) + 2))
                  if f not in folders)
    feed = Feed(url, name, folder, full_text, time.time())
    with state.transaction() as db:
        cid = state.corpus_id(state.corpus, create=True)
        state.cid = cid
        db.execute("INSERT INTO feeds (corpus, url, name, folder, full_text, added) VALUES (?, ?, ?, ?, ?, ?)",
                   (cid, feed.url, feed.name, feed.folder, int(full_text), feed.added))
    return feed


def unsubscribe(state: State, which: str) -> Feed:
    """Forget the subscription named (or at) `which`; its items stay where they are."""
    feed = find(state, which)
    with state.transaction() as db:
        db.execute("DELETE FROM feeds WHERE corpus = ? AND url = ?", (state.cid, feed.url))
    return feed
