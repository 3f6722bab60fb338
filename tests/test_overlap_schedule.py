"""The order pairs are scored in (articles' pairs close together) and the share of each scoring worker."""

from __future__ import annotations

import itertools
import random
from collections import OrderedDict

from reader.overlap.schedule import local_order, shares


def _families(count: int, size: int) -> list[tuple[str, str]]:
    """The pairs of `count` stories of `size` copies each, with ids that interleave the stories when sorted
    (copy c of story s is "c{c}-s{s}"): sorted by id, consecutive pairs belong to different stories."""
    keys = []
    for s in range(count):
        members = [f"c{c:02d}-s{s:02d}" for c in range(size)]
        keys += [(a, b) for a, b in itertools.combinations(members, 2)]
    return sorted(keys)


def _prepared(order: list[tuple[str, str]], kept: int) -> int:
    """How many times a text is prepared when pairs go in this order past a cache of `kept` texts."""
    cache: OrderedDict[str, None] = OrderedDict()
    made = 0
    for pair in order:
        for text in pair:
            if text in cache:
                cache.move_to_end(text)
            else:
                made += 1
                cache[text] = None
                if len(cache) > kept:
                    cache.popitem(last=False)
    return made


def test_local_order_keeps_each_storys_pairs_together():
    keys = _families(count=12, size=6)
    ordered = local_order(keys)
    assert sorted(ordered) == keys  # the same pairs, each once
    story = [a.split("-")[1] for a, _ in ordered]
    assert len([s for s, t in zip(story, story[1:]) if s != t]) == 11  # one run per story
    # With a cache of one story's texts, each text is prepared once, against again and again by id order.
    assert _prepared(ordered, kept=6) == 12 * 6 < _prepared(keys, kept=6)


def test_local_order_of_a_chain_keeps_neighbours_close():
    # A long chain of articles, each linked to the next, with ids in scrambled order.
    ids = [f"a{(i * 37) % 101:03d}" for i in range(101)]
    keys = sorted((min(a, b), max(a, b)) for a, b in zip(ids, ids[1:]))
    ordered = local_order(keys)
    assert sorted(ordered) == keys
    # Each text once, but the first: the chain is followed one way from it, then the other.
    assert _prepared(ordered, kept=3) <= 102 < _prepared(keys, kept=3)


def test_local_order_of_stories_with_stray_links_prepares_few_texts_again():
    # 60 stories of 6 copies, ids interleaved, and one stray link from each story to a far one (a shared
    # phrase, a recycled paragraph): one connected graph, where reverse Cuthill–McKee prepared 467 texts.
    keys = set(_families(count=60, size=6))
    rnd = random.Random(1)
    for s in range(60):
        a, b = f"c00-s{s:02d}", f"c{rnd.randrange(6):02d}-s{(s * 37 + 11) % 60:02d}"
        keys.add((min(a, b), max(a, b)))
    keys = sorted(keys)
    ordered = local_order(keys)
    assert sorted(ordered) == keys
    # A cache of two stories' texts: each text once, and at most once more for each stray link.
    assert _prepared(ordered, kept=12) <= 60 * 6 + 60


def test_local_order_of_nothing_or_one_pair():
    assert local_order([]) == []
    assert local_order([("a", "b")]) == [("a", "b")]


def test_each_worker_is_given_one_contiguous_share():
    keys = [(f"a{i:03d}", f"b{i:03d}") for i in range(23)]
    for processes, chunk in ((2, 4), (3, 2), (2, 50), (1, 5), (3, 1)):
        tasks = list(shares(keys, processes, chunk))
        assert [k for task in tasks for k in task] != [] and sorted(k for t in tasks for k in t) == keys
        by_worker = [[k for i, t in enumerate(tasks) if i % processes == w for k in t] for w in range(processes)]
        # Task i goes to worker i % processes (children.imap): each worker's pairs are one run of the order.
        assert [k for run in by_worker for k in run] == keys
        assert max(map(len, by_worker)) - min(map(len, by_worker)) <= 1
