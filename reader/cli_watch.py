"""`wire watch [QUERY]`: a standing query — each new article that matches, printed as it arrives in the folder."""

from __future__ import annotations

import sys

from reader.cli_text import _width, hit_line, print_json_line
from reader.library import Library
from reader.querytext import ENTITY_FIELD

OUTLET_WIDTH = 18
"""Columns of the outlet: fixed, since the lines come one by one (wire search sizes it to its hits)."""


def add_parser(sub, common: list) -> None:
    """Declare the `watch` subcommand on the `wire` subparsers (`common`: the global options)."""
    p = sub.add_parser("watch", parents=common, help="print each new article (matching QUERY) as it arrives")
    p.add_argument("query", nargs="*", help="Whoosh query (default: every new article)")
    p.add_argument("--json", action="store_true", help="one JSON object a line per article")


def run(lib: Library, args, report, bar) -> None:
    """The handler: watch the folder until Ctrl-C; after each batch of changes, sync and print what is new.

    New means an id the store did not hold before, whoever synced it (this process, the app, `wire index`
    in another terminal): the ids are compared, not this sync's counts, which miss what another process synced.
    """
    query = " ".join(args.query).strip()
    if query:
        lib.matching(query)  # a query that cannot run (`is:bogus`) fails now, not at the first arrival
    entities = bool(ENTITY_FIELD.search(query))
    known = set(lib.article_ids())
    lib.on_wait = None  # waiting for another process's sync is no news here
    width = _width()
    title_w = max(10, width - 11 - OUTLET_WIDTH - 2)

    def arrived() -> None:
        lib.sync()
        if entities:
            lib.enrich()  # the entity fields of the new articles, for person:/org:/place: in the query
        fresh = [i for i in lib.article_ids() if i not in known]
        known.update(fresh)
        if fresh and query:
            matching = set(lib.matching(query))
            fresh = [i for i in fresh if i in matching]
        for row in sorted(lib.rows(fresh), key=lambda r: (r.date or "", r.id)):
            if args.json:
                print_json_line({"id": row.id, "title": row.title, "outlet": row.outlet, "date": row.date})
            else:
                print(f"{hit_line(row, OUTLET_WIDTH, title_w)}  {row.id}", flush=True)

    def ready() -> None:
        what = f"new articles matching {query!r}" if query else "new articles"
        print(f"wire: watching {lib.corpus} for {what} (Ctrl-C stops)", file=sys.stderr, flush=True)
        arrived()  # what came between the command's sync and the watch being set up

    for _files in lib.watch(on_ready=ready).batches():
        arrived()
