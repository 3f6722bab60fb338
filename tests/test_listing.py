"""Rows: a long article list read a page at a time (reader.listing), and the Library's lists built on it."""

from __future__ import annotations

from reader.library import Library
from reader.listing import PAGE, PAGES_KEPT, Rows
from reader.models import ArticleRow


def _rows(n: int) -> tuple[Rows, list[list[str]]]:
    asked: list[list[str]] = []

    def fetch(ids):
        asked.append(list(ids))
        return [ArticleRow(i, f"title {i}", "Planet", None) for i in ids if i != "gone"]

    return Rows([f"a{n}" for n in range(n)], fetch), asked


def test_lines_are_read_a_page_at_a_time_when_asked_for():
    rows, asked = _rows(10 * PAGE)
    assert len(rows) == 10 * PAGE and asked == []  # nothing read to know the length
    assert rows[3].title == "title a3" and rows[PAGE - 1].id == f"a{PAGE - 1}"
    assert len(asked) == 1 and len(asked[0]) == PAGE
    assert rows[-1].id == f"a{10 * PAGE - 1}" and len(asked) == 2
    assert rows[5 * PAGE + 1].id == f"a{5 * PAGE + 1}" and len(asked) == 3
    rows[4]  # noqa: B018 — a page already read is not read again
    assert len(asked) == 3


def test_only_so_many_pages_are_kept():
    rows, asked = _rows((PAGES_KEPT + 2) * PAGE)
    for page in range(PAGES_KEPT + 1):
        rows[page * PAGE]  # noqa: B018
    assert len(asked) == PAGES_KEPT + 1
    rows[0]  # noqa: B018 — the oldest page was let go: read again
    assert len(asked) == PAGES_KEPT + 2


def test_positions_membership_equality_and_slices():
    rows, _ = _rows(50)
    assert rows.index_of("a42") == 42 and rows.index_of("zz") is None
    assert "a7" in rows and "zz" not in rows and rows.get("a9").title == "title a9"
    assert [r.id for r in rows[2:5]] == ["a2", "a3", "a4"]
    assert Rows.of([]) == [] and rows != [] and Rows.of(list(rows)) == rows


def test_an_article_gone_from_the_store_keeps_its_line():
    rows = Rows(["a1", "gone", "a2"], lambda ids: [ArticleRow(i, i, None, None) for i in ids if i != "gone"])
    assert [r.id for r in rows] == ["a1", "gone", "a2"] and "no longer" in rows[1].title


def test_library_rows_match_the_full_listing(corpus_copy, home):
    lib = Library.open(corpus_copy, home)
    try:
        lib.sync()
        every = lib.listing()
        rows = lib.rows()
        assert list(rows) == every and rows.dates() == [r.date for r in every]
        found = lib.found("ferry")
        assert found.ids and set(found.ids) == {h.id for h in lib.search("ferry", limit=None).hits}
        hits = lib.rows(found.ids)
        assert [r.id for r in hits] == found.ids and hits.dates() == [lib.article(i).date for i in found.ids]
        by_date = lib.found("ferry", sort="date").ids
        assert set(by_date) == set(found.ids)
        dates = [lib.article(i).date or "" for i in by_date]
        assert dates == sorted(dates, reverse=True)  # newest first, undated last
    finally:
        lib.close()
