"""The `wire` commands over a list of articles kept or written out: `wire export`, `wire searches`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from reader import cli_text, searches
from reader.cli_text import print_json as _emit
from reader.errors import WireError
from reader.export import check_out_path, export, export_file
from reader.library import Library
from reader.querytext import ENTITY_FIELD as _ENTITY_FIELD
from reader.querytext import dated_between
from reader.state import State
from reader.textsafe import inert

if TYPE_CHECKING:
    from reader.cli import ProgressBar


# --- wire export ----------------------------------------------------------------------------------
def run_export(lib: Library, args, report, bar: ProgressBar) -> None:
    if args.limit is not None and args.limit < 1:
        raise WireError(f"--limit must be at least 1, not {args.limit}")
    if args.out and args.out != "-":
        check_out_path(args.out, lib.corpus)  # before the slow stages, not after them
    query = " ".join(args.query)
    within = dated_between(args.since, args.until)  # a bad date fails now, not after the slow stages
    # Entity columns and wire copies need NER and the copy stage: finish both, with progress on stderr
    # (each returns at once when up to date).
    lib.enrich(progress=bar)
    lib.overlaps(progress=bar)
    bar.finish()
    state = State.open_existing(lib.locations.data_dir, lib.corpus)  # no state file yet: no marks, and none made
    try:
        if query.strip():
            # Every hit, cut to --limit after the filters below.
            result = lib.search(query, limit=None, sort=args.sort, since=args.since, until=args.until,
                                snippets=False)
            if result.notice:
                print(f"note: {result.notice}", file=sys.stderr)
            ids = [h.id for h in result.hits]
        else:
            ids = [row.id for row in lib.listing() if within(row.date)]
        if args.unread and state:
            read = state.read_ids()
            ids = [i for i in ids if i not in read]
        if args.starred:
            starred = state.starred_ids() if state else set()
            ids = [i for i in ids if i in starred]
        ids = ids[:args.limit] if args.limit else ids
        if args.out and args.out != "-":
            count = export_file(lib, state, ids, args.format, args.out, query)
            print(f"wrote {count} article{'s' if count != 1 else ''} to {inert(args.out)}", file=sys.stderr)
        else:
            count = export(lib, state, ids, args.format, sys.stdout, query)
            sys.stdout.flush()  # a closed pipe shows here, inside main's BrokenPipeError handler
            if count == 0:
                print("note: no articles to export", file=sys.stderr)
    finally:
        if state:
            state.close()


# --- wire searches --------------------------------------------------------------------------------
def run_searches(lib: Library, args, report, bar: ProgressBar) -> None:
    saving, deleting = args.save is not None, args.delete is not None
    if saving and deleting:
        raise WireError("give --save or --delete, not both")
    if args.query and not saving:
        raise WireError("a query goes with --save NAME (wire searches --save NAME QUERY)")
    query = " ".join(args.query)
    if saving or deleting:
        State.check(lib.locations.data_dir)  # a damaged state file: the one error line, no warning before it
    saved = _saved(lib)
    if deleting and not saved:
        raise WireError(f"no saved search named '{inert(args.delete)}' (none saved)")
    if not (saved or saving):
        found = []  # nothing saved yet: no state file is made just to say so
    else:
        if _ENTITY_FIELD.search(query) or any(_ENTITY_FIELD.search(q) for _, q in saved):
            lib.enrich(progress=bar)  # entity fields are filled by NER: counts need it finished
            bar.finish()
        found = _save_delete_count(lib, args, query)
    if args.json:
        _emit({"searches": [s.to_dict() for s in found]})
    else:
        cli_text.print_searches(found)


def _save_delete_count(lib: Library, args, query: str) -> list[searches.SavedSearch]:
    state = State.open(lib.locations.data_dir, lib.corpus)
    try:
        if args.save is not None:
            name = searches.save(state, args.save, query)
            print(f"saved search '{inert(name)}'", file=sys.stderr)
        elif args.delete is not None:
            searches.delete(state, args.delete)
            print(f"deleted saved search '{inert(args.delete)}'", file=sys.stderr)
        return searches.counted(lib, state)
    finally:
        state.close()


def _saved(lib: Library) -> list[tuple[str, str]]:
    """The saved searches, without creating a state file when there is none yet."""
    state = State.open_existing(lib.locations.data_dir, lib.corpus)
    if state is None:
        return []
    try:
        return state.saved_searches()
    finally:
        state.close()
