"""`wire timeline`: how many articles (all, or a query's hits) per day, week or month, as bars or JSON."""

from __future__ import annotations

import sys

from reader.cli_text import _width, print_json
from reader.library import Library
from reader.querytext import ENTITY_FIELD, dated_between
from reader.timeline import BY, Timeline, histogram


def add_parser(sub, common: list) -> None:
    """Declare the `timeline` subcommand on the `wire` subparsers (`common`: the global options)."""
    p = sub.add_parser("timeline", parents=common, help="how many articles per day, week or month")
    p.add_argument("query", nargs="*", help="Whoosh query (default: every article)")
    p.add_argument("--by", choices=BY, default="auto",
                   help="bucket size (default auto: day up to 62 days, week up to two years, else month)")
    p.add_argument("--since", metavar="DATE", help="only articles dated on or after DATE")
    p.add_argument("--until", metavar="DATE", help="only articles dated on or before DATE")
    p.add_argument("--json", action="store_true", help="print JSON")


def run(lib: Library, args, report, bar) -> None:
    """The handler: count the articles' dates, print one bar per bucket (or the JSON)."""
    query = " ".join(args.query).strip()
    within = dated_between(args.since, args.until)  # a bad date fails before the entity stage, not after
    if query:
        if ENTITY_FIELD.search(query):
            lib.enrich(progress=bar)  # entity fields are filled by NER: wait for it, with progress
            bar.finish()
        result = lib.search(query, limit=None, snippets=False, since=args.since, until=args.until)
        if result.notice:
            print(f"note: {result.notice}", file=sys.stderr)
        dates = [hit.date for hit in result.hits]
    else:
        dates = [row.date for row in lib.listing() if within(row.date)]
    timeline = histogram(dates, args.by)
    if args.json:
        print_json({"query": query, **timeline.to_dict()})
    else:
        print_timeline(timeline, query)


def print_timeline(timeline: Timeline, query: str = "") -> None:
    """One line a bucket, `1987-03-02  ████████ 41`, the longest bar filling the terminal."""
    if not timeline.buckets and not timeline.undated:
        print(f"no articles match {query!r}" if query else "no articles")
        return
    if timeline.buckets:
        top = max(b.count for b in timeline.buckets)
        room = max(1, _width() - 10 - 2 - 1 - len(str(top)))  # date, gap, bar, space, count
        for bucket in timeline.buckets:
            # Any article draws at least one block: a thin bucket must not read as an empty one.
            length = max(1, round(bucket.count * room / top)) if bucket.count else 0
            print(f"{bucket.start}  {'█' * length} {bucket.count}")
    if timeline.undated:
        print(f"undated: {timeline.undated}")
