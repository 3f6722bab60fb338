"""Names the model never tags, proposed by the corpus pass from capitalised runs (no spaCy: mentions given)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from reader.entities import EntityTable
from reader.entities.capitalised import _common, _spans, proposals
from reader.entities.corpus import _word_counts, propagate
from reader.models import Mention

FIXTURE = json.loads((Path(__file__).parent / "data" / "entities" / "capitalised.json").read_text(encoding="utf-8"))
TEXTS: dict[str, str] = FIXTURE["texts"]


def _tagged() -> dict[str, list[Mention]]:
    out = {doc: [] for doc in TEXTS}
    for doc, names in FIXTURE["tagged"].items():
        for name, type_ in names:
            start = TEXTS[doc].index(name)
            out[doc].append(Mention(start, start + len(name), name, type_))
    return out


def test_runs_mid_sentence_only_count_and_a_sentence_start_drops_its_first_word():
    text = ("The Amex said so. Traders at Banco do Brasil's desk and\nBANCO DO BRASIL SAYS\nShares of (Amex) rose. "
            "Banco do Brasil fell.")
    lowered, capital = Counter(the=9, traders=3, shares=5), Counter(the=2, traders=1, shares=1)
    spans = {(text[s:e], form, mid) for s, e, form, mid in _spans(text, lowered, capital)}
    assert ("Amex", "amex", True) in spans and ("The Amex", "the amex", False) in spans
    assert ("Banco do Brasil", "banco do brasil", True) in spans  # the possessive is not the name's
    assert ("Traders", "traders", False) in spans
    assert ("Amex", "amex", True) in spans and ("Shares of", "shares of", False) not in spans
    assert ("Banco do Brasil", "banco do brasil", False) in spans and ("Brasil", "brasil", True) not in spans
    assert not any("BANCO" in s for s, _, _ in spans)  # a headline says nothing of how a word is written


def test_common_words_months_titles_and_initials():
    lowered, capital = Counter(board=50, exchange=9, stock=80), Counter(board=4, exchange=3, stock=2, amex=5)
    assert _common("board", lowered, capital) and _common("stock exchange", lowered, capital)
    assert _common("march", lowered, capital) and _common("minister", lowered, capital)
    assert not _common("amex", lowered, capital) and not _common("s and p", lowered, capital)
    assert _common("i", lowered, capital)  # one letter alone is no name


def test_capitalised_names_the_model_missed_are_proposed_and_typed_by_the_corpus():
    mentions = _tagged()
    tagged = {" ".join(m.text.split()).lower() for ms in mentions.values() for m in ms}
    lowered, capital = _word_counts(TEXTS.values())
    found = proposals(TEXTS, mentions, tagged, lowered, capital)
    typed = Counter((m.text, m.type) for ms in found.values() for m in ms)
    # Heads a company's name the model tagged; an organisation's words around it; "in X"; a company's name.
    assert typed[("Banco do Brasil", "organization")] == 3
    assert typed[("Amex", "organization")] >= 4
    assert typed[("Zorbania", "place")] >= 4
    assert typed[("Quorvex", "organization")] >= 3
    # Common words, months and days, names the model tagged, sentence starts only, a headline: nothing.
    assert set(typed) == {("Banco do Brasil", "organization"), ("Amex", "organization"), ("Zorbania", "place"),
                          ("Quorvex", "organization")}
    for doc, ms in found.items():
        assert all(TEXTS[doc][m.start:m.end] == m.text for m in ms)


def test_proposals_are_shown_as_entities_and_never_cover_the_model_own():
    mentions = _tagged()
    out = propagate(TEXTS, mentions)
    assert all(m in out[doc] for doc, ms in mentions.items() for m in ms)
    table = EntityTable(out)
    banco = table.resolve("organization", "Banco do Brasil")
    assert banco is not None and banco.articles == 3
    assert table.resolve("place", "Zorbania").articles >= 4
    assert table.resolve("organization", "Board") is None and table.resolve("place", "Monday") is None


def test_a_name_seen_in_too_few_articles_or_with_no_evidence_is_not_proposed():
    texts = {"a": "Growers said Glimmerton rose.", "b": "Analysts said Glimmerton fell.",
             "c": "He met Glimmerton today.", "d": "Prices in Vostrava fell. Buyers in Vostrava paid."}
    lowered, capital = _word_counts(texts.values())
    assert proposals(texts, {d: [] for d in texts}, set(), lowered, capital) == {}


def test_a_name_the_model_split_at_its_connector_is_proposed_whole_and_replaces_the_pieces():
    """Reuters' "Banco do Brasil": the model tags "Banco" and "Brasil" apart (a person!); "Brasil" is seldom
    written but after "do". "Maria Ramirez of Drexel": a person of a firm, two names."""
    texts = {d: f"Traders said {t} rose, and analysts at Drexel said so." for d, t in
             (("a", "Banco do Brasil"), ("b", "the Banco do Brasil"), ("c", "a loan of Banco do Brasil"),
              ("d", "Jornal do Brasil"))}
    texts["e"] = "Buyers said Maria Ramirez of Drexel rose. Buyers said Maria Ramirez of Drexel fell. " * 2
    texts["f"] = "Buyers said Maria Ramirez of Drexel agreed; state-controlled <Banco do Brasil SA> paid."
    mentions = {doc: [] for doc in texts}
    for doc, text in texts.items():
        for name, type_ in (("Banco", "organization"), ("Brasil", "person"), ("Maria Ramirez", "person"),
                            ("Drexel", "organization")):
            at = -1
            while (at := text.find(name, at + 1)) >= 0:
                mentions[doc].append(Mention(at, at + len(name), name, type_))
    out = propagate(texts, {doc: sorted(ms, key=lambda m: m.start) for doc, ms in mentions.items()})
    names = Counter((m.text, m.type) for ms in out.values() for m in ms)
    assert names[("Banco do Brasil", "organization")] == 3
    assert ("Banco", "organization") not in names or names[("Banco", "organization")] <= 2  # d's and f's pieces
    assert names[("Maria Ramirez", "person")] == 5 and not any("Ramirez of" in n for n, _ in names)
