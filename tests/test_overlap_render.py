"""Text rendering of a diff: widths, gutter symbols, word marks, unified fallback, inert text."""

from __future__ import annotations

import pytest

from reader.models import Segment
from reader.overlap import align, render, to_text
from reader.overlap.flags import FLAG_SYMBOL
from reader.overlap.render import (DEL_CLOSE, DEL_OPEN, FLAG_LEGEND, INS_CLOSE, INS_OPEN, KINDS, SYMBOL, cell_width,
                                   header_lines, legend, segment_lines, short_legend, side_by_side, wrap)
from tests.test_overlap_support import seed


@pytest.fixture(scope="module")
def seed_pair():
    return align(seed("001").body, seed("002").body)


@pytest.mark.parametrize("width", [100, 132, 80, 40])
def test_lines_fit_the_width_and_use_known_kinds(seed_pair, width):
    lines = render(seed_pair, width, "001", "002")
    assert all(sum(cell_width(t) for _, t in line) <= width for line in lines)
    assert {k for line in lines for k, _ in line} <= set(KINDS)


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


@pytest.mark.parametrize("width", [132, 80])
def test_render_is_the_header_then_each_segments_lines(seed_pair, width):
    """The app lays out segment by segment (to know where each change starts): the same lines as `render`."""
    body = [line for seg, ops in zip(seed_pair.segments, seed_pair.ops, strict=True)
            for line in segment_lines(seg, ops, width)]
    assert render(seed_pair, width, "x", "y") == header_lines(width, "x", "y") + body
    assert side_by_side(width) == (width >= 100)


def test_runs_carry_their_kind_and_the_symbols_read_without_colour():
    segs = [Segment("same", "Both say this.", "Both say this."),
            Segment("changed", "The mayor said the port made 300 jobs.", "The mayor claimed the port made 350 jobs."),
            Segment("a_only", "Only a.", ""), Segment("b_only", "", "Only b.")]
    unified = render(segs, 80)[2:]
    assert [line[0] for line in unified] == [("gutter", "= "), ("gutter", "~ "), ("gutter", "< "), ("gutter", "> ")]
    kinds = {k: t for line in unified for k, t in line[1:]}
    assert kinds["same"] == "Both say this." and kinds["a_only"] == "Only a." and kinds["b_only"] == "Only b."
    changed = to_text([unified[1]])
    assert "!@ [-said-] {+claimed+}" in changed and "!# [-300-] {+350+}" in changed
    assert [t for k, t in unified[1] if k == "flag"] == ["!@ ", "!# "]
    split = render(segs, 132)[1:]
    assert [t for line in split for k, t in line if k == "gutter"] == [" = ", " ~ ", " <", " > "]
    assert ("del", "[-said-] ") in split[1] and ("ins", "{+claimed+} ") in split[1]


def test_a_flag_mark_never_ends_a_line():
    runs = [("changed", "create "), ("flag", "!# "), ("del", "[-350-] "), ("changed", "jobs")]
    assert wrap(runs, 16) == [[("changed", "create")], [("flag", "!# "), ("del", "[-350-] "), ("changed", "jobs")]]


def test_wrap_keeps_one_run_per_kind_and_stretch():
    assert wrap([("same", "one two "), ("same", "three")], 40) == [[("same", "one two three")]]


def test_the_legend_and_key_name_every_symbol_mark_and_flag():
    gutter, flags = legend("A", "B")
    short = short_legend("A", "B")
    for text in (gutter, short):
        assert all(symbol in text for symbol in SYMBOL.values())
        assert DEL_OPEN in text and DEL_CLOSE in text and INS_OPEN in text and INS_CLOSE in text
    assert "only in A" in gutter and "only in b" in legend()[0] and flags == FLAG_LEGEND
    assert all(f"!{symbol} {name}" in flags and f"!{symbol} {name}" in short for name, symbol in FLAG_SYMBOL.items())


def test_a_front_end_can_measure_columns_its_own_way():
    """The app passes Rich's cell_len: wrapping and padding follow the measure it is given."""
    seg = Segment("same", "東京 大阪 " * 20, "東京 大阪 " * 20)

    def left(line):
        return "".join(t for _, t in line[:[k for k, _ in line].index("gutter")])

    by_cells, by_chars = segment_lines(seg, None, 100), segment_lines(seg, None, 100, len)
    assert len(by_chars) < len(by_cells)  # counted one column each, twice the words fit a line
    assert {cell_width(left(line)) for line in by_cells} == {48} == {len(left(line)) for line in by_chars}
