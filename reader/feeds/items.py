"""A fetched item as a file of the corpus: `<corpus>/feeds/<folder>/<hash>.json`, written once, never replaced."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path

from reader.corpus.formats.records import RawRecord
from reader.errors import WireError
from reader.locations import bundled, write_new

FOLDER = "feeds"
"""The folder of the corpus wire writes fetched items into (and nothing else of the corpus, ever)."""
NAME_HEX = 24
"""Hex digits of an item's file name: a hash of its feed's address and guid, whatever characters those hold."""


def item_key(record: RawRecord) -> str:
    """The item's own key in its feed: the guid (Atom id), else the link, as parse_feed put it after `#`."""
    return record.id.split("#", 1)[1] if "#" in record.id else record.id


def stem(feed_url: str, key: str) -> str:
    """The file name (without `.json`) of an item: the same item of the same feed always gets the same one."""
    return hashlib.sha256(f"{feed_url}\n{key}".encode("utf-8", "surrogatepass")).hexdigest()[:NAME_HEX]


def folder_of(corpus: Path, folder: str) -> Path:
    return Path(corpus) / FOLDER / folder


def check_writable(corpus: Path) -> None:
    """Raise a WireError (one line) when the items cannot go into this corpus: the bundled one, or read-only."""
    corpus = Path(corpus).resolve()
    if corpus == bundled("corpus").resolve():
        raise WireError("feeds are written into the corpus folder, and this is the bundled sample corpus: "
                        "give your own with --corpus DIR (or corpus: in config.yaml)")
    target = corpus / FOLDER
    probe = target if target.is_dir() else corpus
    if not os.access(probe, os.W_OK | os.X_OK):
        raise WireError(f"feeds are written into {target}, and {probe} is read-only for you: give a corpus folder "
                        "you can write with --corpus DIR")


def document(record: RawRecord, feed_url: str, key: str, outlet: str, fetched: dt.datetime) -> dict:
    """The JSON object of an item, in the shape the `.json` reader takes (an article object with `text`);
    `feed`, `guid` and `fetched` are ours: the reader ignores them, `remove --delete-items` checks `feed`."""
    fields = dict(record.fields)
    doc = {"title": fields.get("title"), "url": fields.get("url"),
           # An undated item takes the day it was fetched: a feed reader lists it among that day's news.
           "date": fields.get("date") or fetched.date().isoformat(),
           "byline": fields.get("byline"), "outlet": fields.get("outlet") or outlet,
           "tags": list(fields.get("tags", ())), "text": "\n\n".join(record.paragraphs),
           "feed": feed_url, "guid": key, "fetched": fetched.isoformat(timespec="seconds")}
    return {k: v for k, v in doc.items() if v not in (None, [], "")}


def write(target: Path, doc: dict) -> bool:
    """Write the item's file unless one is there already (True when written). The bytes go to a hidden
    temporary first, which neither the sync nor the app's watch reads, then are linked into place."""
    data = (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8", "surrogatepass")
    return write_new(target, data)


def ours(path: Path, feed_url: str) -> bool:
    """Whether `path` is an item file wire wrote for this feed (its name and its `feed` say so)."""
    if len(path.stem) != NAME_HEX or path.suffix != ".json" or not path.is_file() or path.is_symlink():
        return False
    try:
        with path.open("rb") as fh:
            doc = json.loads(fh.read(4 * 1024 * 1024))
    except (OSError, ValueError):
        return False
    return isinstance(doc, dict) and doc.get("feed") == feed_url


def delete_items(corpus: Path, folder: str, feed_url: str) -> int:
    """Delete the item files wire wrote for a feed (nothing else in its folder), then the folder if empty."""
    where = folder_of(corpus, folder)
    if not where.is_dir():
        return 0
    gone = 0
    for path in sorted(where.glob("*.json")):
        if ours(path, feed_url):
            path.unlink(missing_ok=True)
            gone += 1
    try:
        os.rmdir(where)
    except OSError:
        pass  # not empty (another feed's items, the user's own files): left as it is
    return gone
