"""The `wire` command: parse arguments, open a Library, print text for people or JSON for scripts."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import textwrap
import time
from collections.abc import Sequence

from reader import __version__
from reader.errors import WireError
from reader.library import Library
from reader.models import Article, Hit
from reader.textsafe import inert


class _Parser(argparse.ArgumentParser):
    """argparse, but errors are one line: `wire: error: …` (exit 2)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"wire: error: {message} (see wire --help)\n")
        raise SystemExit(2)


def _globals(defaults: bool) -> argparse.ArgumentParser:
    """The global options, accepted before and after the command.

    On the subcommands they default to SUPPRESS, so a value given before the command is
    not overwritten by a subparser's default.
    """
    parent = argparse.ArgumentParser(add_help=False)
    default = None if defaults else argparse.SUPPRESS
    parent.add_argument("--corpus", metavar="DIR", default=default, help="corpus folder (default: configured, else bundled)")
    parent.add_argument("--home", metavar="DIR", default=default, help="where derived data and user state live (env WIRE_HOME)")
    parent.add_argument("--config", metavar="FILE", default=default, help="config file (env WIRE_CONFIG)")
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
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("search", parents=common, help="search the corpus")
    p.add_argument("query", nargs="+", help="Whoosh query: words, \"phrases\", OR/NOT, title:, outlet:, date:[a to b]…")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="at most N hits (default 20)")
    p.add_argument("--sort", choices=("relevance", "date"), default="relevance")
    p.add_argument("--since", metavar="DATE", help="only articles dated on or after DATE")
    p.add_argument("--until", metavar="DATE", help="only articles dated on or before DATE")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("show", parents=common, help="print one article")
    p.add_argument("id", help="article id (a unique prefix is enough)")
    p.add_argument("--boilerplate", action="store_true", help="also print boilerplate paragraphs, marked")
    p.add_argument("--json", action="store_true", help="print JSON")
    return parser


class ProgressBar:
    """A one-line bar on stderr, drawn only on a terminal and only once a sync has taken a second."""

    def __init__(self, stream=None, delay: float = 1.0, clock=time.monotonic) -> None:
        self.stream = stream or sys.stderr
        self.delay = delay
        self.clock = clock
        self.started = clock()
        self.drawn = False
        self.enabled = hasattr(self.stream, "isatty") and self.stream.isatty()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled or self.clock() - self.started < self.delay:
            return
        width = 30
        filled = int(width * done / total) if total else width
        self.stream.write(f"\r{stage:<11} [{'#' * filled}{'.' * (width - filled)}] {done}/{total} ")
        self.stream.flush()
        self.drawn = True

    def finish(self) -> None:
        if self.drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()


def _emit(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


def _width() -> int:
    return max(40, shutil.get_terminal_size((100, 24)).columns)


_OPEN, _CLOSE = "\ue000", "\ue001"


def _marked(hit: Hit, width: int, tty: bool) -> list[str]:
    """The snippet wrapped to `width`, matched words emphasised: bold on a terminal, *stars* in a pipe.

    Sentinels mark the words while wrapping (one column each, like a star) and are replaced after.
    """
    out, pos = [], 0
    for start, end in hit.marks:
        out += [inert(hit.snippet[pos:start]), _OPEN, inert(hit.snippet[start:end]), _CLOSE]
        pos = end
    out.append(inert(hit.snippet[pos:]))
    on, off = ("\033[1m", "\033[0m") if tty else ("*", "*")
    lines = textwrap.wrap(" ".join("".join(out).split()), width)
    return [line.replace(_OPEN, on).replace(_CLOSE, off) for line in lines]


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def print_hits(result, tty: bool) -> None:
    width = _width()
    if result.notice:
        print(f"note: {result.notice}", file=sys.stderr)
    if not result.hits:
        print(f"no articles match {result.query!r}")
        return
    outlet_w = min(18, max(6, *(len(h.outlet or "") for h in result.hits)))
    title_w = max(10, width - 4 - 11 - outlet_w - 3)
    for n, hit in enumerate(result.hits, start=1):
        outlet = _fit(inert(hit.outlet or "-"), outlet_w)
        print(f"{n:>3} {hit.date or '—':<10} {outlet:<{outlet_w}}  {_fit(inert(hit.title), title_w)}")
        print(f"    {_fit(inert(hit.id), width - 4)}")
        for line in _marked(hit, width - 6, tty)[:3]:
            print(f"      {line}")
    shown = len(result.hits)
    print(f"{shown} of {result.total} article{'s' if result.total != 1 else ''}")


def print_article(article: Article, boilerplate: bool) -> None:
    width = min(_width(), 100)
    print(inert(article.title))
    meta = " · ".join(inert(x) for x in (article.outlet, article.byline, article.date) if x)
    print(meta or "(no metadata)")
    print(inert(article.id))
    for p in article.paragraphs:
        if p.boilerplate and not boilerplate:
            continue
        print()
        prefix = "│ " if p.boilerplate else ""
        for line in textwrap.wrap(inert(p.text), width - len(prefix)):
            print(prefix + line)


def run(args: argparse.Namespace) -> int:
    lib = Library.open(args.corpus, args.home, args.config)
    try:
        bar = ProgressBar()
        report = lib.sync(progress=bar, rebuild=getattr(args, "rebuild", False))
        bar.finish()
        if args.command == "index":
            if args.json:
                _emit(report.to_dict())
            else:
                print(f"{report.articles} articles ({report.added} added, {report.updated} updated, "
                      f"{report.removed} removed) in {report.seconds:.2f} s")
                for skip in report.skipped:
                    print(f"skipped {inert(skip['path'])}: {inert(skip['reason'])}")
        elif args.command == "search":
            result = lib.search(" ".join(args.query), limit=args.limit, sort=args.sort,
                                since=args.since, until=args.until)
            if args.json:
                if result.notice:
                    print(f"note: {result.notice}", file=sys.stderr)
                _emit(result.to_dict())
            else:
                print_hits(result, sys.stdout.isatty())
        elif args.command == "show":
            article = lib.article(args.id)
            if args.json:
                _emit(lib.show(article))
            else:
                print_article(article, args.boilerplate)
    finally:
        lib.close()
    return 0


def run_app(args: argparse.Namespace) -> int:
    """No command: open the reader. It syncs in the background, so the list shows at once."""
    lib = Library.open(args.corpus, args.home, args.config)
    try:
        from reader.tui.app import make_app  # Textual loads only when the app is wanted

        make_app(lib, theme=args.theme or lib.config.theme).run()
    finally:
        lib.close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            return run_app(args)
        return run(args)
    except WireError as exc:
        print(f"wire: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("wire: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of our output went away (`wire search x | head`): not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # noqa: BLE001 — a bug: one line, traceback on request
        if os.environ.get("WIRE_DEBUG"):
            raise
        print(f"wire: error: internal error: {type(exc).__name__}: {exc} (WIRE_DEBUG=1 shows the traceback)",
              file=sys.stderr)
        return 1
