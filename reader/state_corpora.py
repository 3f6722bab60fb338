"""Which corpus each row of the user's state belongs to: the schema, the version-1 migration (rows claimed
by the first corpus holding their articles) and a moved corpus folder adopted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from reader.errors import WireError
from reader.state_file import upgrade_backup

if TYPE_CHECKING:
    import sqlite3

    from reader.state import State

SCHEMA_VERSION = 3
"""Stored in `PRAGMA user_version`; a newer file than this code is never altered (see State._check)."""
UNASSIGNED = 0
"""The corpus id of rows from a version-1 file that no corpus opened so far holds (see `claim_v1`)."""
MOVED_SHARE = 0.8
"""A vanished corpus's state is adopted by a new folder holding at least this share of its articles."""
_SAMPLE = 200
"""Article ids looked up on disk to decide whether a folder holds a corpus's state."""

# Every row carries the corpus id (a row of `corpora`, which holds the folder's absolute path) and the
# article id (the corpus-relative path), never a rowid of the derived store: the cache can be deleted
# or rebuilt and these rows still name the same articles.
_TABLES = """
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
CREATE TABLE IF NOT EXISTS feeds (corpus INTEGER NOT NULL, url TEXT NOT NULL, name TEXT NOT NULL,
    folder TEXT NOT NULL, full_text INTEGER NOT NULL DEFAULT 0, added REAL NOT NULL, PRIMARY KEY (corpus, url));
"""
# Version 3 added `feeds` (reader/feeds/subscriptions.py); a version-2 file gains it from the CREATE IF NOT EXISTS
# above, its other tables untouched.
ARTICLE_TABLES = ("marks", "tags", "notes")
ALL_TABLES = (*ARTICLE_TABLES, "searches", "positions", "feeds")

# Version 1 kept one corpus's rows keyed by article id alone; files made before tags, notes and saved
# searches lack those tables, hence the CREATE IF NOT EXISTS before the copy. Rows go to UNASSIGNED
# (their corpus is unknown), positions (already keyed by corpus path) to a corpora row each.
_FROM_V1 = """
CREATE TABLE IF NOT EXISTS marks (article_id TEXT PRIMARY KEY, read INTEGER NOT NULL DEFAULT 0,
    starred INTEGER NOT NULL DEFAULT 0, changed REAL NOT NULL);
CREATE TABLE IF NOT EXISTS positions (corpus TEXT PRIMARY KEY, article_id TEXT NOT NULL, changed REAL NOT NULL);
CREATE TABLE IF NOT EXISTS tags (article_id TEXT NOT NULL, tag TEXT NOT NULL, PRIMARY KEY (article_id, tag));
CREATE TABLE IF NOT EXISTS notes (article_id TEXT PRIMARY KEY, text TEXT NOT NULL, changed REAL NOT NULL);
CREATE TABLE IF NOT EXISTS searches (name TEXT PRIMARY KEY, query TEXT NOT NULL, changed REAL NOT NULL);
DROP INDEX IF EXISTS marks_read;
DROP INDEX IF EXISTS marks_starred;
DROP INDEX IF EXISTS tags_tag;
ALTER TABLE marks RENAME TO v1_marks;
ALTER TABLE positions RENAME TO v1_positions;
ALTER TABLE tags RENAME TO v1_tags;
ALTER TABLE notes RENAME TO v1_notes;
ALTER TABLE searches RENAME TO v1_searches;
""" + _TABLES + """
INSERT INTO marks SELECT 0, article_id, read, starred, changed FROM v1_marks;
INSERT INTO tags SELECT 0, article_id, tag FROM v1_tags;
INSERT INTO notes SELECT 0, article_id, text, changed FROM v1_notes;
INSERT INTO searches SELECT 0, name, query, changed FROM v1_searches;
INSERT OR IGNORE INTO corpora (path, added) SELECT corpus, changed FROM v1_positions;
INSERT INTO positions SELECT c.id, p.article_id, p.changed FROM v1_positions p JOIN corpora c ON c.path = p.corpus;
DROP TABLE v1_marks;
DROP TABLE v1_positions;
DROP TABLE v1_tags;
DROP TABLE v1_notes;
DROP TABLE v1_searches;
"""


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def upgrade(state: State, version: int) -> None:
    """Bring the file to SCHEMA_VERSION: a new file gets the tables; an older one is backed up, then migrated
    (version 1: its rows re-keyed by corpus; version 2: the feeds table added)."""
    if version:
        try:
            upgrade_backup(state.db, state.path, version, SCHEMA_VERSION)
        except OSError as exc:
            raise WireError(f"cannot back up {state.path} before upgrading it ({exc.strerror or exc}); "
                            "nothing was changed") from None
    with state.transaction() as db:
        now = db.execute("PRAGMA user_version").fetchone()[0]  # another process may have done it meanwhile
        if now >= SCHEMA_VERSION:
            return
        for statement in _statements(_FROM_V1 if now == 1 else _TABLES):
            db.execute(statement)
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")


def reassign(db: sqlite3.Connection, source: int, target: int, article_ids: list[str] | None = None) -> int:
    """Move rows from one corpus id to another (inside a transaction); the target's own rows win a
    conflict. With `article_ids`, only those articles' rows (and the source's saved searches).
    Returns how many rows moved."""
    moved = 0
    for table in ALL_TABLES if article_ids is None else (*ARTICLE_TABLES, "searches"):
        where, params = "corpus = ?", [source]
        if article_ids is not None and table != "searches":
            where += " AND article_id IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(article_ids))
        moved += db.execute(f"UPDATE OR IGNORE {table} SET corpus = ? WHERE {where}", [target, *params]).rowcount
        db.execute(f"DELETE FROM {table} WHERE {where}", params)
    return moved


def holds(corpus: str, article_id: str) -> bool:
    """Whether the folder has the file of `article_id` (`file#record` for JSON Lines)."""
    root = Path(corpus)
    return (root / article_id).is_file() or (root / article_id.split("#", 1)[0]).is_file()


def claim_v1(state: State) -> None:
    """Rows of a version-1 file go to the first corpus that holds their articles (their files are there);
    its saved searches go with the first claim."""
    ids = state.article_ids(UNASSIGNED)
    held = [i for i in ids if holds(state.corpus, i)]
    if (ids and not held) or not (ids or state.query("SELECT 1 FROM searches WHERE corpus = 0 LIMIT 1")):
        return
    with state.transaction() as db:
        state.cid = state.corpus_id(state.corpus, create=True)
        moved = reassign(db, UNASSIGNED, state.cid, held)
    if moved:
        state.notify(f"the read marks, stars, tags, notes (of {len(held)} articles) and saved searches kept by an "
                     f"earlier wire-reader now belong to this corpus, {state.corpus}: its folder has those articles",
                     "information")


def adopt_moved(state: State) -> None:
    """A folder with no state yet, holding (mostly) the articles of a known corpus whose folder is gone:
    taken as that corpus moved here, and told once."""
    if state.cid is not None and state.has_state(state.cid):
        return
    best = None
    for cid, path in state.corpora():
        if cid == state.cid or Path(path).exists():
            continue
        ids = state.article_ids(cid, _SAMPLE)
        share = sum(holds(state.corpus, i) for i in ids) / len(ids) if ids else 0.0
        if share >= MOVED_SHARE and (best is None or share > best[0]):
            best = (share, path)
    if best is None:
        return
    share, path = best
    state.move(path, state.corpus)
    state.notify(f"{path} is gone and {share:.0%} of the articles your state names there are in {state.corpus}: "
                 f"taken as moved, its state is now this folder's (undo: wire state move {state.corpus} {path})",
                 "information")
