"""The `wire` command: parse arguments, open a Library, print text for people or JSON for scripts."""

from __future__ import annotations

import sys

try:  # a Ctrl-C while these load (a second on a busy machine) is an interruption like any other
    import argparse
    import os
    import time
    from collections.abc import Sequence
    from contextlib import nullcontext

    from reader import (__version__, cli_feeds, cli_lists, cli_review, cli_state, cli_text, cli_timeline,
                        cli_watch)
    from reader.children import die_with_parent
    from reader.cli_text import print_json as _emit
    from reader.errors import DiskFull, WireError
    from reader.export import FORMATS
    from reader.interrupts import deadline, interrupted, leave
    from reader.library import Library
    from reader.models import SyncReport
    from reader.querytext import ENTITY_FIELD as _ENTITY_FIELD
    from reader.textsafe import inert
except KeyboardInterrupt:
    sys.stderr.write("wire: interrupted\n")
    raise SystemExit(130) from None


class _Parser(argparse.ArgumentParser):
    """argparse, but errors are one line: `wire: error: …` (exit 2)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"wire: error: {inert(message)} (see wire --help)\n")
        raise SystemExit(2)


def _globals(defaults: bool) -> argparse.ArgumentParser:
    """The global options, accepted before and after the command.

    On the subcommands they default to SUPPRESS, so a value given before the command is
    not overwritten by a subparser's default.
    """
    parent = argparse.ArgumentParser(add_help=False)
    default = None if defaults else argparse.SUPPRESS
    parent.add_argument("--corpus", metavar="DIR", default=default,
                        help="corpus folder (default: configured, else bundled)")
    parent.add_argument("--home", metavar="DIR", default=default,
                        help="where derived data and user state live (env WIRE_HOME)")
    parent.add_argument("--config", metavar="FILE", default=default, help="config file (env WIRE_CONFIG)")
    parent.add_argument("--no-sync", action="store_true", default=default,
                        help="answer from the index as last synced, without checking the corpus folder for "
                             "changes (says when that was); as `sync: manual` in config.yaml")
    parent.add_argument("--color", choices=cli_text.COLOR_CHOICES, default=default,
                        help="colour and bold in the output: auto (default: on a terminal, unless NO_COLOR is "
                             "set or FORCE_COLOR asks for it in a pipe), always or never")
    return parent


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="wire", parents=[_globals(True)],
                     description="A terminal reader for news corpora: search, entities, wire-copy diffs.")
    parser.add_argument("--version", action="version", version=f"wire-reader {__version__}")
    parser.add_argument("--theme", metavar="NAME", help="app theme (default: configured, else a 256-colour-safe one)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    common = [_globals(False)]

    p = sub.add_parser("index", parents=common, help="sync the index with the corpus folder")
    p.add_argument("--rebuild", action="store_true", help="forget derived data and index everything again")
    p.add_argument("--text-only", action="store_true", help="skip the entity stage (NER)")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("search", parents=common, help="search the corpus")
    p.add_argument("query", nargs="+", help="Whoosh query: words, \"phrases\", OR/NOT, title:, outlet:, date:[a to b]…")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="at most N hits (default 20)")
    p.add_argument("--sort", choices=("relevance", "date"), default="relevance")
    p.add_argument("--since", metavar="DATE", help="only articles dated on or after DATE")
    p.add_argument("--until", metavar="DATE", help="only articles dated on or before DATE")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("entities", parents=common, help="people, organisations and places, aliases merged")
    p.add_argument("--type", choices=("person", "organization", "place"))
    p.add_argument("--query", metavar="Q", help="count only in the articles matching Q")
    p.add_argument("--limit", type=int, default=50, metavar="N", help="at most N entities (default 50)")
    p.add_argument("--explain", metavar="NAME", help="which forms were merged into NAME's entity, and why")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("overlaps", parents=common, help="articles that share wire copy, and their families")
    p.add_argument("--min-share", type=float, default=0.0, metavar="F",
                   help="only pairs where one side reuses at least this fraction (0–1)")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("diff", parents=common, help="aligned diff of two articles")
    p.add_argument("a", help="article id (a unique prefix is enough)")
    p.add_argument("b", help="article id (a unique prefix is enough)")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("export", parents=common, help="write a list of articles as CSV, Markdown or JSON Lines")
    p.add_argument("query", nargs="*", help="Whoosh query (default: every article, newest first)")
    p.add_argument("--format", choices=FORMATS, default="csv", help="csv (default), md (a dossier) or jsonl")
    p.add_argument("--out", metavar="FILE", help="write FILE (default, or -: standard output)")
    p.add_argument("--sort", choices=("date", "relevance"), default="date", help="order of a query's hits")
    p.add_argument("--since", metavar="DATE", help="only articles dated on or after DATE")
    p.add_argument("--until", metavar="DATE", help="only articles dated on or before DATE")
    p.add_argument("--unread", action="store_true", help="only articles not marked read")
    p.add_argument("--starred", action="store_true", help="only starred articles")
    p.add_argument("--limit", type=int, metavar="N", help="at most N articles")

    p = sub.add_parser("searches", parents=common, help="saved searches, with how many articles each matches")
    p.add_argument("--save", metavar="NAME", help="save QUERY under NAME (replacing a search of that name)")
    p.add_argument("--delete", metavar="NAME", help="forget the saved search NAME")
    p.add_argument("query", nargs="*", help="with --save: the query to save")
    p.add_argument("--json", action="store_true", help="print JSON")

    cli_timeline.add_parser(sub, common)
    cli_watch.add_parser(sub, common)
    cli_state.add_parser(sub, common)
    cli_feeds.add_parser(sub, common)

    p = sub.add_parser("show", parents=common, help="print one article")
    p.add_argument("id", help="article id (a unique prefix is enough)")
    p.add_argument("--boilerplate", action="store_true", help="also print boilerplate paragraphs, marked")
    p.add_argument("--json", action="store_true", help="print JSON")
    cli_review.add_parsers(sub, common)  # tag, note
    return parser


class ProgressBar:
    """A one-line bar on stderr, drawn only on a terminal and only once a sync has taken a second."""

    def __init__(self, stream=None, delay: float = 1.0, clock=time.monotonic) -> None:
        self.stream = stream or sys.stderr
        self.delay = delay
        self.clock = clock
        self.started = clock()
        self.drawn = 0
        """Width of the widest line drawn, to blank it."""
        self.enabled = hasattr(self.stream, "isatty") and self.stream.isatty()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled or self.clock() - self.started < self.delay:
            return
        width = 30
        filled = int(width * done / total) if total else width
        line = f"{stage:<11} [{'#' * filled}{'.' * (width - filled)}] {done}/{total} "
        self.stream.write("\r" + line)
        self.stream.flush()
        self.drawn = max(self.drawn, len(line))

    def finish(self) -> None:
        # Blanked with spaces, not an erase-line escape: nothing but text reaches a NO_COLOR terminal.
        if self.drawn:
            self.stream.write("\r" + " " * self.drawn + "\r")
            self.stream.flush()
            self.drawn = 0


def run(args: argparse.Namespace) -> int:
    if args.command == "state":  # the user's state alone: no corpus opened or synced (it may be gone)
        cli_state.run(None, args, None, None)
        return 0
    lib = Library.open(args.corpus, args.home, args.config)
    for warning in lib.config.warnings:  # keymap entries left out (the app shows them, and unknown ids, itself)
        print(f"wire: warning: {warning}", file=sys.stderr)
    user_tags = lib.tag_ids = cli_review.UserTags(lib.locations.data_dir, lib.corpus)  # `tags:` finds your tags too
    lib.marked = user_tags.marked  # `is:unread`, `is:starred` read your marks
    lib.on_wait = _waiting
    try:
        bar = ProgressBar()
        try:
            if args.command == "feeds":  # feeds write files and read the state, never the index: no sync first
                report = SyncReport()
            elif args.command != "index" and (getattr(args, "no_sync", False) or lib.config.sync == "manual"):
                report = lib.last_sync()
                _not_synced(report)
            else:
                report = lib.sync(progress=bar, rebuild=getattr(args, "rebuild", False))
        except DiskFull as exc:
            if args.command == "index":
                raise
            # Every other command answers from the index as last committed, which the failed sync left whole.
            print(f"wire: warning: {exc}; using the index as it was", file=sys.stderr)
            report = SyncReport()
        handler = _COMMANDS[args.command]
        code = handler(lib, args, report, bar) or 0  # `wire feeds fetch`: 1 when a feed failed
        bar.finish()
        if lib.aliases_warning:
            print(f"wire: warning: {lib.aliases_warning} (the last good aliases stay in use)", file=sys.stderr)
    finally:
        user_tags.close()
        lib.close()
    return code


def _not_synced(report: SyncReport) -> None:
    """Say that the answer comes from the index as last synced, and since when (never stale unsaid)."""
    if not report.articles and report.synced_at is None:
        print("wire: note: this corpus has not been synced yet (wire index reads it): nothing to answer from",
              file=sys.stderr)
        return
    when = (f"as synced at {time.strftime('%Y-%m-%d %H:%M', time.localtime(report.synced_at))}"
            if report.synced_at is not None else "as last synced")
    print(f"wire: note: answering from the index {when}, without checking the corpus folder for changes "
          "(sync: manual or --no-sync); wire index reads them", file=sys.stderr)


def _waiting(pid: int | None) -> None:
    who = f" (pid {pid})" if pid else ""
    print(f"wire: waiting for another wire process to finish updating this corpus{who}…", file=sys.stderr)


def _index(lib: Library, args, report, bar: ProgressBar) -> None:
    if not args.text_only:
        lib.enrich(progress=bar)
        bar.finish()
        # Articles NER failed on were added to the store's skip entries after the sync's report.
        report.skipped = sorted(report.skipped + [s for s in lib.store.skipped() if s not in report.skipped],
                                key=lambda s: s["path"])
    if args.json:
        _emit(report.to_dict())
        return
    print(f"{report.articles} articles ({report.added} added, {report.updated} updated, "
          f"{report.removed} removed) in {report.seconds:.2f} s")
    for skip in report.skipped:
        print(f"skipped {inert(skip['path'])}: {inert(skip['reason'])}")


def _search(lib: Library, args, report, bar: ProgressBar) -> None:
    query = " ".join(args.query)
    if _ENTITY_FIELD.search(query):
        lib.enrich(progress=bar)  # entity fields are filled by NER: wait for it, with progress
        bar.finish()
    result = lib.search(query, limit=args.limit, sort=args.sort, since=args.since, until=args.until)
    if args.json:
        if result.notice:
            print(f"note: {result.notice}", file=sys.stderr)
        _emit(result.to_dict())
    else:
        cli_text.print_hits(result, cli_text.color_wanted(args))


def _show(lib: Library, args, report, bar: ProgressBar) -> None:
    article = lib.article(args.id)
    mine = cli_review.review_of(lib, article.id)  # your tags and note
    if args.json:
        lib.enrich(progress=bar)
        bar.finish()
        _emit({**lib.show(article), **mine})
    else:
        cli_text.print_article(article, args.boilerplate, mine["tags"], mine["note"])


def _entities(lib: Library, args, report, bar: ProgressBar) -> None:
    lib.enrich(progress=bar)
    bar.finish()
    if args.explain is not None:
        explained = lib.explain_entity(args.explain, args.type)
        if explained is None:
            raise WireError(f"no entity goes by '{args.explain}' (see wire entities)")
        if args.json:
            _emit(explained)
        else:
            cli_text.print_explanation(explained)
        return
    found = lib.entities(type=args.type, query=args.query, limit=args.limit)
    if args.json:
        _emit({"entities": [e.to_dict() for e in found]})
    else:
        cli_text.print_entities(found)


def _overlaps(lib: Library, args, report, bar: ProgressBar) -> None:
    if not 0.0 <= args.min_share <= 1.0:
        raise WireError(f"--min-share must be between 0 and 1, not {args.min_share}")
    pairs, families = lib.overlaps(min_share=args.min_share, progress=bar)
    bar.finish()
    if args.json:
        cli_text.print_json_lists({"pairs": (p.to_dict() for p in pairs), "families": (f.to_dict() for f in families)})
    else:
        cli_text.print_overlaps(pairs, families)


def _diff(lib: Library, args, report, bar: ProgressBar) -> None:
    a, b = lib.article(args.a), lib.article(args.b)
    if a.id == b.id:
        raise WireError("give two different articles to compare")
    comparison = lib.diff(a.id, b.id)
    if args.json:
        _emit({"a": a.id, "b": b.id, "segments": [s.to_dict() for s in comparison.alignment.segments]})
    else:
        cli_text.print_diff(comparison, f"a: {a.id} ({a.outlet or 'unknown outlet'})",
                            f"b: {b.id} ({b.outlet or 'unknown outlet'})", cli_text.color_wanted(args),
                            lib.names_compared(a.id, b.id))


_COMMANDS = {"index": _index, "search": _search, "show": _show, "entities": _entities,
             "overlaps": _overlaps, "diff": _diff, "export": cli_lists.run_export,
             "searches": cli_lists.run_searches, "timeline": cli_timeline.run, "watch": cli_watch.run,
             "state": cli_state.run, "feeds": cli_feeds.run,
             "tag": cli_review.run_tag, "note": cli_review.run_note}


def run_app(args: argparse.Namespace) -> int:
    """No command: open the reader. It syncs in the background, so the list shows at once."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        # Without a terminal (cron, a pipe) Textual would write screen codes and wait for keys forever.
        print("wire: error: the reader needs a terminal (stdin and stdout); use a command such as wire search",
              file=sys.stderr)
        return 2
    if getattr(args, "color", None) == "never":
        os.environ["NO_COLOR"] = "1"  # Textual then draws in monochrome (it reads NO_COLOR when it starts)
    lib = Library.open(args.corpus, args.home, args.config)
    try:
        from reader.tui.app import make_app, run  # Textual loads only when the app is wanted

        run(make_app(lib, theme=args.theme or lib.config.theme))  # ends the process if workers were left busy
    finally:
        lib.close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """The `wire` command. As the process's entry point (`argv` None) it ends the process itself once the
    work is done and its files are closed: Python's teardown of every module loaded (spaCy, numpy, Textual:
    half a second on a busy machine after `q`) is skipped, and a Ctrl-C arriving then (joining threads)
    cannot print "Exception ignored … KeyboardInterrupt" over a finished command."""
    code = _main(argv)
    return leave(code) if argv is None else code


def _main(argv: Sequence[str] | None) -> int:
    try:
        die_with_parent()
        parser = build_parser()
        args = parser.parse_args(cli_review.shield_dashes(sys.argv[1:] if argv is None else argv))
        if args.command is None:
            return run_app(args)  # the app takes Ctrl-C as a key; a forced end would leave the terminal raw
        # A command stuck after a Ctrl-C ends itself (the entry point only: a test calling main() is never ended).
        with deadline() if argv is None else nullcontext():
            return run(args)
    except WireError as exc:
        print(f"wire: error: {inert(str(exc))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return interrupted()
    except BrokenPipeError:
        # The reader of our output went away (`wire search x | head`): not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # noqa: BLE001 — a bug: one line, traceback on request
        if os.environ.get("WIRE_DEBUG"):
            raise
        print(f"wire: error: internal error: {type(exc).__name__}: {inert(str(exc))} "
              "(WIRE_DEBUG=1 shows the traceback)", file=sys.stderr)
        return 1
