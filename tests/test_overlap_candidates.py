"""The incremental candidate index: LSH + containment, outlet boilerplate, persistence."""

from __future__ import annotations

import dataclasses
from dataclasses import astuple

import pytest

from reader.overlap.candidates import CACHE_FILE, COMMON_FILE, MAX_BODY, OutletBoilerplate, OverlapIndex
from reader.overlap import candidates, pairs
from reader.overlap.pairs import compare, overlaps
from tests.test_overlap_support import make, seeds

TRAILER = ("(Reporting by Jane Roe in Geneva; additional reporting by John Doe in Paris; "
           "Editing by Mark Smith and Alice Brown for the international desk)")
STORIES = [
    "Copper prices climbed to a two month high on Tuesday as miners in Chile went on strike over pay.",
    "The football club sacked its coach after a run of seven defeats that left it bottom of the table.",
    "Heavy snow closed the main mountain pass for a third day, stranding hundreds of lorry drivers.",
    "A court in Lyon fined the chemicals firm for polluting the river with solvents last summer.",
]


@pytest.fixture(scope="module")
def seed_index():
    return OverlapIndex.rebuild(seeds().values())


def _ids(cands):
    return {c.b[:3] for c in cands}


def test_seed_wire_pair_is_a_candidate_and_the_others_are_not(seed_index):
    arts = seeds()
    assert _ids(seed_index.candidates_for(arts["001"].id)) == {"002"}
    assert _ids(seed_index.candidates_for(arts["002"].id)) == {"001"}
    assert seed_index.candidates_for(arts["000"].id) == []
    assert seed_index.candidates_for(arts["003"].id) == []


def test_candidate_pairs_lists_each_pair_once(seed_index):
    pairs = list(seed_index.candidate_pairs())
    assert [(p.a[:3], p.b[:3]) for p in pairs] == [("001", "002")]
    assert 0.05 < pairs[0].containment < 1.0 and pairs[0].shared >= 10


def test_adding_an_article_compares_it_with_the_rest():
    arts = seeds()
    index = OverlapIndex.rebuild([arts["000"], arts["001"], arts["003"]])
    assert index.candidates_for(arts["001"].id) == []
    index.add(arts["002"])
    assert _ids(index.candidates_for(arts["002"].id)) == {"001"}
    assert index.remove(arts["001"].id) and not index.remove(arts["001"].id)
    assert index.candidates_for(arts["002"].id) == []


def test_sync_adds_changed_and_drops_missing():
    arts = seeds()
    index = OverlapIndex.rebuild([arts["000"], arts["001"]])
    assert index.sync([arts["001"], arts["002"]]) == (1, 1)
    assert sorted(i[:3] for i in index.ids()) == ["001", "002"]
    assert index.sync([arts["001"], arts["002"]]) == (0, 0)


def test_save_and_load_round_trip(tmp_path, seed_index):
    path = seed_index.save(tmp_path / "cache")
    assert path.name == CACHE_FILE
    loaded = OverlapIndex.load(tmp_path / "cache")
    assert loaded is not None and loaded.ids() == seed_index.ids()
    assert [(c.a, c.b, c.shared) for c in loaded.candidate_pairs()] == \
        [(c.a, c.b, c.shared) for c in seed_index.candidate_pairs()]


def test_load_refuses_other_parameters_and_garbage(tmp_path, seed_index):
    seed_index.save(tmp_path)
    assert OverlapIndex.load(tmp_path, ngram=4) is None
    assert OverlapIndex.load(tmp_path / "nowhere") is None
    (tmp_path / CACHE_FILE).write_bytes(b"not a pickle")
    assert OverlapIndex.load(tmp_path) is None


def _trailer_articles(n: int, outlet: str = "Daily"):
    return [make(f"d{i}", STORIES[i], TRAILER, outlet=outlet, date=f"2024-01-0{i + 1}") for i in range(n)]


def test_a_trailer_repeated_by_one_outlet_is_never_reuse():
    arts = _trailer_articles(3)
    index = OverlapIndex.rebuild(arts)
    assert list(index.candidate_pairs()) == []
    assert overlaps(index, {a.id: a for a in arts}, include_non=True) == []


def test_a_trailer_in_only_two_articles_still_counts():
    # Control for the test above: below the repeat threshold the shared trailer is seen.
    index = OverlapIndex.rebuild(_trailer_articles(2))
    assert [(c.a, c.b) for c in index.candidate_pairs()] == [("d0", "d1")]


def test_outlet_boilerplate_is_left_out_of_the_alignment():
    arts = _trailer_articles(3)
    copy = make("d9", STORIES[0] + " Shares in the miners fell.", TRAILER, outlet="Daily", date="2024-01-09")
    index = OverlapIndex.rebuild([*arts, copy])
    found = overlaps(index, {a.id: a for a in [*arts, copy]}, include_non=True)
    assert [(o.a, o.b) for o in found] == [("d0", "d9")]
    assert found[0].shared_words == len(STORIES[0].split())


def test_a_diff_from_the_saved_outlet_boilerplate_matches_one_from_the_index(tmp_path):
    """The small file saved beside the index stands in for it in a diff: same trailer left out."""
    arts = _trailer_articles(3)
    copy = make("d9", STORIES[0] + " Shares in the miners fell.", TRAILER, outlet="Daily", date="2024-01-09")
    index = OverlapIndex.rebuild([*arts, copy])
    index.save(tmp_path)
    light = OutletBoilerplate.load(tmp_path, index.params)
    assert light is not None and "d9" in light and "nope" not in light
    assert len(light.common_shingles("Daily")) and list(light.common_shingles("Daily")) == list(
        index.common_shingles("Daily"))
    assert compare(arts[0], copy, light) == compare(arts[0], copy, index)
    assert compare(arts[0], copy, light).overlap.shared_words == len(STORIES[0].split())
    assert OutletBoilerplate.load(tmp_path, OverlapIndex(ngram=4).params) is None
    (tmp_path / COMMON_FILE).write_bytes(b"not a pickle")
    assert OutletBoilerplate.load(tmp_path, index.params) is None


def test_issues_of_one_outlet_template_are_not_copies_of_each_other():
    """A recurring report (Reuters' "grain ships loading at Portland") is the outlet's own boilerplate:
    not reuse, so not "wholly derived" with nothing aligned, as it was when the label read whole texts."""
    words = ["seven", "six", "six", "five"]  # the two "six" issues share a few shingles no other has
    arts = [make(f"p{i}", f"There were {w} grain ships loading and six ships were waiting to load at Portland, "
                 "according to the Portland Merchants Exchange.", outlet="Wire", date=f"2024-02-0{i + 1}")
            for i, w in enumerate(words)]
    index = OverlapIndex.rebuild(arts)
    assert overlaps(index, {a.id: a for a in arts}) == []
    # Control: without an outlet nothing is boilerplate, and they are copies indeed.
    loose = [dataclasses.replace(a, outlet=None) for a in arts]
    assert overlaps(OverlapIndex.rebuild(loose), {a.id: a for a in loose})


def test_articles_without_outlet_are_not_filtered():
    index = OverlapIndex.rebuild(_trailer_articles(3, outlet=None))
    assert len(list(index.candidate_pairs())) == 3


def test_in_a_corpus_a_pair_that_aligns_no_passage_is_not_wire_copy():
    """A results table and a story on the same results share words and figures but no passage: the
    word containments alone would call it partially derived ("0% reused" in the diff header)."""
    table = make("t1", "Shr 3.25 dlrs vs 1.40 dlrs\nFinal div 52 cts vs 38 cts\nNet 1.28 billion dlrs vs 551.7 mln",
                 "Note: bonus issue one-for-four vs nil; share split four-for-one; dividend payable June 3.",
                 outlet="Wire", date="2024-03-01")
    story = make("s1", "Harbour Holdings Ltd expects strong results this year after better than expected profits, "
                 "its chairman said, and will pay a final div of 52 cts after a bonus issue one-for-four and a "
                 "share split four-for-one, with the dividend payable June 3, he told reporters at the annual "
                 "meeting in the city.", outlet="Wire", date="2024-03-02")
    index = OverlapIndex.rebuild([table, story])
    in_corpus = compare(table, story, index)
    assert in_corpus.alignment.shared_words == 0 and in_corpus.overlap.label == "non"
    # Outside a corpus the calibrated rule alone says "partially" (COUNTER's setting); in English the
    # verbatim gate (no 10-word passage) says not a copy, as the corpus rule does.
    alone = compare(table, story)
    assert alone.overlap.label == "non" and alone.features.longest_run < 10


def _copies_corpus():
    """Families of reworded copies, with one outlet's trailer and a story too long to be compared."""
    arts = []
    for s, story in enumerate(STORIES):
        for c in range(4):
            outlet = ("Daily", "Herald", "Post")[c % 3]
            extra = ["The company declined to comment.", "Officials said more talks were planned.",
                     "Shares in the group fell two percent.", "Unions called the move a betrayal."][c]
            arts.append(make(f"s{s}c{c}", story, extra, TRAILER if outlet == "Daily" else "Ends.",
                             outlet=outlet, date=f"2024-03-{s + c + 1:02d}"))
    arts.append(make("huge", "word " * (MAX_BODY // 5 + 1), outlet="Post"))
    return arts


def test_two_shingling_processes_build_the_index_one_does(monkeypatch):
    monkeypatch.setattr(candidates, "SHINGLE_CHUNK", 3)  # several tasks for each worker
    arts = _copies_corpus()
    one, two = OverlapIndex(), OverlapIndex()
    assert one.sync(arts, processes=1) == two.sync(iter(arts), processes=2) == (len(arts) - 1, 0)
    assert one.ids() == two.ids() and one.problems == two.problems and "huge" in one.problems
    for article_id in one.ids():
        a, b = one._records[article_id], two._records[article_id]
        assert (a.outlet, a.date, a.sha256) == (b.outlet, b.date, b.sha256)
        assert a.shingles.tolist() == b.shingles.tolist() and a.signature.tolist() == b.signature.tolist()
    assert [astuple(c) for c in one.candidate_pairs()] == [astuple(c) for c in two.candidate_pairs()]


def test_two_scoring_processes_give_the_pairs_one_does(monkeypatch):
    monkeypatch.setattr(pairs, "CHUNK", 4)  # several tasks for each worker
    arts = _copies_corpus()
    index = OverlapIndex.rebuild(arts[:-1])
    by_id = {a.id: a for a in arts}
    seen = []
    alone = overlaps(index, by_id, include_non=True, processes=1)
    assert len(alone) == len(list(index.candidate_pairs())) > 4 * pairs.CHUNK
    assert overlaps(index, by_id, include_non=True, processes=2, progress=lambda *p: seen.append(p)) == alone
    assert seen and seen[-1] == (len(alone), len(alone))
    assert {(o.a[:2], o.b[:2]) for o in overlaps(index, by_id, processes=2)} == {
        (f"s{s}", f"s{s}") for s in range(len(STORIES))}  # the copies of each story, and nothing across


def test_pairs_ruled_out_before_alignment_are_only_non_derived_ones():
    # The copies, and two stories quoting one statement: a candidate pair, but under the label's cut.
    quote = "The minister said the government would not bow to pressure."
    farmers = make("q1", "Farmers blocked the ring road around the capital with tractors on Monday, demanding lower "
                   "fuel duty and an end to cheap imports of grain from abroad. Police diverted traffic for hours "
                   "while talks went on between union leaders and officials from the agriculture ministry, who "
                   "offered a review of the duty in the autumn. The farmers said that was not enough and vowed to "
                   "return next week with more tractors.", quote, outlet="Post")
    teachers = make("q2", "Teachers in the northern provinces walked out for a second week over class sizes and pay "
                    "that has not kept pace with rents in the cities. Schools stayed shut and exams were postponed, "
                    "angering parents who had taken time off work. The teachers' union said its members would stay "
                    "out until a new offer was put on the table, and a march on the education ministry is planned "
                    "for Friday.", quote)
    arts = _copies_corpus()[:-1] + [farmers, teachers]
    index = OverlapIndex.rebuild(arts)
    by_id = {a.id: a for a in arts}
    everything = overlaps(index, by_id, include_non=True, processes=1)
    assert overlaps(index, by_id, processes=1) == [o for o in everything if o.label != "non"]
    ruled_out = [(a, b) for a, b in index.candidate_keys()
                 if pairs.compare(by_id[a], by_id[b], index, shown=False, derived_only=True) is None]
    labels = {(o.a, o.b): o.label for o in everything}
    assert ("q1", "q2") in ruled_out and {labels[key] for key in ruled_out} == {"non"}


def test_two_querying_processes_find_the_pairs_one_does(monkeypatch):
    monkeypatch.setattr(candidates, "QUERY_CHUNK", 3)  # several tasks for each worker
    index = OverlapIndex.rebuild(_copies_corpus()[:-1])
    alone = [astuple(c) for c in index.candidate_pairs(processes=1)]
    assert len(alone) > 6 and alone == [astuple(c) for c in index.candidate_pairs(processes=2)]
    keys = [(a, b) for a, b, *_ in alone]
    assert index.candidate_keys(processes=1) == index.candidate_keys(processes=2) == keys
    first = index.candidate_pairs(processes=2)
    assert next(first) and first.close() is None  # stopping early ends the workers (no hang)


def test_verify_counts_the_shingles_both_share_outside_either_outlets_boilerplate():
    # Two outlets, each with its own trailer in three articles (boilerplate), and copies across them.
    arts = _copies_corpus()[:-1]
    index = OverlapIndex.rebuild(arts)
    outlets = {a.outlet for a in arts}
    assert all(len(index.common_shingles(o)) for o in outlets if o == "Daily")
    checked = 0
    for a in arts:
        for b in arts:
            if a.id >= b.id:
                continue
            ra, rb = index._records[a.id], index._records[b.id]
            left = set(ra.shingles.tolist()) - set(index.common_shingles(ra.outlet).tolist())
            right = set(rb.shingles.tolist()) - set(index.common_shingles(rb.outlet).tolist())
            cand = index.verify(a.id, b.id)
            smaller = min(len(left), len(right))
            assert (cand.shared, cand.containment) == (len(left & right), len(left & right) / smaller if smaller
                                                       else 0.0)
            assert index.effective_size(a.id) == len(left)
            checked += 1
    assert checked > 20


def test_candidates_of_an_article_are_its_lsh_hits_verified_one_by_one():
    arts = _copies_corpus()[:-1]
    index = OverlapIndex.rebuild(arts)
    for a in arts:
        hits = [o for o in index._lsh.query(index._records[a.id].signature) if o != a.id]
        one_by_one = sorted((c for c in (index.verify(a.id, o) for o in hits) if index._accept(c)),
                            key=lambda c: (-c.containment, c.b))
        assert index.candidates_for(a.id) == one_by_one
        assert index.candidates_for(a.id, later=True) == [c for c in one_by_one if c.b > a.id]


def test_candidate_pairs_are_every_articles_candidates_once():
    arts = _copies_corpus()[:-1]
    index = OverlapIndex.rebuild(arts)
    each = {(min(c.a, c.b), max(c.a, c.b)) for a in arts for c in index.candidates_for(a.id)}
    assert len(each) > 6 and sorted(index.candidate_keys(processes=1)) == sorted(each)
