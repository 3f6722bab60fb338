"""A damaged or newer state file is never written: writing commands refuse with one line naming it and the
backup, reading commands go on with a warning, `wire state restore` brings the backup back; daily backups."""

from __future__ import annotations

import datetime
import os
import sqlite3

import pytest

from reader.cli import main
from reader.library import Library
from reader.state import STATE_FILE, State, _said
from reader.state_file import BACKUPS, KEEP_DAILY, StateUnusable

from .conftest import DATA

CORPUS = str(DATA / "corpus")


def wire(capsys, *args: str) -> tuple[int, str, str]:
    """`wire --corpus CORPUS ARGS` in this process, as if a process of its own (each says its notes once)."""
    _said.clear()
    capsys.readouterr()
    code = main(["--corpus", CORPUS, *args])
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str, start: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(start), err
    return lines[0]


def truncate(path):
    size = path.stat().st_size
    assert size > 4 * 4096  # several pages, so that half of it is a cut-short database, not an empty one
    with open(path, "r+b") as f:
        f.truncate(size // 2)


def random_bytes(path):
    path.write_bytes(os.urandom(path.stat().st_size))


def from_the_future(path):
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version=99")
    db.close()


@pytest.fixture
def marked(home, capsys):
    """A state with a tag, a note and 300 read marks, backed up today, then closed (WAL checkpointed)."""
    assert wire(capsys, "tag", "plain.txt", "+lead")[0] == 0
    assert wire(capsys, "note", "plain.txt", "call", "back")[0] == 0  # second open: today's backup
    data = home / "data"
    state = State.open(data, CORPUS)
    state.mark_all_read([f"filler-{n:04d}-{'x' * 80}.txt" for n in range(300)])
    state.close()
    assert list((data / BACKUPS).glob("state-daily-*.sqlite"))
    return data / STATE_FILE


@pytest.mark.parametrize("damage", [truncate, random_bytes, from_the_future])
def test_damaged_or_newer_file_is_never_written_and_reads_go_on(marked, capsys, damage):
    damage(marked)
    before = marked.read_bytes()
    backup = next((marked.parent / BACKUPS).glob("state-daily-*.sqlite"))
    for command in (["tag", "plain.txt", "+x"], ["note", "plain.txt", "new"], ["searches", "--save", "n", "q"]):
        code, out, err = wire(capsys, *command)
        line = one_line(err, "wire: error: the state file ")
        assert code == 1 and str(marked) in line and str(backup) in line and "wire state restore" in line
        assert "newer wire-reader" in line if damage is from_the_future else "damaged" in line
    for command in (["show", "plain.txt"], ["export"], ["search", "tags:lead"], ["tag", "plain.txt"]):
        code, out, err = wire(capsys, *command)
        line = err.splitlines()[0]  # then the command's own notes, if any ("no tags on plain.txt")
        assert err.count("wire: warning: the state file ") == 1 and line.startswith("wire: warning: ")
        assert code == 0 and "going on without your read marks" in line and str(backup) in line
    assert "call back" not in wire(capsys, "show", "plain.txt")[1]
    with pytest.raises(StateUnusable):
        from reader.tui.app import make_app  # the app refuses with the same line (see make_app)

        lib = Library.open(CORPUS)
        try:
            make_app(lib)
        finally:
            lib.close()
    assert marked.read_bytes() == before

    code, out, err = wire(capsys, "state", "restore")
    assert code == 0 and "kept as" in out
    kept = [p for p in marked.parent.glob(f"{STATE_FILE}.replaced-*") if not p.name.endswith(("-wal", "-shm"))]
    assert [p.read_bytes() for p in kept] == [before]
    code, out, err = wire(capsys, "show", "plain.txt", "--json")
    assert code == 0 and err == ""
    assert '"lead"' in out and '"note": null' in out  # taken as the note command opened the state, before its write


def test_no_backup_yet_says_how_to_start_afresh(home, capsys):
    (home / "data").mkdir(parents=True)
    (home / "data" / STATE_FILE).write_bytes(b"this is not sqlite" * 100)
    line = one_line(wire(capsys, "tag", "plain.txt", "+x")[2], "wire: error: ")
    assert "no backup to restore from" in line and "mv " in line


def test_an_empty_file_is_a_new_state(tmp_path):
    (tmp_path / STATE_FILE).write_bytes(b"")
    state = State.open(tmp_path, CORPUS)
    state.set_read("a.txt")
    assert state.read_ids() == {"a.txt"}
    state.close()


def test_daily_backup_once_a_day_kept_seven_atomic(tmp_path):
    State.open(tmp_path, CORPUS).close()  # made now: nothing to back up yet
    folder = tmp_path / BACKUPS
    assert not folder.exists()
    state = State.open(tmp_path, CORPUS)
    state.set_note("a.txt", "kept")
    state.close()
    today = folder / f"state-daily-{datetime.date.today().isoformat()}.sqlite"
    stamp = today.stat().st_mtime_ns
    for day in range(1, 10):  # nine older days' backups
        (folder / f"state-daily-2020-01-{day:02d}.sqlite").write_bytes(today.read_bytes())
    state = State.open(tmp_path, CORPUS)
    state.set_note("b.txt", "after the backup")
    state.close()
    assert today.stat().st_mtime_ns == stamp  # the first open of the day took it; later ones do not
    State.open(tmp_path, CORPUS).close()
    os.utime(today, ns=(stamp, stamp))
    today.unlink()  # as if the day had turned: the next open takes one, and prunes
    State.open(tmp_path, CORPUS).close()
    daily = sorted(p.name for p in folder.glob("state-daily-*.sqlite"))
    assert len(daily) == KEEP_DAILY and daily[-1] == today.name and daily[0] == "state-daily-2020-01-04.sqlite"
    assert not list(folder.glob(".state-*"))  # no temporary left behind
    copy = sqlite3.connect(today)
    assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
    assert copy.execute("SELECT text FROM notes ORDER BY article_id").fetchall() == [("kept",), ("after the backup",)]
    copy.close()


def test_restore_refuses_a_damaged_backup(marked, capsys, tmp_path):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"x" * 1000)
    code, out, err = wire(capsys, "state", "restore", str(bad))
    assert code == 1 and "damaged" in one_line(err, "wire: error: ")
    state = State.open(marked.parent, CORPUS)  # the state in place was not touched
    assert state.tags_of("plain.txt") == ["lead"]
    state.close()
