"""Flags inside changed pairs: numbers, quoted words and attribution verbs, and how the diff shows them."""

from __future__ import annotations

import pytest

from reader.models import Segment
from reader.overlap import align, diff_words, render, to_text
from reader.overlap.flags import flag_text, op_flags, quoted_mask
from reader.overlap.render import FLAG_LEGEND, segment_runs, unified_runs
from tests.test_overlap_support import seed


def _flagged(a: str, b: str) -> list[tuple[str, str, tuple[str, ...]]]:
    ops = diff_words(a, b)
    return [(op.a.strip(), op.b.strip(), f) for op, f in zip(ops, op_flags(ops), strict=True) if f]


def test_attribution_verb_swap_is_flagged():
    assert _flagged("The minister said the plan works.", "The minister claimed the plan works.") == \
        [("said", "claimed", ("verb",))]


@pytest.mark.parametrize("a, b", [("Prices rose 5% in May.", "Prices rose 7% in May."),
                                  ("It happened two decades ago.", "It happened 20 years ago."),
                                  ("Sales reached ۱۲ crore.", "Sales reached ۱۵ crore.")])
def test_changed_numbers_are_flagged_in_words_or_digits(a, b):
    assert [f for *_, f in _flagged(a, b)] == [("number",)]


def test_edit_inside_quotation_marks_is_flagged_but_the_same_edit_outside_is_not():
    quoted = _flagged('He said: "We will win the vote easily."', 'He said: "We will win the vote."')
    assert quoted == [('easily."', "", ("quote",))]  # "vote." and 'vote."' compare equal (punctuation ignored)
    assert _flagged("We will win the vote easily.", "We will win the vote.") == []


def test_apostrophes_do_not_open_a_quote():
    assert not any(quoted_mask("Epstein's ties and Maxwell’s trial"))
    assert quoted_mask('a "b" c') == [False, False, True, True, True, False, False]


def test_plain_rewording_and_equal_ops_carry_no_flag():
    ops = diff_words("The big storm hit the coast.", "The huge storm hit the coast.")
    assert [f for f in op_flags(ops)] == [(), (), ()]
    assert flag_text(()) == "" and flag_text(("number", "verb")) == "!#@"


def test_seed_pair_flags_the_changed_number_phrase():
    result = align(seed("001").body, seed("002").body)
    seg, ops = next((s, o) for s, o in zip(result.segments, result.ops, strict=True) if "two decades" in s.a)
    runs = unified_runs(seg, ops)
    at = next(i for i, (_, t) in enumerate(runs) if "two decades" in t)
    assert runs[at - 1] == ("flag", "!# ") and runs[at][0] == "del" and "20 years" in runs[at + 1][1]
    left, right = segment_runs(seg, ops)
    assert ("flag", "!# ") in left and ("flag", "!# ") in right  # each column carries the mark
    text = to_text(render(result, 80, "001", "002"))
    assert "!# [-two decades-] {+20 years+}" in text


def test_same_and_one_sided_segments_have_no_flags():
    for seg in (Segment("same", "He said 5.", "He said 5."), Segment("a_only", "He said 5.", ""),
                Segment("b_only", "", "He said 5.")):
        assert all(k != "flag" for side in segment_runs(seg) for k, _ in side)
    assert "!#" in FLAG_LEGEND and "!@" in FLAG_LEGEND
