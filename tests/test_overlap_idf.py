"""Corpus document frequencies, IDF-weighted character containment, and the corpus rule with its binary cut."""

from __future__ import annotations

import numpy as np

from reader.overlap import compare
from reader.overlap.idf import GramDF, char_grams, weighted_containment
from reader.overlap.label import Features, Thresholds, corpus_thresholds
from tests.test_overlap_support import seeds


def test_char_grams_ignore_word_spacing_and_case():
    assert np.array_equal(char_grams("کر کے آیا"), char_grams("کرکے آیا"))
    assert np.array_equal(char_grams("The Vote"), char_grams("the  vote"))
    assert len(char_grams("")) == 0


def test_idf_weighting_discounts_grams_every_document_shares():
    common = "the government said on monday that"
    df = GramDF.from_texts([common + " rain fell", common + " prices rose", common + " the team won", "x y z"])
    derived, source = char_grams(common + " the striker scored"), char_grams(common + " rain fell")
    plain, weighted = weighted_containment(derived, source, None), weighted_containment(derived, source, df)
    assert 0 < weighted < plain < 1


def test_removing_a_document_restores_the_counts():
    df = GramDF.from_texts(["alpha beta gamma"])
    before = df.counts.copy()
    df.add("delta epsilon")
    df.add("delta epsilon", sign=-1)
    assert df.docs == 1 and np.array_equal(df.counts, before)


def test_binary_cut_overrides_the_derived_cut_only():
    th = Thresholds(("c2",), (0.0,), (1.0,), (1.0,), 0.2, 0.6, 0.4)
    labels = [th.label(Features("b", 0, c, 0, 0, 0.5, 0, 1.0, latin=0.0)) for c in (0.3, 0.4, 0.59, 0.6)]
    assert labels == ["non", "partially", "partially", "wholly"]
    assert Thresholds.from_dict(th.to_yaml_dict()) == th
    assert "binary" not in Thresholds(("c2",), (0.0,), (1.0,), (1.0,), 0.2, 0.6).to_yaml_dict()


def test_shipped_corpus_rule_labels_the_seeds_with_corpus_frequencies():
    arts = seeds()
    assert corpus_thresholds() is not None and corpus_thresholds().binary is not None
    df = GramDF.from_texts(a.body for a in arts.values())
    wire = compare(arts["001"], arts["002"], df=df)
    assert wire.overlap.label in ("wholly", "partially") and 0 < wire.features.ci4 <= 1
    others = [compare(arts[a], arts[b], df=df) for a, b in (("000", "001"), ("000", "002"), ("000", "003"),
                                                             ("001", "003"), ("002", "003"))]
    assert all(o.features.ci4 < wire.features.ci4 / 2 for o in others)
    # 000/003 (two Epstein stories, not copies) crosses the recall-leaning cut: why the rule is opt-in.
    assert [o.overlap.label for o in others if o.overlap.b[:3] != "003" or o.overlap.a[:3] != "000"] == ["non"] * 4
