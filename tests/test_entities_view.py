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
    assert EntityView.open(path, None) is not None  # whatever it was written for (the app's last view)
    path.write_bytes(b"not a database at all" * 100)
    assert EntityView.open(path, "k1") is None and EntityView.open(path, None) is None
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


def test_counts_over_many_articles_break_ties_as_the_table_does(tmp_path):
    """Entities tied on articles and mentions at the cut are ordered by name, as the table orders them."""
    import random

    from reader.models import Mention

    rnd = random.Random(3)
    firsts = ["Anna", "Boris", "Carla", "Dmitri", "Elena", "Farid", "Greta", "Hugo", "Irene", "Jonas"]
    lasts = ["Abbott", "Brandt", "Castillo", "Dufresne", "Eriksen", "Fontaine", "Gallo", "Hartmann"]
    names = [(f"{f} {l}", "person") for f, l in zip(firsts, lasts * 2)] + \
        [(f"{l} Holdings Corp", "organization") for l in lasts] + [(p, "place") for p in ("Oslo", "Lima", "Perth")]
    mentions = {}
    for a in range(40):
        chosen = rnd.sample(names, 4)
        found, at = [], 0
        for text, kind in chosen:
            for _ in range(rnd.choice((1, 1, 2))):
                found.append(Mention(at, at + len(text), text, kind))
                at += len(text) + 10
        mentions[f"a/{a:02d}.md"] = found
    table = EntityTable(mentions)
    write(tmp_path / "v.sqlite3", "k", table)
    view = EntityView.open(tmp_path / "v.sqlite3", "k")
    ids = sorted(mentions)
    for chosen in (ids, ids[::3], ids[5:9]):
        for limit in (None, 0, 1, 2, 3, 5, 8):
            assert view.top(chosen, TYPES, limit) == table.top(chosen, TYPES, limit)
            assert view.top(chosen, None, limit) == table.top(chosen, None, limit)
    assert view.top(ids, ["event"], 3) == table.top(ids, ["event"], 3) == {"event": []}


def test_the_app_reads_the_last_view_and_never_merges(seeds_copy, home):
    """After an article arrives the view is stale: the app's counts come from the view as last written (the
    new article not in it yet), with no merge in its process; with no view at all, empty lists."""
    from reader.entities.view import VIEW_FILE
    from reader.library import Library

    lib = Library.open(seeds_copy, home)
    lib.sync()
    lib.enrich()
    stage = lib.entity_stage
    before = lib.entities_by_type(TYPES, merge=False)
    assert any(before.values()) and before == lib.entities_by_type(TYPES)
    (seeds_copy / "arrived.md").write_text("---\ntitle: Ferry news\n---\n\nThe council met in Dover.\n")
    lib.sync()
    assert not stage.ready()
    merged = []
    real = stage.table
    stage.table = lambda *args, **kwargs: merged.append(1) or real(*args, **kwargs)
    assert lib.entities_by_type(TYPES, merge=False) == before
    assert lib.entities_by_type(TYPES, "council", merge=False) is not None
    assert lib.mentions("arrived.md", wait=False) is None and not merged
    (stage.cache_dir / VIEW_FILE).unlink()
    stage._view = None
    assert lib.entities_by_type(TYPES, merge=False) == {t: [] for t in TYPES} and not merged
    lib.close()
