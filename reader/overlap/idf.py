"""Document frequencies of character 4-grams over a corpus, for IDF-weighted containment of a pair."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from reader.overlap.text import ngram_hashes, tokens

CHAR_N = 4
BUCKETS = 1 << 22
"""Counts live in hashed buckets (16 MB of int32): fixed memory whatever the corpus, rare collisions."""
_MIX = np.uint64(0x9E3779B97F4A7C15)


def char_grams(text: str, n: int = CHAR_N) -> np.ndarray:
    """Sorted distinct hashes of the character n-grams of `text`'s tokens joined *without* spaces.

    Spaces are dropped because word spacing is unstable in some scripts (Urdu writes "کرکے" and
    "کر کے" alike); on COUNTER this form beat word n-grams and spaced character n-grams.
    """
    joined = "".join(tokens(text))
    if not joined:
        return np.zeros(0, dtype=np.uint64)
    points = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    with np.errstate(over="ignore"):
        mixed = (points + np.uint64(1)) * _MIX  # spread small code points before the positional sum
        mixed ^= mixed >> np.uint64(29)
    return np.unique(ngram_hashes(mixed, n))


def _buckets(grams: np.ndarray) -> np.ndarray:
    return (grams >> np.uint64(64 - 22)).astype(np.int64)


class GramDF:
    """How many documents hold each character 4-gram (hashed), and the smoothed IDF from it."""

    def __init__(self) -> None:
        self.docs = 0
        self.counts = np.zeros(BUCKETS, dtype=np.int32)

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> GramDF:
        df = cls()
        for text in texts:
            df.add(text)
        return df

    def add(self, text: str, sign: int = 1) -> None:
        """Count one document (`sign=-1` takes it back out)."""
        self.counts[np.unique(_buckets(char_grams(text)))] += sign
        self.docs += sign

    def idf(self, grams: np.ndarray) -> np.ndarray:
        """log((N + 1) / (df + 1)) per gram: 0 for a gram in every document, never negative."""
        df = np.maximum(self.counts[_buckets(grams)], 0)
        return np.log((self.docs + 1) / (df + 1.0))


def weighted_containment(derived: np.ndarray, source: np.ndarray, df: GramDF | None) -> float:
    """Share of the derived side's grams (IDF-weighted when `df` is given) also in the source."""
    if not len(derived):
        return 0.0
    shared = np.isin(derived, source, assume_unique=True)
    if df is None or df.docs < 2:
        return float(shared.mean())
    weights = df.idf(derived)
    total = float(weights.sum())
    return float(weights[shared].sum()) / total if total > 0 else float(shared.mean())


def logit(p: float) -> float:
    """log(p / (1 - p)), with p clipped to [0.005, 0.995] so 0 and 1 stay finite."""
    p = min(max(p, 0.005), 0.995)
    return math.log(p / (1 - p))
