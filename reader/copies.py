"""The wire-copy stage of a corpus: the overlap index kept in step with the store, pairs, families, diffs."""

from __future__ import annotations

import hashlib
import importlib.util
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import astuple, replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from reader import children
from reader.corpus.store import Store
from reader.locations import read_only, write_atomic, write_database_atomic
from reader.models import Article, Family, Overlap

if TYPE_CHECKING:
    from reader.overlap import Comparison, OverlapIndex
    from reader.overlap.candidates import OutletBoilerplate

# reader.overlap is imported inside the methods: it pulls in numpy, scipy and datasketch (~0.5 s),
# which `wire search` and the app's first screen never need.

PAIRS_VERSION = "6"
"""Bump when the scoring of pairs changes in code (the calibration file is hashed separately)."""


PAIRS_FILE = "pairs.sqlite3"
_COLUMNS = "a, b, share_a, share_b, shared_words, label, derived"
"""Overlap's fields, in order."""
_PAIRS_SCHEMA = """
CREATE TABLE meta (key TEXT NOT NULL);
CREATE TABLE pairs (rank INTEGER PRIMARY KEY, a TEXT NOT NULL, b TEXT NOT NULL, share_a REAL NOT NULL,
                    share_b REAL NOT NULL, shared_words INTEGER NOT NULL, label TEXT NOT NULL, derived TEXT);
CREATE INDEX pairs_a ON pairs (a);
"""
T = TypeVar("T")


def thresholds_file() -> Path:
    """reader/overlap/thresholds.yaml (label.THRESHOLDS_FILE), found without importing reader.overlap: the
    package loads numpy, scipy and datasketch (60 MB and half a second) that the app's copy marks never need."""
    spec = importlib.util.find_spec("reader.overlap")
    assert spec is not None and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations))) / "thresholds.yaml"


class CopyStage:
    """Finds and scores overlapping articles; the candidate index is saved in the cache dir.

    The index follows the store's generation: it is synced (new and changed articles added,
    removed ones dropped) only when a corpus sync changed something.
    """

    def __init__(self, store: Store, cache_dir: Path,
                 guard: Callable[[], AbstractContextManager] | None = None) -> None:
        """Args:
            guard: the corpus's sync lock, held while the stage writes its files (not while it scores).
        """
        self.guard = guard or nullcontext
        self.store = store
        self.cache_dir = cache_dir
        self._index: OverlapIndex | None = None
        self._pairs: list[Overlap] | None = None
        self._pairs_for: str | None = None
        """The key (generation, calibration) `_pairs` were scored for."""
        self._calibration: str | None = None
        self._lock = threading.RLock()

    def index(self, progress: Callable[[str, int, int], None] | None = None) -> OverlapIndex:
        """The candidate index, up to date with the store."""
        with self._lock:
            generation = self.store.generation()
            from reader.overlap import OverlapIndex

            if self._index is None:
                self._index = _load(lambda: OverlapIndex.load(self.cache_dir))
                if self._index is not None and self._saved_generation() != generation:
                    self._sync(generation, progress)
            if self._index is None:
                self._index = OverlapIndex()
                self._sync(generation, progress)
            elif self._saved_generation() != generation:
                self._sync(generation, progress)
            return self._index

    def _saved_generation(self) -> str | None:
        try:
            return (self.cache_dir / "overlap.generation").read_text()
        except (OSError, ValueError):
            return None  # missing or not text: synced again

    def _sync(self, generation: str, progress: Callable[[str, int, int], None] | None) -> None:
        assert self._index is not None
        total = self.store.count()

        def read() -> Iterator[Article]:  # streamed: the index keeps shingles, never the articles
            for done, article in enumerate(self.store.iter_articles(), 1):
                if progress and done % 500 == 0:
                    progress("wire copies", min(done, total), total)
                yield article

        if progress:
            progress("wire copies", 0, total)
        self._index.sync(read())
        if self._index.problems:  # articles left out of wire copies: listed with their file's skip entries
            with self.guard(), self.store.transaction():
                for article_id, reason in self._index.problems.items():
                    self.store.note_problem(article_id, reason)
        try:
            with self.guard():
                self._index.save(self.cache_dir)
                write_atomic(self.cache_dir / "overlap.generation", generation.encode())
        except OSError:
            pass  # only a cache (a full disk, say): the index in memory is right, the next run makes it again
        if progress:
            progress("wire copies", total, total)

    def pairs(self, progress: Callable[[str, int, int], None] | None = None) -> list[Overlap]:
        """Every derived pair (label wholly or partially), largest reuse first.

        Scoring every candidate pair takes seconds on a large corpus, so the result is kept on
        disk with the generation and calibration it was made from, and reused by the next run
        without loading the candidate index at all (3 s of unpickling on Reuters-21578).
        """
        with self._lock:
            # The key is taken before the index syncs: were the corpus to change meanwhile, these
            # pairs are saved under the older key and scored again on the next call, never mislabelled.
            key = self._pairs_key()
            if self._pairs_for != key or self._pairs is None:
                self._pairs, self._pairs_for = self._ask(key, lambda db: [Overlap(*row) for row in db.execute(
                    f"SELECT {_COLUMNS} FROM pairs ORDER BY rank")]), key
            if self._pairs is None:
                from reader.overlap.pairs import candidate_keys, score

                index = self.index(progress)
                keys, boilerplate = candidate_keys(index), index.boilerplate()
                # The pairs need only the boilerplate of the index: let the rest go (1 GB at 100,000 articles,
                # held by this process while its workers score) before the workers fork. A diff reads the
                # boilerplate file, and a later sync loads the index again (seconds).
                self._index = index = None
                children.release_freed()
                scored = (lambda done, total: progress("copy pairs", done, total)) if progress else None
                self._pairs = score(keys, boilerplate, self.store.get, progress=scored)
                self._save_pairs(self._pairs, key)
            return self._pairs

    def scored(self) -> bool:
        """The pairs of the corpus as it is are on disk: nothing to score (none are read)."""
        with self._lock:
            return self._ask(self._pairs_key(), lambda db: True) is not None

    def copy_ids(self) -> set[str] | None:
        """The articles in any scored pair, read from disk (not every pair: 90 MB at 20,000 articles), or None
        when the corpus as it is has not been scored."""
        return self._ask(self._pairs_key(), lambda db: {row[0] for row in db.execute(
            "SELECT a FROM pairs UNION SELECT b FROM pairs")})

    def _pairs_key(self) -> str:
        if self._calibration is None:
            self._calibration = hashlib.sha256(thresholds_file().read_bytes()).hexdigest()[:16]
        return f"{self.store.generation()}:{self._calibration}:{PAIRS_VERSION}"

    def _ask(self, key: str, question: Callable[[sqlite3.Connection], T]) -> T | None:
        """`question(db)` on the saved pairs if they were scored for `key`; None when missing, stale or damaged
        (scored again)."""
        try:
            with read_only(self.cache_dir / PAIRS_FILE) as db:
                stored = db.execute("SELECT key FROM meta").fetchone()
                return question(db) if stored is not None and stored[0] == key else None
        except sqlite3.Error:
            return None

    def _save_pairs(self, pairs: list[Overlap], key: str) -> None:
        def fill(db: sqlite3.Connection) -> None:
            db.executescript(_PAIRS_SCHEMA)
            db.execute("INSERT INTO meta VALUES (?)", (key,))
            db.executemany(f"INSERT INTO pairs (rank, {_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           ((i, *astuple(p)) for i, p in enumerate(pairs)))
            db.execute("CREATE INDEX pairs_b ON pairs (b)")

        try:
            with self.guard():
                write_database_atomic(self.cache_dir / PAIRS_FILE, fill)
                (self.cache_dir / "pairs.json").unlink(missing_ok=True)  # where earlier versions kept them
        except (OSError, sqlite3.Error):
            pass  # only a cache (a full disk, say): these pairs are right, the next run scores them again

    def families(self, pairs: list[Overlap]) -> list[Family]:
        from reader.overlap import families

        # Dates from the list rows: decoding every member article just for its date is needless.
        found = families(pairs, {row.id: row.date for row in self.store.rows()})
        versions = self.store.versions()
        if not versions:
            return found
        return [replace(f, versions={i: versions[i] for i in f.articles if i in versions}) for f in found]

    def copies_of(self, article_id: str) -> list[Overlap]:
        """The pairs `article_id` is in, largest reuse first: from disk when scored (an app never holds every
        pair), else scored now."""
        found = self._ask(self._pairs_key(), lambda db: [Overlap(*row[1:]) for row in db.execute(
            f"SELECT rank, {_COLUMNS} FROM pairs WHERE a = ? UNION SELECT rank, {_COLUMNS} FROM pairs WHERE b = ? "
            "ORDER BY rank", (article_id, article_id))])
        if found is None:
            return [p for p in self.pairs() if article_id in (p.a, p.b)]
        return found

    def diff(self, a: Article, b: Article) -> Comparison:
        from reader.overlap import compare

        return compare(a, b, self._boilerplate())

    def _boilerplate(self) -> OverlapIndex | OutletBoilerplate:
        """What a diff needs of the index: the index itself when loaded, else the small file saved beside
        it (milliseconds instead of seconds), as long as it is up to date with the store."""
        from reader.overlap import OverlapIndex
        from reader.overlap.candidates import OutletBoilerplate

        with self._lock:
            if self._index is None and self._saved_generation() == self.store.generation():
                found = _load(lambda: OutletBoilerplate.load(self.cache_dir, OverlapIndex().params))
                if found is not None:
                    return found
            return self.index()


def _load(read: Callable):
    """A saved pickle of ours, or None: one cut short or overwritten can make pickle raise almost anything."""
    try:
        return read()
    except Exception:  # noqa: BLE001 — damaged derived data: made again
        return None

