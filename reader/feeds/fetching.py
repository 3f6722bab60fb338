"""`fetch`: every feed (or some) read in a few threads, new items written to the corpus, one result per feed."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reader.corpus.formats.records import FormatError, RawRecord
from reader.errors import describe
from reader.feeds import items, net
from reader.feeds.bookkeeping import Bookkeeping
from reader.feeds.subscriptions import Feed

WORKERS = 4
"""Feeds fetched at once: the wait is the network's, so threads (the GIL is free while they wait); a few,
so one server is never asked many things at once and a slow one holds up only its own thread."""
SUMMARY_CHARS = 1_000
"""An item whose feed text is shorter than this is taken for a summary; with full text on, its page is read."""


@dataclass
class Result:
    """What one feed's fetch did."""

    feed: Feed
    status: str = "ok"
    """ok (read, maybe with nothing new), unchanged (304 Not Modified), failed."""
    new: int = 0
    """Item files written."""
    items: int = 0
    """Items the feed holds now (0 when unchanged or failed)."""
    error: str | None = None
    skipped: list[dict] = field(default_factory=list)
    """Items left out ({"path", "reason"}: no content), and pages whose full text could not be had."""
    etag: str | None = None
    modified: str | None = None
    keys: list[str] = field(default_factory=list)
    """The item files now known to be there (written or found)."""

    def to_dict(self) -> dict:
        return {"name": self.feed.name, "url": self.feed.url, "status": self.status, "new": self.new,
                "items": self.items, "error": self.error, "skipped": self.skipped}


def fetch(corpus: Path, feeds: list[Feed], book: Bookkeeping, progress: Callable[[str, int, int], None] | None = None,
          should_stop: Callable[[], bool] | None = None, workers: int = WORKERS) -> list[Result]:
    """Fetch `feeds` into `corpus`; a feed's failure is its Result's error, never the others'.

    A KeyboardInterrupt (Ctrl-C in the main thread) returns at once: the threads are told to stop and are
    not waited for (a stalled server holds one for net.TIMEOUT); files they finish meanwhile are whole.
    """
    stop = threading.Event()

    def stopping() -> bool:
        return stop.is_set() or (should_stop is not None and should_stop())

    known = {feed.url: (book.last(feed.url), book.seen(feed.url)) for feed in feeds}
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=max(1, min(workers, len(feeds))),
                                                 thread_name_prefix="wire-feed")
    results: dict[str, Result] = {}
    try:
        futures = {pool.submit(_one, corpus, feed, *known[feed.url], stopping): feed for feed in feeds}
        if progress:
            progress("feeds", 0, len(feeds))
        for done, future in enumerate(concurrent.futures.as_completed(futures), start=1):
            try:
                result = future.result()
            except Exception as exc:  # noqa: BLE001 — a bug met on one feed fails that feed, not the fetch
                result = _failed(Result(futures[future]), f"internal error: {describe(exc)}")
            book.record(result.feed.url, result.etag, result.modified, result.error, result.keys, result.new)
            results[result.feed.url] = result
            if progress:
                progress("feeds", done, len(feeds))
    finally:
        stop.set()
        pool.shutdown(wait=False, cancel_futures=True)
    return [results[f.url] for f in feeds if f.url in results]


def _one(corpus: Path, feed: Feed, last, seen: set[str], should_stop) -> Result:
    result = Result(feed, etag=last.etag, modified=last.modified)
    try:
        reply = net.get(feed.url, last.etag, last.modified, net.FEED_CAP, should_stop)
    except net.FetchError as exc:
        return _failed(result, str(exc))
    if reply.body is None:
        result.status, result.etag, result.modified = "unchanged", reply.etag, reply.modified
        return result
    from reader.corpus.formats.feed import parse_feed  # feedparser: loaded by the first fetch that needs it

    try:
        records, skipped = parse_feed(reply.body, f"{items.FOLDER}/{feed.folder}")
    except FormatError as exc:
        return _failed(result, str(exc))
    except Exception as exc:  # noqa: BLE001 — whatever a hostile feed makes feedparser raise is this feed's error
        return _failed(result, f"unreadable feed ({describe(exc, 100)})")
    result.items, result.skipped = len(records) + len(skipped), skipped
    result.etag, result.modified = reply.etag, reply.modified
    outlet = feed.name
    fetched = dt.datetime.now(dt.timezone.utc).astimezone()
    where = items.folder_of(corpus, feed.folder)
    try:
        for record in records:
            if should_stop():
                break
            key = items.item_key(record)
            name = items.stem(feed.url, key)
            if name in seen:
                continue
            target = where / f"{name}.json"
            if not target.exists():
                if feed.full_text and sum(map(len, record.paragraphs)) < SUMMARY_CHARS:
                    record = _full_text(record, result, should_stop)
                if items.write(target, items.document(record, feed.url, key, outlet, fetched)):
                    result.new += 1
            result.keys.append(name)
    except OSError as exc:
        # The folder cannot be written (read-only, full): this feed fails with the reason, the others try too.
        return _failed(result, f"cannot write into {where}: {exc.strerror or exc}")
    return result


def _failed(result: Result, error: str) -> Result:
    result.status, result.error = "failed", " ".join(error.split())[:300]
    return result


def _full_text(record: RawRecord, result: Result, should_stop) -> RawRecord:
    """The item with its page's main text (trafilatura, as a saved page is read) when that is longer than the
    feed's summary; else the summary, and a skip entry saying why."""
    url = record.fields.get("url")
    where = f"{result.feed.name}: {url or record.id}"
    if not url or not url.lower().startswith(net.SCHEMES):
        result.skipped.append({"path": where, "reason": "full text: the item has no http(s) link"})
        return record
    from reader.corpus.formats.html import extract

    try:
        page = net.get(url, cap=net.PAGE_CAP, should_stop=should_stop).body or b""
        paragraphs, _fields = extract(page)
    except (net.FetchError, FormatError) as exc:
        result.skipped.append({"path": where, "reason": f"full text not fetched: {exc}"})
        return record
    except Exception as exc:  # noqa: BLE001 — a page trafilatura cannot take keeps the summary
        result.skipped.append({"path": where, "reason": f"full text not extracted: {describe(exc, 100)}"})
        return record
    if sum(map(len, paragraphs)) <= sum(map(len, record.paragraphs)):
        result.skipped.append({"path": where, "reason": "full text: the page has no more text than the summary"})
        return record
    return RawRecord(record.id, record.sha256, paragraphs, record.fields)
