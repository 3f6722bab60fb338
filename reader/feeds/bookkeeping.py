"""What fetching has learnt per feed (validators, items seen, last result): a small SQLite file in the corpus cache."""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from reader.errors import WireError

# Why the cache dir and not the state file: none of this is the user's. Lost (a deleted cache), the next fetch
# is one unconditional GET per feed, and no item comes twice: an item's file name is a hash of its feed and
# guid, and a file already there is never written again (items.py). Only an item the user deleted from the
# folder would come back once. The state file, backed up and exported, keeps what the user chose.
FILE = "feeds.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS fetched (url TEXT PRIMARY KEY, etag TEXT, modified TEXT, at REAL, ok REAL,
    error TEXT, written INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS seen (url TEXT NOT NULL, item TEXT NOT NULL, at REAL NOT NULL, PRIMARY KEY (url, item));
"""


@dataclass(frozen=True)
class Fetched:
    """The last fetch of one feed."""

    etag: str | None = None
    modified: str | None = None
    at: float | None = None
    """When it was last tried."""
    ok: float | None = None
    """When it last succeeded (a 200 read, or a 304)."""
    error: str | None = None
    """The last try's failure, None when it succeeded."""
    written: int = 0
    """Items written for it so far."""


class Bookkeeping:
    """The file of one corpus's cache (`Library.cache`); one connection, shared by threads under a lock."""

    def __init__(self, cache: Path) -> None:
        self.path = Path(cache) / FILE
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=20)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.executescript(_SCHEMA)
        except sqlite3.DatabaseError:
            # Derived and rebuilt from nothing: a damaged file is replaced, as any cache file is.
            self.path.unlink(missing_ok=True)
            self.db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=20)
            self.db.executescript(_SCHEMA)
        except OSError as exc:
            raise WireError(f"cannot open {self.path}: {exc.strerror or exc}") from None

    def last(self, url: str) -> Fetched:
        with self._lock:
            row = self.db.execute("SELECT etag, modified, at, ok, error, written FROM fetched WHERE url = ?",
                                  (url,)).fetchone()
        return Fetched(*row) if row else Fetched()

    def seen(self, url: str) -> set[str]:
        """The item keys (file stems) of a feed already written or found written."""
        with self._lock:
            return {r[0] for r in self.db.execute("SELECT item FROM seen WHERE url = ?", (url,))}

    def record(self, url: str, etag: str | None, modified: str | None, error: str | None,
               items: list[str], written: int) -> None:
        """One fetch's outcome, in one transaction: validators (kept from before on a failure), the items now
        seen, how many were written."""
        now = time.time()
        with self._lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                before = self.db.execute("SELECT etag, modified, ok FROM fetched WHERE url = ?", (url,)).fetchone()
                if error is not None and before:
                    etag, modified = before[0], before[1]
                ok = now if error is None else (before[2] if before else None)
                self.db.execute(
                    "INSERT INTO fetched (url, etag, modified, at, ok, error, written) VALUES (?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, modified = excluded.modified, "
                    "at = excluded.at, ok = excluded.ok, error = excluded.error, written = written + ?",
                    (url, etag, modified, now, ok, error, written, written))
                self.db.executemany("INSERT OR IGNORE INTO seen VALUES (?, ?, ?)", [(url, i, now) for i in items])
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise

    def forget(self, url: str) -> None:
        """A subscription removed: its validators and seen items go (its files, if kept, still stop repeats)."""
        with self._lock:
            self.db.execute("DELETE FROM fetched WHERE url = ?", (url,))
            self.db.execute("DELETE FROM seen WHERE url = ?", (url,))

    def close(self) -> None:
        with self._lock:
            self.db.close()
