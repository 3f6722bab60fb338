"""Text rendering of a diff: widths, gutter symbols, word marks, unified fallback, inert text."""

from __future__ import annotations

import pytest

from reader.models import Segment
from reader.overlap import align, render, to_text
from reader.overlap.render import cell_width, wrap
from tests.test_overlap_support import seed

KINDS = {"header", "gutter", "same", "changed", "a_only", "b_only", "del", "ins", "flag", "pad"}


@pytest.fixture(scope="module")
def seed_pair():
    return align(seed("001").body, seed("002").body)


@pytest.mark.parametrize("width", [100, 132, 80, 40])
def test_lines_fit_the_width_and_use_known_kinds(seed_pair, width):
    lines = render(seed_pair, width, "001", "002")
    assert all(sum(cell_width(t) for _, t in line) <= width for line in lines)
    assert {k for line in lines for k, _ in line} <= KINDS


def test_side_by_side_gutter_marks_every_kind(seed_pair):
    lines = render(seed_pair, 120, "The Independent", "CNA")
    gutters = {t.strip() for line in lines for k, t in line if k == "gutter"}
    assert {"|", "~", "<", ">"} <= gutters <= {"|", "=", "~", "<", ">"}
    text = to_text(lines)
    assert "[-" in text and "{+" in text
    hahn = next(line for line in lines if "Having him represent" in "".join(t for _, t in line))
    assert ("gutter", " ~ ") in hahn  # the quote sits on both sides of one row


def test_narrow_width_is_unified_with_a_symbol_on_every_line(seed_pair):
    lines = render(seed_pair, 80, "001", "002")
    body = lines[2:]
    assert all(line[0][0] == "gutter" and line[0][1][0] in "=~<>" for line in body)
    text = to_text(lines)
    assert "Reuters was not immediately able" in text and "Attention will turn" in text


def test_article_text_cannot_drive_the_terminal():
    segs = [Segment("a_only", "Evil \x1b[2J text \u202e reversed", ""), Segment("b_only", "", "[bold]x[/bold]")]
    text = to_text(render(segs, 80))
    assert "\x1b" not in text and "\u202e" not in text
    assert "[bold]x[/bold]" in text  # shown literally, never as markup


def test_changed_segments_without_ops_are_diffed_on_the_fly():
    segs = [Segment("changed", "The mayor said no.", "The mayor claimed no.")]
    text = to_text(render(segs, 80))
    assert "[-said-]" in text and "{+claimed+}" in text


def test_wide_characters_count_double_when_wrapping():
    lines = wrap([("same", "東京 大阪 京都 名古屋 札幌 福岡")], 10)
    assert all(sum(cell_width(t) for _, t in line) <= 10 for line in lines)
    assert len(lines) > 1 and cell_width("東京") == 4


def test_an_overlong_word_is_cut_to_the_column():
    lines = wrap([("same", "x" * 25)], 10)
    assert [len(t) for line in lines for _, t in line] == [10, 10, 5]
