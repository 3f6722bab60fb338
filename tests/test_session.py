"""The reading session's rules (reader/session.py), and `is:` in queries (the same views from the command line)."""

from __future__ import annotations

import pytest

from reader.errors import WireError
from reader.listing import Rows
from reader.models import ArticleRow
from reader.querytext import marks_test, split_marks
from reader.session import Session

IDS = ["a", "b", "c", "d", "e"]


def _session(read=("b", "d"), starred=("c",)) -> Session:
    session = Session(read, starred)
    session.all_rows = Rows.of([ArticleRow(i, f"title {i}", "Outlet", f"2026-02-0{n + 1}") for n, i in enumerate(IDS)])
    session.show(session.all_rows, "")
    return session


def test_the_query_is_typed_words_then_filters_then_the_view():
    session = _session()
    assert session.query == "" and not session.searching
    session.type("  ferry  ")
    assert session.add_filter("person", 'Lena "LP" Park') and not session.add_filter("person", 'Lena "LP" Park')
    session.add_filter("organization", "Coastal Trust")
    session.next_view()
    assert session.query == 'ferry person:"Lena LP Park" org:"Coastal Trust" is:unread'
    assert session.describe() == 'ferry person:Lena "LP" Park org:Coastal Trust is:unread'
    assert session.describe_filters() == ('person:Lena "LP" Park', "org:Coastal Trust")


def test_filters_go_one_at_a_time_and_clear_keeps_the_view_and_sort():
    session = _session()
    session.add_filter("person", "A")
    session.add_filter("place", "B")
    assert session.remove_filter() == ("place", "B") and session.filters == [("person", "A")]
    assert session.remove_filter(5) is None
    session.type("x")
    session.keep()
    session.next_view()
    session.toggle_sort()
    assert session.clear() and session.query == "is:unread" and session.sort == "date"
    assert not session.clear()  # nothing left to clear
    assert session.remove_filter() is None


def test_views_cycle_and_filter_every_article_without_the_index():
    session = _session()
    assert session.view == "all" and list(session.listed_without_search().ids) == IDS
    assert session.next_view() == "unread" and list(session.listed_without_search().ids) == ["a", "c", "e"]
    assert session.next_view() == "starred" and list(session.listed_without_search().ids) == ["c"]
    assert session.listed_without_search().dates() == ["2026-02-03"]
    assert session.next_view() == "all"


def test_rows_stay_as_they_came_until_the_next_show():
    """A read article stays listed in the unread view (and the cursor with it) until the list is asked again."""
    session = _session()
    session.next_view()
    rows = session.listed_without_search()
    session.show(rows, session.query)
    assert not session.current_rows_stale
    assert session.set_read("a", True) and not session.set_read("a", True)
    assert list(session.rows.ids) == ["a", "c", "e"] and session.unread_count() == 2
    assert session.unread_listed() == ["c", "e"]
    session.type("ferry")
    assert session.current_rows_stale


def test_moves_next_previous_and_next_unread():
    session = _session()
    assert session.neighbour("a", 1) == "b" and session.neighbour("a", -1) is None
    assert session.neighbour("e", 1) is None and session.neighbour("zz", 1) is None and session.neighbour(None, 1) is None
    assert session.next_unread(1, 1) == 2 and session.next_unread(3, -1) == 2
    assert session.next_unread(3, 1) == 4 and session.next_unread(5, 1) is None
    assert session.toggle_star("c") is False and session.toggle_star("a") is True and session.starred == {"a"}


@pytest.mark.parametrize("query, rest, wants", [
    ("is:unread", "", ("unread",)),
    ("oil is:starred", "oil", ("starred",)),
    ("oil NOT is:read person:x", "oil person:x", ("unread",)),
    ("IS:Starred is:starred x", "x", ("starred",)),
    ('"is:read" oil', '"is:read" oil', ()),                 # a phrase is text
    ("this: analysis", "this: analysis", ()),
])
def test_is_parts_are_taken_out_of_the_query(query, rest, wants):
    assert split_marks(query) == (rest, wants)


@pytest.mark.parametrize("query, problem", [
    ("is:bogus", "use is:read"),
    ("is:", "use is:read"),
    ("a OR is:read", "beside OR"),
    ("is:read OR a", "beside OR"),
    ("(is:read a)", "inside parentheses"),
])
def test_is_parts_that_cannot_be_read_are_one_clear_error(query, problem):
    with pytest.raises(WireError, match=problem):
        split_marks(query)


def test_marks_test_reads_each_set_once_and_combines_them():
    asked = []

    def marked(kind):
        asked.append(kind)
        return {"read": {"a", "b"}, "starred": {"b", "c"}}[kind]

    keep = marks_test(("unread", "starred"), marked)
    assert [i for i in "abcd" if keep(i)] == ["c"] and sorted(asked) == ["read", "starred"]
    assert marks_test((), marked) is None
    nothing = marks_test(("read",), None)  # no state file: nothing is marked
    assert not nothing("a")


def test_is_searches_the_users_marks_in_library_search_found_and_matching(tmp_path):
    from reader.library import Library

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n, word in enumerate(["ferry", "ferry", "harbour", "ferry"]):
        (corpus / f"{n}.md").write_text(f"---\ntitle: T{n}\ndate: 2026-02-0{n + 1}\n---\n\nThe {word} story {n}.\n")
    lib = Library.open(corpus, tmp_path / "home")
    try:
        lib.sync()
        marks = {"read": {"0.md", "2.md"}, "starred": {"3.md"}}
        lib.marked = marks.__getitem__
        assert {h.id for h in lib.search("ferry is:unread").hits} == {"1.md", "3.md"}
        assert lib.search("ferry is:unread").query == "ferry is:unread"
        assert [h.id for h in lib.search("is:unread", limit=None).hits] == ["3.md", "1.md"]  # newest first
        assert lib.search("is:starred").total == 1
        assert lib.found("NOT is:read").ids == ["3.md", "1.md"]
        assert sorted(lib.matching("ferry NOT is:starred")) == ["0.md", "1.md"]
        assert lib.search("harbour is:unread").total == 0
    finally:
        lib.close()
