"""The formats newsrooms receive, read by the real parsers from the samples in tests/data/formats/, and end to end
through `wire index`, `wire search` and `wire show --json`."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.corpus import load_file
from reader.corpus.formats import FormatError, decode, parse_file, render, xmlsafe
from reader.corpus.formats.feed import parse_feed
from reader.corpus.formats.gzipped import MAX_UNPACKED
from reader.corpus.formats.markdown import parse_md

from . import hostile
from .conftest import run_wire

FORMATS = Path(__file__).parent / "data" / "formats"


def load(name: str, data: bytes | None = None):
    return load_file(name, (FORMATS / name).read_bytes() if data is None else data, 1_764_600_000 * 10**9)


def by_id(articles) -> dict:
    return {a.id: a for a in articles}


def test_html_page_main_text_and_metadata_without_navigation_ads_or_comments():
    [a], skipped = load("story.html")
    assert not skipped
    assert (a.title, a.outlet, a.byline, a.date) == ("Ferry crews end strike after pay deal", "Harbour Herald",
                                                     "Dana Ruiz", "2026-11-30")
    assert a.url == "https://herald.example/2026/11/30/ferry-strike-ends"
    text = a.text
    assert text.startswith("Ferry crews on the harbour routes voted on Sunday")
    assert "Timetable back by Wednesday" in text and "chamber of commerce" in text
    for noise in ("Subscribe today", "Cheap flights", "Advertisement", "About time", "Related", "Privacy",
                  "dataLayer", "All rights reserved"):
        assert noise not in text, noise


def test_rss_items_are_articles_with_feed_title_as_outlet_and_guid_ids():
    articles, skipped = load("feed.rss")
    found = by_id(articles)
    keeper = found["feed.rss#gazette-2026-1201-lighthouse"]
    assert (keeper.title, keeper.outlet, keeper.byline, keeper.date, keeper.tags) == (
        "Lighthouse keeper retires after forty winters", "Coast Gazette", "Tomas Berg", "2026-12-01", ("People",))
    assert keeper.url == "https://gazette.example/2026/12/01/lighthouse-keeper"
    # content:encoded, not the summary; markup, the script and the link's URL gone.
    assert "summary that the full content replaces" not in keeper.text
    assert "the last resident keeper" in keeper.text and "old lamp room" in keeper.text
    assert "utm_source" not in keeper.text and "alert" not in keeper.text and "<" not in keeper.text
    causeway = found["feed.rss#https://gazette.example/2026/12/02/causeway"]
    assert causeway.byline == "Priya Natarajan" and causeway.text.startswith("The causeway road was closed")
    assert skipped == [{"path": "feed.rss#https://gazette.example/2026/12/02/empty",
                        "reason": "feed item has no content or summary"}]


def test_feed_ids_survive_new_items_at_the_top():
    data = (FORMATS / "feed.rss").read_bytes()
    before = {r.id for r in parse_feed(data, "feed.rss")[0]}
    newer = data.replace(b"<item>", b"<item><title>Newest</title><link>https://gazette.example/new</link>"
                                    b"<description>A newer story at the top.</description></item>\n<item>", 1)
    after = {r.id for r in parse_feed(newer, "feed.rss")[0]}
    assert before < after and after - before == {"feed.rss#https://gazette.example/new"}


def test_atom_and_rss1_files_sniffed_by_their_root_element():
    [atom], _ = load("updates.atom")
    assert atom.id == "updates.atom#urn:valley-courier:2026:quince-harvest"
    assert (atom.outlet, atom.byline, atom.date) == ("Valley Courier", "Jon Lindqvist", "2026-12-01")
    assert [p.text for p in atom.paragraphs] == ["Growers in the upper valley picked a record quince crop this autumn.",
                                                 "Prices fell by a fifth."]
    [rdf], _ = load("rss1.xml")
    assert (rdf.outlet, rdf.date, rdf.url) == ("Island Bulletin", "2026-11-28", "https://bulletin.example/notice/17")


def test_newsml_versions_of_one_story_share_its_key():
    [first], _ = load("bridge-v1.xml")
    [update], _ = load("bridge-v2.xml")
    key = "urn:newsml:northwire.example:20261202:bridge-closure"
    assert (first.version, first.story) == (1, key) and (update.version, update.story) == (2, key)
    assert (update.title, update.outlet, update.byline, update.date) == (
        "Gloamspan bridge to stay shut for a week, council says", "North Wire Service", "Mira Okafor", "2026-12-02")
    # The dateline as the wire prints it, then the body (inline NITF in v1, XHTML in v2); no XHTML head.
    assert first.paragraphs[0].text.startswith("HARBOURTON, Dec 2 \u2014 Engineers closed the Gloamspan bridge")
    assert [p.text for p in update.paragraphs][1:] == ["Engineers found the crack during a routine inspection early "
                                                       "in the morning.", "Buses will run a diversion through the "
                                                       "old town."]


def test_nitf_headline_byline_distributor_and_du_key_version():
    [tram], _ = load("tram.nitf")
    assert (tram.title, tram.byline, tram.outlet, tram.date) == (
        "Tramwhistle line extension approved", "Tomas Berg", "South Wire Press", "2026-12-02")
    assert (tram.version, tram.story) == (3, "tram-extension")
    texts = [p.text for p in tram.paragraphs]
    assert texts[0].startswith("PORTMERE, Dec 2 \u2014 The regional assembly approved")
    assert "Opponents said the cost" in texts[2] and not any("tram depot" in t for t in texts)  # no captions
    [harbour], _ = load("harbour.nitf")  # no du-key: the doc-id, its revision suffix the version
    assert (harbour.version, harbour.story, harbour.date) == (2, "SWP-20261201-0087", "2026-12-01")


def test_mail_plain_part_subject_sender_date():
    [a], _ = load("release.eml")
    assert a.title == "New ferry terminal opens on 14 December \u2013 embargoed"
    assert (a.byline, a.outlet, a.date) == ("Harbour Authority Press Office", "Harbour Authority", "2026-12-02")
    assert a.paragraphs[0].text.startswith("The new passenger terminal at the north quay will open to the public on "
                                           "14 December")
    assert "caf\u00e9" in a.text and "HTML part" not in a.text


def test_mail_with_only_an_html_part_goes_through_the_html_path():
    [a], _ = load("tip.eml")
    assert (a.title, a.byline, a.date) == ("Quarry lorries on the school road", "Jon Lindqvist", "2026-11-30")
    assert len(a.paragraphs) == 2 and "caf\u00e9 owner" in a.text and "color" not in a.text


def test_csv_rows_and_json_arrays_as_jsonl_records():
    rows, skipped = load("items.csv")
    market, buses = rows
    assert (market.id, market.title, market.outlet, market.byline, market.url, market.tags) == (
        "items.csv#101", "Market hall reopens", "Valley Courier", "Jon Lindqvist", "https://courier.example/market",
        ("local", "business"))
    assert [p.text for p in buses.paragraphs] == ["Night buses return to the valley routes from Saturday, the "
                                                  "operator said.", "Drivers had been recruited over the summer."]
    assert skipped == [{"path": "items.csv#3", "reason": "row has no 'text' cell"}]
    records, skipped = load("batch.json")
    assert [a.id for a in records] == ["batch.json#wx-1", "batch.json#wx-2"] and skipped[0]["path"] == "batch.json#3"
    [single], _ = load("single.json")
    assert (single.id, single.title, single.byline, len(single.paragraphs)) == (
        "single.json", "Library hours extended", "Priya Natarajan", 2)


def test_gzip_of_any_format_read_as_its_inner_name():
    [old], _ = load("old.txt.gz")
    assert (old.id, old.byline, old.outlet, old.date) == ("old.txt.gz", "Alice Brennan", "Coast News", "2026-10-02")
    [feed], _ = load("feed.xml.gz")
    assert feed.id == "feed.xml.gz#https://bulletin.example/notice/18" and feed.title.startswith("Gas supply")
    with pytest.raises(FormatError, match="more than 128 MB"):
        parse_file("bomb.txt.gz", gzip.compress(bytes(MAX_UNPACKED + 1)))


def test_markdown_rendered_to_text_link_text_kept_url_gone():
    [a], _ = load("notes.md")
    texts = [p.text for p in a.paragraphs]
    assert texts == ["Council approves sea wall budget",
                     "The mayor said the council had approved the sea wall budget, in a statement issued on Friday.",
                     "\"We cannot wait for the next storm,\" she said.", "Work starts in March",
                     "It will cost 12.4 million"]
    assert render("A [link](https://x.example/?utm_source=y) and ![img](pic.jpg) *here*.") == "A link and  here."


def test_markdown_wire_copy_keeps_its_indented_paragraphs():
    """Old wire copy (Reuters-21578 written as Markdown) marks paragraphs only by indenting their first lines;
    CommonMark reads it all as one paragraph and drops the indents, and each wrapped line became a paragraph."""
    body = ("Finance Minister Kiichi Miyazawa said the\nParis accord has helped the <Bank of Japan>.\n"
            "    Miyazawa told a press conference the agreement reached last\nmonth in Paris held.\n    REUTER\n")
    [a] = parse_md("wire.md", body.encode())
    assert a.paragraphs == ["Finance Minister Kiichi Miyazawa said the Paris accord has helped the <Bank of Japan>.",
                            "Miyazawa told a press conference the agreement reached last month in Paris held.",
                            "REUTER"]
    assert render("- one\n  two") == "one\ntwo"  # a list item's continuation is no indented paragraph


@pytest.mark.parametrize(("markdown", "text"), [
    # CommonMark reads these as HTML tags; in news copy they are names (Reuters writes companies so).
    ("Shares of <Petroleo Brasileiro SA> rose.", "Shares of <Petroleo Brasileiro SA> rose."),
    ("<ChemLawn Corp>\nsaid it would sell.", "<ChemLawn Corp>\nsaid it would sell."),
    ("<div>Some <b>bold</b> words</div>\n\nafter", "Some bold words\n\nafter"),  # real HTML: its text kept
    ("Ranked:\n\n1. Lagos\n2. Cairo", "Ranked:\n\n1. Lagos\n\n2. Cairo"),  # an ordered list keeps its numbers
    ("- one\n- two", "one\n\ntwo"),
])
def test_markdown_keeps_what_is_text(markdown, text):
    assert render(markdown) == text


@pytest.mark.parametrize(("name", "start"), [
    ("cyrillic.txt", "\u041c\u044d\u0440 \u0433\u043e\u0440\u043e\u0434\u0430"),  # cp1251
    ("polish.txt", "Burmistrz \u0141odzi powiedzia\u0142 we wtorek, \u017ce nowy prom"),  # ISO-8859-2
    ("greek-utf16.txt", "\u039f \u03b4\u03ae\u03bc\u03b1\u03c1\u03c7\u03bf\u03c2"),  # UTF-16 LE, no BOM
])
def test_encodings_detected_when_not_utf8(name, start):
    [a], _ = load(name)
    assert a.paragraphs[0].text.startswith(start), a.paragraphs[0].text[:40]


def test_western_text_stays_cp1252_and_mostly_utf8_stays_utf8():
    assert decode("Caf\u00e9 owners in S\u00e3o Paulo \u2014 \u201cquoted\u201d.".encode("cp1252")) == (
        "Caf\u00e9 owners in S\u00e3o Paulo \u2014 \u201cquoted\u201d.")
    assert decode("Die B\u00fcrgermeisterin \u00e4u\u00dferte sich.".encode("latin-1")) == (
        "Die B\u00fcrgermeisterin \u00e4u\u00dferte sich.")
    assert decode("na\u00efve caf\u00e9 s\u00e3o ".encode() + b"\xff") == "na\u00efve caf\u00e9 s\u00e3o \ufffd"


def test_xml_parsing_refuses_entity_bombs_and_external_entities():
    with pytest.raises(FormatError, match="refused"):
        parse_file("laughs.xml", hostile._laughs("nitf"))
    with pytest.raises(FormatError, match="refused"):
        parse_file("xxe.rss", hostile._external("rss", hostile._RSS_XXE))
    # defusedxml below the pre-screen refuses them too, for a caller that parses directly.
    with pytest.raises(FormatError, match="refused"):
        xmlsafe.parse(hostile._laughs("nitf"), "NITF")
    with pytest.raises(FormatError, match="refused"):
        xmlsafe.parse(hostile._external("nitf", "<nitf><body><p>&xxe;</p></body></nitf>"), "NITF")


@pytest.mark.parametrize("kind", ["xml_external_dtd", "rss_external_dtd"])
def test_an_external_dtd_is_never_read(tmp_path, kind):
    [name] = hostile.make(tmp_path, [kind]) and [p.name for p in tmp_path.iterdir()]
    articles, _ = load(name, (tmp_path / name).read_bytes())
    assert [a.text for a in articles] == ["The dtd is never read."]
    assert not any("root:" in a.text for a in articles)


def test_formats_end_to_end_index_search_and_show(tmp_path):
    corpus, home = tmp_path / "corpus", tmp_path / "home"
    shutil.copytree(FORMATS, corpus)
    hostile.make(corpus, ["xml_billion_laughs", "xml_external_entity", "rss_external_entity", "gzip_bomb",
                          "rss_malformed", "html_binary", "eml_not_mail", "csv_no_text_column"])
    done = run_wire("--corpus", str(corpus), "--home", str(home), "index", "--text-only", "--json", timeout=300)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-2000:]
    report = json.loads(done.stdout)
    reasons = {s["path"]: s["reason"] for s in report["skipped"]}
    for bad in ("laughs.xml", "xxe.xml", "xxe.rss", "bomb.txt.gz", "malformed.rss", "binary.html", "junk.eml",
                "no-text.csv"):
        assert bad in reasons and "\n" not in reasons[bad], bad
    assert "refused" in reasons["xxe.xml"] and "gzip bomb" in reasons["bomb.txt.gz"]

    def search(query: str) -> list[str]:
        found = run_wire("--corpus", str(corpus), "--home", str(home), "search", query, "--json", "--limit", "50")
        assert found.returncode == 0, found.stderr
        return [h["id"] for h in json.loads(found.stdout)["hits"]]

    assert set(search("Gloamspan")) == {"bridge-v1.xml", "bridge-v2.xml"}
    assert search("tramwhistle") == ["tram.nitf"]
    assert search("lighthouse") == ["feed.rss#gazette-2026-1201-lighthouse"]
    assert search("quarry") == ["tip.eml"] and search("pier") == ["old.txt.gz"]
    assert search("utm_source") == [] and search("subscribe") == [] and search("root") == []
    shown = run_wire("--corpus", str(corpus), "--home", str(home), "show", "bridge-v2.xml", "--json", timeout=300)
    assert shown.returncode == 0, shown.stderr
    article = json.loads(shown.stdout)
    assert (article["version"], article["story"]) == (2, "urn:newsml:northwire.example:20261202:bridge-closure")
    text = run_wire("--corpus", str(corpus), "--home", str(home), "show", "bridge-v2.xml")
    assert "version 2 (update) of story urn:newsml:northwire.example:20261202:bridge-closure" in text.stdout
    plain = run_wire("--corpus", str(corpus), "--home", str(home), "show", "story.html", "--json", timeout=300)
    assert json.loads(plain.stdout)["version"] is None


def test_newsml_message_of_several_items_has_an_id_per_guid():
    one = (FORMATS / "bridge-v1.xml").read_text(encoding="utf-8").split("?>", 1)[1]
    two = (FORMATS / "bridge-v2.xml").read_text(encoding="utf-8").split("?>", 1)[1].replace(
        "bridge-closure", "bridge-reopening")
    message = ('<?xml version="1.0" encoding="UTF-8"?>\n<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/">'
               f"<header><sent>2026-12-02T12:00:00Z</sent></header><itemSet>{one}{two}</itemSet></newsMessage>")
    articles, skipped = load("wire.newsml", message.encode())
    assert not skipped
    assert [(a.id, a.version) for a in articles] == [
        ("wire.newsml#urn:newsml:northwire.example:20261202:bridge-closure", 1),
        ("wire.newsml#urn:newsml:northwire.example:20261202:bridge-reopening", 2)]


def test_version_label_tells_an_update_from_a_first_version():
    [first], _ = load("bridge-v1.xml")
    [tram], _ = load("tram.nitf")
    [page], _ = load("story.html")
    assert first.version_label == "version 1 (first version) of story urn:newsml:northwire.example:20261202:" \
                                  "bridge-closure"
    assert tram.version_label == "version 3 (update) of story tram-extension"
    assert page.version_label is None


def test_html_page_in_a_single_byte_encoding():
    """An undeclared cp1251 page (no meta charset) is read by our detection: trafilatura's own guess, given
    the bytes, reads it as cp1250."""
    russian = "Паромщики закончили забастовку в воскресенье после переговоров. " * 6
    page = (FORMATS / "story.html").read_text(encoding="utf-8").replace('<meta charset="utf-8">', "")
    page = page.replace("<p>Ferry crews on the harbour routes", f"<p>{russian}</p><p>Ferry crews on the harbour routes")
    [a], _ = load("story.html", page.encode("cp1251"))
    assert a.paragraphs[0].text == russian.strip()


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([*"ab Z9.,;:'\"?()-+=/%$\n\u00a0\u2028é", "  ", "\n\n", "\n  \n", "    ", "1. ", "word"]),
                max_size=40).map("".join))
def test_plain_markdown_is_read_as_the_parser_reads_it(text):
    from reader.corpus.formats import markdown

    if not markdown._MARKUP.search(text):  # the fast path: no syntax at all
        assert markdown._plain(text) == markdown._parsed(text)


def test_a_wire_family_names_the_versions_of_a_story(tmp_path):
    """A story's update copies its first version: `wire overlaps` shows them as one family, each member with
    the version its NewsML file declares."""
    body = "".join(f"<p>{s}</p>" for s in (
        "Engineers closed the Gloamspan bridge to traffic early on Wednesday after an inspection found a crack "
        "in one of its steel hangers.", "The regional transport authority said the closure would last at least "
        "a week while divers checked the foundations of the two river piers.", "Buses will run a diversion "
        "through the old town until further notice, adding twenty minutes to the morning commute.",
        "The bridge, opened in 1968, carries about forty thousand vehicles a day between the harbour and the "
        "northern suburbs."))
    first = (FORMATS / "bridge-v1.xml").read_text(encoding="utf-8")
    start, end = first.index("<body.content>") + len("<body.content>"), first.index("</body.content>")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "bridge-1.xml").write_text(first[:start] + body + first[end:], encoding="utf-8")
    update = body + "<p>Late on Wednesday the authority said a temporary footbridge would open on Friday.</p>"
    (corpus / "bridge-2.xml").write_text((first[:start] + update + first[end:]).replace(
        'version="1"', 'version="2"').replace("08:10:00Z", "11:40:00Z"), encoding="utf-8")
    home = tmp_path / "home"
    out = run_wire("--corpus", str(corpus), "--home", str(home), "overlaps", "--json", timeout=300)
    assert out.returncode == 0, out.stderr
    key = "urn:newsml:northwire.example:20261202:bridge-closure"
    [family] = json.loads(out.stdout)["families"]
    assert family["articles"] == ["bridge-1.xml", "bridge-2.xml"]
    assert family["versions"] == {"bridge-1.xml": {"version": 1, "story": key},
                                  "bridge-2.xml": {"version": 2, "story": key}}
    text = run_wire("--corpus", str(corpus), "--home", str(home), "overlaps", timeout=300, env={"COLUMNS": "160"})
    assert f"bridge-2.xml  (version 2 (update) of story {key})" in text.stdout
