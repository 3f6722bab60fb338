"""The user's own state (read, stars, tags, notes, saved searches, last position) in SQLite in the data dir."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path

from reader.errors import WireError

STATE_FILE = "state.sqlite"
SCHEMA_VERSION = 1
"""Stored in `PRAGMA user_version`; a newer file than this code is refused rather than altered."""

# Everything is keyed by article id (the corpus-relative path), never by a rowid of the derived
# store: the cache can be deleted or rebuilt and these rows still name the same articles.
_SCHEMA = """
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


class State:
    """One connection to the state database.

    Every method is one short autocommitted statement, so a crash can lose at most the write
    in flight. WAL with synchronous=NORMAL survives a killed process (the case that matters
    for a terminal app: a dropped SSH link); only a power cut may lose the last commits.

    Args:
        path: the SQLite file; its folder is created if needed.
        busy_timeout_ms: how long to wait for another process (a second `wire`) holding the write lock.
    """

    def __init__(self, path: Path, busy_timeout_ms: int = 2000) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None,
                                      timeout=busy_timeout_ms / 1000)
            self.db.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise WireError(f"{path} was written by a newer wire-reader (state version {version})")
            self.db.executescript(_SCHEMA)
            self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except sqlite3.DatabaseError as exc:
            raise WireError(f"cannot open the state database {path}: {exc}") from None

    @classmethod
    def open(cls, data_dir: Path) -> State:
        """The state file of a data dir (`Locations.data_dir`)."""
        return cls(Path(data_dir) / STATE_FILE)

    @classmethod
    def open_existing(cls, data_dir: Path) -> State | None:
        """The state file of a data dir if there is one, else None: reading commands never create it."""
        path = Path(data_dir) / STATE_FILE
        return cls(path) if path.is_file() else None

    # --- read / starred ----------------------------------------------------------------------
    def read_ids(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT article_id FROM marks WHERE read = 1")}

    def starred_ids(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT article_id FROM marks WHERE starred = 1")}

    def is_read(self, article_id: str) -> bool:
        return self._flag(article_id, "read")

    def is_starred(self, article_id: str) -> bool:
        return self._flag(article_id, "starred")

    def set_read(self, article_id: str, read: bool = True) -> None:
        self._set(article_id, "read", read)

    def set_starred(self, article_id: str, starred: bool = True) -> None:
        self._set(article_id, "starred", starred)

    def mark_all_read(self, article_ids: Iterable[str]) -> None:
        """Many at once, in one transaction (all or none)."""
        now = time.time()
        self.db.execute("BEGIN")
        try:
            self.db.executemany(
                "INSERT INTO marks (article_id, read, changed) VALUES (?, 1, ?) "
                "ON CONFLICT(article_id) DO UPDATE SET read = 1, changed = excluded.changed",
                [(i, now) for i in article_ids])
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _flag(self, article_id: str, column: str) -> bool:
        row = self.db.execute(f"SELECT {column} FROM marks WHERE article_id = ?", (article_id,)).fetchone()
        return bool(row and row[0])

    def _set(self, article_id: str, column: str, value: bool) -> None:
        # `column` is one of two literals chosen in this module, never user input.
        self.db.execute(
            f"INSERT INTO marks (article_id, {column}, changed) VALUES (?, ?, ?) "
            f"ON CONFLICT(article_id) DO UPDATE SET {column} = excluded.{column}, changed = excluded.changed",
            (article_id, int(value), time.time()))

    # --- last position -------------------------------------------------------------------------
    def last_selected(self, corpus: str | Path) -> str | None:
        """The article selected when the app last closed on this corpus (keyed by its absolute path)."""
        row = self.db.execute("SELECT article_id FROM positions WHERE corpus = ?", (str(corpus),)).fetchone()
        return row[0] if row else None

    def set_last_selected(self, corpus: str | Path, article_id: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO positions VALUES (?, ?, ?)", (str(corpus), article_id, time.time()))

    # --- tags and notes (rules in reader.review), saved searches (reader.searches) ------------------
    def add_tag(self, article_id: str, tag: str) -> None:
        self.db.execute("INSERT OR IGNORE INTO tags VALUES (?, ?)", (article_id, tag))

    def remove_tag(self, article_id: str, tag: str) -> None:
        self.db.execute("DELETE FROM tags WHERE article_id = ? AND tag = ?", (article_id, tag))

    def tags_of(self, article_id: str) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT tag FROM tags WHERE article_id = ? ORDER BY tag",
                                              (article_id,))]

    def tagged(self, tag: str, prefix: bool = False) -> list[str]:
        """Ids of the articles tagged `tag`; with `prefix`, tagged anything starting with it (`tags:urg*`)."""
        if not prefix:
            return [r[0] for r in self.db.execute(
                "SELECT article_id FROM tags WHERE tag = ? ORDER BY article_id", (tag,))]
        # A range rather than LIKE: no wildcard characters to escape, and the tags_tag index serves it.
        return [r[0] for r in self.db.execute(
            "SELECT DISTINCT article_id FROM tags WHERE tag >= ? AND tag < ? ORDER BY article_id",
            (tag, tag + "\U0010ffff"))]

    def tag_counts(self) -> list[tuple[str, int]]:
        """Every tag in use with how many articles carry it, by tag."""
        return list(self.db.execute("SELECT tag, COUNT(*) FROM tags GROUP BY tag ORDER BY tag"))

    def tag_map(self) -> dict[str, list[str]]:
        """Article id → its tags (sorted), for every tagged article: one query for a whole export."""
        out: dict[str, list[str]] = {}
        for article_id, tag in self.db.execute("SELECT article_id, tag FROM tags ORDER BY article_id, tag"):
            out.setdefault(article_id, []).append(tag)
        return out

    def note_map(self) -> dict[str, str]:
        """Article id → its note, for every article with one."""
        return dict(self.db.execute("SELECT article_id, text FROM notes"))

    def set_note(self, article_id: str, text: str) -> None:
        """An empty note deletes the note."""
        if text.strip():
            self.db.execute("INSERT OR REPLACE INTO notes VALUES (?, ?, ?)", (article_id, text, time.time()))
        else:
            self.db.execute("DELETE FROM notes WHERE article_id = ?", (article_id,))

    def note(self, article_id: str) -> str | None:
        row = self.db.execute("SELECT text FROM notes WHERE article_id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    def save_search(self, name: str, query: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO searches VALUES (?, ?, ?)", (name, query, time.time()))

    def delete_search(self, name: str) -> None:
        self.db.execute("DELETE FROM searches WHERE name = ?", (name,))

    def saved_searches(self) -> list[tuple[str, str]]:
        return list(self.db.execute("SELECT name, query FROM searches ORDER BY name"))

    def close(self) -> None:
        self.db.close()
