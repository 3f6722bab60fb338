"""Sentence alignment and word diff, on the seed pair 001/002 and on synthetic texts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.overlap.align import align, diff_words
from reader.overlap.text import tokens
from tests.test_overlap_support import fixture, seed


@pytest.fixture(scope="module")
def seed_pair():
    return align(seed("001").body, seed("002").body)


def _matched(alignment, a_part: str, b_part: str):
    return [s for s in alignment.segments if s.kind in ("same", "changed") and a_part in s.a and b_part in s.b]


def test_hahn_quote_is_aligned(seed_pair):
    quote = "Having him represent us on the world stage"
    assert len(_matched(seed_pair, quote, quote)) == 1


def test_coventry_quote_is_aligned_despite_reordered_clauses(seed_pair):
    assert _matched(seed_pair, "Ms Coventry, who became the first woman IOC chief", "said Coventry, who last March")


def test_each_sides_own_paragraphs_are_one_sided(seed_pair):
    a_only = " ".join(s.a for s in seed_pair.segments if s.kind == "a_only")
    b_only = " ".join(s.b for s in seed_pair.segments if s.kind == "b_only")
    assert "Attention will turn to the Los Angeles Olympics" in a_only
    assert "six US cities" in a_only
    assert "Reuters was not immediately able to reach LA28 officials" in b_only
    assert "IOC PRESIDENT SAYS NOTHING TO ADD" in b_only


def test_boilerplate_paragraphs_are_not_in_the_diff(seed_pair):
    text = " ".join(s.a + s.b for s in seed_pair.segments)
    assert "Your support helps us" not in text and "Subscribe to CNA" not in text
    assert "open image in gallery" not in text


def test_segments_keep_a_order_and_b_only_follow_their_b_neighbour(seed_pair):
    a_texts = [s.a for s in seed_pair.segments if s.a]
    body = seed("001").body
    positions = [body.index(t.split(". ")[0]) for t in a_texts]
    assert positions == sorted(positions)
    kinds = [s.kind for s in seed_pair.segments]
    reuters = next(i for i, s in enumerate(seed_pair.segments) if s.b.startswith("Reuters was not"))
    assert "Wasserman has denied" in seed_pair.segments[reuters - 1].b  # its predecessor in 002
    assert kinds.count("b_only") >= 2


def test_seed_pair_shares(seed_pair):
    assert 0.2 < seed_pair.share_a < 0.6 and 0.3 < seed_pair.share_b < 0.8
    assert seed_pair.shared_words >= 100
    assert seed_pair.words_a == len(tokens(seed("001").body))


def test_identical_texts_are_all_same_and_fully_shared():
    text = seed("002").body
    result = align(text, text)
    assert {s.kind for s in result.segments} == {"same"}
    assert result.share_a == result.share_b == 1.0


def test_reordered_sentences_still_match():
    a = "The council met on Monday. The mayor resigned after the vote. Protesters gathered outside."
    b = "Protesters gathered outside. The mayor resigned after the vote. The council met on Monday."
    result = align(a, b)
    assert [s.kind for s in result.segments] == ["same", "same", "same"]


def test_a_sentence_found_once_on_each_side_is_matched_with_its_twin():
    # Each of a's sentences is like both of b's: the most similar assignment matched the shared sentence
    # with the other one, and showed two changed sentences where one is the same.
    same = "The harbour board approved the new container terminal after a long night of debate in the town hall."
    a_own = "The harbour board approved the new container terminal, and the fishermen walked out in protest at once."
    b_own = "Opponents said on Friday that a long night of debate in the town hall had settled nothing at all."
    result = align(f"{same} {a_own}", f"{same} {b_own}")
    assert [(s.kind, s.a, s.b) for s in result.segments] == [("same", same, same), ("b_only", "", b_own),
                                                              ("a_only", a_own, "")]


def test_a_sentence_repeated_on_one_side_is_matched_once():
    line = "Shares in the group closed two percent higher."
    result = align(f"{line} The board met. {line}", f"The board met on Monday. {line}")
    assert [s.kind for s in result.segments].count("same") == 1 and result.matched == 2


def test_unrelated_texts_share_nothing():
    result = align("Cocoa prices rose sharply in Bahia this week.", "The central bank kept its rate unchanged.")
    assert [s.kind for s in result.segments] == ["a_only", "b_only"] or \
        [s.kind for s in result.segments] == ["b_only", "a_only"]
    assert result.shared_words == 0 and result.share_a == 0.0


def test_urdu_pair_aligns_the_reused_sentences():
    result = align(fixture("urdu_source.txt"), fixture("urdu_derived.txt"))
    assert result.matched >= 1
    assert 0.3 < result.share_b <= 1.0
    assert any(s.kind == "b_only" and "کرکٹ" in s.b for s in result.segments)


def test_word_ops_rebuild_both_sentences_and_ignore_case():
    a, b = "Ms Coventry stated on Sunday that it was SAD.", "Coventry said on Sunday that it was sad!"
    ops = diff_words(a, b)
    assert "".join(o.a for o in ops) == a and "".join(o.b for o in ops) == b
    assert [o.kind for o in ops] == ["delete", "equal", "replace", "equal"]


def test_changed_segments_carry_word_ops(seed_pair):
    for seg, ops in zip(seed_pair.segments, seed_pair.ops, strict=True):
        if seg.kind == "changed":
            assert "".join(o.a for o in ops) == seg.a and any(o.kind != "equal" for o in ops)
        if seg.kind in ("a_only", "b_only"):
            assert ops == ()


_SENTENCES = st.lists(st.sampled_from([
    "The minister arrived late.", "Talks resumed on Friday.", "Prices fell by two percent.",
    "Rain delayed the match.", "Officials declined to comment.", "A new law was passed."]), max_size=6)


@settings(max_examples=40, deadline=None)
@given(_SENTENCES, _SENTENCES)
def test_every_sentence_appears_once_on_its_side(a_list, b_list):
    result = align(" ".join(a_list), " ".join(b_list))
    assert tokens(" ".join(s.a for s in result.segments)) == tokens(" ".join(a_list))
    assert sorted(tokens(" ".join(s.b for s in result.segments))) == sorted(tokens(" ".join(b_list)))
    assert 0.0 <= result.share_a <= 1.0 and 0.0 <= result.share_b <= 1.0


_EDITED = st.lists(st.sampled_from([
    "The minister arrived late on Tuesday.", "The minister arrived very late.", "Talks resumed on Friday.",
    "On Friday talks resumed in Geneva.", "Prices fell by two percent.", "Prices fell two percent, traders said.",
    "Rain delayed the match.", "Officials declined to comment."]), max_size=7)


@settings(max_examples=60, deadline=None)
@given(_EDITED, _EDITED, st.sets(st.integers(0, 6), max_size=2))
def test_counts_alone_are_the_counts_of_the_shown_alignment(a_list, b_list, a_skip):
    """A corpus's pairs are scored with shown=False (no segments, no word diffs): the same numbers."""
    a_skip = {i for i in a_skip if i < len(a_list)}  # boilerplate sentences are the text's own
    whole = align(" ".join(a_list), " ".join(b_list), a_skip=a_skip)
    counts = align(" ".join(a_list), " ".join(b_list), a_skip=a_skip, shown=False)
    assert counts.segments == () and counts.ops == ()
    numbers = ("words_a", "words_b", "shared_words", "reused_b", "longest_run", "matched")
    assert [getattr(counts, n) for n in numbers] == [getattr(whole, n) for n in numbers]


def test_one_sentence_aligns_with_the_run_of_sentences_it_was_split_into():
    """An editor splits a long wire sentence in three (or one copy runs a table's rows together): the
    run is matched as one, so the words they share count as reused."""
    long = ("The ministry said exports of rice rose by twelve percent in March, while imports of wheat fell "
            "sharply because of the drought, and officials expect the trend to continue into the summer.")
    split = ("The ministry said exports of rice rose by twelve percent in March. Imports of wheat fell "
             "sharply because of the drought. Officials expect the trend to continue into the summer.")
    other = "A separate report on fisheries was published on Tuesday by the coastal authority."
    result = align(f"{long} {other}", f"{split}\n\nThe weather was mild.")
    kinds = [s.kind for s in result.segments]
    assert kinds.count("changed") == 1 and "a_only" in kinds and "b_only" in kinds
    merged = next(s for s in result.segments if s.kind == "changed")
    assert merged.a == long and merged.b == split
    assert result.share_a > 0.6 and result.share_b > 0.7
    # The same the other way round: three sentences of a against one of b.
    back = align(split, long)
    assert [s.kind for s in back.segments] == ["changed"] and back.share_b > 0.6
    # Table rows run together in one copy match the rows of the other.
    rows = align("Shr 22 cts vs 15 cts Net 1,200,000 vs 900,000 Revs 12.3 mln vs 10.1 mln",
                 "Shr 22 cts vs 15 cts\nNet 1,200,000 vs 900,000\nRevs 12.3 mln vs 10.1 mln")
    assert [s.kind for s in rows.segments] == ["same"] and rows.share_a == rows.share_b == 1.0


def test_unrelated_leftover_sentences_are_not_grouped():
    a = "Copper prices climbed to a two month high on Tuesday. The strike in Chile entered its second week."
    b = "The football club sacked its coach. It had lost seven games in a row. Fans had called for change."
    assert all(s.kind in ("a_only", "b_only") for s in align(a, b).segments)


# --- exact diffs: text that is the same on both sides is never marked changed ----------------------------

def _vocabulary() -> list[str]:
    from reader.overlap.text import _is_abbreviation

    # Not words the splitter reads as abbreviations ("sen." for Senator): those join two sentences.
    made = [f"{c}{v}{k}" for c in "bdfgklmnprstvz" for v in "aeiou" for k in ("n", "r", "st", "l")]
    return [w for w in made if not _is_abbreviation(f"x {w}.") and not _is_abbreviation(f"{w.capitalize()}.")]


_VOCAB = _vocabulary()


@st.composite
def _story(draw):
    """Distinct sentences of distinct words (3 to 12 of them), in paragraphs, and a set of their
    indices to treat as the outlet's boilerplate (skipped by the matching, as in a corpus)."""
    count = draw(st.integers(2, 9))
    words = draw(st.lists(st.sampled_from(_VOCAB), min_size=count * 12, max_size=count * 12, unique=True))
    sizes = draw(st.lists(st.integers(3, 12), min_size=count, max_size=count))
    sents = [" ".join(words[12 * k:12 * k + n]).capitalize() + "." for k, n in enumerate(sizes)]
    breaks = draw(st.lists(st.booleans(), min_size=count, max_size=count))
    skip = draw(st.sets(st.integers(0, count - 1), max_size=count // 2))
    return sents, breaks, skip


def _text(sents: list[str], breaks: list[bool]) -> str:
    out = ""
    for k, sent in enumerate(sents):
        out += sent if not out else ("\n\n" if breaks[k] else " ") + sent
    return out


def _marks(result) -> list[str]:
    """What a reader sees marked, from all three outputs: the segments' kinds and word ops (the JSON, the
    screen's colours), and the +/- gutter of `wire diff`'s text, side by side and unified."""
    from reader.overlap.render import DEL_OPEN, INS_OPEN, SYMBOL, render, to_text

    kinds = [s.kind for s in result.segments]
    words = [op.kind for ops in result.ops for op in ops if op.kind != "equal"]
    shown = set()
    for width in (160, 80):
        col = (width - 3) // 2
        for line in to_text(render(result, width=width)).splitlines()[2 if width == 80 else 1:]:
            shown.add(line[:2].strip() if width == 80 else line[col:col + 3].strip())
            shown.update(mark for mark in (DEL_OPEN, INS_OPEN) if mark in line)
    return [k for k in kinds if k != "same"] + words + sorted(m for m in shown if m and m != SYMBOL["same"])


@settings(max_examples=150, deadline=None)
@given(_story(), st.booleans())
def test_equal_texts_show_no_change_whatever_is_boilerplate(story, same_outlet):
    sents, breaks, skip = story
    text = _text(sents, breaks)
    b_skip = skip if same_outlet else set()  # two outlets: the trailer is only one of theirs
    result = align(text, text, a_skip=skip, b_skip=b_skip)
    assert _marks(result) == []
    assert [s.a for s in result.segments] == [s.b for s in result.segments]


def _reported(sents: list[str], skip: set[int], data) -> int | None:
    """A sentence that is not boilerplate, to edit or remove (an edited trailer shows as removed and added)."""
    free = [k for k in range(len(sents)) if k not in skip]
    return data.draw(st.sampled_from(free)) if free else None


@settings(max_examples=150, deadline=None)
@given(_story(), st.data())
def test_one_edited_sentence_is_the_only_change(story, data):
    sents, breaks, skip = story
    k = _reported(sents, skip, data)
    if k is None:
        return
    words = sents[k].rstrip(".").split()
    at = data.draw(st.integers(0, len(words) - 1))
    edited = sents[:k] + [" ".join(words[:at] + ["Quixotic" if at == 0 else "quixotic"] + words[at + 1:]) + "."] \
        + sents[k + 1:]
    result = align(_text(sents, breaks), _text(edited, breaks), a_skip=skip, b_skip=skip)
    if len(words) < 4:  # one word of three changed: the sentences may no longer be similar enough to pair
        assert [s.kind for s in result.segments if s.kind != "same"] in (["changed"], ["a_only", "b_only"])
        return
    changed = [(s, ops) for s, ops in zip(result.segments, result.ops, strict=True) if s.kind != "same"]
    assert [s.kind for s, _ in changed] == ["changed"]
    segment, ops = changed[0]
    assert segment.a == sents[k] and segment.b == edited[k]
    assert [(op.a.strip(" ."), op.b.strip(" .")) for op in ops if op.kind != "equal"] == \
        [(words[at], edited[k].rstrip(".").split()[at])]


@settings(max_examples=150, deadline=None)
@given(_story(), st.data())
def test_one_removed_sentence_is_the_only_change(story, data):
    sents, breaks, skip = story
    k = _reported(sents, skip, data)
    if k is None:
        return
    kept, kept_breaks = sents[:k] + sents[k + 1:], breaks[:k] + breaks[k + 1:]
    b_skip = {i - (i > k) for i in skip}
    result = align(_text(sents, breaks), _text(kept, kept_breaks), a_skip=skip, b_skip=b_skip)
    assert [(s.kind, s.a) for s in result.segments if s.kind != "same"] == [("a_only", sents[k])]


@settings(max_examples=150, deadline=None)
@given(_story(), st.data())
def test_a_moved_sentence_is_not_marked_changed(story, data):
    sents, breaks, skip = story
    k = data.draw(st.integers(0, len(sents) - 1))
    to = data.draw(st.integers(0, len(sents) - 1))
    order = list(range(len(sents)))
    order.insert(to, order.pop(k))
    moved = [sents[i] for i in order]
    b_skip = {order.index(i) for i in skip}
    result = align(_text(sents, breaks), _text(moved, [True] * len(sents)), a_skip=skip, b_skip=b_skip)
    assert _marks(result) == []
