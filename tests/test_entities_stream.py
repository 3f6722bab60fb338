"""The entity stage streams: NER reads its texts as it tags them, and the merged table pickles without copies."""

from __future__ import annotations

import pickle

import pytest

from reader.entities import EntityTable, MentionCache, Overrides, annotate, missing, tag_missing
from reader.entities import ner as ner_module
from reader.entities.pipeline import tag_texts
from tests.test_entities import load_articles
from tests.test_entities_aliases import mentions_of

TEXTS = 600
"""Texts fed to NER in the laziness tests: more than the batches two workers hold queued (ner.BATCH_SIZE 64)."""


def _texts():
    return [(str(i), f"Mayor Karen Bass of Los Angeles met {i} officials of the Olympic committee.")
            for i in range(TEXTS)]


@pytest.mark.parametrize("n_process", [1, 2])
def test_ner_reads_its_texts_as_it_tags_them(n_process):
    read = []

    def source():
        for item in _texts():
            read.append(item[0])
            yield item

    seen_when_first = None
    found = {}
    for key, mentions in tag_texts(source(), n_process=n_process, should_stop=(lambda: False) if n_process > 1 else None):
        if seen_when_first is None:
            seen_when_first = len(read)
        found[key] = mentions
    assert len(found) == TEXTS and all(found.values())
    # One batch in this process; two per worker queued in two workers (children.imap's in_flight) plus the one
    # being read: never the whole input before the first answer.
    ahead = ner_module.BATCH_SIZE * (1 if n_process == 1 else 5)
    assert seen_when_first <= min(ahead, TEXTS - 1)


def test_a_batch_that_breaks_the_model_is_retried_one_text_at_a_time(monkeypatch):
    real = ner_module._tag_batch
    poison = "7"

    def fragile(nlp, texts, one_thread=False):
        if any(t.startswith(f"Mayor Karen Bass of Los Angeles met {poison} ") for t in texts):
            raise ValueError("the model broke on this batch")
        return real(nlp, texts, one_thread)

    monkeypatch.setattr(ner_module, "_tag_batch", fragile)
    problems = []
    found = dict(tag_texts(iter(_texts()), n_process=1, on_problem=lambda key, why: problems.append((key, why))))
    assert list(found) == [str(i) for i in range(TEXTS)]  # every text answered, in order
    assert found[poison] == [] and [k for k, _ in problems] == [poison]
    assert all(found[str(i)] for i in range(TEXTS) if str(i) != poison)


def test_tag_missing_streams_and_missing_finds_what_is_left(tmp_path):
    articles = load_articles()
    cache = MentionCache(tmp_path)
    total, todo, words = missing(cache, iter(articles))
    assert (total, todo) == (len(articles), [a.id for a in articles])
    assert words == sum(a.words for a in articles)
    progress = []
    assert tag_missing(iter(articles[:2]), cache, total, 0, progress=lambda d, t: progress.append((d, t))) == 2
    assert progress[-1] == (2, total)
    assert missing(cache, iter(articles))[1] == [articles[2].id]
    assert cache.get_many(articles[:2]) == dict(annotate(articles[:2]))


def _table() -> EntityTable:
    return EntityTable({
        "a": mentions_of(("Casey Wasserman", "person"), ("Wasserman", "person"), ("LA28", "organization")),
        "b": mentions_of(("Wasserman", "person"), ("Los Angeles", "place")),
        "c": mentions_of(("Casey Wasserman", "person"), ("Karen Bass", "person")),
    })


def _answers(table: EntityTable) -> tuple:
    return (table.entities(), [table.for_article(a) for a in "abc"], [table.index_terms(a) for a in "abc"],
            table.explain("Wasserman"), table.top(["a", "c"], ["person"], 5))


def test_a_pickled_table_answers_as_the_table_did():
    table = _table()
    loaded = pickle.loads(pickle.dumps(table, protocol=pickle.HIGHEST_PROTOCOL))
    assert _answers(loaded) == _answers(table)
    renamed = Overrides(rename={"Karen Bass": "Mayor Bass"})
    assert _answers(loaded.with_overrides(renamed)) == _answers(table.with_overrides(renamed))


def test_a_rename_on_the_table_leaves_the_base_table_alone():
    table = _table()
    before = _answers(table)
    renamed = table.with_overrides(Overrides(rename={"Casey Wasserman": "The Chairman"}, hide=("Karen Bass",)))
    assert renamed.resolve("person", "Wasserman").name == "The Chairman"
    assert renamed.resolve("person", "Karen Bass") is None
    assert _answers(table) == before
    assert _answers(table.with_overrides(Overrides())) == before

