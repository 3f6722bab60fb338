"""The corpus cache: what was seen on disk last time and the parsed articles (SQLite, derived, rebuildable)."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from pathlib import Path

from reader.corpus.boilerplate import REPEAT_THRESHOLD, paragraph_key, paragraph_keys
from reader.errors import DiskFull, out_of_space, writing
from reader.models import Article, ArticleRow, Paragraph

STORE_VERSION = "3"
_NEWEST = "ORDER BY date IS NULL, date DESC, id"
"""List order: newest first, undated last, then by id."""
_PAGE = 500
"""Rows per query of a pass over every article (iter_articles)."""
_RECOUNT_ALL = 50_000
"""From this many paragraph keys to count again, one grouping pass over all of them is cheaper."""
_LOOKUPS_BEFORE_LOADING = 100
"""Articles marked from their own keys (up to 500 paragraphs) before the whole repeated set is loaded."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, sha256 TEXT,
                                  skipped TEXT);
-- The few files with skip entries, so a report lists them without reading every file's row.
CREATE INDEX IF NOT EXISTS files_skipped ON files(path) WHERE skipped IS NOT NULL;
CREATE TABLE IF NOT EXISTS articles (id TEXT PRIMARY KEY, path TEXT, title TEXT, outlet TEXT, date TEXT,
                                     sha256 TEXT, data TEXT);
CREATE INDEX IF NOT EXISTS articles_path ON articles(path);
-- The list order (_NEWEST), so the app's list of every article reads this index, not 100,000 rows of text.
CREATE INDEX IF NOT EXISTS articles_list ON articles(date IS NULL, date DESC, id);
CREATE TABLE IF NOT EXISTS paras (outlet TEXT, key TEXT, article_id TEXT);
CREATE INDEX IF NOT EXISTS paras_key ON paras(outlet, key);
CREATE INDEX IF NOT EXISTS paras_article ON paras(article_id);
CREATE TABLE IF NOT EXISTS repeated (outlet TEXT, key TEXT, PRIMARY KEY (outlet, key));
CREATE TABLE IF NOT EXISTS terms (id TEXT PRIMARY KEY, data TEXT);
"""


class Store:
    """Rows are written inside one transaction per sync, committed after the index commit.

    If a sync dies before that commit, the store is as it was; the index generation recorded with the
    rows (`index_generation`) then differs from the index's, and the next sync rebuilds both.
    """

    def __init__(self, path: Path | None, version: str | None = None,
                 guard: Callable[[], AbstractContextManager] | None = None) -> None:
        """Args:
            guard: the corpus's sync lock (`SyncLock.hold`), taken before a damaged file is deleted or
                the tables of another version are dropped: never under the feet of a running sync.
        """
        self.path = path
        self._guard = guard or nullcontext
        try:
            self.db = self._open(path)
        except sqlite3.DatabaseError:
            if path is None:
                raise
            with self._guard():
                try:  # another process may have put it right while this one waited
                    self.db = self._open(path)
                except sqlite3.DatabaseError:
                    self.discard()
                    self.db = self._open(path)
        self._lines: sqlite3.Connection | None = None
        self._lines_lock = threading.Lock()
        self._writer: int | None = None
        """The thread in a transaction on `db` (see `generation`)."""
        self._repeated: set[tuple[str, str]] | None = None
        self._marked = 0  # articles marked by looking up their own keys (mark_repeated)
        self._touched: set[tuple[str, str]] | None = set()
        """(outlet, paragraph key) pairs whose article count may have changed since the last
        refresh_repeated; None: count every key again (a reset)."""
        if version is not None and self.version() not in (None, version):
            with self._guard():
                if self.version() not in (None, version):
                    self.reset(version)  # made by another version of wire: its rows may not fit these tables

    def discard(self) -> None:
        """Delete the database files (derived data found damaged: the sync refills a new one)."""
        assert self.path is not None
        for damaged in (self.path, self.path.with_name(self.path.name + "-wal"),
                        self.path.with_name(self.path.name + "-shm")):
            damaged.unlink(missing_ok=True)

    def reopen(self, fresh: bool = False) -> None:
        """Close and open again; `fresh` deletes the files first (damage found after opening)."""
        self._close_lines()
        self.db.close()
        if fresh and self.path is not None:
            self.discard()
        self.db = self._open(self.path)
        self._repeated = None
        self._touched = None

    @staticmethod
    def _open(path: Path | None) -> sqlite3.Connection:
        # A file cut short (a copied half, a full disk) opens and reads its first page fine: compare its
        # size with the page count its header gives, while no WAL holds pages beyond the file's end.
        size = None
        if path is not None and path.is_file():
            wal = path.with_name(path.name + "-wal")
            if not wal.exists() or wal.stat().st_size == 0:
                size = path.stat().st_size
        db = sqlite3.connect(str(path) if path else ":memory:", check_same_thread=False, isolation_level=None)
        try:
            db.execute("PRAGMA busy_timeout=30000")  # another process's sync: wait, don't fail
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(_SCHEMA)
            db.execute("SELECT value FROM meta WHERE key='version'").fetchone()
            if size:
                pages = db.execute("PRAGMA page_count").fetchone()[0]
                if pages * db.execute("PRAGMA page_size").fetchone()[0] > size:
                    raise sqlite3.DatabaseError(f"{path} is shorter than its header says")
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def version(self) -> str | None:
        return self._meta("version")

    def reset(self, version: str) -> None:
        """Start over: tables dropped and created again (their shape may have changed with the version)."""
        # Keeps counting up, so no stage mistakes new data for old. A new store (its file deleted, or
        # damaged) starts from the clock, not 0: caches left beside it must not match its generations.
        generation = self._meta("generation") or str(time.time_ns())
        with self.transaction():
            for table in ("files", "articles", "paras", "repeated", "terms", "meta"):
                self.db.execute(f"DROP TABLE IF EXISTS {table}")
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self.db.execute(statement)
            self.db.execute("INSERT INTO meta VALUES ('version', ?)", (version,))
            self.db.execute("INSERT INTO meta VALUES ('generation', ?)", (str(int(generation) + 1),))
        self._repeated = None
        self._touched = None

    def generation(self) -> str:
        """Changes whenever a sync changed articles: derived stages compare it with their own.

        Asked by every thread of the app (the entity counts, the copy marks) while a sync may be writing on
        another: read on the lines connection, as committed, unless this thread is the one writing. Two
        threads on one connection race in CPython's sqlite3: a statement's error can be read after another
        thread's success reset it, and the call fails with "SystemError: <sqlite3.Connection …> returned
        NULL without setting an exception" (seen in the app's entity counts during its first sync).
        """
        if self.path is None or self._writer == threading.get_ident():
            return self._meta("generation") or "0"
        with self._lines_lock:
            row = self._lines_db().execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        return (row[0] if row else None) or "0"

    def index_generation(self) -> int | None:
        """The index's commit generation when this store last committed with it (None: not recorded)."""
        value = self._meta("index_generation")
        return int(value) if value and value.isdigit() else None

    def set_index_generation(self, generation: int) -> None:
        """Record the index commit that goes with the rows of the current transaction: an index commit
        that the store never followed (a kill between the two) then shows as a mismatch."""
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('index_generation', ?)", (str(generation),))

    def counted(self) -> int | None:
        """The number of articles as the last sync left it (`count()` reads an index of 100,000 entries)."""
        value = self._meta("articles")
        return int(value) if value and value.isdigit() else None

    def set_counted(self) -> None:
        """Note the number of articles now (the sync does, in its transaction)."""
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('articles', ?)", (str(self.count()),))

    def scan_signature(self) -> str | None:
        """The digest of the files (names, sizes, mtimes) the last sync committed with (`sync.Scan`)."""
        return self._meta("scan")

    def set_scan_signature(self, signature: str | None) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('scan', ?)", (signature,))

    def bump_generation(self) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('generation', ?)", (str(int(self.generation()) + 1),))

    def transaction(self, immediate: bool = False):
        """`with store.transaction():` — BEGIN … COMMIT, or ROLLBACK on any exception.

        Nested in another, it is a savepoint: the outer one commits (a sync wraps a rebuild's reset and
        its new rows in one, so a reader sees the old articles until the new ones are all there).
        `immediate` takes the write lock at once (waiting on the busy timeout) rather than at the first write.
        """
        return _Transaction(self, immediate)

    # --- files ------------------------------------------------------------------------------
    def files(self) -> dict[str, tuple[int, int, str]]:
        return {p: (s, m, h) for p, s, m, h in self.db.execute("SELECT path, size, mtime_ns, sha256 FROM files")}

    def skipped(self) -> list[dict]:
        out = []
        for (blob,) in self.db.execute("SELECT skipped FROM files INDEXED BY files_skipped "
                                       "WHERE skipped IS NOT NULL ORDER BY path"):
            out.extend(json.loads(blob))
        return out

    def put_file(self, path: str, size: int, mtime_ns: int, sha256: str, skipped: list[dict]) -> None:
        self.db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)",
                        (path, size, mtime_ns, sha256, json.dumps(skipped) if skipped else None))

    def delete_file(self, path: str) -> list[str]:
        """Forget a file and its articles; returns the ids removed."""
        ids = self.ids_of(path)
        self.db.execute("DELETE FROM files WHERE path=?", (path,))
        for article_id in ids:
            self._delete_article(article_id)
        return ids

    def ids_of(self, path: str) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM articles WHERE path=?", (path,))]

    # --- articles ---------------------------------------------------------------------------
    def put_article(self, article: Article, keys: Iterable[str] | None = None, new: bool = False) -> None:
        """Store an article as parsed (rule marks only); repetition marks are applied on read.

        Args:
            keys: its `paragraph_keys`, if the parse worked them out (off the main process's clock).
            new: the id is known to be absent (a first build): no delete first.
        """
        if not new:
            self._delete_article(article.id)
        data = {
            "title": article.title, "outlet": article.outlet, "byline": article.byline, "date": article.date,
            "url": article.url, "tags": list(article.tags),
            "paragraphs": [[p.text, p.boilerplate] for p in article.paragraphs],
        }
        if article.version is not None or article.story is not None:  # agency copy only: most rows go without
            data["version"], data["story"] = article.version, article.story
        self.db.execute("INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (article.id, article.path, article.title, article.outlet, article.date, article.sha256,
                         json.dumps(data, ensure_ascii=False)))
        if article.outlet:
            keys = {(article.outlet, key) for key in (paragraph_keys(article) if keys is None else keys)}
            self.db.executemany("INSERT INTO paras VALUES (?, ?, ?)", [(o, k, article.id) for o, k in keys])
            if self._touched is not None:
                self._touched |= keys

    def _delete_article(self, article_id: str) -> None:
        if self._touched is not None:
            self._touched.update(self.db.execute("SELECT outlet, key FROM paras WHERE article_id=?", (article_id,)))
        self.db.execute("DELETE FROM articles WHERE id=?", (article_id,))
        self.db.execute("DELETE FROM paras WHERE article_id=?", (article_id,))
        self.db.execute("DELETE FROM terms WHERE id=?", (article_id,))  # re-indexed text has no entity fields

    def drop_article(self, article_id: str, reason: str) -> None:
        """Forget an article a later stage refused, and list it with its file's skip entries (`reason`)."""
        row = self.db.execute("SELECT path FROM articles WHERE id=?", (article_id,)).fetchone()
        self._delete_article(article_id)
        if row:
            self._add_skip(row[0], article_id, reason)

    def note_problem(self, article_id: str, reason: str) -> None:
        """List an article that a later stage (NER) failed on with its file's skip entries; it stays
        indexed. The entry goes when the file is read again."""
        row = self.db.execute("SELECT path FROM articles WHERE id=?", (article_id,)).fetchone()
        if row:
            self._add_skip(row[0], article_id, reason)

    def _add_skip(self, path: str, article_id: str, reason: str) -> None:
        (blob,) = self.db.execute("SELECT skipped FROM files WHERE path=?", (path,)).fetchone() or (None,)
        entries = [e for e in json.loads(blob or "[]") if e["path"] != article_id]
        entries.append({"path": article_id, "reason": reason})
        self.db.execute("UPDATE files SET skipped=? WHERE path=?", (json.dumps(entries), path))

    # --- entity fields as last indexed ---------------------------------------------------------
    def terms_of(self, article_id: str) -> dict[str, list[str]] | None:
        row = self.db.execute("SELECT data FROM terms WHERE id=?", (article_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def set_terms(self, article_id: str, terms: dict[str, list[str]]) -> None:
        self.db.execute("INSERT OR REPLACE INTO terms VALUES (?, ?)", (article_id, json.dumps(terms)))

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM articles").fetchone()[0]

    def get(self, article_id: str) -> Article | None:
        row = self.db.execute("SELECT id, path, sha256, data FROM articles WHERE id=?", (article_id,)).fetchone()
        return self._article(row) if row else None

    def versions(self) -> dict[str, tuple[int | None, str | None]]:
        """(version, story) of every article whose file says (agency copy), by id. The key is written only for
        such articles (see `add`), unescaped only as a key: `instr` passes over the rest without parsing them."""
        return {row[0]: (row[1], row[2]) for row in self.db.execute(
            "SELECT id, json_extract(data, '$.version'), json_extract(data, '$.story') FROM articles "
            "WHERE instr(data, '\"version\": ') > 0")}

    def iter_articles(self, ids: Iterable[str] | None = None) -> Iterator[Article]:
        """The articles by id (every one when None; by id order, a page at a time, so that a pass over
        100,000 of them holds one page of rows, not the whole table; a sync committed between two pages
        shows in the later ones, and the stages that read this key their results by the generation
        they began with)."""
        if ids is None:
            last = ""
            while rows := self.db.execute("SELECT id, path, sha256, data FROM articles WHERE id > ? ORDER BY id "
                                          "LIMIT ?", (last, _PAGE)).fetchall():
                yield from map(self._article, rows)
                last = rows[-1][0]
            return
        for article_id in ids:
            article = self.get(article_id)
            if article is not None:
                yield article

    def rows(self) -> list[ArticleRow]:
        """Every article's list line, newest first (undated last), without decoding any text."""
        return [ArticleRow(*r) for r in self.db.execute(f"SELECT id, title, outlet, date FROM articles {_NEWEST}")]

    def listed(self) -> tuple[list[str], list[str | None]]:
        """Every article's id and date in list order (as `rows`), from the list-order index alone: a long
        list's lines are read as they are drawn."""
        with self._lines_lock:
            pairs = self._lines_db().execute(f"SELECT id, date FROM articles {_NEWEST}").fetchall()
        return [p[0] for p in pairs], [p[1] for p in pairs]

    def outlets(self, at_most: int = 2) -> int:
        """How many outlets the articles name, counted up to `at_most` (a list folds its outlet column
        away when there is one); an article without one counts as its own."""
        with self._lines_lock:
            found = self._lines_db().execute(
                "SELECT COUNT(*) FROM (SELECT DISTINCT IFNULL(outlet, '') FROM articles LIMIT ?)", (at_most,)).fetchone()
        return found[0]

    def dates_of(self, ids: Sequence[str]) -> list[str | None]:
        """The dates of these articles, in their order (None: undated, or no longer stored)."""
        found = dict(self._lines_in("SELECT id, date FROM articles", ids))
        return [found.get(i) for i in ids]

    def _lines_in(self, select: str, ids: Sequence[str]) -> list[tuple]:
        """`select … WHERE id IN ids` on the lines connection, 500 ids a query (SQLite's limit on
        bound parameters)."""
        found: list[tuple] = []
        with self._lines_lock:
            db = self._lines_db()
            for start in range(0, len(ids), 500):
                chunk = list(ids[start:start + 500])
                found.extend(db.execute(f"{select} WHERE id IN ({','.join('?' * len(chunk))})", chunk))
        return found

    def rows_of(self, ids: Sequence[str]) -> list[ArticleRow]:
        """The list lines of these articles, as last committed (a sync in progress on another thread does
        not show half done, nor make this wait for it)."""
        return [ArticleRow(*r) for r in self._lines_in("SELECT id, title, outlet, date FROM articles", ids)]

    def _lines_db(self) -> sqlite3.Connection:
        """A second, read-only connection for list lines (call with `_lines_lock` held): on `db` a read
        from the UI thread would wait for a sync's statements and see its uncommitted rows."""
        if self.path is None:
            return self.db  # an in-memory store has no second connection to it
        if self._lines is None:
            self._lines = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._lines.execute("PRAGMA busy_timeout=30000")
        return self._lines

    def all_ids(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM articles ORDER BY id")]

    def _article(self, row) -> Article:
        article_id, path, sha, blob = row
        data = json.loads(blob)
        paragraphs = tuple(Paragraph(text, bool(flag)) for text, flag in data["paragraphs"])
        return self.mark_repeated(Article(article_id, path, data["title"], paragraphs, sha, data["outlet"],
                                          data["byline"], data["date"], data["url"], tuple(data["tags"]),
                                          data.get("version"), data.get("story")))

    def mark_repeated(self, article: Article) -> Article:
        """The article with paragraphs repeated across its outlet's articles marked as boilerplate."""
        if not article.outlet:
            return article
        keys = [(article.outlet, paragraph_key(p.text)) for p in article.paragraphs]
        if self._repeated is None and self._marked < _LOOKUPS_BEFORE_LOADING and len(keys) <= 500:
            # A command that prints 20 articles asks for their own keys: loading every repeated paragraph of a
            # 100,000-article corpus took 56 ms of each `wire search`. Readers of many articles load them all.
            self._marked += 1
            wanted = sorted({k for _, k in keys})
            repeated = {(article.outlet, k) for (k,) in self.db.execute(
                f"SELECT key FROM repeated WHERE outlet = ? AND key IN ({','.join('?' * len(wanted))})",
                (article.outlet, *wanted))} if wanted else set()
        else:
            repeated = self.repeated()
        if not any(k in repeated for k in keys):
            return article
        paragraphs = tuple(Paragraph(p.text, p.boilerplate or k in repeated)
                           for p, k in zip(article.paragraphs, keys, strict=True))
        return replace(article, paragraphs=paragraphs)

    # --- repetition boilerplate ---------------------------------------------------------------
    def repeated(self) -> set[tuple[str, str]]:
        if self._repeated is None:
            self._repeated = set(self.db.execute("SELECT outlet, key FROM repeated"))
        return self._repeated

    def refresh_repeated(self) -> set[str]:
        """Recount paragraphs repeated within an outlet; return the ids whose boilerplate marks changed.

        Only the paragraphs of articles added, changed or removed since the last call are counted again
        (a sync of a few files in 100,000 must not group a million rows), unless there are so many that
        one grouping pass is cheaper.
        """
        touched, self._touched = self._touched, set()
        before = self.repeated()
        if touched is not None and len(touched) <= _RECOUNT_ALL:
            if not touched:
                return set()
            now_part = {k for k in touched if self.db.execute(
                "SELECT count(DISTINCT article_id) >= ? FROM paras WHERE outlet=? AND key=?",
                (REPEAT_THRESHOLD, *k)).fetchone()[0]}
            changed = (now_part ^ before) & touched
            now = (before - touched) | now_part
        else:
            now = set(self.db.execute(
                "SELECT outlet, key FROM paras GROUP BY outlet, key HAVING count(DISTINCT article_id) >= ?",
                (REPEAT_THRESHOLD,)))
            changed = now ^ before
        if not changed:
            return set()
        self.db.executemany("DELETE FROM repeated WHERE outlet=? AND key=?", sorted(before - now))
        self.db.executemany("INSERT INTO repeated VALUES (?, ?)", sorted(now - before))
        self._repeated = now
        affected: set[str] = set()
        for outlet, key in changed:
            affected.update(r[0] for r in self.db.execute(
                "SELECT article_id FROM paras WHERE outlet=? AND key=?", (outlet, key)))
        return affected

    def _close_lines(self) -> None:
        with self._lines_lock:
            if self._lines is not None:
                self._lines.close()
                self._lines = None

    def close(self) -> None:
        self._close_lines()
        self.db.close()


class _Transaction:
    def __init__(self, store: Store, immediate: bool) -> None:
        self.store = store
        self.immediate = immediate
        self.nested = False

    def __enter__(self):
        db = self.store.db
        self.nested = db.in_transaction
        with writing("the corpus store", self.store.path or ":memory:"):
            if self.nested:
                db.execute("SAVEPOINT nested")
            else:
                db.execute("BEGIN IMMEDIATE" if self.immediate else "BEGIN")
                self.store._writer = threading.get_ident()
        return self

    def __exit__(self, kind, exc, tb):
        try:
            return self._end(kind, exc)
        finally:
            if not self.nested:
                self.store._writer = None

    def _end(self, kind, exc) -> bool:
        db = self.store.db
        with writing("the corpus store", self.store.path or ":memory:"):
            if kind:
                self.store._repeated = None  # the cached set may hold rows that were just rolled back
                # SQLite may have rolled back already (a full disk does that): rolling back again would
                # fail with "cannot rollback - no transaction is active" and hide the real error.
                if db.in_transaction:
                    db.execute("ROLLBACK TO nested" if self.nested else "ROLLBACK")
                    if self.nested:
                        db.execute("RELEASE nested")
                if isinstance(exc, sqlite3.OperationalError | OSError) and out_of_space(exc, self.store.path):
                    raise DiskFull("the corpus store", self.store.path or ":memory:") from None
            elif self.nested:
                db.execute("RELEASE nested")
            else:
                try:
                    db.execute("COMMIT")
                except sqlite3.Error:
                    self.store._repeated = None
                    if db.in_transaction:
                        db.execute("ROLLBACK")
                    raise
        return False
