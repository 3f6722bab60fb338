"""The index module: the fused analyzer, snippets, date rewriting, counts across segments."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.analysis import StemmingAnalyzer

from reader.index import Index, NewsAnalyzer, cached_stem
from reader.index.schema import NewsPositions, make_schema
from reader.models import Article, Paragraph
from reader.querytext import dates_as_numbers as _dates_as_numbers
from reader.snippets import make_snippet


def tokens(analyzer, text, **kw):
    return [(t.text, t.pos, t.startchar, t.endchar, t.stopped)
            for t in analyzer(text, positions=True, chars=True, **kw)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("abcdeiost ÄéßΩ中.,'-\n") + ["the ", "and ", "running ", "U.S."]),
                max_size=40).map("".join))
def test_fused_analyzer_gives_whooshs_tokens(text):
    for kw in ({}, {"mode": "query"}, {"removestops": False}, {"tokenize": False}):
        assert tokens(NewsAnalyzer(), text, **kw) == tokens(StemmingAnalyzer(), text, **kw)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("abcdeiost ÄéßΩ中.,'-\n") + ["the ", "and ", "running ", "U.S.", "İ"]),
                max_size=40).map("".join), st.integers(0, 3), st.sampled_from([1.0, 2.0]))
def test_fused_postings_are_whooshs_postings(text, start, boost):
    from whoosh.formats import Positions

    ours = NewsPositions(field_boost=boost).word_values(text, NewsAnalyzer(), mode="index", start_pos=start)
    whooshs = Positions(field_boost=boost).word_values(text, StemmingAnalyzer(), mode="index", start_pos=start)
    assert sorted(ours) == sorted(whooshs)


def test_a_writer_that_spills_its_postings_to_many_runs_writes_the_same_index(tmp_path):
    """reader.index.whoosh_fixes pickles a pool's runs in chunks and merges the last postings from memory:
    with a pool so small that it spills hundreds of runs (and merges some first), every posting is the same."""
    import random

    from whoosh import index

    rng = random.Random(7)
    vocabulary = [f"w{n}" for n in range(400)] + ["ferry", "council", "the", "strike"]
    docs = [{"id": f"a{n}", "title": " ".join(rng.choices(vocabulary, k=5)),
             "body": " ".join(rng.choices(vocabulary, k=rng.randint(20, 120)))} for n in range(300)]

    def postings(limitmb: float) -> list:
        where = tmp_path / str(limitmb)
        where.mkdir()
        ix = index.create_in(str(where), make_schema())
        with ix.writer(limitmb=limitmb) as writer:
            for doc in docs:
                writer.add_document(**doc)
        with ix.reader() as reader:
            return list(reader.iter_postings())

    spilled, whole = postings(0.01), postings(256)
    assert len(whole) > 10_000 and spilled == whole


def test_snippet_marks_the_matched_words():
    text = "Intro words here. " * 30 + "The ferry terminal was approved. Ferries run daily. " + "Tail. " * 40
    snippet, marks = make_snippet(text, {"ferri", "termin"}, cached_stem)
    marked = [snippet[a:b] for a, b in marks]
    assert marked[:3] == ["ferry", "terminal", "Ferries"]
    assert snippet.startswith("…") and snippet.endswith("…") and len(snippet) <= 222


def test_snippet_without_matches_is_the_lede():
    snippet, marks = make_snippet("First words.\n\nSecond paragraph.", {"zzz"}, cached_stem)
    assert snippet == "First words. Second paragraph." and marks == ()


def test_dates_in_queries_become_day_numbers():
    assert _dates_as_numbers("date:2026-02-04") == "date:[20260204 to 20260204]"
    assert _dates_as_numbers("oil date:[2026-02-01 to 2026-02-10]") == "oil date:[20260201 to 20260210]"
    assert _dates_as_numbers("date:[2026-02 to]") == "date:[20260200 to]"
    assert _dates_as_numbers("date:[to 2026]") == "date:[to 20261299]"
    assert _dates_as_numbers("date:[junk to x]") == "date:[junk to x]"


def _article(n: int, date: str | None, text: str) -> Article:
    return Article(f"a{n}", f"a{n}.txt", f"Title {n}", (Paragraph(text),), f"sha{n}", "Outlet", None, date)


def test_totals_are_exact_across_segments(tmp_path):
    """Whoosh's len(results) undercounts on multi-segment indexes for some queries; ours must not."""
    index = Index(tmp_path / "ix")
    for batch in range(3):  # three commits: three segments
        with index.writer() as w:
            for n in range(batch * 40, batch * 40 + 40):
                w.add(_article(n, f"2026-02-{n % 28 + 1:02d}", f"harbour report number {n}"))
    result = index.search("harbour date:[2026-02-01 to 2026-02-14]", limit=5)
    expected = sum(1 for n in range(120) if n % 28 + 1 <= 14)
    assert result.total == expected and len(result.hits) == 5


def test_search_sees_updates_and_deletes_without_reopening(tmp_path):
    index = Index(tmp_path / "ix")
    with index.writer() as w:
        w.add(_article(1, None, "old words"))
    assert index.search("old").total == 1
    with index.writer() as w:
        w.replace(_article(1, None, "new words"))
    assert index.search("old").total == 0 and index.search("new").total == 1
    with index.writer() as w:
        w.delete("a1")
    assert index.search("new").total == 0
