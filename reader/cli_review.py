"""The `wire` commands on the user's own state: export, saved searches, tags and notes."""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from reader import review
from reader.cli_text import print_json as _emit
from reader.errors import WireError
from reader.library import Library
from reader.state import State
from reader.textsafe import inert

if TYPE_CHECKING:
    from reader.cli import ProgressBar

SHIELD = "\x00"
"""Put before a `-word` after `tag` or `note` (see `shield_dashes`); no real argument can hold it."""
_VALUED = ("--corpus", "--home", "--config", "--theme")
"""The global options that take a value (reader.cli._globals and --theme): the word after one is its value."""


def add_parsers(sub, common: list[argparse.ArgumentParser]) -> None:
    """The `tag` and `note` subcommands."""
    p = sub.add_parser("tag", parents=common, help="add or remove your tags on an article; list every tag")
    p.add_argument("id", nargs="?", help="article id (a unique prefix is enough)")
    p.add_argument("edits", nargs="*", metavar="+TAG|-TAG",
                   help="+TAG (or TAG) adds, -TAG removes; none: print the article's tags")
    p.add_argument("--list", action="store_true", help="every tag in use, with how many articles carry it")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("note", parents=common, help="print, set, edit or clear your note on an article")
    p.add_argument("id", help="article id (a unique prefix is enough)")
    p.add_argument("text", nargs="*", help="the note (replaces the one there); none: print the note")
    p.add_argument("--edit", action="store_true", help="write the note in $VISUAL or $EDITOR")
    p.add_argument("--clear", action="store_true", help="delete the note")
    p.add_argument("--json", action="store_true", help="print JSON")


def shield_dashes(argv: Sequence[str]) -> list[str]:
    """`wire tag ID -urgent`: let argparse take `-urgent` as a word, not an option.

    argparse reads any `-word` as an option: `-urgent` is refused as unknown, and `-harbour` is even
    read as `-h arbour`. After the `tag` or `note` command such a word (single dash, not `-h`) gets
    SHIELD in front, which the handlers take off again; `--` still ends the options as usual.
    """
    out, i = list(argv), 0
    while i < len(out) and out[i] != "--":  # find the command, skipping global options and their values
        if out[i] in _VALUED:
            i += 2
        elif out[i].startswith("-"):
            i += 1
        else:
            break
    if i >= len(out) or out[i] not in ("tag", "note"):
        return out
    i += 1
    while i < len(out) and out[i] != "--":
        word = out[i]
        if word in _VALUED:
            i += 2
            continue
        if len(word) > 1 and word[0] == "-" and word[1] != "-" and word != "-h":
            out[i] = SHIELD + word
        i += 1
    return out


def _unshielded(words: list[str]) -> list[str]:
    return [w.removeprefix(SHIELD) for w in words]


class UserTags:
    """`Library.tag_ids` (call it) and `Library.marked` (`marked`) for one command: the state file is opened
    on the first `tags:` or `is:` lookup, and only if it exists (a search never creates it); `close` when
    the command ends."""

    def __init__(self, data_dir: Path, corpus: Path) -> None:
        self.data_dir, self.corpus = data_dir, corpus
        self._state: State | None = None

    def _opened(self) -> State | None:
        if self._state is None:
            self._state = State.open_existing(self.data_dir, self.corpus)
        return self._state

    def __call__(self, tag: str, prefix: bool = False) -> list[str]:
        state = self._opened()
        return state.tagged(tag, prefix) if state else []

    def marked(self, kind: str) -> set[str]:
        """The ids marked `kind` ("read" or "starred")."""
        state = self._opened()
        return state.marked(kind) if state else set()

    def close(self) -> None:
        if self._state is not None:
            self._state.close()
            self._state = None


def review_of(lib: Library, article_id: str) -> dict:
    """{"tags", "note"}: the user's tags and note of an article (none when there is no state file yet)."""
    state = State.open_existing(lib.locations.data_dir, lib.corpus)
    try:
        return review.fields(state, article_id)
    finally:
        if state:
            state.close()


# --- wire tag / wire note -------------------------------------------------------------------------
def run_tag(lib: Library, args, report, bar: ProgressBar) -> None:
    if args.list:
        if args.id or args.edits:
            raise WireError("--list takes no article id or tags (wire tag --list)")
        state = State.open_existing(lib.locations.data_dir, lib.corpus)
        try:
            counts = state.tag_counts() if state else []
        finally:
            if state:
                state.close()
        if args.json:
            _emit({"tags": [{"tag": t, "articles": n} for t, n in counts]})
        elif not counts:
            print("no tags yet (tag an article: wire tag ID +TAG)")
        else:
            for tag, count in counts:
                print(f"{count:>7}  {inert(tag)}")
        return
    if not args.id:
        raise WireError("give an article id (wire tag ID +TAG -TAG) or --list")
    article = lib.article(args.id)
    words = _unshielded(args.edits)
    if words:
        edits = review.parse_edits(words)  # every word checked before the state file is opened
        state = State.open(lib.locations.data_dir, lib.corpus)
        try:
            for add, tag in edits:
                (state.add_tag if add else state.remove_tag)(article.id, tag)
            tags = state.tags_of(article.id)
        finally:
            state.close()
    else:
        tags = review_of(lib, article.id)["tags"]
    if args.json:
        _emit({"id": article.id, "tags": tags})
    elif tags:
        print("\n".join(inert(t) for t in tags))
    else:
        print(f"no tags on {inert(article.id)}", file=sys.stderr)


def run_note(lib: Library, args, report, bar: ProgressBar) -> None:
    text = " ".join(_unshielded(args.text)) if args.text else None
    if sum((text is not None, args.edit, args.clear)) > 1:
        raise WireError("give the note's text, --edit or --clear, one of them")
    article = lib.article(args.id)
    if text is None and not (args.edit or args.clear):
        note = review_of(lib, article.id)["note"]
        if note is None and not args.json:
            print(f"no note on {inert(article.id)} (wire note ID TEXT writes one, --edit in your editor)",
                  file=sys.stderr)
    else:
        state = State.open(lib.locations.data_dir, lib.corpus)
        try:
            note = before = state.note(article.id)
            if args.edit:
                text = _edited(before or "")
            if text is None and args.edit:
                print(f"note unchanged on {inert(article.id)}", file=sys.stderr)
            else:
                note = review.set_note(state, article.id, text or "") or None
                done = "saved the note" if note else "deleted the note" if before else "no note to delete"
                print(f"{done} on {inert(article.id)}", file=sys.stderr)
        finally:
            state.close()
    if args.json:
        _emit({"id": article.id, "note": note})
    elif note:
        print(inert(note))


def _edited(text: str) -> str | None:
    """`text` as the user leaves it in $VISUAL (else $EDITOR); None when it comes back unchanged.

    Raises:
        WireError: no editor set, the editor is missing or fails, or what it wrote is not a valid note
            (the file is then kept and named when it holds new text, so nothing typed is lost).
    """
    editor = (os.environ.get("VISUAL") or os.environ.get("EDITOR") or "").strip()
    if not editor:
        raise WireError("no editor: set $VISUAL or $EDITOR (or give the note: wire note ID TEXT)")
    try:
        command = shlex.split(editor)  # "code --wait", "emacs -nw": a program and its arguments
    except ValueError as exc:
        raise WireError(f"cannot read the editor command '{inert(editor)}': {exc}") from None
    # mkstemp: a private (0600) file, since a note may be confidential.
    fd, name = tempfile.mkstemp(prefix="wire-note-", suffix=".txt")
    path, keep = Path(name), False
    kept = f"the note is unchanged (your text is in {inert(name)})"
    try:
        with open(fd, "w", encoding="utf-8") as out:
            out.write(text + "\n" if text else "")
        try:
            # A list argv, never a shell: the editor setting cannot inject commands.
            done = subprocess.run([*command, name], check=False)
        except OSError as exc:
            raise WireError(f"cannot run the editor '{inert(command[0])}': {exc.strerror or exc}; "
                            "the note is unchanged") from None
        try:
            edited = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            keep = True
            raise WireError(f"the editor did not write UTF-8 text; {kept}") from None
        except OSError as exc:
            raise WireError(f"cannot read the edited note: {exc.strerror or exc}; the note is unchanged") from None
        changed = _plain(edited) != _plain(text)
        if done.returncode != 0:
            keep = changed
            raise WireError(f"the editor '{inert(command[0])}' exited with status {done.returncode}; "
                            + (kept if changed else "the note is unchanged"))
        if not changed:
            return None
        try:
            review.check_note(edited)
        except WireError as exc:
            keep = True
            raise WireError(f"{exc}; {kept}") from None
        return edited
    finally:
        if not keep:
            path.unlink(missing_ok=True)


def _plain(text: str) -> str:
    return text.replace("\r\n", "\n").strip()
