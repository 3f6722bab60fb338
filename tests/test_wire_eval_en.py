"""bench/wire_eval_en.py: pair making (trim, reorder, reword, quotes), gold criteria, metrics and rules."""

from __future__ import annotations

import difflib
import random

import pytest

from bench import wire_eval_en as ev
from reader.models import Article, Paragraph

# Our own tiny texts: no corpus text may appear in the repo.
PARAS = [
    "The town council of Millbrook voted on Monday to close the old footbridge over the river.",
    "Engineers said the bridge was unsafe after the spring floods and would cost too much to repair.",
    "\"We have no choice but to shut it before someone gets hurt,\" the mayor told reporters outside the hall.",
    "A new crossing is planned for next year, the council said in a statement.",
    "Residents will have to use the road bridge two miles downstream until then.",
    "The footbridge was built in 1921 and is a favourite with walkers.",
]


def _doc(aid: str, paras: list[str], group: str = "g") -> ev.Doc:
    article = Article(aid, aid, aid, tuple(Paragraph(p) for p in paras), aid)
    return ev.Doc.of(article, group)


def test_trim_cuts_thirty_to_sixty_percent_from_the_end():
    for seed in range(50):
        out = ev.trim(PARAS, random.Random(seed))
        assert out == PARAS[:len(out)]
        assert 0.3 * 6 - 0.5 <= 6 - len(out) <= 0.6 * 6 + 0.5
    assert ev.trim(PARAS[:2], random.Random(0)) == PARAS[:1]  # one cut, one kept


def test_reorder_changes_the_order_and_keeps_every_paragraph():
    for seed in range(20):
        lede = ev.reorder(PARAS, random.Random(seed), keep_lede=True)
        assert lede[0] == PARAS[0] and sorted(lede) == sorted(PARAS) and lede != PARAS
        free = ev.reorder(PARAS, random.Random(seed), keep_lede=False)
        assert sorted(free) == sorted(PARAS) and free != PARAS
    assert ev.reorder(PARAS[:1], random.Random(0), keep_lede=False) == PARAS[:1]


def test_reword_changes_a_few_words_per_sentence_in_order():
    out = ev.reword(PARAS, random.Random(3))
    assert len(out) == len(PARAS)
    for old, new in zip(PARAS, out, strict=True):
        a, b = old.split(), new.split()
        assert a[0] == b[0]  # the first word stays
        ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
        changed = sum(i2 - i1 for tag, i1, i2, _, _ in ops if tag != "equal")
        assert 1 <= changed <= 3 * len(ev.split_sentences(old))


def test_reword_prefers_synonyms():
    out = ev.reword(["The company said profits rose."], random.Random(0))[0]
    assert out != "The company said profits rose."
    assert any(w in out for w in ("firm", "stated", "climbed"))


def test_make_copy_applies_steps_then_the_trailer():
    trailer = ev.TRAILERS["Example Herald"]
    out = ev.make_copy(PARAS, ("trim", "reorder_all"), random.Random(1), trailer)
    assert out[-1] == trailer
    assert set(out[:-1]) < set(PARAS) and len(out) - 1 < len(PARAS)


def test_find_and_insert_quote():
    quote = ev.find_quote(PARAS, random.Random(0))
    assert quote is not None and quote.startswith('"We have no choice')
    assert ev.find_quote(["No quotes here at all, only plain reporting of the facts today."],
                         random.Random(0)) is None
    other = ["First paragraph of another story.", "Second paragraph.", "Third."]
    for seed in range(10):
        out = ev.insert_quote(other, quote, random.Random(seed))
        assert out.count(quote) == 1 and out[0] == other[0]
        assert [p for p in out if p != quote] == other


def test_split_sentences():
    assert ev.split_sentences('He left. "Why?" she asked. 3 more came.') == ["He left.", '"Why?" she asked.',
                                                                             "3 more came."]


def test_same_event_criteria():
    a = _doc("a", PARAS)
    assert ev.same_event_class(a, _doc("b", [p.upper() for p in PARAS])) == "reprint"  # case only
    near = PARAS[:-1] + ["The footbridge was built in 1921 and is loved by walkers."]
    assert ev.same_event_class(a, _doc("c", near)) == "reprint"
    other = ["Millbrook council shut its footbridge, citing flood damage; a replacement is due in a year.",
             "Walkers are unhappy, and the mayor blamed the weather for the decision."]
    assert ev.same_event_class(a, _doc("d", other)) == "independent"
    shared_run = other + ["Residents will have to use the road bridge two miles downstream."]
    assert ev.same_event_class(a, _doc("e", shared_run)) == "ambiguous"


def test_reprint_ratio_bounds():
    assert ev.reprint_ratio(list("abcdefghij"), list("abcdefghij")) == 1.0
    assert ev.reprint_ratio(list("abcdefghij"), list("klmnopqrst")) == 0.0


def test_reuters_paragraphs_unwrap_and_drop_the_signoff():
    body = "First line of the\nlede goes on.\n    Second paragraph\nwrapped here.\n Reuter\n"
    assert ev.reuters_paragraphs(body) == ["First line of the lede goes on.", "Second paragraph wrapped here."]


def test_reprint_pairs_one_per_cluster():
    text = [" ".join(f"w{i}" for i in range(60))]
    docs = [_doc("x1", text), _doc("x2", text), _doc("x3", text), _doc("y", [" ".join(f"v{i}" for i in range(60))])]
    out = ev.PairSet()
    members = ev.reprint_pairs(docs, "k_reprint", random.Random(0), out)
    assert members == {"x1", "x2", "x3"}
    assert len(out.pairs) == 1 and out.pairs[0].gold and {out.pairs[0].a.id, out.pairs[0].b.id} < members
    assert sum(out.left_out.values()) == 2


def test_prf():
    f = ev.prf([True, True, False, False, True], [True, False, True, False, True])
    assert (f["tp"], f["fp"], f["fn"]) == (2, 1, 1)
    assert f["precision"] == pytest.approx(2 / 3) and f["recall"] == pytest.approx(2 / 3)
    assert f["f1"] == pytest.approx(2 / 3)
    assert ev.prf([False], [False])["f1"] == 0.0


def _result(label, run=0, share=0.0, share_a=0.0, share_b=0.0):
    return {"label": label, "share_a": share_a, "share_b": share_b, "shared_words": 0, "matched": 1,
            "longest_run": run, "features": {"share": share, "length_ratio": 1.0, "c1": 0.5}}


def test_rules_parse_and_apply():
    rule = ev.parse_rule("partially: run>=10 & share>=0.2")
    assert rule == [("partially", [[("run", ">=", 10.0)], [("share", ">=", 0.2)]])]
    assert ev.apply_rule(rule, _result("partially", run=12, share=0.3)) == "partially"
    assert ev.apply_rule(rule, _result("partially", run=12, share=0.1)) == "non"
    assert ev.apply_rule(rule, _result("wholly", run=1)) == "wholly"  # out of the clause's scope
    assert ev.apply_rule(ev.parse_rule("derived: c1>0.9"), _result("wholly")) == "non"
    assert ev.apply_rule(ev.parse_rule("non: share_max>=0.5"), _result("non", share_a=0.6)) == "partially"
    either = ev.parse_rule("derived: run>=10 | share>=0.5; partially: share>=0.2")
    assert ev.apply_rule(either, _result("wholly", run=3, share=0.9)) == "wholly"
    assert ev.apply_rule(either, _result("partially", run=3, share=0.3)) == "non"
    assert ev.apply_rule(either, _result("partially", run=12, share=0.3)) == "partially"
    assert ev.apply_rule(either, _result("partially", run=12, share=0.1)) == "non"
    with pytest.raises(ValueError):
        ev.parse_rule("maybe: run>1")
    with pytest.raises(ValueError):
        ev.parse_rule("partially: run is big")


def test_figures_and_confusion():
    rows = [{"kind": "k1", "gold": True, "group": "1", "alone": _result("wholly"), "corpus": _result("partially")},
            {"kind": "ecb_cross_event", "gold": False, "group": "2", "alone": _result("partially"),
             "corpus": _result("non")}]
    for r in rows:
        r["corpus"]["candidate"] = True
    figs = ev.figures(rows)
    assert figs["alone"]["cross_event_derived"] == 1 and figs["corpus"]["cross_event_derived"] == 0
    assert figs["alone"]["derived"]["precision"] == 0.5 and figs["corpus"]["derived"]["f1"] == 1.0
    assert figs["corpus"]["confusion"]["k1"] == {"partially": 1}
    assert figs["corpus"]["candidate_recall"] == 1.0
    assert ev.rule_figures(rows, "partially: run>=5", "alone")["cross_event_derived"] == 0


def test_split_halves_keeps_groups_whole():
    rows = [{"group": str(i % 7)} for i in range(40)]
    a, b = ev.split_halves(rows, 0)
    assert len(a) + len(b) == 40 and not {r["group"] for r in a} & {r["group"] for r in b}


def test_limited_is_seeded_and_per_kind():
    art = Article("x", "x", "x", (), "x")
    pairs = [ev.Pair("k1" if i % 2 else "k2", art, art, True, str(i)) for i in range(20)]
    out = ev.limited(pairs, 3, 1)
    assert out == ev.limited(pairs, 3, 1) and len(out) == 6


def test_missing_data_exits_2(tmp_path, capsys):
    assert ev.main(["--ecb", str(tmp_path), "--reuters", str(tmp_path), "--bbc", str(tmp_path)]) == 2
    assert "not found" in capsys.readouterr().out


def test_score_runs_both_modes_on_tiny_articles():
    def art(aid, paras, outlet):
        return ev._article(aid, aid, paras, outlet, None)

    src = art("src", PARAS, "Wire")
    copy = art("copy", ev.make_copy(PARAS, ("trim",), random.Random(0), ev.TRAILERS["Demo Courier"]), "Demo Courier")
    other = art("other", ["An unrelated story about a cricket match in the rain, abandoned after lunch.",
                          "The home side were ahead by forty runs when the umpires called it off."], "Wire")
    pairs = [ev.Pair("made_trim", src, copy, True, "src"), ev.Pair("quote_x", src, other, False, "src")]
    rows, times = ev.score(pairs)
    assert times["articles"] == 3
    assert rows[0]["alone"]["label"] != "non" and rows[0]["corpus"]["candidate"]
    assert rows[1]["alone"]["label"] == "non" and not rows[1]["corpus"]["candidate"]
    assert set(rows[0]["corpus"]["features"]) >= {"c1", "share", "longest_run"}


def test_near_exact_reprints_must_keep_their_figures():
    base = "The central bank added 2.5 billion dlrs of reserves to the banking system via repurchase agreements"
    a = _doc("a", [base + " today, a spokesman said, in a routine operation that dealers had expected."])
    b = _doc("b", [base + " today, a spokesman said, in a routine operation that traders had expected."])
    c = _doc("c", [base.replace("2.5", "1.5") + " today, a spokesman said, in a routine operation that dealers"
                   " had expected."])
    assert ev.is_reprint(a, b, same_figures=True)
    assert not ev.is_reprint(a, c, same_figures=True)  # a Reuters template with other numbers: another story
    assert ev.is_reprint(a, c)


def test_partial_pairs_put_agency_paragraphs_after_the_lede():
    own = ["Our own lede about the harbour festival this weekend in the old port of Eastwick.",
           "Organisers expect ten thousand visitors and have hired extra buses for the day.",
           "Local cafes will stay open late, the chamber of commerce said on Tuesday.",
           "Parking will be free in the council car parks from Saturday morning."]
    pool = [_doc("own", own, "g2"), _doc("agency", PARAS, "g1")]
    out = ev.PairSet()
    ev.partial_pairs(pool, "x", 1, random.Random(0), out)
    (pair,) = out.pairs
    paras = [p.text for p in pair.b.paragraphs]
    assert pair.gold and pair.a.id == "agency" and paras[0] == own[0]
    assert paras[1:3] == PARAS[:2] and paras[-1] in ev.TRAILERS.values()
