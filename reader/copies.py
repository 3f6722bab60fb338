"""The wire-copy stage of a corpus: the overlap index kept in step with the store, pairs, families, diffs."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from reader.corpus.store import Store
from reader.models import Article, Family, Overlap
from reader.overlap import Comparison, OverlapIndex, compare, families, overlaps


class CopyStage:
    """Finds and scores overlapping articles; the candidate index is saved in the cache dir.

    The index follows the store's generation: it is synced (new and changed articles added,
    removed ones dropped) only when a corpus sync changed something.
    """

    def __init__(self, store: Store, cache_dir: Path) -> None:
        self.store = store
        self.cache_dir = cache_dir
        self._index: OverlapIndex | None = None
        self._pairs: list[Overlap] | None = None
        self._lock = threading.RLock()

    def index(self, progress: Callable[[str, int, int], None] | None = None) -> OverlapIndex:
        """The candidate index, up to date with the store."""
        with self._lock:
            generation = self.store.generation()
            if self._index is None:
                self._index = OverlapIndex.load(self.cache_dir)
                if self._index is not None and self._saved_generation() != generation:
                    self._sync(generation, progress)
            if self._index is None:
                self._index = OverlapIndex()
                self._sync(generation, progress)
            elif self._saved_generation() != generation:
                self._sync(generation, progress)
            return self._index

    def _saved_generation(self) -> str | None:
        marker = self.cache_dir / "overlap.generation"
        return marker.read_text() if marker.is_file() else None

    def _sync(self, generation: str, progress: Callable[[str, int, int], None] | None) -> None:
        assert self._index is not None
        articles = list(self.store.iter_articles())
        if progress:
            progress("wire copies", 0, len(articles))
        self._index.sync(articles)
        self._index.save(self.cache_dir)
        (self.cache_dir / "overlap.generation").write_text(generation)
        self._pairs = None
        if progress:
            progress("wire copies", len(articles), len(articles))

    def pairs(self, progress: Callable[[str, int, int], None] | None = None) -> list[Overlap]:
        """Every derived pair (label wholly or partially), largest reuse first."""
        with self._lock:
            index = self.index(progress)
            if self._pairs is None:
                self._pairs = overlaps(index, self._article)
            return self._pairs

    def families(self, pairs: list[Overlap]) -> list[Family]:
        return families(pairs, self._date)

    def copies_of(self, article_id: str) -> list[Overlap]:
        return [p for p in self.pairs() if article_id in (p.a, p.b)]

    def diff(self, a: Article, b: Article) -> Comparison:
        return compare(a, b, self.index())

    def _article(self, article_id: str) -> Article:
        article = self.store.get(article_id)
        assert article is not None, article_id
        return article

    def _date(self, article_id: str) -> str | None:
        article = self.store.get(article_id)
        return article.date if article else None
