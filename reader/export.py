"""Export a list of articles as CSV (for spreadsheets), a Markdown dossier (for Pandoc) or JSON Lines."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import secrets
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from reader.errors import WireError
from reader.textsafe import inert, json_inert

if TYPE_CHECKING:
    from reader.library import Library
    from reader.models import Article, Overlap
    from reader.state import State

FORMATS = ("csv", "md", "jsonl")
CSV_COLUMNS = ("id", "title", "outlet", "byline", "date", "url", "words", "read", "starred",
               "people", "organizations", "places", "wire_copies", "tags", "note")
_TYPES = (("person", "people"), ("organization", "organisations"), ("place", "places"))


def export(library: Library, state: State | None, ids: Sequence[str], fmt: str, out: TextIO,
           query: str = "") -> int:
    """Write the articles `ids` (in that order) to `out` in format `fmt`; return how many were written."""
    if fmt not in FORMATS:
        raise WireError(f"unknown export format '{fmt}' (use {', '.join(FORMATS)})")
    titles = {row.id: row.title for row in library.listing()}  # list lines only: no text decoded
    # A rescan may have removed an article since the list was drawn: skip it rather than fail the export.
    ids = [i for i in dict.fromkeys(ids) if i in titles]
    read = state.read_ids() if state else set()
    starred = state.starred_ids() if state else set()
    # The user's tags and notes, read once (not a query per article) like the marks above.
    tags = state.tag_map() if state else {}
    notes = state.note_map() if state else {}
    copies: dict[str, list[Overlap]] = {}
    for pair in library.overlaps()[0]:  # once, not a scan of every pair per article (copies_of)
        copies.setdefault(pair.a, []).append(pair)
        copies.setdefault(pair.b, []).append(pair)
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
    elif fmt == "md":
        out.write(_md_header(library, query, len(ids)))
    for article in map(library.article, ids):
        mine = [(o.other(article.id), o.label, o.share_of(article.id)) for o in copies.get(article.id, [])]
        flags = (article.id in read, article.id in starred)
        review = {"tags": tags.get(article.id, []), "note": notes.get(article.id)}  # as `wire show --json`
        if fmt == "csv":
            writer.writerow(_csv_row(library, article, flags, len(mine), review))
        elif fmt == "jsonl":
            record = {**library.show(article), **review, "read": flags[0], "starred": flags[1],
                      "copies": [{"id": o, "label": label, "share": round(s, 4)} for o, label, s in mine]}
            # Escaped by json_inert, every record stays one line for any reader (and inert on a terminal).
            out.write(json_inert(json.dumps(record, ensure_ascii=False)) + "\n")
        else:
            out.write(_md_article(library, article, flags, mine, titles, review))
    return len(ids)


def export_file(library: Library, state: State | None, ids: Sequence[str], fmt: str, path: str | Path,
                query: str = "") -> int:
    """`export` to a file, written atomically (a temp file beside it, then a rename); never in the corpus."""
    target = check_out_path(path, library.corpus)
    write = lambda out: export(library, state, ids, fmt, out, query)  # noqa: E731
    if target.exists() and not target.is_file():
        # A device or a pipe (/dev/stdout, a FIFO a script reads): written to, never replaced. The
        # rename of an atomic write would put a plain file in its place (it did so to /dev/full).
        return _direct_write(target, write)
    return atomic_write(target, write)


def check_out_path(path: str | Path, corpus: Path) -> Path:
    """The resolved output path; a WireError if it is inside the corpus (never written) or has no folder."""
    target = Path(path).expanduser().resolve()
    corpus = Path(corpus).resolve()
    if target == corpus or corpus in target.parents:
        raise WireError(f"will not write inside the corpus folder ({corpus}): {inert(str(path))}")
    if target.is_dir():
        raise WireError(f"{inert(str(path))} is a folder: give a file name")
    if not target.parent.is_dir():
        raise WireError(f"no such folder: {inert(str(target.parent))}")
    return target


def _direct_write(target: Path, write: Callable[[TextIO], int]) -> int:
    try:
        with open(target, "w", encoding="utf-8", newline="") as out:
            return write(out)
    except OSError as exc:
        raise WireError(f"cannot write {inert(str(target))}: {exc.strerror or exc}") from None


def atomic_write(target: Path, write: Callable[[TextIO], int], mode: int = 0o666) -> int:
    """`write(out)` into a temporary beside `target`, then renamed over it: a reader of the file (or a
    crash midway) never sees half of it. `mode` 0o666 lets the umask decide, as a plain open() would;
    0o600 keeps a file of the user's notes private. Errors are one WireError line."""
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with open(fd, "w", encoding="utf-8", newline="") as out:
            count = write(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        raise WireError(f"cannot write {inert(str(target))}: {exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)
    return count


def _names(library: Library, article: Article) -> dict[str, list[str]]:
    """Entity names by type, most mentions in this article first (ties: first mentioned first)."""
    found = sorted(library.entity_stage.of_article(article.id), key=lambda p: -len(p[1]))
    return {t: [e.name for e, _ in found if e.type == t] for t, _ in _TYPES}


# --- csv ------------------------------------------------------------------------------------------
# OWASP's CSV injection advice: a cell a spreadsheet would read as a formula gets a leading quote.
_FORMULA = re.compile(r"[=+\-@\t\r]")
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")
_CELL_SPACE = re.compile(r"[\t\n\r\x0b\x0c\x85\u2028\u2029]+")


def _cell(value: object) -> object:
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    if _FORMULA.match(value) and not _NUMBER.fullmatch(value):
        value = "'" + value
    # Line breaks and tabs become spaces (one record per line); other controls are shown, not obeyed.
    return inert(_CELL_SPACE.sub(" ", value))


def _csv_row(library: Library, article: Article, flags: tuple[bool, bool], copies: int, review: dict) -> list:
    names = _names(library, article)
    # The note's line breaks become spaces in _cell (one record per line); a note starting "=" is guarded.
    row = [article.id, article.title, article.outlet, article.byline, article.date, article.url, article.words,
           "true" if flags[0] else "false", "true" if flags[1] else "false",
           *("; ".join(names[t]) for t, _ in _TYPES), copies, "; ".join(review["tags"]), review["note"]]
    return [_cell(v) for v in row]




# --- markdown -------------------------------------------------------------------------------------
# What would make a line of article text into markup that hides or drops text: a heading, quote, list,
# thematic break, code fence, link definition or setext underline at the start; raw HTML, autolinks
# and backslash escapes anywhere. Pandoc also reads "a. ", "iv) " and "(2) " as list markers.
_BLOCK_START = re.compile(r"^(\s{0,3})([#>*+\-=_`~\[]|\(?(\d+|[A-Za-z]|[ivxlcdmIVXLCDM]+)(?=[.)](\s|$)))")
_INLINE = re.compile(r"([\\<])")


def _md_text(text: str) -> str:
    return _INLINE.sub(r"\\\1", inert(text))


def _md_line(line: str) -> str:
    line = _md_text(line)
    match = _BLOCK_START.match(line)
    if match and match.group(3):
        end = match.end()
        return line[:end] + "\\" + line[end:]  # "1. " -> "1\. ", "(a) " -> "(a\) "
    return _BLOCK_START.sub(r"\1\\\2", line, count=1)


def _md_inline(text: str) -> str:
    """One-line metadata (a title, a name): no line breaks, no trailing '#' for a heading to eat."""
    return re.sub(r"#+\s*$", lambda m: "\\" + m.group(), _md_text(" ".join(text.split())))


def _md_quote(note: str) -> str:
    """A note as a blockquote: "> " on every line, each line escaped like article text (so the note
    cannot open a heading, a list or a fence inside the quote), its line breaks kept as hard breaks."""
    rows = [_md_line(row).rstrip() for row in note.split("\n")]
    out = []
    for n, row in enumerate(rows):
        more = n + 1 < len(rows) and rows[n + 1]
        out.append(f"> {row}  " if row and more else f"> {row}" if row else ">")
    return "\n".join(out)


def _md_header(library: Library, query: str, count: int) -> str:
    lines = ["# wire export", ""]
    if query.strip():
        lines.append(f"- query: {_md_inline(query)}")
    lines += [f"- corpus: {_md_inline(library.corpus.name)}",
              f"- exported: {dt.datetime.now().astimezone().isoformat(timespec='seconds')}",
              f"- articles: {count}"]
    return "\n".join(lines) + "\n"


def _md_article(library: Library, article: Article, flags: tuple[bool, bool],
                copies: list[tuple[str, str, float]], titles: dict[str, str], review: dict) -> str:
    lines = [f"## {_md_inline(article.title) or _md_inline(article.id)}", "", f"- id: {_md_inline(article.id)}"]
    for label, value in (("outlet", article.outlet), ("byline", article.byline), ("date", article.date)):
        if value:
            lines.append(f"- {label}: {_md_inline(value)}")
    if article.url:
        url = article.url.strip()
        plain = re.fullmatch(r"https?://[^\s<>]+", url)  # an autolink only for a URL that cannot break one
        lines.append(f"- url: <{url}>" if plain else f"- url: {_md_inline(url)}")
    lines += [f"- {label}: yes" for label, on in zip(("read", "starred"), flags, strict=True) if on]
    # The reviewer's tags and note come before the text, as the reading view shows them.
    if review["tags"]:
        lines += ["", "**Tags:** " + ", ".join(_md_inline(t) for t in review["tags"])]
    if review["note"]:
        lines += ["", "**Note:**", "", _md_quote(review["note"])]
    for p in article.paragraphs:
        if p.boilerplate or not p.text.strip():
            continue
        # Rows of a table keep their breaks: two trailing spaces are a hard line break.
        lines += ["", "  \n".join(_md_line(row) for row in p.text.split("\n"))]
    names = _names(library, article)
    found = [f"{label}: {', '.join(_md_inline(n) for n in names[t])}" for t, label in _TYPES if names[t]]
    if found:
        lines += ["", "**Names:** " + "; ".join(found)]
    if copies:
        lines += ["", "**Wire copies:**", ""]
        for other, label, share in copies:
            title = f" “{_md_inline(titles[other])}”" if titles.get(other) else ""
            lines.append(f"- {_md_line(other)}{title}: {label} derived, {share:.0%} of this article reused")
    return "\n".join(["", *lines]) + "\n"
