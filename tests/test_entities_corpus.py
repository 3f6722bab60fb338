"""Corpus-level pass, results lines, line boundaries and organisation short forms (real model where NER runs)."""

from __future__ import annotations

from reader.entities import EntityTable, corpus_mentions
from reader.entities.evidence import shortens
from reader.entities.corpus import propagate
from reader.entities.names import acronym, key
from reader.entities.ner import OTHER
from reader.entities.pipeline import tag_texts
from reader.entities.refine import table_label
from reader.entities.results import teams
from reader.models import Article, Mention, Paragraph
from tests.test_entities_aliases import mentions_of


def tag(*texts: str) -> dict[str, list[Mention]]:
    return dict(tag_texts((str(i), t) for i, t in enumerate(texts)))


def test_no_mention_crosses_a_line_break():
    found = tag("Results from the weekend.\nWillie\nWood scored twice for the club in Glasgow.\n"
                "AMERICAN LEAGUE\nEASTERN DIVISION")
    assert found["0"]
    assert all("\n" not in m.text for m in found["0"])


def test_scores_and_brackets_are_cut_off_names():
    text = "Cricket scores on Friday.\nDurham 114 all out against Essex.\nScott Draper (Australia) won."
    names = {m.text for m in tag(text)["0"]}
    assert names
    assert not any(ch.isdigit() for n in names for ch in n)
    assert not any("(" in n for n in names)


def test_score_lines_and_standings_rows_name_teams():
    text = "Scottish league results.\nMontrose 2 Ross County 1\nAyr 3 1 2 0 8 2 5\nLONDON 1996-08-30\nJ. Adams 123"
    found = {(m.text, m.type) for m in teams(text)}
    assert found == {("Montrose", "organization"), ("Ross County", "organization"), ("Ayr", "organization")}
    for m in teams(text):
        assert text[m.start:m.end] == m.text


EARNINGS = """Harbour Freight Corp said first quarter results improved.
Shr 22 cts vs 15 cts
Net 1,234,000 vs 987,000
Revs 12.3 mln vs 10.1 mln
Avg shrs 5,000,000 vs 4,900,000
JUL7  163 1/2 UP  2
Year Shr seven cts vs 20 cts Revs 27.1 mln vs 27.3 mln Avg shrs 4,763,793 vs 3,377,157
Chairman Walter Brandt told reporters in Chicago that sales rose.
Brandt 12 pct.
"""


def test_table_labels_and_names_with_figures_are_not_people():
    """Wire results tables, as rows or reflowed into one line: their labels are not names; the prose is."""
    found = {(m.text, m.type) for m in tag(EARNINGS)["0"]}
    assert not {t for t, _ in found} & {"Shr", "Net", "Revs", "Avg", "JUL7"}
    assert ("Walter Brandt", "person") in found and ("Brandt", "person") in found  # "Brandt 12 pct." is a sentence
    assert table_label(EARNINGS, EARNINGS.index("Revs 12"), EARNINGS.index("Revs 12") + 4)
    assert not table_label(EARNINGS, EARNINGS.index("Brandt 12"), EARNINGS.index("Brandt 12") + 6)
    assert not table_label("Arsenal vs Chelsea on Sunday.", 0, 7)
    # Propagation does not put a name into a table row either, whatever other articles say.
    texts = {"a": "Revs Harlow spoke.", "b": EARNINGS}
    out = propagate(texts, {"a": [Mention(0, 11, "Revs Harlow", "person"), Mention(0, 4, "Revs", "person")],
                            "b": []})
    assert not [m for m in out["b"] if m.text == "Revs"]


def test_groups_outvote_a_stray_person_and_are_never_shown():
    """"Soviet" read as a group (NORP) in most articles and as a person once: neither is kept."""
    texts = {str(i): f"Soviet officials met on day {i}." for i in range(4)}
    mentions = {str(i): [Mention(0, 6, "Soviet", OTHER if i < 3 else "person")] for i in range(4)}
    out = propagate(texts, mentions)
    assert all(ms == [] for ms in out.values())
    table = EntityTable(mentions)  # the per-article mentions as cached: the group type is skipped there too
    assert [e.name for e in table.entities()] == ["Soviet"] and table.entities()[0].type == "person"
    assert EntityTable(out).entities() == []


def test_a_person_made_of_the_corpus_common_words_is_dropped():
    """Reuters writes "dlrs" in lower case thousands of times: "U.S. DLRS" in a table is nobody."""
    texts = {str(i): f"It paid {i} mln dlrs, up from 2 mln dlrs. Young said so." for i in range(30)}
    texts["t"] = "U.S. DLRS 1.2345"
    mentions = {k: [Mention(t.index("Young"), t.index("Young") + 5, "Young", "person")] if "Young" in t else []
                for k, t in texts.items()}
    mentions["t"] = [Mention(0, 9, "U.S. DLRS", "person")]
    out = propagate(texts, mentions)
    assert out["t"] == []
    assert all([m.text for m in out[str(i)]] == ["Young"] for i in range(30))  # "young" is never lower case here


def test_a_month_abbreviation_alone_is_not_a_person():
    """ "May 15/Jun 15 shipment": the model's "Jun" was Reuters' 11th most mentioned person."""
    text = "Rapeseed oil for May 15/Jun 15 shipment at 321 dlrs. Jun Azumi spoke."
    month, name = text.index("Jun"), text.index("Jun Azumi")
    texts = {"a": text}
    mentions = {"a": [Mention(month, month + 3, "Jun", "person"), Mention(name, name + 9, "Jun Azumi", "person")]}
    assert [m.text for m in propagate(texts, mentions)["a"]] == ["Jun Azumi"]


def test_a_name_found_in_one_document_is_tagged_in_another():
    texts = {"a": "Adam Hollioake made 70 runs.", "b": "and then Hollioake took two wickets."}
    mentions = {"a": [Mention(0, 14, "Adam Hollioake", "person")], "b": []}
    out = propagate(texts, mentions)
    assert out["b"] == [Mention(9, 18, "Hollioake", "person")]
    assert out["a"] == mentions["a"]


def test_majority_type_wins_across_documents_and_lower_case_words_do_not_spread():
    texts = {str(i): f"Leicestershire won. Men ran. {i}" for i in range(4)}
    mentions = {str(i): [Mention(0, 14, "Leicestershire", "organization" if i < 3 else "place"),
                         Mention(20, 23, "Men", "organization")] for i in range(4)}
    texts["4"], mentions["4"] = "and then Leicestershire and Men met, and the men left.", []
    out = propagate(texts, mentions)
    assert {m.type for i in "0123" for m in out[i] if m.text == "Leicestershire"} == {"organization"}
    assert [m.text for m in out["4"]] == ["Leicestershire"]


def test_corpus_mentions_leave_boilerplate_alone():
    articles = [Article("a", "a", "a", (Paragraph("Adam Hollioake made 70."),), "sha-a"),
                Article("b", "b", "b", (Paragraph("Hollioake bowled."), Paragraph("Hollioake Ltd ad", True)),
                        "sha-b")]
    out = corpus_mentions(articles, {"a": [Mention(0, 14, "Adam Hollioake", "person")], "b": []})
    assert [(m.start, m.text) for m in out["b"]] == [(0, "Hollioake")]


def test_us_prefix_acronyms_and_short_forms():
    assert key("US Justice Department", "organization") == key("Justice Department", "organization")
    assert key("U. S. Geological Survey", "organization") == key("United States Geological Survey",
                                                                  "organization")
    assert key("US Open", "organization") == "us open"  # the whole name is not cut to "open"
    assert acronym("U.S. Geological Survey") == "usgs"
    assert acronym("Electronic Data Systems Corp.") == "eds"
    assert shortens("la times", "los angeles times")
    assert shortens("morningside recovery", "morningside recovery center")
    assert not shortens("los angeles times", "la times")
    assert not shortens("apple", "pineapple express")


def test_organisation_short_form_joins_its_long_form_in_the_article():
    names = ["Los Angeles Times", "LA Times", "Justice Department", "US Justice Department"]
    text = ". ".join(names)
    ms, pos = [], 0
    for name in names:
        ms.append(Mention(pos, pos + len(name), name, "organization"))
        pos += len(name) + 2
    entities = EntityTable({"a": ms}).entities()
    assert sorted((e.name, e.mentions) for e in entities) == [
        ("Los Angeles Times", 2), ("US Justice Department", 2)], text


def _marked(text: str, *names: tuple[str, str]) -> list[Mention]:
    """Mentions of each (name, type) at every place the name occurs in `text`."""
    import re as _re

    return sorted((Mention(m.start(), m.end(), name, type_) for name, type_ in names
                   for m in _re.finditer(_re.escape(name), text)), key=lambda m: m.start)


def test_types_follow_what_the_corpus_shows_not_what_the_model_said_most():
    """Reuters' "people" named Diamond Shamrock Corp, ChemLawn, J.P. Morgan, Sri Lanka and the Louvre."""
    texts = {
        "a": "Diamond Shamrock Corp rose. ChemLawn said its offer stands. Prices in Sri Lanka fell.",
        "b": "ChemLawn said it would reject the bid. Tea from Sri Lanka. Sri Lanka said no.",
        "c": "J.P. Morgan and Co Inc gained. J.P. Morgan said on Monday. Traders at Sri Lanka ports.",
        "d": "J.P. Morgan led. The Louvre accord held; the Louvre pact, the Louvre talks.",
        "e": "Paul Volcker said he was calm. Paul Volcker said he would stay. A stake in Husky. A stake in Husky.",
    }
    mentions = {
        "a": _marked(texts["a"], ("Diamond Shamrock Corp", "person"), ("ChemLawn", "person"), ("Sri Lanka", "person")),
        "b": _marked(texts["b"], ("ChemLawn", "person"), ("Sri Lanka", "person")),
        "c": [m for m in _marked(texts["c"], ("J.P. Morgan and Co Inc", "organization"), ("J.P. Morgan", "person"),
                                 ("Sri Lanka", "place")) if not (m.text == "J.P. Morgan" and m.start == 0)],
        "d": _marked(texts["d"], ("J.P. Morgan", "person"), ("Louvre", "person")),
        "e": _marked(texts["e"], ("Paul Volcker", "person"), ("Husky", "person")),
    }
    out = propagate(texts, mentions)
    typed = {(m.text, m.type) for ms in out.values() for m in ms}
    assert ("Diamond Shamrock Corp", "organization") in typed
    assert ("ChemLawn", "organization") in typed and ("ChemLawn", "person") not in typed
    assert ("J.P. Morgan", "organization") in typed and ("J.P. Morgan", "person") not in typed
    assert ("Sri Lanka", "place") in typed and ("Sri Lanka", "person") not in typed
    assert not any(text == "Louvre" for text, _ in typed)  # an accord, not a person: not shown
    assert ("Paul Volcker", "person") in typed
    assert ("Husky", "person") in typed  # "a stake in" a company is no place


def test_a_company_contraction_set_beside_its_name_joins_it_corpus_wide():
    """ "Petroleo Brasileiro SA (Petrobras)" once; "Petrobras" alone elsewhere is the same company. "Texas Supreme
    Court, Texaco": letters that fit are not enough (a court is no company)."""
    from reader.entities.evidence import contraction

    name, short = "<Petroleo Brasileiro SA>", "Petrobras"
    table = EntityTable({
        "a": [Mention(0, len(name), name, "organization"), Mention(len(name) + 2, len(name) + 2 + len(short), short,
                                                                   "organization")],
        "b": [Mention(0, len(short), short, "organization")],
        "c": [Mention(0, 19, "Texas Supreme Court", "organization"), Mention(21, 27, "Texaco", "organization")],
    })
    petrobras = table.resolve("organization", "Petrobras")
    assert petrobras.name == "Petroleo Brasileiro SA" and petrobras.articles == 2
    assert table.resolve("organization", "Texaco").name == "Texaco"
    assert contraction("nabisco", "national biscuit company") and not contraction("fed", "federal reserve")


def test_places_news_names_several_ways_are_one_key():
    for variants in (("U.K.", "Britain", "Great Britain", "United Kingdom"), ("USSR", "Soviet Union"),
                     ("Calif.", "California"), ("LA", "L.A.", "Los Angeles City", "Los Angeles")):
        assert len({key(v, "place") for v in variants}) == 1, variants
    assert key("Britain", "person") == "britain"  # only places
    assert key("J.P. Morgan and Co Inc", "organization") == key("J.P. Morgan", "organization")


def test_names_of_letters_and_digits_used_as_organisations_are_found():
    """The seeds' story is about LA28, which the model never tags; G-7 and 3M in Reuters. Not "5G", "$3M"."""
    texts = {"a": "The LA28 board met. LA28 officials said so. The 5G rollout and $3M fund.",
             "b": "Asked about LA28, G-7 officials met; 3M products sold.",
             "c": "G7 countries agreed. 3M shares rose. 5G networks."}
    out = propagate(texts, {doc: [] for doc in texts})
    found = sorted((doc, m.text, m.type) for doc, ms in out.items() for m in ms)
    assert found == [("a", "LA28", "organization"), ("a", "LA28", "organization"), ("b", "3M", "organization"),
                     ("b", "G-7", "organization"), ("b", "LA28", "organization"), ("c", "3M", "organization"),
                     ("c", "G7", "organization")]
    assert key("G-7", "organization") == key("G7", "organization") == "g7"


def test_forms_of_one_name_key_alike_familiar_first_names_middle_initials_and_centre():
    """ECB+ joins "Regina M. Benjamin"/"Regina Benjamin", "Fred"/"Frederick C. LaRue", "Promises Treatment
    Centre"/"Center"; Reuters writes "Jim Wright" and "James Wright" for the Speaker."""
    assert key("Jim Wright", "person") == key("James Wright", "person") == "james wright"
    assert key("Regina M. Benjamin", "person") == key("Regina Benjamin", "person")
    assert key("Fred LaRue", "person") == key("Frederick C. LaRue", "person")
    assert key("Steve Jobs", "person") == "steve jobs" and key("Jim", "person") == "jim"  # ambiguous; alone
    assert key("J. P. Morgan", "person") != key("Morgan", "person")
    assert key("Promises Treatment Centre", "organization") == key("Promises Treatment Center", "organization")
    table = EntityTable({"a": [Mention(0, 9, "Jim Wright", "person")], "b": [Mention(0, 12, "James Wright", "person")]})
    assert table.resolve("person", "Jim Wright").articles == 2


def test_a_name_without_the_place_it_names_first_or_the_second_half_of_a_hyphen_joins_it():
    """ECB+'s "Saints" beside "New Orleans Saints", "Promises Treatment Center" beside the "Malibu ..." one, and
    "Hewlett" beside "Hewlett-Packard Company"; not a name beside an unrelated longer one."""
    from reader.entities.evidence import after_place

    table = EntityTable({
        "a": mentions_of(("New Orleans Saints", "organization"), ("Saints", "organization"), ("New Orleans", "place"),
                         gap=5),
        "b": mentions_of(("Malibu Promises Treatment Center", "organization"),
                         ("Promises Treatment Center", "organization"), ("Malibu", "place"), gap=5),
        "c": mentions_of(("Hewlett-Packard Company", "organization"), ("Hewlett", "organization"), gap=5)})
    assert table.resolve("organization", "Saints").name == "New Orleans Saints"
    assert table.resolve("organization", "Promises Treatment Center").name == "Malibu Promises Treatment Center"
    assert table.resolve("organization", "Hewlett").name == "Hewlett-Packard Company"
    assert table.resolve("place", "New Orleans").name == "New Orleans"
    assert not after_place("saints", "new orleans saints", set()) and not after_place("bank", "world bank", {"york"})


def test_a_name_with_middle_names_joins_the_first_and_last_names_the_corpus_writes():
    table = EntityTable({"a": mentions_of(("Christopher Kenyon Simpson", "person")),
                         "b": mentions_of(("Christopher Simpson", "person")),
                         "c": mentions_of(("Christopher Robin", "person"))})
    simpson = table.resolve("person", "Christopher Simpson")
    assert simpson.articles == 2 and table.resolve("person", "Christopher Robin").articles == 1
    assert any(e["why"].startswith("the same first and last") for e in table.explain("Christopher Simpson")["evidence"])


def test_an_abbreviation_with_dots_takes_the_type_of_the_same_letters_without():
    """Reuters tags "E.C." a place in two stories; "EC" is the European Community's in hundreds."""
    texts = {str(i): "The EC said so." for i in range(5)}
    mentions = {str(i): [Mention(4, 6, "EC", "organization")] for i in range(5)}
    texts["x"], mentions["x"] = "The E.C. said so.", [Mention(4, 8, "E.C.", "place")]
    out = propagate(texts, mentions)
    assert [(m.text, m.type) for m in out["x"]] == [("E.C.", "organization")]


def test_initials_joined_by_and_are_an_acronym_of_the_name_they_spell():
    """Reuters writes Standard and Poor's as "S and P" and "S&P"."""
    assert key("S and P", "organization") == key("S&P", "organization") == key("S & P", "organization") == "sp"
    assert key("Procter and Gamble", "organization") == "procter and gamble"
    table = EntityTable({"a": mentions_of(("Standard and Poor's Corp", "organization")),
                         "b": mentions_of(("S and P", "organization")), "c": mentions_of(("S&P", "organization"))})
    assert table.resolve("organization", "S and P").name == "Standard and Poor's Corp"


def test_places_with_or_without_their_kind_and_names_spaced_or_run_together():
    assert key("Gaza Strip", "place") == key("Gaza", "place")
    assert key("Mediterranean Sea", "place") == key("Mediterranean", "place")
    assert key("Mt Cook", "place") == key("Mount Cook", "place")
    assert key("Mississippi River", "place") != key("Mississippi", "place")
    assert key("Sea", "place") == "sea"  # a kind alone stays a name
    assert key("SAP-Arena", "place") == key("SAP Arena", "place")
    table = EntityTable({"a": mentions_of(("SeaMicro", "organization")),
                         "b": mentions_of(("Sea Micro", "organization")),
                         "c": mentions_of(("Data Center", "organization")),
                         "d": mentions_of(("datacenter", "organization"))})
    assert table.resolve("organization", "Sea Micro").articles == 2
    assert table.resolve("organization", "Data Center").articles == 1  # "datacenter" is no name written as one


def test_an_apostrophe_inside_a_name_keys_as_one_word():
    """ECB+'s "O'Brien" beside "Jim O'Brien": spaced, "o" was a first name alone and a middle initial inside."""
    assert key("O'Brien", "person") == key("Jim O'Brien", "person").split()[-1] == "obrien"
    assert key("O\u2019Brien's", "person") == "obrien"
    table = EntityTable({"a": mentions_of(("Jim O'Brien", "person"), ("O'Brien", "person"))})
    assert table.resolve("person", "O'Brien").name == "Jim O'Brien"


def test_one_clinic_by_its_kinds_and_a_town_s_police_with_or_without_department():
    """ECB+ calls one rehab clinic the "Betty Ford Center", "... Clinic" and "... Treatment Center", and one force
    the "Staunton Police" and "... Police Department"; a one-word own name, the person, a fire stay apart."""
    from reader.entities.evidence import facility

    assert facility("betty ford center") == facility("betty ford treatment center") == "betty ford"
    assert facility("lincoln center") is None and facility("betty ford") is None
    table = EntityTable({"a": mentions_of(("Betty Ford Center", "organization")),
                         "b": mentions_of(("Betty Ford Clinic", "organization")),
                         "c": mentions_of(("Betty Ford Treatment Center", "person")),
                         "d": mentions_of(("Betty Ford", "person")),
                         "e": mentions_of(("Lincoln Center", "organization")),
                         "f": mentions_of(("Lincoln Clinic", "organization"))})
    assert table.resolve("organization", "Betty Ford Clinic").articles == 3
    assert table.resolve("person", "Betty Ford").articles == 1
    assert table.resolve("organization", "Lincoln Center").articles == 1
    assert key("Staunton Police", "organization") == key("Staunton Police Department", "organization")
    assert key("Police Department", "organization") == "police department"
    assert key("Palmer Fire", "organization") != key("Palmer Fire Department", "organization")


def test_a_lone_surname_or_first_name_is_told_by_the_names_its_story_shares():
    """Two Tennants of like weight: "Tennant" in a Doctor Who story naming Matt Smith and the BBC is David
    Tennant; a first name alone ("Laci") joins its one full name when the story names what that one's do. Without
    such company, or in capitals, they stay apart."""
    table = EntityTable({
        "a": mentions_of(("David Tennant", "person"), ("Matt Smith", "person"), ("BBC", "organization")),
        "b": mentions_of(("David Tennant", "person"), ("BBC", "organization")),
        "c": mentions_of(("Tom Tennant", "person"), ("Athens", "place")),
        "d": mentions_of(("Tom Tennant", "person"), ("Marfin Bank", "organization")),
        "x": mentions_of(("Tennant", "person"), ("Matt Smith", "person"), ("BBC", "organization")),
        "y": mentions_of(("Tennant", "person"), ("Paris", "place")),
        "p": mentions_of(("Laci Peterson", "person"), ("Scott Peterson", "person"), ("Modesto", "place")),
        "q": mentions_of(("Laci", "person"), ("Scott Peterson", "person"), ("Modesto", "place")),
        "r": mentions_of(("Laci", "person"), ("Paris", "place")),
        "s": mentions_of(("TENNANT", "person"), ("Matt Smith", "person"), ("BBC", "organization")),
    })

    def of(article: str, name: str) -> str:
        return next(e.name for e, _ in table.for_article(article) if name in (e.name, *e.aliases))

    assert of("x", "Tennant") == "David Tennant" and of("y", "Tennant") == "Tennant"
    assert of("q", "Laci") == "Laci Peterson" and of("r", "Laci") == "Laci"
    assert of("s", "TENNANT") != "David Tennant"
    assert any(e["why"].startswith("a lone surname in a story") for e in table.explain("David Tennant")["evidence"])


def test_a_one_off_span_is_cut_to_the_name_inside_it_in_a_headline_or_after_an_opening_ing_word():
    """"Microserver Startup SeaMicro" in a headline and "Joining Cooley" opening a sentence are SeaMicro and
    Cooley; "Buffalo Bills" mid-text keeps its words though "bills" is a common word and "Buffalo" a name."""
    texts = {"a": "SeaMicro makes a microserver. The startup and SeaMicro grew. Buffalo is cold.",
             "b": "Cooley spoke. Cooley left, joining a startup. A microserver joining. Buffalo won.",
             "h": "AMD Buys Microserver Startup SeaMicro\n\nJoining Cooley was a deputy. The Buffalo Bills paid bills."}
    known = [("SeaMicro", "organization"), ("SeaMicro", "organization"), ("Cooley", "person"),
             ("Cooley", "person"), ("Buffalo", "place"), ("Buffalo", "place")]
    mentions = {"a": [], "b": []}
    for doc, (form, type_) in zip("aabbab", known, strict=True):
        start = texts[doc].find(form, mentions[doc][-1].end if mentions[doc] else 0)
        mentions[doc].append(Mention(start, start + len(form), form, type_))
    h = texts["h"]
    mentions["h"] = [Mention(h.find(f), h.find(f) + len(f), f, t) for f, t in (
        ("Microserver Startup SeaMicro", "organization"), ("Joining Cooley", "person"),
        ("Buffalo Bills", "organization"))]
    out = {m.text for m in propagate(texts, mentions)["h"]}
    assert {"SeaMicro", "Cooley", "Buffalo Bills"} <= out
    assert not out & {"Microserver Startup SeaMicro", "Joining Cooley"}
