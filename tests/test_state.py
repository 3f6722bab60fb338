"""Unit tests of reader.state: marks, positions, tags, notes, searches, durability; no Textual."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from reader.library import Library
from reader.state import STATE_FILE, State

DATA = Path(__file__).resolve().parent / "data"
CORPUS = "/news/one"


def test_read_and_star_round_trip(tmp_path):
    state = State.open(tmp_path, CORPUS)
    state.set_read("a.txt")
    state.set_starred("b.txt")
    state.set_starred("a.txt")
    state.set_read("b.txt", False)  # unread an article never read: a row with read = 0
    assert state.read_ids() == {"a.txt"}
    assert state.starred_ids() == {"a.txt", "b.txt"}
    state.set_starred("a.txt", False)
    assert state.is_read("a.txt") and not state.is_starred("a.txt")
    state.close()
    again = State.open(tmp_path, CORPUS)
    assert again.read_ids() == {"a.txt"} and again.starred_ids() == {"b.txt"}


def test_file_is_in_wal_mode_with_busy_timeout(tmp_path):
    state = State.open(tmp_path, CORPUS)
    assert state.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert state.db.execute("PRAGMA busy_timeout").fetchone()[0] == 20_000
    assert (tmp_path / STATE_FILE).is_file()


def test_last_selected_is_per_corpus(tmp_path):
    state = State.open(tmp_path, CORPUS)
    state.set_last_selected("/news/one", "x.txt")
    state.set_last_selected("/news/two", "y.txt")
    state.set_last_selected("/news/one", "z.txt")
    assert state.last_selected("/news/one") == "z.txt"
    assert state.last_selected("/news/two") == "y.txt"
    assert state.last_selected("/elsewhere") is None


def test_tags_notes_and_saved_searches(tmp_path):
    state = State.open(tmp_path, CORPUS)
    state.add_tag("a.txt", "lead")
    state.add_tag("a.txt", "lead")
    state.add_tag("b.txt", "lead")
    state.add_tag("a.txt", "check")
    assert state.tags_of("a.txt") == ["check", "lead"]
    assert state.tagged("lead") == ["a.txt", "b.txt"]
    state.remove_tag("a.txt", "lead")
    assert state.tags_of("a.txt") == ["check"]
    state.set_note("a.txt", "call the press office")
    assert state.note("a.txt") == "call the press office"
    state.set_note("a.txt", "  ")
    assert state.note("a.txt") is None
    state.save_search("olympics", 'title:olympic person:"Casey Wasserman"')
    state.save_search("ioc", "IOC")
    state.delete_search("ioc")
    assert state.saved_searches() == [("olympics", 'title:olympic person:"Casey Wasserman"')]


def test_mark_all_read_is_one_transaction(tmp_path):
    state = State.open(tmp_path, CORPUS)

    def ids():
        yield "a.txt"
        yield "b.txt"
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        state.mark_all_read(ids())
    assert state.read_ids() == set()
    state.mark_all_read(["a.txt", "b.txt"])
    assert state.read_ids() == {"a.txt", "b.txt"}


def test_every_row_belongs_to_its_corpus(tmp_path):
    """The note on story.txt of one corpus never shows on story.txt of another (issue 10's leak)."""
    one, two = tmp_path / "one", tmp_path / "two"
    a = State.open(tmp_path, one)
    a.set_note("story.txt", "source: confidential")
    a.add_tag("story.txt", "lead")
    a.set_read("story.txt")
    a.set_starred("story.txt")
    a.save_search("mine", "harbour")
    a.set_last_selected(None, "story.txt")
    b = State.open(tmp_path, two)
    assert b.note("story.txt") is None and b.tags_of("story.txt") == [] and b.tagged("lead") == []
    assert b.read_ids() == set() and b.starred_ids() == set() and not b.is_read("story.txt")
    assert b.saved_searches() == [] and b.tag_counts() == [] and b.note_map() == {} and b.tag_map() == {}
    assert b.last_selected() is None and b.last_selected(one) == "story.txt"
    b.set_note("story.txt", "other")
    b.remove_tag("story.txt", "lead")  # removes nothing of corpus one
    b.delete_search("mine")
    assert a.note("story.txt") == "source: confidential" and a.tags_of("story.txt") == ["lead"]
    assert a.saved_searches() == [("mine", "harbour")]
    assert sorted(p for _, p in a.corpora()) == [str(one), str(two)]
    a.close()
    b.close()


def test_reading_a_corpus_writes_no_row_for_it(tmp_path):
    State.open(tmp_path, tmp_path / "one").close()
    state = State.open(tmp_path, tmp_path / "two")
    assert state.read_ids() == set() and state.last_selected() is None
    assert state.corpora() == []  # a row is made by the first write, not by looking
    state.close()


def test_marks_survive_rebuild_of_derived_data(tmp_path):
    """State lives in the data dir; a rebuild (or deleting the cache) never touches it."""
    lib = Library.open(DATA / "corpus", home=tmp_path)
    lib.sync()
    some_id = lib.store.all_ids()[0]
    state = State.open(lib.locations.data_dir, lib.corpus)
    state.set_read(some_id)
    state.set_starred(some_id)
    assert not str(state.path).startswith(str(lib.locations.cache_dir))
    lib.sync(rebuild=True)
    lib.close()
    import shutil

    shutil.rmtree(lib.locations.cache_dir)
    lib = Library.open(DATA / "corpus", home=tmp_path)
    lib.sync()
    assert some_id in lib.store.all_ids()
    assert State.open(lib.locations.data_dir, lib.corpus).read_ids() == {some_id}
    lib.close()


_WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from reader.state import State
    state = State.open(Path(sys.argv[1]), sys.argv[2])
    n = 0
    while True:
        state.set_read(f"article-{n}.txt")
        state.set_starred(f"article-{n}.txt", n % 2 == 0)
        # Report only after the commit returned: every id printed is a committed mark.
        print(n, flush=True)
        n += 1
""")


def test_killed_writer_leaves_a_readable_database_with_its_committed_marks(tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", _WRITER, str(tmp_path), CORPUS], stdout=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    committed = -1
    deadline = time.monotonic() + 30
    try:
        assert proc.stdout is not None
        # Wait until a good number of writes are done, then kill it in the middle of the next ones.
        while committed < 200 and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            committed = int(line)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    assert committed >= 200
    state = State.open(tmp_path, CORPUS)
    assert state.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    read = state.read_ids()
    assert {f"article-{n}.txt" for n in range(committed + 1)} <= read
    starred = state.starred_ids()
    assert "article-0.txt" in starred and "article-1.txt" not in starred
