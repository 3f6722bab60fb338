"""Schema 1 → 2: a real version-1 file (made here with version 1's DDL, not its code) migrated, backed up first,
its rows given to the first corpus that holds their articles."""

from __future__ import annotations

import sqlite3

from reader.state import SCHEMA_VERSION, STATE_FILE, State
from reader.state_file import BACKUPS

from .conftest import DATA

CORPUS = (DATA / "corpus").resolve()  # holds front.md, plain.txt, nested/wire.txt

# Version 1's schema, copied from reader/state.py as it was at commit c936592 (the last with SCHEMA_VERSION 1).
V1_DDL = """
CREATE TABLE IF NOT EXISTS marks (
    article_id TEXT PRIMARY KEY,
    read INTEGER NOT NULL DEFAULT 0,
    starred INTEGER NOT NULL DEFAULT 0,
    changed REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS marks_read ON marks(read) WHERE read = 1;
CREATE INDEX IF NOT EXISTS marks_starred ON marks(starred) WHERE starred = 1;
CREATE TABLE IF NOT EXISTS positions (corpus TEXT PRIMARY KEY, article_id TEXT NOT NULL, changed REAL NOT NULL);
CREATE TABLE IF NOT EXISTS tags (article_id TEXT NOT NULL, tag TEXT NOT NULL, PRIMARY KEY (article_id, tag));
CREATE INDEX IF NOT EXISTS tags_tag ON tags(tag);
CREATE TABLE IF NOT EXISTS notes (article_id TEXT PRIMARY KEY, text TEXT NOT NULL, changed REAL NOT NULL);
CREATE TABLE IF NOT EXISTS searches (name TEXT PRIMARY KEY, query TEXT NOT NULL, changed REAL NOT NULL);
"""
# The first version-1 files had marks and positions only (tags, notes and searches came later, same version).
V1_FIRST_DDL = V1_DDL.split("CREATE TABLE IF NOT EXISTS tags")[0]


def make_v1(data_dir, ddl: str = V1_DDL, full: bool = True) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(data_dir / STATE_FILE)
    db.execute("PRAGMA journal_mode=WAL")  # as version 1 opened it
    db.executescript(ddl)
    db.execute("PRAGMA user_version=1")
    db.executemany("INSERT INTO marks VALUES (?, ?, ?, ?)",
                   [("plain.txt", 1, 0, 100.0), ("front.md", 1, 1, 101.0), ("gone.txt", 1, 0, 102.0)])
    db.execute("INSERT INTO positions VALUES (?, ?, ?)", (str(CORPUS), "front.md", 103.0))
    if full:
        db.executemany("INSERT INTO tags VALUES (?, ?)", [("front.md", "lead"), ("nested/wire.txt", "check")])
        db.execute("INSERT INTO notes VALUES (?, ?, ?)", ("nested/wire.txt", "call the agency", 104.0))
        db.execute("INSERT INTO searches VALUES (?, ?, ?)", ("ferries", "ferry", 105.0))
    db.commit()
    db.close()


def notices():
    said = []
    return said, lambda text, severity: said.append(text)


def test_v1_rows_wait_for_the_corpus_that_holds_them(tmp_path):
    data = tmp_path / "data"
    make_v1(data)
    empty = tmp_path / "elsewhere"
    empty.mkdir()
    said, notify = notices()
    other = State.open(data, empty, notify=notify)  # opens the file first, but holds none of its articles
    assert other.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert other.read_ids() == set() and other.tags_of("front.md") == [] and other.saved_searches() == []
    assert said == []
    other.close()

    backups = list((data / BACKUPS).glob(f"state-v1-before-v{SCHEMA_VERSION}-*.sqlite"))
    assert len(backups) == 1  # taken before the schema changed: still version 1, rows as they were
    old = sqlite3.connect(backups[0])
    assert old.execute("PRAGMA user_version").fetchone()[0] == 1
    assert old.execute("SELECT COUNT(*) FROM marks").fetchone()[0] == 3
    old.close()

    said, notify = notices()
    mine = State.open(data, CORPUS, notify=notify)
    assert mine.read_ids() == {"plain.txt", "front.md"} and mine.starred_ids() == {"front.md"}
    assert mine.tags_of("front.md") == ["lead"] and mine.tagged("check") == ["nested/wire.txt"]
    assert mine.note("nested/wire.txt") == "call the agency"
    assert mine.saved_searches() == [("ferries", "ferry")]
    assert mine.last_selected() == "front.md"  # the v1 position, keyed by path already
    assert len(said) == 1 and str(CORPUS) in said[0]
    mine.close()

    # What this corpus does not hold (gone.txt) stays unassigned; a third corpus sees none of it.
    third = State.open(data, empty)
    assert third.read_ids() == set() and third.saved_searches() == []
    assert [r[0] for r in third.db.execute("SELECT article_id FROM marks WHERE corpus = 0")] == ["gone.txt"]
    third.close()
    again = State.open(data, CORPUS)
    assert again.read_ids() == {"plain.txt", "front.md"}
    again.close()
    assert len(list((data / BACKUPS).glob("state-v1-*"))) == 1  # migrated once


def test_first_v1_files_without_tags_notes_or_searches_migrate(tmp_path):
    data = tmp_path / "data"
    make_v1(data, V1_FIRST_DDL, full=False)
    state = State.open(data, CORPUS)
    assert state.read_ids() == {"plain.txt", "front.md"} and state.tag_counts() == []
    state.add_tag("plain.txt", "new")
    assert state.tags_of("plain.txt") == ["new"]
    state.close()


def test_reading_commands_migrate_too(tmp_path):
    """open_existing (wire show, export, search) on a sound v1 file migrates it and reads its rows."""
    data = tmp_path / "data"
    make_v1(data)
    state = State.open_existing(data, CORPUS)
    assert state is not None and state.tags_of("front.md") == ["lead"]
    state.close()


# Version 2's schema, copied from reader/state_corpora.py as it was at commit fce7dab (the last with SCHEMA_VERSION 2).
V2_DDL = """
CREATE TABLE IF NOT EXISTS corpora (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, added REAL NOT NULL);
CREATE TABLE IF NOT EXISTS marks (corpus INTEGER NOT NULL, article_id TEXT NOT NULL,
    read INTEGER NOT NULL DEFAULT 0, starred INTEGER NOT NULL DEFAULT 0, changed REAL NOT NULL,
    PRIMARY KEY (corpus, article_id));
CREATE INDEX IF NOT EXISTS marks_read ON marks(corpus) WHERE read = 1;
CREATE INDEX IF NOT EXISTS marks_starred ON marks(corpus) WHERE starred = 1;
CREATE TABLE IF NOT EXISTS positions (corpus INTEGER PRIMARY KEY, article_id TEXT NOT NULL, changed REAL NOT NULL);
CREATE TABLE IF NOT EXISTS tags (corpus INTEGER NOT NULL, article_id TEXT NOT NULL, tag TEXT NOT NULL,
    PRIMARY KEY (corpus, article_id, tag));
CREATE INDEX IF NOT EXISTS tags_tag ON tags(corpus, tag);
CREATE TABLE IF NOT EXISTS notes (corpus INTEGER NOT NULL, article_id TEXT NOT NULL, text TEXT NOT NULL,
    changed REAL NOT NULL, PRIMARY KEY (corpus, article_id));
CREATE TABLE IF NOT EXISTS searches (corpus INTEGER NOT NULL, name TEXT NOT NULL, query TEXT NOT NULL,
    changed REAL NOT NULL, PRIMARY KEY (corpus, name));
"""


def test_a_v2_file_gains_the_feeds_table_and_keeps_every_row(tmp_path):
    from reader.feeds import subscriptions

    data = tmp_path / "data"
    data.mkdir()
    db = sqlite3.connect(data / STATE_FILE)
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(V2_DDL)
    db.execute("PRAGMA user_version=2")
    db.execute("INSERT INTO corpora VALUES (1, ?, 1.0)", (str(CORPUS),))
    db.execute("INSERT INTO marks VALUES (1, 'front.md', 1, 1, 2.0)")
    db.execute("INSERT INTO tags VALUES (1, 'plain.txt', 'lead')")
    db.execute("INSERT INTO notes VALUES (1, 'plain.txt', 'ring back', 3.0)")
    db.execute("INSERT INTO searches VALUES (1, 'ferries', 'ferry', 4.0)")
    db.execute("INSERT INTO positions VALUES (1, 'front.md', 5.0)")
    db.commit()
    db.close()

    state = State.open(data, CORPUS)
    assert state.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
    assert state.read_ids() == {"front.md"} and state.starred_ids() == {"front.md"}
    assert state.tags_of("plain.txt") == ["lead"] and state.note("plain.txt") == "ring back"
    assert state.saved_searches() == [("ferries", "ferry")] and state.last_selected() == "front.md"
    subscriptions.subscribe(state, "https://news.example/rss", "Example")
    assert [f.name for f in subscriptions.feeds(state)] == ["Example"]
    state.close()
    backups = list((data / BACKUPS).glob("state-v2-before-v3-*.sqlite"))
    assert len(backups) == 1
    old = sqlite3.connect(backups[0])
    assert old.execute("PRAGMA user_version").fetchone()[0] == 2
    assert old.execute("SELECT name FROM sqlite_master WHERE name = 'feeds'").fetchone() is None
    old.close()
