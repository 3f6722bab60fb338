"""Totals by set algebra (reader.index.docsets) and the one-pass prefix/wildcard matcher (reader.index.expand) agree
with Whoosh's own matching, query by query, on an index of several segments with deletions."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import query as wq

from reader.index import docsets
from reader.index import Index
from reader.models import Article, Paragraph

WORDS = "harbour ferry council vote budget storm coast minister report bank banking banker trade trader".split()
OUTLETS = ["Planet", "Globe", "Courier"]


def _article(n: int, rng: random.Random) -> Article:
    body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12)))
    day = f"2026-0{rng.randint(1, 3)}-{rng.randint(1, 28):02d}" if rng.random() < 0.9 else None
    return Article(f"a{n}", f"a{n}.md", f"{rng.choice(WORDS)} story {n}", (Paragraph(body),), "0" * 64,
                   rng.choice(OUTLETS), None, day)


def segmented_index(folder, seed: int, per_commit: int, deleting: int, replacing: int) -> Index:
    """Four commits (four segments) of `per_commit` articles, then every `deleting`-th deleted and every
    `replacing`-th updated, spread over them."""
    rng = random.Random(seed)
    index = Index(folder / "ix")
    for batch in range(4):
        with index.writer() as w:
            for n in range(batch * per_commit, (batch + 1) * per_commit):
                w.add(_article(n, rng))
    with index.writer() as w:
        for n in range(0, 4 * per_commit, deleting):
            w.delete(f"a{n}")
        for n in range(3, 4 * per_commit, replacing):
            w.replace(_article(n, rng))
    return index


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    return segmented_index(tmp_path_factory.mktemp("ix"), seed=5, per_commit=60, deleting=7, replacing=11)


def _whoosh_ids(index: Index, text: str) -> set[str]:
    parsed, _ = index._parse(text)

    def read(searcher):
        plain = parsed.accept(lambda node: wq.Prefix(node.fieldname, node.text) if isinstance(node, wq.Prefix)
                              else wq.Wildcard(node.fieldname, node.text) if isinstance(node, wq.Wildcard)
                              else node)  # Whoosh's own classes, as the parser made them
        found = searcher.search(plain, limit=None, scored=False, sortedby=None)
        return {searcher.stored_fields(d)["id"] for d in found.docs()}

    return index._reading(read)


TERM = st.sampled_from(WORDS + ["ban*", "tra*", "b?nk", "*er", "title:story", "outlet:globe", "title:ban*",
                                '"harbour ferry"', "date:[2026-02-01 to 2026-02-20]", "date:2026-01-05", "date:[2026-01-10 to]",
                                "date:[0001-01-01 to 2030-01-01]", "zzz"])


@st.composite
def queries(draw):
    parts = [draw(TERM)]
    for _ in range(draw(st.integers(0, 3))):
        parts.append(draw(st.sampled_from(["AND", "OR", "NOT", "AND NOT"])))
        parts.append(draw(TERM))
    text = " ".join(parts)
    return f"({text})" if draw(st.booleans()) else text


@settings(max_examples=150, deadline=None)
@given(queries())
def test_totals_and_ids_agree_with_whoosh(index, text):
    expected = _whoosh_ids(index, text)
    assert set(index.ids(text)) == expected
    result = index.search(text, limit=3)
    assert result.total == len(expected) and {h.id for h in result.hits} <= expected
    assert len(result.hits) == min(3, len(expected))
    ranked = index.ranked_ids(text).ids
    assert len(ranked) == len(expected) and set(ranked) == expected


def test_a_filter_counts_only_what_it_lets_through(index):
    everything = _whoosh_ids(index, "ban*")
    february = _whoosh_ids(index, "ban* date:[2026-02-01 to 2026-02-28]")
    assert 0 < len(february) < len(everything)
    result = index.search("ban*", limit=5, filter_query="date:[2026-02-01 to 2026-02-28]")
    assert result.total == len(february) and {h.id for h in result.hits} <= february


def test_a_long_list_ranks_its_best_then_lists_the_rest_newest_first(index, monkeypatch):
    import reader.index as ix

    monkeypatch.setattr(ix, "RANKED", 5)
    ids = index.ranked_ids("ban* OR tra* OR harbour").ids
    expected = _whoosh_ids(index, "ban* OR tra* OR harbour")
    assert len(ids) == len(expected) > 20 and set(ids) == expected
    best = [h.id for h in index.search("ban* OR tra* OR harbour", limit=5).hits]
    assert ids[:5] == best
    days = [_day(index, i) for i in ids[5:]]
    assert days == sorted(days, reverse=True)


def _day(index: Index, article_id: str) -> int:
    return index._reading(lambda s: s.document(id=article_id).get("date") or 0)
