"""`wire state`: your state per corpus; export it to JSON, import (merge) it back, move it, restore a backup."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from reader import state_dump
from reader.cli_text import print_json
from reader.errors import WireError
from reader.export import atomic_write
from reader.locations import Locations
from reader.state import SCHEMA_VERSION, STATE_FILE, State
from reader.state_file import BACKUPS, newest_backup, restore
from reader.textsafe import inert


def add_parser(sub, common: list) -> None:
    """Declare `wire state [export|import|move|restore]` on the `wire` subparsers (`common`: global options)."""
    p = sub.add_parser("state", parents=common, help="your state per corpus: export, import, move, restore")
    p.add_argument("--json", action="store_true", help="print JSON")
    actions = p.add_subparsers(dest="state_action", metavar="ACTION", parser_class=type(p))
    a = actions.add_parser("export", parents=common, help="write your state as JSON (every corpus, or --corpus)")
    a.add_argument("--out", metavar="FILE", help="write FILE (default: standard output)")
    a = actions.add_parser("import", parents=common, help="merge an export back in (newer wins; twice changes nothing)")
    a.add_argument("file", help="a `wire state export` file (- for standard input)")
    a.add_argument("--json", action="store_true", help="print JSON")
    a = actions.add_parser("move", parents=common, help="give a corpus folder's state to another folder")
    a.add_argument("old", help="the folder the state was kept for")
    a.add_argument("new", help="the folder it belongs to now")
    a = actions.add_parser("restore", parents=common,
                           help="put a backup in place of the state file (kept aside; close the app first)")
    a.add_argument("backup", nargs="?", help=f"a file in <data dir>/{BACKUPS}/ (default: the newest sound one)")


def run(lib, args, report, bar) -> None:
    """The handler; `lib` is None: a state command never opens or syncs a corpus (its folder may be gone)."""
    data_dir = Locations.resolve(args.home).data_dir
    action = getattr(args, "state_action", None)
    if action == "export":
        _export(data_dir, args)
    elif action == "import":
        _import(data_dir, args)
    elif action == "move":
        _move(data_dir, args)
    elif action == "restore":
        _restore(data_dir, args)
    else:
        _summary(data_dir, args)


def _export(data_dir: Path, args) -> None:
    state = State.open_all(data_dir, create=False)
    if state is None:
        raise WireError(f"no state to export: there is no {data_dir / STATE_FILE} yet")
    try:
        doc = state_dump.dump(state, args.corpus)  # the global --corpus, when given: that corpus only
    finally:
        state.close()
    text = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    if not args.out or args.out == "-":
        sys.stdout.write(text)
        return
    _write_private(Path(args.out).expanduser(), text)
    count = len(doc["corpora"])
    print(f"wrote the state of {count} {'corpus' if count == 1 else 'corpora'} to {inert(args.out)}", file=sys.stderr)


def _write_private(target: Path, text: str) -> None:
    """Whole or not at all, and 0600: notes may name confidential sources."""
    if target.is_dir():
        raise WireError(f"{inert(str(target))} is a folder: give a file name")
    atomic_write(target, lambda out: out.write(text), mode=0o600)


def _import(data_dir: Path, args) -> None:
    name = "standard input" if args.file == "-" else args.file
    try:
        raw = sys.stdin.read() if args.file == "-" else Path(args.file).expanduser().read_text(encoding="utf-8")
        doc = json.loads(raw)
    except OSError as exc:
        raise WireError(f"cannot read {inert(name)}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WireError(f"{inert(name)} is not JSON: {exc}") from None
    try:
        state_dump.check(doc)
    except WireError as exc:
        raise WireError(f"{inert(name)}: {exc}; nothing was imported") from None
    state = State.open_all(data_dir)
    try:
        changed = state_dump.merge(state, doc)
    finally:
        state.close()
    if args.json:
        print_json({"file": name, "read": state_dump.counts(doc), "changed": changed})
    else:
        done = ", ".join(f"{n} {k}" for k, n in changed.items() if n) or "nothing new"
        print(f"imported {inert(name)}: {done}")


def _move(data_dir: Path, args) -> None:
    state = State.open_all(data_dir, create=False)
    if state is None:
        raise WireError(f"no state kept yet (no {data_dir / STATE_FILE})")
    try:
        moved = state.move(args.old, args.new)
    finally:
        state.close()
    new = Path(args.new).expanduser().resolve()
    print(f"moved {moved} rows of state from {inert(str(Path(args.old).expanduser().resolve()))} to {inert(str(new))}"
          + ("" if new.is_dir() else " (no such folder yet)"))


def _restore(data_dir: Path, args) -> None:
    path = data_dir / STATE_FILE
    source = Path(args.backup).expanduser() if args.backup else newest_backup(path, SCHEMA_VERSION)
    if source is None:
        raise WireError(f"no backup to restore from in {data_dir / BACKUPS}")
    if not source.is_file():
        raise WireError(f"no such backup: {inert(str(source))}")
    kept = restore(path, source, SCHEMA_VERSION)
    print(f"restored {path} from {source}" + (f"; the file it replaced is kept as {kept}" if kept else ""))


def _summary(data_dir: Path, args) -> None:
    path = data_dir / STATE_FILE
    state = State.open_all(data_dir, create=False)  # a damaged file: the one line naming the backup
    rows = []
    if state is not None:
        try:
            for cid, folder in state.corpora():
                count = lambda sql: state.query(sql, (cid,))[0][0]  # noqa: E731
                rows.append({"path": folder, "exists": Path(folder).is_dir(),
                             "read": count("SELECT COUNT(*) FROM marks WHERE corpus = ? AND read = 1"),
                             "starred": count("SELECT COUNT(*) FROM marks WHERE corpus = ? AND starred = 1"),
                             "tagged": count("SELECT COUNT(DISTINCT article_id) FROM tags WHERE corpus = ?"),
                             "notes": count("SELECT COUNT(*) FROM notes WHERE corpus = ?"),
                             "searches": count("SELECT COUNT(*) FROM searches WHERE corpus = ?")})
        finally:
            state.close()
    backup = newest_backup(path, SCHEMA_VERSION)
    if args.json:
        print_json({"file": str(path), "corpora": rows, "newest_backup": str(backup) if backup else None})
        return
    print(f"{path}" + ("" if state is not None else " (none yet)"))
    for row in rows:
        print(f"  {inert(row['path'])}{'' if row['exists'] else ' (folder gone)'}: {row['read']} read, "
              f"{row['starred']} starred, {row['tagged']} tagged, {row['notes']} notes, {row['searches']} searches")
    print(f"newest backup: {backup}" if backup else "no backup yet (one is taken each day the state is opened)")
