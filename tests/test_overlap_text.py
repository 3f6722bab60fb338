"""Tokens, sentences and shingles work for any space-separated script, Urdu included."""

from __future__ import annotations

import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

import numpy as np

from reader.overlap.text import normalize, sentences, shared_count, shingle_hashes, shingle_set, tokens
from tests.test_overlap_support import ROOT, fixture


def test_tokens_casefold_and_drop_punctuation():
    assert tokens("The U.S. Justice Department — “STRASSE” (Straße)!") == [
        "the", "u", "s", "justice", "department", "strasse", "strasse"]


def test_apostrophes_of_both_kinds_give_one_token():
    assert tokens("Epstein's") == tokens("Epstein’s") == ["epsteins"]


def test_urdu_words_glued_by_arabic_comma_are_split():
    assert tokens("دیا،زمبابوے ایک") == ["دیا", "زمبابوے", "ایک"]


def test_zero_width_non_joiner_does_not_split_or_change_words():
    assert tokens("نام\u200cنہاد") == tokens("نامنہاد")


def test_sentences_break_at_paragraphs_and_terminators_not_abbreviations():
    text = "Mr. Smith met the U.S. envoy. He said “no.”\n\nNew paragraph without stop"
    got = sentences(text)
    assert [s.text for s in got] == ["Mr. Smith met the U.S. envoy.", "He said “no.”", "New paragraph without stop"]
    assert [s.paragraph for s in got] == [0, 0, 1]
    assert all(text[s.start:s.end] == s.text for s in got)


def test_urdu_full_stop_ends_a_sentence_even_without_a_space():
    got = sentences("زمبابوے ایک میچ بھی نہ جیت سکا۔آخری میچ میں ہدف حاصل کر لیا۔")
    assert len(got) == 2


def test_sentence_tokens_concatenate_to_text_tokens():
    text = fixture("urdu_source.txt") + "\n\n" + fixture("urdu_derived.txt")
    assert [t for s in sentences(text) for t in tokens(s.text)] == tokens(text)


@given(st.text(alphabet=st.sampled_from(list("ab .!?\n،۔ZxY'’")), max_size=80))
def test_sentence_split_loses_no_token(text):
    assert [t for s in sentences(text) for t in tokens(s.text)] == tokens(text)


def test_shingles_ignore_case_and_punctuation_but_not_order():
    a = shingle_set(tokens("one two three four five six"))
    assert list(a) == list(shingle_set(tokens("One, two; THREE four five six.")))
    assert not set(a.tolist()) & set(shingle_set(tokens("two one three four five six")).tolist())
    assert len(shingle_hashes(tokens("one two three four five six"))) == 2


def test_shingle_hashes_are_stable_across_processes():
    # The index is persisted, so hashes must not depend on PYTHONHASHSEED.
    code = "from reader.overlap.text import *; print(int(shingle_hashes(tokens('a b c d e'))[0]))"
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                           env={"PYTHONHASHSEED": seed, "PATH": ""}).stdout for seed in ("1", "2")}
    assert len(runs) == 1 and runs.pop().strip().isdigit()


def test_normalize_is_idempotent_on_urdu():
    text = fixture("urdu_derived.txt")
    assert normalize(normalize(text)) == normalize(text)


def test_a_line_break_inside_a_paragraph_ends_a_sentence():
    """The parser keeps single line breaks only between the rows of a table: each row is a sentence."""
    text = "Shr 22 cts vs 15 cts\nNet 1,200,000 vs 900,000\nRevs 12.3 mln vs 10.1 mln\n\nNext paragraph here."
    assert [s.text for s in sentences(text)] == ["Shr 22 cts vs 15 cts", "Net 1,200,000 vs 900,000",
                                                  "Revs 12.3 mln vs 10.1 mln", "Next paragraph here."]
    assert [s.paragraph for s in sentences(text)] == [0, 0, 0, 1]


@given(st.sets(st.integers(0, 2**64 - 1), max_size=60), st.sets(st.integers(0, 2**64 - 1), max_size=60),
       st.sets(st.integers(0, 2**64 - 1), max_size=20))
def test_shared_count_is_the_size_of_the_intersection(left, right, both):
    a = np.array(sorted(left | both), dtype=np.uint64)
    b = np.array(sorted(right | both), dtype=np.uint64)
    assert shared_count(a, b) == shared_count(b, a) == len((left | both) & (right | both))
