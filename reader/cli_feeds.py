"""`wire feeds [add|list|remove|fetch]`: subscribe to RSS/Atom feeds and fetch their new items into the corpus."""

from __future__ import annotations

import argparse
import time

from reader import feeds
from reader.cli_text import _width, print_json
from reader.errors import WireError
from reader.library import Library
from reader.state import State
from reader.textsafe import fit, inert


def add_parser(sub, common: list) -> None:
    """Declare `wire feeds …` on the `wire` subparsers (`common`: the global options)."""
    p = sub.add_parser("feeds", parents=common, help="RSS/Atom subscriptions: add, list, remove, fetch")
    p.add_argument("--json", action="store_true", help="print JSON")
    actions = p.add_subparsers(dest="feeds_action", metavar="ACTION", parser_class=type(p))
    a = actions.add_parser("add", parents=common, help="subscribe this corpus to a feed (http or https)")
    a.add_argument("url", help="the feed's address")
    a.add_argument("--name", metavar="N", help="what to call it (default: the address's host)")
    a.add_argument("--full-text", action="store_true",
                   help="for an item the feed gives only a summary of, fetch its page and keep the page's text")
    a.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    a = actions.add_parser("list", parents=common, help="the subscriptions and how their last fetch went")
    a.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    a = actions.add_parser("remove", parents=common, help="forget a subscription (its articles stay)")
    a.add_argument("feed", help="its name or address")
    a.add_argument("--delete-items", action="store_true", help="also delete the article files fetched from it")
    a.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    a = actions.add_parser("fetch", parents=common, help="fetch every feed (or those named) and write new items")
    a.add_argument("feed", nargs="*", help="names or addresses of feeds to fetch (default: all)")
    a.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")


def run(lib: Library, args, report, bar) -> int:
    """The handler; returns the exit status: 1 when a feed failed to fetch, else 0."""
    action = getattr(args, "feeds_action", None) or "list"
    if action == "add":
        _add(lib, args)
    elif action == "remove":
        _remove(lib, args)
    elif action == "fetch":
        return _fetch(lib, args, bar)
    else:
        _list(lib, args)
    return 0


def _add(lib: Library, args) -> None:
    feeds.check_url(args.url)  # a bad address is said before anything is opened or made
    feeds.check_writable(lib.corpus)
    state = State.open(lib.locations.data_dir, lib.corpus)
    try:
        feed = feeds.subscribe(state, args.url, args.name, args.full_text)
    finally:
        state.close()
    if args.json:
        print_json(feed.to_dict())
        return
    full = ", full text from each item's page" if feed.full_text else ""
    print(f"added {inert(feed.name)} ({inert(feed.url)}{full}); its items go to "
          f"{inert(str(lib.corpus / feeds.FOLDER / feed.folder))}/ (wire feeds fetch)")


def _subscriptions(lib: Library) -> list[feeds.Feed]:
    State.check(lib.locations.data_dir)  # a damaged state file: the one error line, not "no feeds"
    state = State.open_existing(lib.locations.data_dir, lib.corpus)
    try:
        return feeds.feeds(state)
    finally:
        if state is not None:
            state.close()


def _when(stamp: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(stamp)) if stamp else "never"


def _list(lib: Library, args) -> None:
    subscribed = _subscriptions(lib)
    book = feeds.Bookkeeping(lib.cache)
    try:
        rows = [(feed, book.last(feed.url)) for feed in subscribed]
    finally:
        book.close()
    if args.json:
        print_json({"feeds": [{**feed.to_dict(), "last_fetched": last.at, "last_ok": last.ok,
                               "items_written": last.written, "last_error": last.error} for feed, last in rows]})
        return
    if not rows:
        print("no feeds yet for this corpus (wire feeds add URL)")
        return
    width = _width()
    name_w = min(24, max(len(f.name) for f, _ in rows))
    for feed, last in rows:
        flag = " full text" if feed.full_text else ""
        print(f"{fit(inert(feed.name), name_w):<{name_w}}  {_when(last.at)}  {last.written:>5} items{flag}  "
              f"{fit(inert(feed.url), max(20, width - name_w - 40))}")
        if last.error:
            print(f"{'':<{name_w}}  last fetch failed: {fit(inert(last.error), max(20, width - name_w - 22))}")


def _remove(lib: Library, args) -> None:
    state = State.open(lib.locations.data_dir, lib.corpus)
    try:
        feed = feeds.unsubscribe(state, args.feed)
    finally:
        state.close()
    book = feeds.Bookkeeping(lib.cache)
    try:
        book.forget(feed.url)
    finally:
        book.close()
    deleted = feeds.delete_items(lib.corpus, feed.folder, feed.url) if args.delete_items else None
    if args.json:
        print_json({"removed": feed.to_dict(), "deleted_items": deleted})
        return
    where = inert(str(lib.corpus / feeds.FOLDER / feed.folder))
    said = (f"; deleted its {deleted} article files" if deleted is not None
            else f"; the articles fetched from it stay in {where}/ (--delete-items deletes them)")
    print(f"removed {inert(feed.name)} ({inert(feed.url)}){said}")


def _fetch(lib: Library, args, bar) -> int:
    subscribed = _subscriptions(lib)
    chosen = [feeds.find_in(subscribed, which) for which in args.feed] if args.feed else subscribed
    chosen = list({f.url: f for f in chosen}.values())  # a feed named twice is fetched once
    if not chosen:
        raise WireError("no feeds yet for this corpus: wire feeds add URL")
    feeds.check_writable(lib.corpus)
    book = feeds.Bookkeeping(lib.cache)
    started = time.monotonic()
    try:
        results = feeds.fetch(lib.corpus, chosen, book, progress=bar)
    finally:
        bar.finish()
        book.close()
    failed = [r for r in results if r.status == "failed"]
    new = sum(r.new for r in results)
    if args.json:
        print_json({"feeds": [r.to_dict() for r in results], "new": new, "failed": len(failed),
                    "seconds": round(time.monotonic() - started, 3)})
    else:
        width = _width()
        name_w = min(24, max(len(r.feed.name) for r in results))
        for r in results:
            what = (f"failed: {r.error}" if r.status == "failed" else "unchanged" if r.status == "unchanged"
                    else f"{r.new} new of {r.items}")
            print(f"{fit(inert(r.feed.name), name_w):<{name_w}}  {fit(inert(what), max(20, width - name_w - 2))}")
        print(f"{new} new {'article' if new == 1 else 'articles'} from {len(results)} "
              f"{'feed' if len(results) == 1 else 'feeds'}" + (f", {len(failed)} failed" if failed else ""))
    return 1 if failed else 0
