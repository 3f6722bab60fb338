"""The user's own state, per corpus (read, stars, tags, notes, saved searches, last position): SQLite, data dir."""

from __future__ import annotations

import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from reader.errors import WireError
from reader.state_corpora import ARTICLE_TABLES, SCHEMA_VERSION, adopt_moved, claim_v1, reassign, upgrade
from reader.state_file import StateUnusable, daily_backup, newer

STATE_FILE = "state.sqlite"
BUSY_TIMEOUT_MS = 20_000
"""How long a write waits for another process (the app, a `wire tag`) holding the write lock: every
write here is one short transaction, so waiting this long means something is stuck, not busy."""
_CORRUPT, _NOTADB, _IOERR_SHORT_READ = 11, 26, 522
"""SQLite's result codes for a damaged file, a file that is not a database, and one cut short."""

Notify = Callable[[str, str], None]
"""(text, severity "information" | "warning"): how a State tells the user what it did on its own."""

_said: set[str] = set()


def say_once(text: str, severity: str = "information") -> None:
    """The command line's Notify: one line on stderr, each text once per process (a command opens State
    several times)."""
    if text not in _said:
        _said.add(text)
        print(f"wire: {'warning' if severity == 'warning' else 'note'}: {text}", file=sys.stderr)


class State:
    """One connection to the state database, for one corpus (or, with corpus None, the whole file).

    The file is checked before anything is written (`_check`): a damaged or newer one
    raises StateUnusable and is never written. Every write is one short transaction, so a crash can
    lose at most the write in flight; WAL with synchronous=NORMAL survives a killed process (a dropped
    SSH link); only a power cut may lose the last commits. One lock serialises this connection's use
    by the app's threads, so a transaction of one thread never takes in another's statement.

    Args:
        path: the SQLite file; its folder is created if needed.
        corpus: the corpus folder whose rows this State reads and writes (its absolute path is the key).
        notify: how to tell the user what the State did by itself (adopted a moved corpus' state…).
    """

    def __init__(self, path: Path, corpus: str | Path | None, busy_timeout_ms: int = BUSY_TIMEOUT_MS,
                 notify: Notify | None = None) -> None:
        self.path = Path(path)
        self.corpus = str(Path(corpus).expanduser().resolve()) if corpus is not None else None
        self.notify = notify or say_once
        self._lock = threading.RLock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None,
                                      timeout=busy_timeout_ms / 1000)
        except (OSError, sqlite3.Error) as exc:
            raise WireError(f"cannot open the state database {self.path}: {exc}") from None
        try:
            self.db.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            version = self._check()  # raises StateUnusable, having written nothing
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            if version < SCHEMA_VERSION:
                upgrade(self, version)
            if version:
                self._daily_backup()
            self.cid = self.corpus_id(self.corpus) if self.corpus is not None else None
            if self.corpus is not None:
                claim_v1(self)
                adopt_moved(self)
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise WireError(f"cannot open the state database {self.path}: {exc}") from None
        except BaseException:
            self.db.close()
            raise

    def _check(self) -> int:
        """The file's schema version, read before anything is written, with SQLite's quick_check.

        Checked on this connection only: an open() of the file by this process (to read its header) would
        drop the POSIX locks SQLite holds on it, and a read-only connection reads the WAL outside its
        locking; both broke the writes of other processes (state_file.inspect_backup says more). A file
        failing the check is only closed (SQLite may fold a WAL beside it in: data the file committed).

        Raises:
            StateUnusable: damaged (not a database, cut short, failing quick_check) or newer.
        """
        try:
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StateUnusable(self.path, newer(version, SCHEMA_VERSION))
            check = self.db.execute("PRAGMA quick_check(1)").fetchone()[0] if version else "ok"
            if check == "ok":
                return version
            size, wal = self.path.stat().st_size, Path(f"{self.path}-wal")
            expected = (self.db.execute("PRAGMA page_count").fetchone()[0]
                        * self.db.execute("PRAGMA page_size").fetchone()[0])
        except sqlite3.DatabaseError as exc:
            if getattr(exc, "sqlite_errorcode", 0) & 0xFF in (_CORRUPT, _NOTADB) \
                    or getattr(exc, "sqlite_errorcode", 0) == _IOERR_SHORT_READ:
                raise StateUnusable(self.path, f"is damaged ({exc})") from None
            raise
        if size < expected and not (wal.exists() and wal.stat().st_size):
            raise StateUnusable(self.path, f"is damaged (cut short: {size:,} of {expected:,} bytes)")
        found = " ".join(check.replace("*** in database main ***", "").split())  # one line
        raise StateUnusable(self.path, f"is damaged ({found})")

    @classmethod
    def open(cls, data_dir: Path, corpus: str | Path, notify: Notify | None = None) -> State:
        """The state of one corpus in a data dir (`Locations.data_dir`); the file is made if missing.

        Raises:
            StateUnusable: the file is damaged or newer (the message names a backup to restore).
        """
        return cls(Path(data_dir) / STATE_FILE, corpus, notify=notify)

    @classmethod
    def open_existing(cls, data_dir: Path, corpus: str | Path, notify: Notify | None = None) -> State | None:
        """For reading commands: the state if its file exists and is sound, else None (never creates it).

        A damaged or newer file gives one warning (through `notify`) and None: the command goes on
        without the user's marks instead of failing.
        """
        path = Path(data_dir) / STATE_FILE
        if not path.is_file():
            return None
        try:
            return cls(path, corpus, notify=notify)
        except StateUnusable as exc:
            (notify or say_once)(f"the state file {exc.path} {exc.reason}: going on without your read marks, "
                                 f"stars, tags and notes; {exc.hint}", "warning")
        except WireError as exc:
            (notify or say_once)(f"{exc}: going on without your read marks, stars, tags and notes", "warning")
        return None

    @classmethod
    def check(cls, data_dir: Path) -> None:
        """Raise StateUnusable now if the file is damaged or newer (a writing command: the error, no warning)."""
        path = Path(data_dir) / STATE_FILE
        if path.is_file():
            cls(path, None).close()

    @classmethod
    def open_all(cls, data_dir: Path, create: bool = True) -> State | None:
        """The whole file, every corpus (for `wire state`); None when there is none and `create` is off."""
        path = Path(data_dir) / STATE_FILE
        if not create and not path.is_file():
            return None
        return cls(path, None)

    # --- schema, backups, corpora ------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT: the write lock from the start, for a read-modify-write."""
        with self._lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    def _daily_backup(self) -> None:
        try:
            daily_backup(self.db, self.path)
        except (OSError, sqlite3.Error) as exc:
            # A failed backup must not stop the user's work; the next open tries again.
            self.notify(f"could not back up {self.path}: {getattr(exc, 'strerror', None) or exc}", "warning")

    def corpus_id(self, corpus: str | Path, create: bool = False) -> int | None:
        """The id of a corpus folder (absolute path), made when `create`; None when unknown."""
        path = str(Path(corpus).expanduser().resolve())
        with self._lock:
            if create:
                self.db.execute("INSERT OR IGNORE INTO corpora (path, added) VALUES (?, ?)", (path, time.time()))
            row = self.db.execute("SELECT id FROM corpora WHERE path = ?", (path,)).fetchone()
        return row[0] if row else None

    def corpora(self) -> list[tuple[int, str]]:
        """(id, absolute path) of every corpus the file knows, by path."""
        return self.query("SELECT id, path FROM corpora ORDER BY path")

    def has_state(self, cid: int) -> bool:
        """Whether a corpus has any marks, tags, notes or saved searches (a position alone is not state)."""
        return any(self.query(f"SELECT 1 FROM {t} WHERE corpus = ? LIMIT 1", (cid,))
                   for t in (*ARTICLE_TABLES, "searches"))

    def article_ids(self, cid: int, limit: int | None = None) -> list[str]:
        """Ids of the articles a corpus's marks, tags and notes name."""
        union = " UNION ".join(f"SELECT article_id FROM {t} WHERE corpus = :c" for t in ARTICLE_TABLES)
        return [r[0] for r in self.query(f"{union} LIMIT :n", {"c": cid, "n": -1 if limit is None else limit})]

    def move(self, old: str | Path, new: str | Path) -> int:
        """Give the state of corpus `old` to folder `new` (merged with any it has); returns rows moved.

        Raises:
            WireError: `old` is not a corpus this file knows.
        """
        source = self.corpus_id(old)
        if source is None:
            known = ", ".join(p for _, p in self.corpora()) or "none yet"
            raise WireError(f"no state kept for {Path(old).expanduser().resolve()} (known: {known})")
        with self.transaction():
            target = self.corpus_id(new, create=True)
            if target == source:
                return 0
            moved = reassign(self.db, source, target)
            self.db.execute("DELETE FROM corpora WHERE id = ?", (source,))
        if self.corpus is not None and self.corpus == str(Path(new).expanduser().resolve()):
            self.cid = target
        return moved

    def query(self, sql: str, params: Iterable | dict = ()) -> list:
        """All rows of one statement, under this connection's lock (for wire state's reports and dumps)."""
        with self._lock:
            return self.db.execute(sql, params).fetchall()

    def _run(self, sql: str, params: Iterable = ()) -> None:
        with self._lock:
            self.db.execute(sql, params)

    def _read_id(self) -> int:
        return -1 if self.cid is None else self.cid  # no corpus row yet: nothing to read

    def _write_id(self) -> int:
        if self.corpus is None:
            raise WireError("this state was opened for no corpus")  # a bug of the caller, never the user's
        if self.cid is None:
            self.cid = self.corpus_id(self.corpus, create=True)
        return self.cid

    # --- read / starred ----------------------------------------------------------------------
    def read_ids(self) -> set[str]:
        return {r[0] for r in self.query("SELECT article_id FROM marks WHERE corpus = ? AND read = 1",
                                         (self._read_id(),))}

    def starred_ids(self) -> set[str]:
        return {r[0] for r in self.query("SELECT article_id FROM marks WHERE corpus = ? AND starred = 1",
                                         (self._read_id(),))}

    def marked(self, kind: str) -> set[str]:
        """The ids marked `kind`, "read" or "starred" (`Library.marked`, for `is:` in queries)."""
        return self.read_ids() if kind == "read" else self.starred_ids()

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
        with self.transaction() as db:
            cid = self._write_id()
            db.executemany(
                "INSERT INTO marks (corpus, article_id, read, changed) VALUES (?, ?, 1, ?) "
                "ON CONFLICT(corpus, article_id) DO UPDATE SET read = 1, changed = excluded.changed",
                [(cid, i, now) for i in article_ids])

    def _flag(self, article_id: str, column: str) -> bool:
        rows = self.query(f"SELECT {column} FROM marks WHERE corpus = ? AND article_id = ?",
                          (self._read_id(), article_id))
        return bool(rows and rows[0][0])

    def _set(self, article_id: str, column: str, value: bool) -> None:
        # `column` is one of two literals chosen in this module, never user input. One upsert: atomic,
        # so two processes starring different articles at once both land.
        with self._lock:
            self.db.execute(
                f"INSERT INTO marks (corpus, article_id, {column}, changed) VALUES (?, ?, ?, ?) "
                f"ON CONFLICT(corpus, article_id) DO UPDATE SET {column} = excluded.{column}, "
                "changed = excluded.changed", (self._write_id(), article_id, int(value), time.time()))

    # --- last position -------------------------------------------------------------------------
    def _position_id(self, corpus: str | Path | None, create: bool) -> int | None:
        if corpus is None or str(Path(corpus).resolve()) == self.corpus:
            return self._write_id() if create else self.cid
        return self.corpus_id(corpus, create)

    def last_selected(self, corpus: str | Path | None = None) -> str | None:
        """The article selected when the app last closed on this corpus (or on `corpus`)."""
        cid = self._position_id(corpus, False)
        rows = self.query("SELECT article_id FROM positions WHERE corpus = ?", (-1 if cid is None else cid,))
        return rows[0][0] if rows else None

    def set_last_selected(self, corpus: str | Path | None, article_id: str) -> None:
        with self._lock:
            self.db.execute("INSERT OR REPLACE INTO positions VALUES (?, ?, ?)",
                            (self._position_id(corpus, True), article_id, time.time()))

    # --- tags and notes (rules in reader.review), saved searches (reader.searches) ------------------
    def add_tag(self, article_id: str, tag: str) -> None:
        with self._lock:
            self.db.execute("INSERT OR IGNORE INTO tags VALUES (?, ?, ?)", (self._write_id(), article_id, tag))

    def remove_tag(self, article_id: str, tag: str) -> None:
        self._run("DELETE FROM tags WHERE corpus = ? AND article_id = ? AND tag = ?",
                  (self._read_id(), article_id, tag))

    def tags_of(self, article_id: str) -> list[str]:
        return [r[0] for r in self.query("SELECT tag FROM tags WHERE corpus = ? AND article_id = ? ORDER BY tag",
                                         (self._read_id(), article_id))]

    def tagged(self, tag: str, prefix: bool = False) -> list[str]:
        """Ids of the articles tagged `tag`; with `prefix`, tagged anything starting with it (`tags:urg*`)."""
        if not prefix:
            return [r[0] for r in self.query(
                "SELECT article_id FROM tags WHERE corpus = ? AND tag = ? ORDER BY article_id",
                (self._read_id(), tag))]
        # A range rather than LIKE: no wildcard characters to escape, and the tags_tag index serves it.
        return [r[0] for r in self.query(
            "SELECT DISTINCT article_id FROM tags WHERE corpus = ? AND tag >= ? AND tag < ? ORDER BY article_id",
            (self._read_id(), tag, tag + "\U0010ffff"))]

    def tag_counts(self) -> list[tuple[str, int]]:
        """Every tag in use with how many articles carry it, by tag."""
        return [tuple(r) for r in self.query(
            "SELECT tag, COUNT(*) FROM tags WHERE corpus = ? GROUP BY tag ORDER BY tag", (self._read_id(),))]

    def tag_map(self) -> dict[str, list[str]]:
        """Article id → its tags (sorted), for every tagged article: one query for a whole export."""
        out: dict[str, list[str]] = {}
        for article_id, tag in self.query("SELECT article_id, tag FROM tags WHERE corpus = ? "
                                          "ORDER BY article_id, tag", (self._read_id(),)):
            out.setdefault(article_id, []).append(tag)
        return out

    def note_map(self) -> dict[str, str]:
        """Article id → its note, for every article with one."""
        return dict(self.query("SELECT article_id, text FROM notes WHERE corpus = ?", (self._read_id(),)))

    def set_note(self, article_id: str, text: str) -> None:
        """An empty note deletes the note."""
        if text.strip():
            with self._lock:
                self.db.execute("INSERT OR REPLACE INTO notes VALUES (?, ?, ?, ?)",
                                (self._write_id(), article_id, text, time.time()))
        else:
            self._run("DELETE FROM notes WHERE corpus = ? AND article_id = ?", (self._read_id(), article_id))

    def note(self, article_id: str) -> str | None:
        rows = self.query("SELECT text FROM notes WHERE corpus = ? AND article_id = ?", (self._read_id(), article_id))
        return rows[0][0] if rows else None

    def save_search(self, name: str, query: str) -> None:
        with self._lock:
            self.db.execute("INSERT OR REPLACE INTO searches VALUES (?, ?, ?, ?)",
                            (self._write_id(), name, query, time.time()))

    def delete_search(self, name: str) -> None:
        self._run("DELETE FROM searches WHERE corpus = ? AND name = ?", (self._read_id(), name))

    def saved_searches(self) -> list[tuple[str, str]]:
        return [tuple(r) for r in self.query("SELECT name, query FROM searches WHERE corpus = ? ORDER BY name",
                                             (self._read_id(),))]

    def close(self) -> None:
        with self._lock:
            self.db.close()
