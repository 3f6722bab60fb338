"""Labels of pairs (shipped calibration), scored overlaps, and wire families."""

from __future__ import annotations

import itertools

import pytest

from reader.models import Overlap
from reader.overlap import OverlapIndex, compare, default_thresholds, families, original, overlaps
from reader.overlap.label import WHOLLY_MIN_SHARE, Features, Thresholds
from tests.test_overlap_support import make, seeds


@pytest.fixture(scope="module")
def arts():
    return seeds()


def test_seed_wire_pair_is_derived(arts):
    result = compare(arts["001"], arts["002"])
    assert result.overlap.label in ("wholly", "partially")
    assert result.overlap.a == arts["001"].id and result.overlap.b == arts["002"].id
    assert result.overlap.share_a == result.alignment.share_a
    assert result.overlap.to_dict()["label"] == result.overlap.label


@pytest.mark.parametrize("a, b", [("000", "001"), ("000", "002"), ("001", "003"), ("002", "003")])
def test_unrelated_seed_pairs_are_not_derived(arts, a, b):
    assert compare(arts[a], arts[b]).overlap.label == "non"


def test_direction_follows_the_dates(arts):
    assert compare(arts["000"], arts["003"]).features.derived == "b"  # 003 is eleven days later
    assert compare(arts["003"], arts["000"]).features.derived == "a"


def test_shipped_thresholds_are_ordered_and_complete():
    th = default_thresholds()
    assert th.derived < th.wholly
    assert len(th.names) == len(th.weights) == len(th.mean) == len(th.scale)


def test_threshold_rule_is_monotone_in_the_score():
    th = Thresholds(("c2",), (0.0,), (1.0,), (1.0,), 0.2, 0.6)
    labels = [th.label(Features("b", 0, c, 0, 0, 0.5, 0, 1.0, latin=0.0))
              for c in (0.0, 0.19, 0.2, 0.59, 0.6, 1.0)]
    assert labels == ["non", "non", "partially", "partially", "wholly", "wholly"]


def test_wholly_needs_some_aligned_reuse_and_an_empty_side_is_non():
    th = Thresholds(("c2",), (0.0,), (1.0,), (1.0,), 0.2, 0.6)
    assert th.label(Features("b", 0, 1.0, 0, 0, WHOLLY_MIN_SHARE, 0, 1.0, latin=0.0)) == "wholly"
    assert th.label(Features("b", 0, 1.0, 0, 0, WHOLLY_MIN_SHARE / 2, 0, 1.0, latin=0.0)) == "partially"
    assert th.label(Features("b", 0, 1.0, 0, 0, 0.5, 0, 0.0, latin=0.0)) == "non"  # nothing left of the copy


def test_a_pair_is_ruled_out_before_alignment_only_when_no_alignment_could_save_it():
    th = Thresholds(("c2",), (0.0,), (1.0,), (1.0,), 0.2, 0.6)
    under, over = (Features("b", 0, c2, 0, 0, 0.0, 0, 1.0) for c2 in (0.19, 0.2))
    assert th.rules_out(under) and th.label(under) == "non" and not th.rules_out(over)
    assert th.rules_out(Features("b", 0, 1.0, 0, 0, 0.0, 0, 0.0))  # nothing left of the copy
    # A rule that reads what only the alignment measures is never settled before it.
    for name in ("share", "logit_share", "longest_run", "log_run"):
        assert not Thresholds((name, "c2"), (0.0, 0.0), (1.0, 1.0), (1.0, 1.0), 0.2, 0.6).rules_out(under)


def test_in_latin_script_news_a_label_needs_verbatim_passages():
    """The same event told twice (names, figures, one quote) is not a copy: in Latin-script text
    "partially" needs a 10-word run and a fifth of the copy aligned, "wholly" a 6-word run or 90%."""
    from reader.overlap.label import COPY_RUN, COPY_SHARE, WHOLLY_ALL, WHOLLY_RUN

    th = Thresholds(("c2",), (0.0,), (1.0,), (1.0,), 0.2, 0.6)

    def label(c2: float, share: float, run: int, latin: float = 1.0) -> str:
        return th.label(Features("b", 0, c2, 0, 0, share, run, 1.0, latin=latin))

    assert label(0.4, COPY_SHARE, COPY_RUN) == "partially"
    assert label(0.4, COPY_SHARE, COPY_RUN - 1) == "non" and label(0.4, COPY_SHARE / 2, 40) == "non"
    assert label(0.4, COPY_SHARE / 2, 4, latin=0.0) == "partially"  # COUNTER's Urdu: its own calibration
    assert label(0.9, 0.6, WHOLLY_RUN) == "wholly" and label(0.9, WHOLLY_ALL, 1) == "wholly"
    assert label(0.9, 0.6, WHOLLY_RUN - 1) == "non"


def test_overlaps_over_the_seed_index(arts):
    index = OverlapIndex.rebuild(arts.values())
    by_id = {a.id: a for a in arts.values()}
    found = overlaps(index, by_id)
    assert [(o.a[:3], o.b[:3]) for o in found] == [("001", "002")]
    assert overlaps(index, by_id, min_share=0.99) == []
    assert overlaps(index, by_id.__getitem__, ids=[arts["002"].id]) == found


def _o(a: str, b: str, label: str = "partially") -> Overlap:
    return Overlap(a, b, 0.5, 0.5, 10, label)


def test_families_are_connected_components_of_derived_pairs():
    found = [_o("a", "b"), _o("b", "c", "wholly"), _o("d", "e"), _o("c", "x", "non")]
    dates = {"a": "2024-01-02", "b": "2024-01-01", "c": "2024-01-03", "d": "2024-01-01", "e": None}
    fams = families(found, dates)
    assert [f.articles for f in fams] == [("a", "b", "c"), ("d", "e")]
    assert fams[0].original == "b"
    assert fams[1].original is None  # e has no date: it could be the earlier one


def test_a_digest_does_not_chain_the_stories_it_quotes_into_one_family():
    # A round-up quoting a paragraph of each of seven stories: most of each story's lede is in it (0.3 of
    # the story), and each is a seventh of the digest. Two real copies of story s1 still make a family.
    found = [Overlap(f"s{k}", "digest", 0.3, 0.13, 40, "partially") for k in range(7)]
    found.append(Overlap("s1", "s1-copy", 0.7, 0.9, 200, "wholly"))
    fams = families(found, {})
    assert [f.articles for f in fams] == [("s1", "s1-copy")]


def test_original_is_none_on_a_tie_or_bad_date():
    assert original(["a", "b"], {"a": "2024-01-01", "b": "2024-01-01"}.get) is None
    assert original(["a", "b"], {"a": "2024-01-01", "b": "yesterday"}.get) is None
    assert original(["a", "b", "c"], {"a": "2024-02-01", "b": "2024-01-01", "c": "2024-03-01"}.get) == "b"


def test_seed_families(arts):
    found = [compare(arts[a], arts[b]).overlap for a, b in itertools.combinations(sorted(arts), 2)]
    fams = families(found, {a.id: a.date for a in arts.values()})
    wire = next(f for f in fams if arts["001"].id in f.articles)
    assert wire.articles == (arts["001"].id, arts["002"].id)
    assert wire.original is None  # both dated 4 February 2026: the dates do not decide
    assert all(arts["000"].id not in f.articles or arts["001"].id not in f.articles for f in fams)


def test_a_copy_with_a_later_date_makes_the_earlier_one_original():
    story = ("The central bank raised its main interest rate by half a point on Thursday, the third rise this "
             "year, citing stubborn inflation in services and a tight labour market. ") * 2
    first = make("wire", story, date="2024-05-02")
    copy = make("paper", story + "Local traders said they expected mortgage costs to climb.", date="2024-05-03")
    found = [compare(first, copy).overlap]
    assert found[0].label == "wholly"
    assert families(found, {"wire": first.date, "paper": copy.date})[0].original == "wire"
