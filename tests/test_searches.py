"""Saved searches: the core (save, delete, counts over the real index) and `wire searches`."""

from __future__ import annotations

import json

import pytest

from reader import searches
from reader.errors import WireError
from reader.library import Library
from reader.state import State

from .conftest import DATA, run_wire

CORPUS = str(DATA / "corpus")


@pytest.fixture
def opened(home):
    library = Library.open(CORPUS, home)
    library.sync()
    state = State.open(library.locations.data_dir, library.corpus)
    yield library, state
    state.close()
    library.close()


def test_counts_follow_the_index_and_the_read_marks(opened):
    library, state = opened
    searches.save(state, "  ferry   news ", "ferry")
    searches.save(state, "harbour", "harbour OR board")
    ferry = library.matching("ferry")
    assert len(ferry) == 2  # the fixture corpus: front.md and nested/wire.txt
    found = {s.name: s for s in searches.counted(library, state)}
    assert list(found) == ["ferry news", "harbour"]  # by name, spaces collapsed
    assert (found["ferry news"].total, found["ferry news"].unread) == (2, 2)
    assert found["harbour"].total == len(library.matching("harbour OR board")) > 0
    state.set_read(ferry[0])
    assert searches.counted(library, state)[0].unread == 1


def test_saving_a_name_again_replaces_it_and_delete_forgets(opened):
    library, state = opened
    searches.save(state, "x", "ferry")
    searches.save(state, "x", "harbour")
    assert state.saved_searches() == [("x", "harbour")]
    searches.delete(state, "x")
    assert state.saved_searches() == []
    with pytest.raises(WireError, match="no saved search named 'x'"):
        searches.delete(state, "x")


@pytest.mark.parametrize("name, query, message", [
    ("", "ferry", "needs a name"), ("  ", "ferry", "needs a name"), ("n" * 61, "ferry", "at most 60"),
    ("ok", "   ", "query is empty")])
def test_bad_names_and_queries_are_refused(opened, name, query, message):
    _, state = opened
    with pytest.raises(WireError, match=message):
        searches.save(state, name, query)
    assert state.saved_searches() == []


def test_a_query_that_does_not_parse_counts_as_plain_words(opened):
    library, state = opened
    searches.save(state, "odd", 'ferry "')
    assert searches.counted(library, state)[0].total == len(library.matching("ferry"))


def test_wire_searches_saves_lists_and_deletes(home):
    done = run_wire("--corpus", CORPUS, "searches", "--save", "ferries", "ferry", "--json")
    assert done.returncode == 0, done.stderr
    assert "saved search 'ferries'" in done.stderr
    assert json.loads(done.stdout) == {"searches": [{"name": "ferries", "query": "ferry", "total": 2, "unread": 2}]}
    listed = run_wire("--corpus", CORPUS, "searches")
    assert listed.returncode == 0
    assert listed.stdout.split("\n")[1].split() == ["2", "2", "ferries", "ferry"]
    gone = run_wire("--corpus", CORPUS, "searches", "--delete", "ferries", "--json")
    assert gone.returncode == 0 and json.loads(gone.stdout) == {"searches": []}


def test_wire_searches_with_nothing_saved_makes_no_state_file(home):
    done = run_wire("--corpus", CORPUS, "searches")
    assert done.returncode == 0 and "no saved searches" in done.stdout
    assert not list(home.rglob("state*.sqlite*"))


@pytest.mark.parametrize("argv, message", [
    (["searches", "--delete", "nope"], "no saved search named 'nope'"),
    (["searches", "ferry"], "a query goes with --save"),
    (["searches", "--save", "a", "--delete", "b"], "not both"),
    (["searches", "--save", "", "ferry"], "needs a name"),
    (["searches", "--save", "a"], "query is empty"),
])
def test_wire_searches_errors_are_one_line(home, argv, message):
    done = run_wire("--corpus", CORPUS, *argv)
    assert done.returncode == 1
    assert done.stderr.startswith("wire: error: ") and message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
