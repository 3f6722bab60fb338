"""The entity view file answers exactly as the merged table it was written from (real NER on the fixtures)."""

from __future__ import annotations

import sqlite3

import pytest

from reader.entities import EntityTable, annotate, parse_overrides
from reader.entities.view import EntityView, write

from .test_entities import load_articles

TYPES = ["person", "organization", "place"]


@pytest.fixture(scope="module")
def tables():
    mentions = dict(annotate(load_articles()))
    plain = EntityTable(mentions)
    # Overrides make merged clusters whose mentions come from several names, and hidden ones.
    edited = plain.with_overrides(parse_overrides(
        "merge:\n  - names: [Janice Hahn, Karen Bass]\n    name: LA officials\nhide:\n  - Los Angeles\n"))
    return {"plain": plain, "edited": edited}


@pytest.fixture(params=["plain", "edited"])
def pair(request, tables, tmp_path):
    table = tables[request.param]
    path = tmp_path / "view.sqlite3"
    write(path, "k1", table)
    view = EntityView.open(path, "k1")
    assert view is not None
    return table, view


def test_every_question_has_the_table_s_answer(pair):
    table, view = pair
    ids = sorted({a for e, by in table.clusters() for a in by})
    assert len(ids) == 3
    assert view.entities() == table.entities()
    for kind in TYPES:
        assert view.entities(kind) == table.entities(kind)
        assert view.entities(kind, limit=2) == table.entities(kind, limit=2)
    for chosen in (ids, ids[:1], ids[1:3], ["no/such/article"], []):
        assert view.top(chosen, TYPES, 3) == table.top(chosen, TYPES, 3)
        assert view.top(chosen, TYPES) == table.top(chosen, TYPES)
        assert view.top(chosen, None, 5) == table.top(chosen, None, 5)
        assert view.top(chosen * 2, ["person"]) == table.top(chosen, ["person"])  # an id twice counts once
    for article_id in [*ids, "no/such/article"]:
        assert view.for_article(article_id) == table.for_article(article_id)


def test_a_view_for_another_key_or_not_a_view_is_not_opened(tables, tmp_path):
    path = tmp_path / "view.sqlite3"
    assert EntityView.open(path, "k1") is None  # missing, and not created by looking
    assert not path.exists()
    write(path, "k1", tables["plain"])
    assert EntityView.open(path, "k2") is None
    path.write_bytes(b"not a database at all" * 100)
    assert EntityView.open(path, "k1") is None
    path.write_bytes(b"")
    assert EntityView.open(path, "k1") is None


def test_writing_replaces_the_file_whole(tables, tmp_path):
    """A reader's open connection keeps the file it opened; a new one sees the new file; nothing is left over."""
    path = tmp_path / "view.sqlite3"
    write(path, "k1", tables["plain"])
    held = sqlite3.connect(path)
    write(path, "k2", tables["edited"])
    assert held.execute("SELECT key FROM meta").fetchone()[0].endswith(":k1")
    held.close()
    assert EntityView.open(path, "k2") is not None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["view.sqlite3"]
