"""The wire-copy stage of a corpus: the overlap index kept in step with the store, pairs, families, diffs."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from reader.corpus.store import Store
from reader.locations import write_atomic
from reader.models import Article, Family, Overlap

if TYPE_CHECKING:
    from reader.overlap import Comparison, OverlapIndex
    from reader.overlap.candidates import OutletBoilerplate

# reader.overlap is imported inside the methods: it pulls in numpy, scipy and datasketch (~0.5 s),
# which `wire search` and the app's first screen never need.

PAIRS_VERSION = "5"
"""Bump when the scoring of pairs changes in code (the calibration file is hashed separately)."""


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
        articles = list(self.store.iter_articles())
        if progress:
            progress("wire copies", 0, len(articles))
        self._index.sync(articles)
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
            progress("wire copies", len(articles), len(articles))

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
            if self._read(key) is None:
                from reader.overlap import overlaps

                self._pairs = overlaps(self.index(progress), self._article)
                self._save_pairs(self._pairs, key)
            return self._pairs

    def scored(self) -> bool:
        """The pairs of the corpus as it is are on disk (read now, for `pairs()`): nothing to score."""
        with self._lock:
            return self._read(self._pairs_key()) is not None

    def _read(self, key: str) -> list[Overlap] | None:
        """The pairs scored for `key`, from memory or from disk; None when they are not there (looked for
        again next time: another process, the app's background stages, may score them meanwhile)."""
        if self._pairs_for != key or self._pairs is None:
            self._pairs, self._pairs_for = self._load_pairs(key), key
        return self._pairs

    def _pairs_key(self) -> str:
        if self._calibration is None:
            from reader.overlap.label import THRESHOLDS_FILE

            self._calibration = hashlib.sha256(THRESHOLDS_FILE.read_bytes()).hexdigest()[:16]
        return f"{self.store.generation()}:{self._calibration}:{PAIRS_VERSION}"

    def _load_pairs(self, key: str) -> list[Overlap] | None:
        path = self.cache_dir / "pairs.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data["key"] != key:
                return None
            return [Overlap(**p) for p in data["pairs"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing, stale or damaged: score again

    def _save_pairs(self, pairs: list[Overlap], key: str) -> None:
        data = json.dumps({"key": key, "pairs": [asdict(p) for p in pairs]}).encode()
        try:
            with self.guard():
                write_atomic(self.cache_dir / "pairs.json", data)
        except OSError:
            pass  # only a cache (a full disk, say): these pairs are right, the next run scores them again

    def families(self, pairs: list[Overlap]) -> list[Family]:
        from reader.overlap import families

        # Dates from the list rows: decoding every member article just for its date is needless.
        return families(pairs, {row.id: row.date for row in self.store.rows()})

    def copies_of(self, article_id: str) -> list[Overlap]:
        return [p for p in self.pairs() if article_id in (p.a, p.b)]

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

    def _article(self, article_id: str) -> Article:
        article = self.store.get(article_id)
        assert article is not None, article_id
        return article


def _load(read: Callable):
    """A saved pickle of ours, or None: one cut short or overwritten can make pickle raise almost anything."""
    try:
        return read()
    except Exception:  # noqa: BLE001 — damaged derived data: made again
        return None

