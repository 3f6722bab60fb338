"""MinHash LSH held in sorted arrays: which articles share a band of their signatures.

datasketch's MinHashLSH kept a dict per band with a Python set per bucket: 600 MB of small objects at
100,000 articles, rebuilt one insert at a time on every load, and copied page by page into each forked
worker that queried it (a query touches a set's reference count, so its page is copied: 500 MB a
worker). Here each band value is a 64-bit key in one sorted array beside the article's number: 12 bytes
an article a band, built in one sort, and only read by a query.

The same buckets as datasketch's: the bands and rows it would choose (`bands_for`), band b being values
b·r to (b+1)·r of the signature, and two articles in one bucket when a band's values are equal.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

_MULTIPLIERS = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93],
                        dtype=np.uint64)


def mix(number) -> np.ndarray:
    """A 64-bit mask for a small number (a band, an outlet): `value ^ mix(n)` keys a value by n in one
    array. Two keyed values collide only when one 64-bit hash is another's XOR a fixed mask."""
    with np.errstate(over="ignore"):
        return (np.asarray(number, dtype=np.uint64) + np.uint64(1)) * np.uint64(0xBF58476D1CE4E5B9)


@lru_cache(maxsize=16)
def bands_for(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) that minimise the false positive plus false negative probability mass at `threshold`
    (equal weights): datasketch's rule for its MinHashLSH, so the buckets are the ones it made."""
    from scipy.integrate import quad  # here: only a new index needs it

    best, chosen = float("inf"), (0, 0)
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            fp = quad(lambda s, b=b, r=r: 1 - (1 - s ** r) ** b, 0.0, threshold)[0]
            fn = quad(lambda s, b=b, r=r: (1 - s ** r) ** b, threshold, 1.0)[0]
            if fp * 0.5 + fn * 0.5 < best:
                best, chosen = fp * 0.5 + fn * 0.5, (b, r)
    return chosen


class BandIndex:
    """Articles by the bands of their MinHash signatures; `query` gives those sharing any band.

    Inserts and removals are noted and the sorted arrays made again at the next query (one sort of
    bands × articles keys: 0.3 s at 100,000 articles): a sync adds thousands, then queries.
    """

    def __init__(self, bands: int, rows: int) -> None:
        self.bands, self.rows = bands, rows
        self._ids: list[str | None] = []
        """Article of each number; None once removed."""
        self._numbers: dict[str, int] = {}
        self._keys: list[np.ndarray] = []
        """Band keys of each number (bands of them), in number order."""
        self._sorted: np.ndarray = np.zeros(0, dtype=np.uint64)
        self._owners: np.ndarray = np.zeros(0, dtype=np.int64)
        self._stale = False

    def __len__(self) -> int:
        return len(self._numbers)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._numbers

    def band_keys(self, signature: np.ndarray) -> np.ndarray:
        """The signature's band keys: each band's values (as one hash when a band has several), keyed by band."""
        values = np.asarray(signature[:self.bands * self.rows], dtype=np.uint64).reshape(self.bands, self.rows)
        if self.rows == 1:
            band = values[:, 0]
        else:
            with np.errstate(over="ignore"):
                band = (values * _MULTIPLIERS[np.arange(self.rows) % len(_MULTIPLIERS)]).sum(
                    axis=1, dtype=np.uint64) ^ values[:, 0]
        return band ^ mix(np.arange(self.bands))

    def insert(self, article_id: str, signature: np.ndarray) -> None:
        """Add an article (replacing an earlier one of that id)."""
        self.remove(article_id)
        self._numbers[article_id] = len(self._ids)
        self._ids.append(article_id)
        self._keys.append(self.band_keys(signature))
        self._stale = True

    def remove(self, article_id: str) -> bool:
        """Forget an article; False when it was not there."""
        number = self._numbers.pop(article_id, None)
        if number is None:
            return False
        self._ids[number] = None
        self._stale = True
        return True

    def prepare(self) -> None:
        """Make the sorted arrays now (a query does it when needed): before forking workers that query,
        so that they share one copy instead of each making its own."""
        if not self._stale:
            return
        live = [n for n, article_id in enumerate(self._ids) if article_id is not None]
        if len(live) < len(self._ids):  # renumber without the removed, so the lists do not grow forever
            self._ids = [self._ids[n] for n in live]
            self._keys = [self._keys[n] for n in live]
            self._numbers = {article_id: n for n, article_id in enumerate(self._ids)}
        keys = np.concatenate(self._keys) if self._keys else np.zeros(0, dtype=np.uint64)
        order = np.argsort(keys, kind="stable")
        self._sorted = keys[order]
        self._owners = order // self.bands
        self._stale = False

    def query(self, signature: np.ndarray) -> list[str]:
        """Ids of the articles that share at least one band with `signature` (its own included, if indexed)."""
        self.prepare()
        keys = self.band_keys(signature)
        starts = np.searchsorted(self._sorted, keys, side="left")
        stops = np.searchsorted(self._sorted, keys, side="right")
        found = [self._owners[a:b] for a, b in zip(starts.tolist(), stops.tolist(), strict=True) if b > a]
        if not found:
            return []
        ids = self._ids
        return [ids[n] for n in np.unique(np.concatenate(found)).tolist()]
