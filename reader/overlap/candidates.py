"""Incremental candidate finding: word 5-gram shingles, MinHash LSH, verified by shingle containment."""

from __future__ import annotations

import itertools
import os
import pickle
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
from datasketch import MinHash

from reader import children
from reader.models import Article
from reader.pages import pages
from reader.overlap.bands import BandIndex, bands_for, mix
from reader.overlap.text import NGRAM, shared_count, shingle_hashes, tokens, without

NUM_PERM = 128
LSH_THRESHOLD = 0.05
"""Jaccard threshold of the LSH: low, because a trimmed copy has a low Jaccard but a high containment."""
MIN_CONTAINMENT = 0.05
"""Least shingle containment (shared / smaller side) for a candidate to count as verified."""
MIN_SHARED = 2
"""Least number of shared shingles: one 5-gram in common ("the head of the committee") is chance."""
OUTLET_REPEATS = 3
"""A shingle in this many articles of one outlet is that outlet's boilerplate (trailers, sign-offs)."""
CACHE_FILE = "overlap-index.pkl"
COMMON_FILE = "outlet-boilerplate.pkl"
"""Beside the index: each outlet's boilerplate shingles and the ids indexed, all a diff needs of it."""
_FORMAT = 1


@dataclass(slots=True)
class _Record:
    outlet: str | None
    date: str | None
    sha256: str
    shingles: np.ndarray
    """Sorted distinct shingle hashes of the body (boilerplate paragraphs excluded)."""
    signature: np.ndarray
    """MinHash values (NUM_PERM of them)."""


@dataclass(frozen=True, slots=True)
class OutletBoilerplate:
    """What `compare` needs of an index (its ids, each outlet's boilerplate shingles), in a file of its
    own: a diff reads it in milliseconds where loading the whole index takes seconds on a large corpus."""

    ids: frozenset[str]
    common: dict[str, np.ndarray]

    def __contains__(self, article_id: object) -> bool:
        return article_id in self.ids

    def common_shingles(self, outlet: str | None) -> np.ndarray:
        return self.common.get(outlet or "", np.zeros(0, dtype=np.uint64))

    @classmethod
    def load(cls, cache_dir: str | Path, params: tuple) -> OutletBoilerplate | None:
        """The saved one, if made with these index parameters; else None."""
        try:
            with (Path(cache_dir) / COMMON_FILE).open("rb") as fh:
                state = pickle.load(fh)  # our own cache file, written by OverlapIndex.save
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None
        if not isinstance(state, dict) or state.get("params") != params:
            return None
        return cls(frozenset(state["ids"]), state["common"])


@dataclass(frozen=True, slots=True)
class Candidate:
    """A verified candidate pair: the shingle evidence, before alignment."""

    a: str
    b: str
    shared: int
    """Shingles in common (after removing each outlet's boilerplate shingles)."""
    containment: float
    """shared / shingles of the smaller side."""


MAX_BODY = 200_000
"""Characters of body beyond which an article is not a wire-copy candidate. Aligning a pair compares
every sentence with every other and then solves an assignment (cubic in sentences): two texts of
10 MB would take hours and gigabytes. Wire stories are a few thousand characters."""
PARALLEL_ARTICLES = 2_000
"""From this many new or changed articles in a sync, two processes shingle them (about 5 s of work)."""
SHINGLE_CHUNK = 200
"""Articles per task of a shingling worker."""
QUERY_CHUNK = 500
"""Articles per task of a worker finding candidate pairs."""


class OverlapIndex:
    """Shingles and MinHash signatures of articles, in an LSH index that grows and shrinks one at a time.

    Adding an article costs one LSH insert; `candidates_for(id)` queries the LSH and verifies each hit by
    exact containment, so a new article is compared with the rest without recomputing all pairs.
    """

    def __init__(self, *, ngram: int = NGRAM, num_perm: int = NUM_PERM, threshold: float = LSH_THRESHOLD,
                 min_containment: float = MIN_CONTAINMENT, min_shared: int = MIN_SHARED,
                 outlet_repeats: int = OUTLET_REPEATS) -> None:
        self.ngram, self.num_perm, self.threshold = ngram, num_perm, threshold
        self.min_containment, self.min_shared = min_containment, min_shared
        self.outlet_repeats = outlet_repeats
        self._records: dict[str, _Record] = {}
        self._template = MinHash(num_perm=num_perm, seed=1)
        self._lsh = BandIndex(*bands_for(threshold, num_perm))
        self._common: dict[str, np.ndarray] = {}
        """Per outlet, its boilerplate shingles; dropped (recomputed lazily) when its articles change."""
        self._effective: dict[str, int] = {}
        self._keyed_common: tuple[dict[str, int], np.ndarray] | None = None
        """Every outlet's boilerplate shingles together (see _boilerplate_keys)."""
        self.problems: dict[str, str] = {}
        """Article id -> why it was left out (its shingling failed), for the last sync."""

    # ------------------------------------------------------------------ contents

    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._records

    def ids(self) -> list[str]:
        """Ids of the indexed articles, in insertion order."""
        return list(self._records)

    def sha256(self, article_id: str) -> str | None:
        """The sha256 the article had when it was indexed (to spot changed files)."""
        rec = self._records.get(article_id)
        return rec.sha256 if rec else None

    def add(self, article: Article) -> None:
        """Index `article` (replacing an earlier version with the same id)."""
        self._insert(article.id, article.outlet, article.date, article.sha256, *self._shingled(article.body))

    def _shingled(self, body: str) -> tuple[np.ndarray, np.ndarray]:
        """A body's sorted distinct shingles and their MinHash signature: all the CPU of adding an article."""
        shingles = np.unique(shingle_hashes(tokens(body), self.ngram))
        return shingles, self._signature(shingles)

    def _insert(self, article_id: str, outlet: str | None, date: str | None, sha256: str,
                shingles: np.ndarray, signature: np.ndarray) -> None:
        if article_id in self._records:
            self.remove(article_id)
        self._records[article_id] = _Record(outlet, date, sha256, shingles, signature)
        if len(shingles):
            self._lsh.insert(article_id, signature)
        self._forget_outlet(outlet)

    def _forget_outlet(self, outlet: str | None) -> None:
        self._common.pop(outlet or "", None)
        self._keyed_common = None
        if outlet:  # only this outlet's boilerplate changed; other outlets' cached sets stay valid
            for key in [k for k in self._effective if self._records.get(k) is None
                        or self._records[k].outlet == outlet]:
                del self._effective[key]

    def add_many(self, articles: Iterable[Article]) -> int:
        """Index every article; returns how many were added."""
        count = 0
        for article in articles:
            self.add(article)
            count += 1
        return count

    def remove(self, article_id: str) -> bool:
        """Forget an article; False when it was not indexed."""
        rec = self._records.pop(article_id, None)
        if rec is None:
            return False
        if len(rec.shingles):
            self._lsh.remove(article_id)
        self._effective.pop(article_id, None)
        self._forget_outlet(rec.outlet)
        return True

    def sync(self, articles: Iterable[Article], processes: int | None = None) -> tuple[int, int]:
        """Make the index hold exactly `articles`: add new or changed (by sha256), drop the rest.

        Args:
            articles: The corpus, read once (a stream: they are not all held).
            processes: Processes that shingle the changed articles; None: two once PARALLEL_ARTICLES have
                changed, on a machine with two cores (the LSH itself is filled here).

        Returns:
            (added or updated, removed).
        """
        seen: set[str] = set()
        self.problems = {}

        def changed() -> Iterator[Article]:
            for article in articles:
                seen.add(article.id)
                if self.sha256(article.id) == article.sha256:
                    continue
                if len(article.body) > MAX_BODY:
                    self.remove(article.id)
                    self.problems[article.id] = f"left out of wire copies: longer than {MAX_BODY:,} characters"
                    continue
                yield article

        source = changed()
        first = list(itertools.islice(source, PARALLEL_ARTICLES))
        if processes is None:
            processes = children.processes_for(len(first), PARALLEL_ARTICLES)
        tasks = pages(itertools.chain(first, source), SHINGLE_CHUNK)
        count = 0
        with closing(children.spread(self._shingle_all, tasks, processes)) as results:  # workers end on a Ctrl-C
            for chunk in results:
                for key, found in chunk:
                    why = found if isinstance(found, str) else None  # the shingling failed (a worker's word)
                    if why is None:
                        try:
                            self._insert(*key, *found)
                            count += 1
                            continue
                        except Exception as exc:  # noqa: BLE001 — per-article isolation: the others go on
                            why = type(exc).__name__
                    self._drop_half_added(key[0])
                    self.problems[key[0]] = f"left out of wire copies: {why}"
        gone = [i for i in self._records if i not in seen]
        for article_id in gone:
            self.remove(article_id)
        return count, len(gone)

    def _shingle_all(self, chunk: list[Article]) -> list[tuple[tuple, tuple[np.ndarray, np.ndarray] | str]]:
        """Each article's key fields and its shingles and signature, or the name of what went wrong."""
        out = []
        for article in chunk:
            key = (article.id, article.outlet, article.date, article.sha256)
            try:
                out.append((key, self._shingled(article.body)))
            except Exception as exc:  # noqa: BLE001 — reported per article by sync
                out.append((key, type(exc).__name__))
        return out

    def _drop_half_added(self, article_id: str) -> None:
        """Forget whatever `add` stored before it failed (its record, its LSH entry)."""
        self._records.pop(article_id, None)
        self._effective.pop(article_id, None)
        self._lsh.remove(article_id)  # False when it never got that far

    def _signature(self, shingles: np.ndarray) -> np.ndarray:
        # The low 32 bits of our stable 64-bit shingle hash feed datasketch's affine32 permutations.
        mh = MinHash(num_perm=self.num_perm, seed=1, hashfunc=int, permutations=self._template.permutations,
                     scheme=self._template.scheme)
        if len(shingles):
            mh.update_batch((shingles & np.uint64(0xFFFFFFFF)).tolist())
        return mh.hashvalues

    # ------------------------------------------------------------------ boilerplate

    def common_shingles(self, outlet: str | None) -> np.ndarray:
        """Shingles found in at least `outlet_repeats` articles of `outlet` (none when outlet is unknown)."""
        if not outlet:
            return np.zeros(0, dtype=np.uint64)
        cached = self._common.get(outlet)
        if cached is None:
            arrays = [r.shingles for r in self._records.values() if r.outlet == outlet]
            if len(arrays) < self.outlet_repeats:
                cached = np.zeros(0, dtype=np.uint64)
            else:
                values, counts = np.unique(np.concatenate(arrays), return_counts=True)
                cached = values[counts >= self.outlet_repeats]
            self._common[outlet] = cached
        return cached

    def _boilerplate_keys(self) -> tuple[dict[str, int], np.ndarray]:
        """Every outlet's boilerplate shingles in one sorted array, each keyed with its outlet's number
        (`shingle ^ mix(number)`), and the numbers; made again after an outlet's articles change.

        Two (outlet, shingle) pairs share a key only when one 64-bit hash is another's XOR a fixed mask:
        as unlikely as two shingles sharing a hash, which the index already accepts."""
        if self._keyed_common is None:
            outlets = sorted({r.outlet for r in self._records.values() if r.outlet})
            codes = {outlet: i for i, outlet in enumerate(outlets)}
            arrays = [self.common_shingles(o) ^ mix(np.uint64(codes[o])) for o in outlets]
            self._keyed_common = codes, (np.unique(np.concatenate(arrays)) if arrays
                                         else np.zeros(0, dtype=np.uint64))
        return self._keyed_common

    def boilerplate(self) -> OutletBoilerplate:
        """What a comparison needs of the index (see OutletBoilerplate), as it is now."""
        outlets = {r.outlet for r in self._records.values() if r.outlet}
        return OutletBoilerplate(frozenset(self._records), {o: self.common_shingles(o) for o in outlets})

    def effective_size(self, article_id: str) -> int:
        """How many of the article's shingles are not its outlet's boilerplate shingles.

        A count, not the shingles left (as this kept before): each worker finding the candidate pairs made
        and kept those of nearly every article, 480 MB apiece at 100,000 articles.
        """
        cached = self._effective.get(article_id)
        if cached is None:
            rec = self._records[article_id]
            cached = self._effective[article_id] = len(rec.shingles) - shared_count(
                rec.shingles, self.common_shingles(rec.outlet))
        return cached

    # ------------------------------------------------------------------ queries

    def verify(self, a: str, b: str) -> Candidate:
        """Exact shingle containment of two indexed articles (outlet boilerplate excluded)."""
        return self._candidate(a, b, int(self._shared_with(a, [b])[0]))

    def _candidate(self, a: str, b: str, shared: int) -> Candidate:
        """The candidate of `shared` shingles: their share of the smaller side's (boilerplate left out)."""
        smaller = min(self.effective_size(a), self.effective_size(b))
        return Candidate(a, b, shared, shared / smaller if smaller else 0.0)

    def _accept(self, cand: Candidate) -> bool:
        return cand.shared >= self.min_shared and cand.containment >= self.min_containment

    def candidates_for(self, article_id: str, later: bool = False) -> list[Candidate]:
        """Verified candidates of one indexed article, best containment first (each as `verify` finds it);
        with `later`, only those whose id sorts after it (every pair once, when each article asks)."""
        rec = self._records[article_id]
        if not len(rec.shingles):
            return []
        others = [other for other in self._lsh.query(rec.signature)
                  if other > article_id or (other != article_id and not later)]
        found = []
        for other, shared in zip(others, self._shared_with(article_id, others).tolist(), strict=True):
            if shared >= self.min_shared and self._accept(cand := self._candidate(article_id, other, shared)):
                found.append(cand)
        return sorted(found, key=lambda c: (-c.containment, c.b))

    def _shared_with(self, article_id: str, others: list[str]) -> np.ndarray:
        """How many shingles `article_id` shares with each of `others`, outside either side's outlet boilerplate:
        |(Sa − Ca) ∩ (Sb − Cb)|, in a few array operations for them all (one pair at a time was most of finding
        the candidate pairs: 49 LSH hits an article at 100,000)."""
        rec = self._records[article_id]
        mine = without(rec.shingles, self.common_shingles(rec.outlet))
        if not others or not len(mine):
            return np.zeros(len(others), dtype=np.int64)
        records = [self._records[other] for other in others]
        lengths = np.fromiter((len(r.shingles) for r in records), dtype=np.int64, count=len(records))
        values = np.concatenate([r.shingles for r in records])
        owner = np.repeat(np.arange(len(records)), lengths)
        found = mine[np.minimum(np.searchsorted(mine, values), len(mine) - 1)] == values
        # A shared shingle that is boilerplate of the other article's outlet does not count either: looked up
        # for all of them at once, as (outlet, shingle) keys in one sorted array.
        at = np.flatnonzero(found)
        codes, keyed = self._boilerplate_keys()
        if len(at) and len(keyed):
            owners = np.fromiter((codes.get(r.outlet or "", len(codes)) for r in records), dtype=np.uint64,
                                 count=len(records))
            keys = values[at] ^ mix(owners[owner[at]])
            found[at[keyed[np.minimum(np.searchsorted(keyed, keys), len(keyed) - 1)] == keys]] = False
        return np.bincount(owner[found], minlength=len(records))

    def candidate_pairs(self, processes: int | None = None) -> Iterator[Candidate]:
        """Every verified pair once (a < b by id order), without comparing all pairs.

        Args:
            processes: Forked workers that query the LSH, each for a share of the articles (the index is
                only read there); None: two from PARALLEL_ARTICLES articles on a machine with two cores.
        """
        ids = list(self._records)
        for found in self._queried(partial(self._pairs_of, ids), len(ids), processes):
            yield from found

    def candidate_keys(self, processes: int | None = None) -> list[tuple[str, str]]:
        """The (a, b) ids of every verified pair (a < b), as `candidate_pairs` finds them, but light to carry:
        a worker answers with the articles' numbers, not with new copies of their ids (711,307 pairs and
        1.4 million strings at 100,000 articles, which stayed in the process that scores them)."""
        ids = list(self._records)
        number = {article_id: i for i, article_id in enumerate(ids)}
        keys: list[tuple[str, str]] = []
        for found in self._queried(partial(self._numbered_pairs_of, ids, number), len(ids), processes):
            keys.extend((ids[a], ids[b]) for a, b in found.tolist())
        return keys

    def _queried(self, serve, count: int, processes: int | None) -> Iterator:
        """`serve((start, stop))` for each QUERY_CHUNK of the articles' numbers, in workers when there are many."""
        if processes is None:
            processes = children.processes_for(count, PARALLEL_ARTICLES)
        # Each outlet's boilerplate shingles are made here, before the fork: the workers share them
        # instead of each making its own.
        self._boilerplate_keys()
        self._lsh.prepare()
        tasks = ((i, min(i + QUERY_CHUNK, count)) for i in range(0, count, QUERY_CHUNK))
        with closing(children.spread(serve, tasks, processes)) as results:  # ends the workers early too
            yield from results

    def _pairs_of(self, ids: list[str], span: tuple[int, int]) -> list[Candidate]:
        # Each pair verified once, from its first article: asked from both, it was verified twice.
        return [cand for article_id in ids[span[0]:span[1]] for cand in self.candidates_for(article_id, later=True)]

    def _numbered_pairs_of(self, ids: list[str], number: dict[str, int], span: tuple[int, int]) -> np.ndarray:
        found = [(number[cand.a], number[cand.b]) for cand in self._pairs_of(ids, span)]
        return np.array(found, dtype=np.int32).reshape(-1, 2)

    def record_date(self, article_id: str) -> str | None:
        rec = self._records.get(article_id)
        return rec.date if rec else None

    # ------------------------------------------------------------------ persistence

    def _params(self) -> tuple:
        return (_FORMAT, self.ngram, self.num_perm, self.threshold, self.min_containment, self.min_shared,
                self.outlet_repeats)

    def save(self, cache_dir: str | Path) -> Path:
        """Write the index to `cache_dir/overlap-index.pkl` atomically; returns the file's path."""
        folder = Path(cache_dir)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / CACHE_FILE
        boilerplate = self.boilerplate()
        common = {"params": self._params(), "ids": list(self._records), "common": boilerplate.common}
        # The boilerplate file first: were the index write to fail, the generation marker (written by
        # the caller after both) still names the old state, and both files are made again.
        _dump_atomic(folder / COMMON_FILE, common)
        _dump_atomic(path, {"params": self._params(), "records": self._records})
        return path

    @property
    def params(self) -> tuple:
        """The parameters a saved index or boilerplate file must match to be used."""
        return self._params()

    @classmethod
    def load(cls, cache_dir: str | Path, **params) -> OverlapIndex | None:
        """Read a saved index; None when there is none or it was made with other parameters (rebuild then).

        The LSH is rebuilt from the stored signatures: cheaper to redo than to keep in a stable format.
        """
        index = cls(**params)
        path = Path(cache_dir) / CACHE_FILE
        try:
            with path.open("rb") as fh:
                state = pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None
        if not isinstance(state, dict) or state.get("params") != index._params():
            return None
        for article_id, rec in state["records"].items():
            index._records[article_id] = rec
            if len(rec.shingles):
                index._lsh.insert(article_id, rec.signature)
        return index

    @classmethod
    def rebuild(cls, articles: Iterable[Article], **params) -> OverlapIndex:
        """A fresh index of `articles`."""
        index = cls(**params)
        index.add_many(articles)
        return index


def _dump_atomic(path: Path, state: dict) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".overlap-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(state, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
