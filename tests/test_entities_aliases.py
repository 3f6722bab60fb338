"""Alias merging, name keys, re-casing and aliases.yaml parsing: pure Python, no model needed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.entities import AliasesError, EntityTable, load_overrides, parse_overrides
from reader.entities.casing import is_caps_line, recase
from reader.entities.names import key
from reader.models import Mention


def mentions_of(*names: tuple[str, str], gap: int = 2) -> list[Mention]:
    """Mentions laid end to end, as if the text were the names separated by `gap` characters ('. ')."""
    out, pos = [], 0
    for text, type_ in names:
        out.append(Mention(pos, pos + len(text), text, type_))
        pos += len(text) + gap
    return out


def test_keys_ignore_titles_possessives_article_and_us_spellings():
    assert key("Mr Wasserman's", "person") == key("Wasserman", "person") == "wasserman"
    assert key("Los Angeles County Supervisor Janice Hahn", "person") == "janice hahn"
    assert key("IOC President Kirsty Coventry", "person") == "kirsty coventry"
    assert key("the Justice Department", "organization") == "justice department"
    assert key("U.S.", "place") == key("US", "place") == key("U.S.A.", "place") == "us"
    # A title alone is not stripped to nothing, and titles stay in organisation names.
    assert key("President", "person") == "president"
    assert key("Mayor's Office", "organization") == "mayor office"
    # British and American spellings of an organisation are one key; a person's name is never respelt.
    assert key("World Health Organisation", "organization") == key("World Health Organization", "organization")
    assert key("Annalisation", "person") == "annalisation"


def test_the_last_words_of_a_longer_name_join_it_in_the_same_article():
    """Reuters: "Denis Bra Kanon", then "Bra Kanon" for the rest of the story."""
    table = EntityTable({"a": mentions_of(("Denis Bra Kanon", "person"), ("Bra Kanon", "person"),
                                          ("Bra Kanon", "person")),
                         "b": mentions_of(("Anna Maria Rossi", "person"), ("Maria Rossi", "person"),
                                          ("Luca Maria Rossi", "person"))})
    person = table.resolve("person", "Bra Kanon")
    assert person.name == "Denis Bra Kanon" and person.mentions == 3
    # Two longer names end with it: which one is meant is not known, so it stays apart.
    assert {e.name for e in table.entities() if "Rossi" in e.name} == {"Anna Maria Rossi", "Maria Rossi",
                                                                       "Luca Maria Rossi"}


def test_angle_brackets_around_a_company_name_are_not_part_of_it():
    """Reuters writes "<Samuel Montagu Ltd>"; the model's span may take one bracket or both."""
    table = EntityTable({"a": mentions_of(("Samuel Montagu", "organization")),
                         "b": mentions_of(("Samuel Montagu Ltd>", "organization")),
                         "c": mentions_of(("<Samuel Montagu", "organization"))})
    assert [(e.name, e.articles) for e in table.entities()] == [("Samuel Montagu Ltd", 3)]


def test_us_spellings_merge_across_articles_and_canonical_is_fullest_frequent():
    table = EntityTable({
        "a": mentions_of(("U.S.", "place"), ("Casey Wasserman", "person"), ("Wasserman", "person")),
        "b": mentions_of(("US", "place"), ("Wasserman", "person"), ("Wasserman", "person")),
        "c": mentions_of(("US", "place"), ("Mr Wasserman", "person")),
    })
    us = table.resolve("place", "U.S.")
    assert us is not None and (us.articles, us.mentions) == (3, 3)
    assert us.name == "US" and us.aliases == ("U.S.",)
    person = table.resolve("person", "Wasserman")
    assert person.name == "Casey Wasserman" and (person.articles, person.mentions) == (3, 5)
    assert [e.name for e in table.entities()] == ["Casey Wasserman", "US"]


def test_ambiguous_surname_without_full_name_stays_apart():
    table = EntityTable({
        "a": mentions_of(("George Bush", "person"), ("Bush", "person")),
        "b": mentions_of(("Jeb Bush", "person"), ("Bush", "person")),
        "c": mentions_of(("Bush", "person")),
        "d": mentions_of(("Hahn", "person")),
        "e": mentions_of(("Janice Hahn", "person")),
    })
    assert table.resolve("person", "George Bush").mentions == 2
    assert table.resolve("person", "Jeb Bush").mentions == 2
    lone = [e for e in table.entities() if e.name == "Bush"]
    assert len(lone) == 1 and lone[0].articles == 1
    # With a single full name in the corpus, a lone surname joins it.
    assert table.resolve("person", "Hahn").name == "Janice Hahn"


def test_lone_surname_joins_a_full_name_that_dominates_a_stray_one():
    """Reuters: "Volcker" is Paul Volcker's, though a headline's "LAWSON CALLS VOLCKER" was tagged too."""
    mentions = {f"p{i}": mentions_of(("Paul Volcker", "person"), ("Volcker", "person")) for i in range(5)}
    mentions["h"] = mentions_of(("LAWSON CALLS VOLCKER", "person"))
    mentions["x"] = mentions_of(("VOLCKER", "person"))
    mentions["y"] = mentions_of(("Volcker", "person"))
    volcker = EntityTable(mentions).resolve("person", "Volcker")
    assert volcker.name == "Paul Volcker" and volcker.articles == 7
    # Two full names of like weight ("George Bush" twice, "Jeb Bush" once): the lone form stays apart.
    bushes = {"a": mentions_of(("George Bush", "person")), "b": mentions_of(("George Bush", "person")),
              "c": mentions_of(("Jeb Bush", "person")), "d": mentions_of(("Bush", "person"))}
    assert EntityTable(bushes).resolve("person", "Bush").name == "Bush"


def test_acronym_joins_its_only_expansion():
    table = EntityTable({
        "a": mentions_of(("International Olympic Committee", "organization")),
        "b": mentions_of(("IOC", "organization"), ("IMF", "organization")),
        "c": mentions_of(("International Monetary Fund", "organization"), ("Iowa Music Fest", "organization")),
    })
    assert table.resolve("organization", "IOC").name == "International Olympic Committee"
    # Two expansions in the corpus: the acronym is left alone rather than guessed.
    assert table.resolve("organization", "IMF").name == "IMF"


def test_an_acronym_of_two_names_does_not_make_them_one():
    """Reuters: "ICO" is the International Cocoa Organization in cocoa stories and the International
    Coffee Organization in coffee stories; joined through their "ICO"s they were one entity."""
    table = EntityTable({
        "cocoa": mentions_of(("International Cocoa Organization", "organization"), ("ICO", "organization")),
        "coffee": mentions_of(("International Coffee Organization", "organization"), ("ICO", "organization")),
        "coffee2": mentions_of(("International Coffee Organization", "organization"), ("ICO", "organization")),
    })
    cocoa = table.resolve("organization", "International Cocoa Organization")
    coffee = table.resolve("organization", "International Coffee Organization")
    assert cocoa.name != coffee.name
    assert (cocoa.articles, coffee.articles) == (1, 2)
    assert [m.text for _, ms in table.for_article("cocoa") for m in ms if m.text == "ICO"] == ["ICO"]
    assert {e.name for e, _ in table.for_article("cocoa")} == {"International Cocoa Organization"}


def test_an_acronym_right_after_a_name_is_its_acronym_whatever_its_letters():
    """ "International Cocoa Organization, ICCO": not the name's initials (ICO), still its acronym, and
    the "ICCO"s of other stories follow it. Only right after the name, and only letters found in it in order."""
    a = [Mention(0, 32, "International Cocoa Organization", "organization"), Mention(34, 38, "ICCO", "organization"),
         Mention(60, 72, "Ghana Cocoa Board", "organization"), Mention(90, 94, "GCMB", "organization")]
    table = EntityTable({"a": a, "b": mentions_of(("ICCO", "organization")),
                         "c": mentions_of(("Ghana Cocoa Board", "organization"), ("XYZ", "organization"))})
    icco = table.resolve("organization", "ICCO")
    assert icco.name == "International Cocoa Organization" and icco.articles == 2
    assert table.resolve("organization", "GCMB").name == "GCMB"  # 18 characters away: not apposed


@given(st.text(alphabet=st.sampled_from("ABCDEFabc ßİ\n.'-é"), max_size=60))
def test_recase_keeps_length(text):
    assert len(recase(text, frozenset({"the", "says"}))) == len(text)


def test_recase_uses_the_case_seen_elsewhere():
    text = "IOC PRESIDENT SAYS NOTHING TO ADD\nThe IOC President said there was nothing to add."
    assert recase(text, frozenset({"says"})).split("\n")[0] == "IOC President says nothing to add"


@pytest.mark.parametrize("line", [
    "IOC PRESIDENT SAYS NOTHING TO ADD", "Star Checks Into Rehab After Night Out", "Willie Wood Adam Hollioake Mark IV",
    "The IOC President said there was nothing to add.", "ABCd", "ABC", "Ab1cd Ef2gh Ij Kl Of", "U.S. TO RAISE RATES",
    "G-7 Meets In Paris On Monday", "a", "", "1987 1988 1989 1990", "NEW YORK, March 3 - Shares of XON rose",
    "Banco do Brasil Says It Will Pay", "MIXED Case with LOTS of CAPITALS in IT",
    "ABCDEFGHIJ k", "Star Checks Into Rehab After a Night Out With Friends Of Hers",  # 10 of 11: on the line
])
def test_a_caps_line_is_told_alike_by_the_ascii_shortcut_and_the_general_rule(line):
    # A no-break space is no letter and no word character: it sends the line down the general path only.
    assert is_caps_line(line) == is_caps_line(line + "\u00a0")


@given(st.text(alphabet=st.sampled_from("ABCDEFabcdef 1_.'-"), max_size=60))
def test_the_ascii_shortcut_of_caps_lines_agrees_with_the_general_rule(line):
    assert is_caps_line(line) == is_caps_line(line + "\u00a0")


def test_overrides_parse_and_validate():
    parsed = parse_overrides("merge:\n  - [U.S., United States]\n  - names: [A, B]\n    name: C\n"
                             "rename:\n  LA28: LA 2028\nhide: [Games]\n")
    assert parsed.merge == ((("U.S.", "United States"), None), (("A", "B"), "C"))
    assert parsed.rename == {"LA28": "LA 2028"} and parsed.hide == ("Games",)
    assert parse_overrides("") == parse_overrides("merge:\nhide:\n")
    apart = parse_overrides("apart:\n  - [GE, [GEC, General Electric Co Plc]]\n  - [Fed, Federal Reserve Bank]\n")
    assert apart.apart == ((("GE",), ("GEC", "General Electric Co Plc")), (("Fed",), ("Federal Reserve Bank",)))


@pytest.mark.parametrize("text, message", [
    ("hide:\n  - Games\nmerge:\n  - [A, B]\n  - just a name\n",
     "aliases.yaml:5: 'merge' must be a list of lists of names"),
    ("merge: [A, B\n", "aliases.yaml:2: invalid YAML"),
    ("rename:\n  - A\n", "aliases.yaml:1: 'rename' must be a mapping of old name: new name"),
    ("hide:\n  - A\nalias:\n  - B\n", "aliases.yaml:3: unknown key 'alias'"),
    ("merge:\n  - names: [A]\n    nom: B\n", "aliases.yaml:2: a 'merge' entry must be"),
    ("!!python/object:os.system x\n", "aliases.yaml:1: invalid YAML"),
    ("apart:\n  - [GE]\n", "aliases.yaml:2: an 'apart' entry must list two names or more"),
    ("apart:\n  - [GE, []]\n", "aliases.yaml:2: an 'apart' entry must list two names or more"),
    ("apart: GE\n", "aliases.yaml:1: 'apart' must be a list of lists of names"),
])
def test_malformed_overrides_name_file_and_line(text, message):
    with pytest.raises(AliasesError) as info:
        parse_overrides(text, "/some/dir/aliases.yaml")
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)


def test_load_keeps_last_good_overrides(tmp_path):
    path = tmp_path / "aliases.yaml"
    assert load_overrides(path) == (parse_overrides(""), None)
    path.write_text("hide: [Games]\n", encoding="utf-8")
    good, error = load_overrides(path)
    assert error is None and good.hide == ("Games",)
    path.write_text("hide: Games\nmerge: 3\n", encoding="utf-8")
    kept, error = load_overrides(path, good)
    assert kept is good
    assert str(error) == "aliases.yaml:1: 'hide' must be a list of names"


def test_names_do_not_start_with_a_lower_case_word():
    from reader.entities.refine import refine
    from reader.models import Mention

    text = t = "Shr 22 cts vs 15 cts. CTS Corp said de Gaulle and van Gogh were not al-Assad."
    raw = [Mention(t.find(w, at), t.find(w, at) + len(w), w, kind) for w, at, kind in (
        ("cts", 0, "organization"), ("cts", 10, "organization"), ("CTS Corp", 0, "organization"),
        ("de Gaulle", 0, "person"), ("van Gogh", 0, "person"), ("al-Assad", 0, "person"))]
    kept = [m.text for m in refine(text, raw, frozenset())]
    assert "cts" not in kept and "CTS Corp" in kept
    assert {"de Gaulle", "van Gogh", "al-Assad"} <= set(kept)


def test_a_one_word_short_form_does_not_join_different_organisations():
    from reader.entities.aliases import EntityTable
    from reader.models import Mention

    def mention(text: str, at: int) -> Mention:
        return Mention(at, at + len(text), text, "organization")

    table = EntityTable({
        "a": [mention("Bank of England", 0), mention("Bank", 40)],
        "b": [mention("Bank of Japan", 0), mention("Bank", 40)],
    })
    names = {e.name for e in table.entities(type="organization")}
    assert {"Bank of England", "Bank of Japan"} <= names
    england = table.resolve("organization", "Bank of England")
    assert "Bank of Japan" not in england.aliases


def test_company_form_words_alone_are_not_an_organisation():
    from reader.entities.names import company_form_only

    assert company_form_only("Co Ltd") and company_form_only("Inc.") and company_form_only("Co")
    assert not company_form_only("Carling O'Keefe Co Ltd") and not company_form_only("Apple Inc")


def test_counts_over_some_articles_are_those_of_a_count_by_hand():
    """entities(article_ids=…) counts each entity's articles and mentions among those ids only."""
    import random

    from reader.entities.aliases import EntityTable
    from reader.models import Mention

    rng = random.Random(2)
    names = [("Casey Wasserman", "person"), ("Karen Bass", "person"), ("Los Angeles", "place"),
             ("LA28", "organization"), ("Reuters", "organization")]
    mentions = {}
    for n in range(60):
        found = []
        for name, kind in rng.sample(names, rng.randint(0, 4)):
            for k in range(rng.randint(1, 3)):
                found.append(Mention(k * 40, k * 40 + len(name), name, kind))
        mentions[f"a{n}"] = found
    table = EntityTable(mentions)
    for _ in range(20):
        ids = rng.sample(sorted(mentions), rng.randint(0, 60))
        for kind in (None, "person", "place"):
            got = {(e.name, e.type): (e.articles, e.mentions) for e in table.entities(kind, ids)}
            expected = {}
            for name, t in names:
                if kind not in (None, t):
                    continue
                holding = [a for a in ids if any(m.text == name for m in mentions[a])]
                if holding:
                    expected[(name, t)] = (len(holding), sum(1 for a in holding for m in mentions[a] if m.text == name))
            assert got == expected
            ranked = table.entities(kind, ids, limit=2)
            assert [(e.name, e.type) for e in ranked] == [(e.name, e.type) for e in table.entities(kind, ids)][:2]


def test_a_clipped_short_form_joins_the_name_it_stands_for_not_a_name_its_letters_spell():
    """Reuters: "Fed" is the Federal Reserve Board's (the two side by side in story after story), never the
    "Frontier Exploration Department" whose initials it happens to spell: a word is not an acronym."""
    table = EntityTable({
        "a": mentions_of(("Federal Reserve Board", "organization"), ("Fed", "organization")),
        "b": mentions_of(("Federal Reserve Board", "organization"), ("Fed", "organization")),
        "c": mentions_of(("Fed", "organization")),
        "d": mentions_of(("Frontier Exploration Department", "organization")),
    })
    fed = table.resolve("organization", "Fed")
    assert (fed.name, fed.articles) == ("Federal Reserve Board", 3)
    assert table.resolve("organization", "Frontier Exploration Department").aliases == ()
    # Written in capitals, the same letters are an acronym, and join the name they spell.
    table = EntityTable({"a": mentions_of(("International Olympic Committee", "organization")),
                         "b": mentions_of(("IOC", "organization"))})
    assert table.resolve("organization", "IOC").name == "International Olympic Committee"


def test_a_generic_short_form_joins_its_long_form_in_that_article_only():
    """ "Central Bank" is the Central Bank of Barbados in the story that names it, and any bank elsewhere: used
    alone in far more stories (WIDER times), the lone ones do not become Barbados's, nor Barbados theirs."""
    table = EntityTable({
        "a": mentions_of(("Central Bank of Barbados", "organization"), ("Central Bank", "organization")),
        **{f"lone{i}": mentions_of(("Central Bank", "organization")) for i in range(5)},
    })
    found = {(e.name, e.articles, e.mentions) for e in table.entities()}
    assert found == {("Central Bank of Barbados", 1, 2), ("Central Bank", 5, 5)}


def test_a_company_full_name_is_nobody_s_short_form():
    """ "General Electric Credit Corp, a unit of General Electric Co": the parent is not the unit."""
    table = EntityTable({
        "a": mentions_of(("General Electric Credit Corp", "organization"), ("General Electric Co", "organization")),
        "b": mentions_of(("General Electric Co", "organization")),
    })
    assert {(e.name, e.articles) for e in table.entities()} == {("General Electric Credit Corp", 1),
                                                                ("General Electric Co", 2)}


def test_a_company_acronym_spells_out_only_a_company_name():
    """ "USG Corp" is a company, not the U.S. Government; "IBM Corp" is International Business Machines Corp."""
    table = EntityTable({
        "a": mentions_of(("U.S. Government", "organization")),
        "b": mentions_of(("USG Corp", "organization")),
        "c": mentions_of(("International Business Machines Corp", "organization")),
        "d": mentions_of(("IBM Corp", "organization")),
    })
    assert table.resolve("organization", "USG Corp").name == "USG Corp"
    assert table.resolve("organization", "U.S. Government").aliases == ()
    assert table.resolve("organization", "IBM Corp").name == "International Business Machines Corp"


def test_the_canonical_name_is_the_fullest_form_the_corpus_uses():
    """A thousand "Reagan"s and a few "Ronald Reagan"s: the corpus's full name for him is "Ronald Reagan"; a
    one-off mis-span beside many mentions is not taken."""
    table = EntityTable({
        **{f"r{i}": mentions_of(("Reagan", "person")) for i in range(60)},
        "full1": mentions_of(("Ronald Reagan", "person"), ("Reagan", "person")),
        "full2": mentions_of(("Ronald Reagan", "person"), ("Reagan", "person")),
        "odd": mentions_of(("Ronald Reagan Administration Official", "person"), ("Reagan", "person")),
    })
    reagan = table.resolve("person", "Reagan")
    assert reagan.name == "Ronald Reagan"


def test_government_bodies_named_both_ways_and_company_forms_spelled_out_are_one_key():
    assert key("U.S. Department of Agriculture", "organization") == key("Agriculture Department", "organization")
    assert key("Ministry of Finance", "organization") == key("Finance Ministry", "organization")
    assert key("Commodity Credit Corporation", "organization") == key("Commodity Credit Corp", "organization")
    assert key("Office of the Comptroller of the Currency", "organization").startswith("office of")


def test_explain_names_the_evidence_of_each_merge():
    table = EntityTable({
        "a": mentions_of(("Federal Reserve Board", "organization"), ("Fed", "organization")),
        "b": mentions_of(("Federal Reserve Board", "organization"), ("Fed", "organization")),
        "c": mentions_of(("Fed", "organization")),
        "d": mentions_of(("FEDERAL RESERVE BOARD", "organization")),
        "e": mentions_of(("Paul Volcker", "person"), ("Volcker", "person")),
    }, parse_overrides("merge:\n  - [Paul Volcker, Federal Reserve Board]\n", "aliases.yaml"))
    explained = table.explain("Fed")
    why = {(e["form"], e["joined"], e["why"]) for e in explained["evidence"]}
    assert ("Fed", "Federal Reserve Board", "a short form of the longer name in the same article") in why
    assert any(form == "Fed" and "alone" in text for form, _, text in why)  # article c's lone "Fed"
    assert any("aliases.yaml" in text for _, _, text in why)
    assert ["Federal Reserve Board", "FEDERAL RESERVE BOARD"] in explained["written_alike"]
    assert table.explain("Nobody") is None


def _general_electric() -> EntityTable:
    """Reuters' GE and the British GEC, joined by the merging (their full names key alike)."""
    return EntityTable({
        "a": mentions_of(("General Electric Co", "organization"), ("GE", "organization")),
        "b": mentions_of(("General Electric Co", "organization"), ("General Electric", "organization")),
        "c": mentions_of(("General Electric Co Plc", "organization"), ("GEC", "organization")),
        "d": mentions_of(("General Electric Co Plc", "organization"), ("GEC", "organization")),
    })


def test_apart_takes_each_later_side_out_with_its_mentions():
    table = _general_electric()
    assert len(table.entities()) == 1  # the wrong merge, as the merging makes it
    split = table.with_overrides(parse_overrides("apart:\n  - [General Electric Co, [General Electric Co Plc, GEC]]\n"))
    by_name = {e.name: e for e in split.entities()}
    assert set(by_name) == {"General Electric Co", "General Electric Co Plc"}
    assert by_name["General Electric Co Plc"].aliases == ("GEC",) and by_name["General Electric Co Plc"].articles == 2
    assert set(by_name["General Electric Co"].aliases) == {"General Electric", "GE"}  # the first keeps the rest
    assert split.index_terms("c")["org"] == ["General Electric Co Plc", "GEC"]
    explained = split.explain("GEC")
    assert explained["apart"] == ["General Electric Co"] and explained["entity"]["name"] == "General Electric Co Plc"
    assert len(table.entities()) == 1  # the base table is left as it was


def test_apart_wins_over_a_merge_and_leaves_other_entities_alone():
    table = _general_electric().with_overrides(parse_overrides(
        "merge:\n  - [GE, GEC]\napart:\n  - [GE, GEC]\n"))
    gec = table.resolve("organization", "GEC")
    assert len(table.entities()) == 2 and gec.name == "GEC" and gec.aliases == () and gec.articles == 2
    untouched = EntityTable({"x": mentions_of(("Karen Bass", "person"))})
    assert untouched.with_overrides(parse_overrides("apart:\n  - [GE, GEC]\n")).entities() == untouched.entities()
