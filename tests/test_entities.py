"""Entity layer with the real spaCy model: mentions, offsets, alias merging on seed-like articles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.entities import EntityTable, annotate, parse_overrides
from reader.models import Article, Paragraph

DATA = Path(__file__).parent / "data" / "entities"


def load_articles() -> list[Article]:
    docs = json.loads((DATA / "articles.json").read_text(encoding="utf-8"))
    return [Article(d["id"], d["id"], d["id"], tuple(Paragraph(t, b) for t, b in d["paragraphs"]),
                    "sha-" + d["id"]) for d in docs]


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    return load_articles()


@pytest.fixture(scope="module")
def mentions(articles):
    return dict(annotate(articles))


@pytest.fixture(scope="module")
def table(mentions):
    return EntityTable(mentions)


def test_offsets_point_into_article_text_and_skip_boilerplate(articles, mentions):
    for article in articles:
        text, starts = article.text, article.paragraph_starts()
        assert mentions[article.id], article.id
        for m in mentions[article.id]:
            assert text[m.start:m.end] == m.text
            assert m.type in {"person", "organization", "place"}
            paragraph = max(i for i, s in enumerate(starts) if s <= m.start)
            assert not article.paragraphs[paragraph].boilerplate, m
    # The boilerplate paragraph names an organisation; it must not reach the sidebar.
    assert not any("Independent" in m.text for m in mentions["la28/one.txt"])


def test_titles_are_not_part_of_mentions_or_names(mentions, table):
    texts = {m.text for ms in mentions.values() for m in ms}
    assert "Wasserman" in texts
    assert not any(t.split()[0] in {"Mr", "Supervisor", "Mayor", "Senator", "State"} for t in texts)
    names = {e.name for e in table.entities()}
    assert not any(n.split()[0] in {"Mr", "Supervisor", "Mayor", "President", "IOC"} for n in names
                   if n != "IOC")


def test_wasserman_spellings_are_one_person(table):
    entity = table.resolve("person", "Casey Wasserman")
    assert entity is not None and entity.name == "Casey Wasserman"
    assert "Wasserman" in entity.aliases
    assert table.resolve("person", "Mr Wasserman") == entity
    assert table.resolve("person", "wasserman") == entity
    assert entity.articles == 3
    assert [e for e in table.entities("person") if "Wasserman" in e.name] == [entity]


def test_hahn_is_one_person_and_state_is_dropped(table):
    hahn = table.resolve("person", "Supervisor Hahn")
    assert hahn is not None and hahn.name == "Janice Hahn"
    assert table.resolve(None, "Hahn") == hahn
    assert hahn.articles == 2
    assert table.resolve(None, "State") is None


def test_us_spellings_are_one_place_and_acronym_joins_expansion(table):
    us = table.resolve("place", "US")
    assert us is not None and table.resolve("place", "U.S.") == us
    ioc = table.resolve("organization", "IOC")
    assert ioc is not None and ioc.name == "International Olympic Committee"
    # The ALL-CAPS headline is re-cased before NER, so its "IOC" is found too.
    two = dict((e.name, len(ms)) for e, ms in table.for_article("la28/two.txt"))
    assert two["International Olympic Committee"] == 3


def test_entities_sorted_and_restricted_to_articles(table):
    everything = table.entities()
    keys = [(-e.articles, -e.mentions, e.name.lower()) for e in everything]
    assert keys == sorted(keys)
    assert everything[0].name == "Casey Wasserman"
    only_three = table.entities(article_ids=["la28/three.txt"])
    wasserman = next(e for e in only_three if e.name == "Casey Wasserman")
    assert (wasserman.articles, wasserman.mentions) == (1, 2)
    assert all(e.articles == 1 for e in only_three)
    assert table.resolve("person", "Karen Bass") in only_three
    assert not any(e.name == "Janice Hahn" for e in only_three)
    assert len(table.entities(type="person", limit=2)) == 2


def test_for_article_and_index_terms(table):
    pairs = table.for_article("la28/three.txt")
    starts = [ms[0].start for _, ms in pairs]
    assert starts == sorted(starts)
    terms = table.index_terms("la28/three.txt")
    assert {"Casey Wasserman", "Wasserman", "Karen Bass", "Bass"} <= set(terms["person"])
    assert "US" in terms["place"] and "US" in terms["entity"]
    assert "Casey Wasserman" in terms["entity"] and not terms["org"]
    assert table.index_terms("no/such/article") == {"person": [], "org": [], "place": [], "entity": []}


def test_overrides_apply_without_ner(table):
    overrides = parse_overrides(
        "merge:\n  - names: [Janice Hahn, Karen Bass]\n    name: LA officials\n"
        "rename:\n  Wasserman: Casey J. Wasserman\nhide:\n  - Los Angeles\n")
    changed = table.with_overrides(overrides)
    merged = changed.resolve("person", "Bass")
    assert merged is not None and merged.name == "LA officials" and merged.articles == 3
    assert changed.resolve("person", "Mr Wasserman").name == "Casey J. Wasserman"
    assert changed.resolve("place", "Los Angeles") is None
    assert all(e.name != "Los Angeles" for e, _ in changed.for_article("la28/one.txt"))
    # The original table is unchanged.
    assert table.resolve("place", "Los Angeles") is not None
