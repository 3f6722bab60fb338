"""The LSH in sorted arrays gives datasketch's buckets: the same hits for the same signatures."""

from __future__ import annotations

import numpy as np
import pytest
from datasketch import LeanMinHash, MinHash, MinHashLSH

from reader.overlap.bands import BandIndex, bands_for


@pytest.mark.parametrize("threshold", [0.05, 0.3, 0.8])
def test_bands_and_rows_are_the_ones_datasketch_chooses(threshold):
    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    assert bands_for(threshold, 128) == (lsh.b, lsh.r)


@pytest.mark.parametrize(("threshold", "values"), [(0.05, 40), (0.3, 3)])  # 32 bands of 1 row; 37 of 3
def test_queries_find_what_datasketch_finds(threshold, values):
    rng = np.random.default_rng(7)
    template = MinHash(num_perm=128, seed=1)
    # Values from a small range, so that many bands collide between articles.
    signatures = {f"a{i:03d}": rng.integers(0, values, size=128).astype(np.uint64) for i in range(300)}
    theirs = MinHashLSH(threshold=threshold, num_perm=128)
    ours = BandIndex(*bands_for(threshold, 128))
    for key, sig in signatures.items():
        theirs.insert(key, LeanMinHash(seed=1, hashvalues=sig, scheme=template.scheme))
        ours.insert(key, sig)
    for key in list(signatures)[::7]:  # some leave
        theirs.remove(key)
        assert ours.remove(key) and not ours.remove(key)
    replaced = rng.integers(0, values, size=128).astype(np.uint64)  # one comes back changed
    theirs.remove("a001")
    theirs.insert("a001", LeanMinHash(seed=1, hashvalues=replaced, scheme=template.scheme))
    ours.insert("a001", replaced)
    probes = list(signatures.values())[:60] + [replaced, np.full(128, 99, dtype=np.uint64)]
    hits = 0
    for sig in probes:
        expected = set(theirs.query(LeanMinHash(seed=1, hashvalues=sig, scheme=template.scheme)))
        found = ours.query(sig)
        assert len(found) == len(set(found)) and set(found) == expected
        hits += len(found)
    assert hits > 100 and len(ours) == len(signatures) - len(list(signatures)[::7])


def test_an_empty_index_finds_nothing():
    index = BandIndex(32, 1)
    assert index.query(np.zeros(128, dtype=np.uint64)) == [] and len(index) == 0
