"""The order candidate pairs are scored in, and how they are shared between the workers that score them.

Scoring a pair reuses what was made of its two texts (sentences, words, n-grams; caches by text in align
and label, a few thousand texts each), so the order decides how often each text is prepared again. At
100,000 generated articles the candidate pairs form one connected group of 671,115 pairs (stray links
between stories: templated earnings reports, shared phrases), so grouping by connected component, as this
did before, kept nothing together: nearly every pair prepared a text anew (664,705 of 711,307 pairs).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator

Key = tuple[str, str]

WINDOW = 2048  # as many texts as align's and label's caches keep (a few thousand): the texts still prepared


def local_order(keys: list[Key]) -> list[Key]:
    """The pairs ordered so that pairs sharing an article come close together.

    The articles are placed one at a time, each time the one with the most pairs to the last `WINDOW`
    placed (ties: the one linked most recently, then the lower id; none linked: the one with most pairs),
    and each pair is taken when its later article is placed: an article comes while the texts it is
    compared with are still in the caches.
    Counting only recent articles lets an article whose story was placed long ago (its texts gone from the
    caches) wait until its own neighbours come again. At 100,000 generated articles, two workers given
    their shares (`shares`) with caches of 2,048 texts prepare 106,744 texts for 88,547 articles, against
    243,340 by reverse Cuthill–McKee (recycled base texts put a quarter of its pairs over 8,000 places
    apart) and 664,705 by connected group.
    """
    if len(keys) < 2:
        return list(keys)
    ids = sorted({article_id for key in keys for article_id in key})
    number = {article_id: i for i, article_id in enumerate(ids)}
    links: list[list[int]] = [[] for _ in ids]
    for x, y in keys:
        links[number[x]].append(number[y])
        links[number[y]].append(number[x])
    placed = [-1] * len(ids)  # each article's place, -1 until placed
    score = [0] * len(ids)  # pairs to the last WINDOW placed, for articles not yet placed
    last = [0] * len(ids)  # the place of the latest placed article it is linked to
    # (-score, -last, article): of equal scores, the article linked most recently, so that a chain of
    # articles is followed to its end before another is begun. Stale entries are skipped when popped.
    heap: list[tuple[int, int, int]] = []
    by_degree = sorted(range(len(ids)), key=lambda v: (-len(links[v]), v))
    fallback = 0
    order: list[int] = []
    while len(order) < len(ids):
        v = -1
        while heap:
            s, t, u = heapq.heappop(heap)
            if placed[u] < 0 and -s == score[u] and -t == last[u]:
                v = u
                break
        if v < 0:
            while placed[by_degree[fallback]] >= 0:
                fallback += 1
            v = by_degree[fallback]
        here = placed[v] = len(order)
        order.append(v)
        for u in links[v]:
            if placed[u] < 0:
                score[u] += 1
                last[u] = here
                heapq.heappush(heap, (-score[u], -here, u))
        if here >= WINDOW:  # the article leaving the window no longer draws its neighbours
            for u in links[order[here - WINDOW]]:
                if placed[u] < 0:
                    score[u] -= 1
                    if score[u]:
                        heapq.heappush(heap, (-score[u], -last[u], u))
    return sorted(keys, key=lambda k: _places(placed[number[k[0]]], placed[number[k[1]]]))


def _places(p: int, q: int) -> tuple[int, int]:
    return (p, q) if p > q else (q, p)


def shares(keys: list[Key], processes: int, chunk: int) -> Iterator[list[Key]]:
    """Tasks of `chunk` pairs for `children.imap`, which hands task i to worker i % processes: worker w is
    given the w-th contiguous share of `keys`, so the pairs of one article stay with one worker's caches
    instead of alternating between the workers (which prepared each text in both).

    The shares differ by one pair at most, the longer first, so their numbers of tasks differ by one at
    most and a turn that only some shares fill still goes to the first workers, in order.
    """
    processes = max(processes, 1)
    base, extra = divmod(len(keys), processes)
    runs, start = [], 0
    for w in range(processes):
        size = base + (w < extra)
        runs.append(keys[start:start + size])
        start += size
    chunks = [[run[i:i + chunk] for i in range(0, len(run), chunk)] for run in runs]
    for turn in range(len(chunks[0])):
        for worker_chunks in chunks:
            if turn < len(worker_chunks):
                yield worker_chunks[turn]
