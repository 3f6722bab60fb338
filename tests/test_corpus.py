"""Corpus loading: each format, metadata inference, boilerplate rules, scanning."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reader.corpus import load_file, scan
from reader.corpus.formats import FormatError, split_paragraphs
from reader.corpus.metadata import derive_title, parse_date, parse_dateline

from .conftest import DATA, SEEDS


def load(root: Path, rel: str):
    path = root / rel
    return load_file(rel, path.read_bytes(), path.stat().st_mtime_ns)


def seed(prefix: str):
    rel = next(p.name for p in SEEDS.glob(f"{prefix}_*.txt"))
    articles, skipped = load(SEEDS, rel)
    assert len(articles) == 1 and not skipped
    return articles[0]


def test_seed_000_metadata():
    a = seed("000")
    assert (a.outlet, a.date, a.byline) == ("CNN", "2026-02-06", "Michael Williams")
    # The "(CNN) —" dateline is metadata, not the first words of the lede.
    assert a.paragraphs[0].text.startswith("The head of the coordinating committee")
    assert a.title.startswith("The head of the coordinating committee") and len(a.title) <= 100


def test_seed_001_metadata_and_boilerplate():
    a = seed("001")
    assert a.date == "2026-02-04"
    assert a.outlet == "The Independent"
    flagged = [p.text for p in a.paragraphs if p.boilerplate]
    assert len(flagged) == 2
    assert flagged[0].startswith("Your support helps us")
    assert flagged[1].startswith("open image in gallery")
    assert a.title.startswith("Local officials in Los Angeles are demanding")


def test_seed_002_dateline_and_boilerplate():
    a = seed("002")
    assert a.outlet == "CNA"
    assert a.paragraphs[0].text.startswith("Local officials")  # "Feb 4 :" stripped
    flagged = [p.text for p in a.paragraphs if p.boilerplate]
    assert len(flagged) == 1 and flagged[0].startswith("Subscribe to CNA's Recommended Read")
    assert flagged[0].endswith("Loading Loading")


def test_no_seed_reporting_is_boilerplate():
    for prefix in ("000", "003"):
        assert not any(p.boilerplate for p in seed(prefix).paragraphs)
    # Every other paragraph of 001/002 is reporting: the quote, the subheading, the lede.
    for prefix, expected in (("001", 2), ("002", 1)):
        a = seed(prefix)
        assert sum(p.boilerplate for p in a.paragraphs) == expected
        assert sum(not p.boilerplate for p in a.paragraphs) >= 9


def test_dateline_without_year_takes_the_latest_past_date():
    lede, found = parse_dateline("Feb 4 : Officials said", dt.date(2026, 3, 1))
    assert lede == "Officials said" and found == {"date": "2026-02-04"}
    _, found = parse_dateline("Dec 30 : x", dt.date(2026, 1, 2))
    assert found["date"] == "2025-12-30"


def test_txt_with_byline_and_reuters_dateline():
    [a], _ = load(DATA / "corpus", "plain.txt")
    assert (a.outlet, a.byline, a.date) == ("Example Times", "Jane Doe", "2025-03-01")
    assert a.paragraphs[0].text.startswith("The harbour board approved")
    assert [p.text for p in a.paragraphs if p.boilerplate] == ["Share this article"]


def test_markdown_front_matter():
    [a], _ = load(DATA / "corpus", "front.md")
    assert a.title == "Ferry terminal approved"
    assert (a.date, a.outlet, a.byline, a.url) == ("2025-03-02", "Harbour Herald", "Sam Lee",
                                                  "https://example.org/ferry")
    assert a.tags == ("transport", "harbour")
    assert not a.paragraphs[0].text.startswith("#")


def test_markdown_bad_front_matter_is_a_format_error(tmp_path):
    (tmp_path / "bad.md").write_text("---\ntitle: [unclosed\n---\nbody\n")
    with pytest.raises(FormatError, match="front matter"):
        load(tmp_path, "bad.md")


def test_jsonl_records_and_bad_lines():
    articles, skipped = load(DATA / "corpus", "batch.jsonl")
    assert [a.id for a in articles] == ["batch.jsonl#a1", "batch.jsonl#4"]
    assert articles[0].title == "Bridge reopens" and articles[0].date == "2025-03-03"
    assert articles[1].title == "A record without id or title."
    assert {s["path"] for s in skipped} == {"batch.jsonl#2", "batch.jsonl#3"}
    assert all(a.path == "batch.jsonl" for a in articles)
    assert articles[0].sha256 != articles[1].sha256


def test_scan_recurses_and_explains_skips():
    files, skipped = scan(DATA / "corpus")
    assert set(files) == {"plain.txt", "front.md", "batch.jsonl", "nested/wire.txt"}
    assert skipped == [{"path": "notes.ods", "reason": "unsupported file type"}]
    files, skipped = scan(SEEDS)
    assert len(files) == 4 and skipped[0]["path"] == "README.md"


def test_agency_dateline_gives_outlet():
    [a], _ = load(DATA / "corpus", "nested/wire.txt")
    assert a.outlet == "AFP" and a.paragraphs[0].text.startswith("Fishing boats")


def test_undecodable_bytes_do_not_crash(tmp_path):
    (tmp_path / "latin.txt").write_bytes("Caf\xe9 owners protest. Second sentence.".encode("latin-1"))
    [a], _ = load(tmp_path, "latin.txt")
    assert a.title == "Café owners protest."


def test_title_is_cut_on_a_word_boundary():
    title = derive_title("word " * 40)
    assert len(title) <= 100 and title.endswith("…") and not title[:-1].endswith(" ")
    assert derive_title("Short lede. Then more.") == "Short lede."


@pytest.mark.parametrize("value, expected", [
    ("2026-02-06", "2026-02-06"), ("2026-02-06T10:00:00Z", "2026-02-06"), ("4 February 2026", "2026-02-04"),
    ("Feb 4, 2026", "2026-02-04"), ("26-FEB-1987 15:01:01.79", "1987-02-26"), ("soon", None),
    ("2026-13-01", None),
])
def test_parse_date(value, expected):
    assert parse_date(value) == expected


def test_hard_wrapped_paragraphs_are_joined():
    text = "    First paragraph is\nwrapped here.\n    Second one\nalso wrapped."
    assert split_paragraphs(text) == ["First paragraph is wrapped here.", "Second one also wrapped."]
    assert split_paragraphs("one\ntwo\n") == ["one", "two"]
    assert split_paragraphs("a\nb\n\nc") == ["a b", "c"]


def test_rows_that_end_early_keep_their_line_breaks():
    """An earnings table inside wrapped wire copy stays rows; the wrapped note after it is joined."""
    text = ("Harbour Freight Corp said results for the first quarter improved on\n"
            "    higher sales at its two terminals and lower interest costs.\n\n"
            "    Shr 22 cts vs 15 cts\n    Net 1,234,000 vs 987,000\n    Revs 12.3 mln vs 10.1 mln\n"
            "    NOTE: Net excludes a gain on the sale of a warehouse of 925,576\n"
            "dlrs in the quarter.\n")
    assert split_paragraphs(text) == [
        "Harbour Freight Corp said results for the first quarter improved on higher sales at its two "
        "terminals and lower interest costs.",
        "Shr 22 cts vs 15 cts\nNet 1,234,000 vs 987,000\nRevs 12.3 mln vs 10.1 mln\n"
        "NOTE: Net excludes a gain on the sale of a warehouse of 925,576 dlrs in the quarter."]


def test_indented_paragraphs_split_even_with_a_blank_line_before_the_sign_off():
    """Old wire copy: paragraphs start indented, and one blank line sets off the trailer."""
    text = ("Harbour Freight Corp said it agreed to sell 500,000 shares of common\n"
            "stock to its principal stockholder at the current market price.\n"
            "    The sale will raise the stockholder's ownership in the company\n"
            "to 74.7 pct from 72.7 pct, the company said.\n"
            "    It will use the proceeds to retire debt and for working capital.\n\nReuter\n")
    assert split_paragraphs(text) == [
        "Harbour Freight Corp said it agreed to sell 500,000 shares of common stock to its principal "
        "stockholder at the current market price.",
        "The sale will raise the stockholder's ownership in the company to 74.7 pct from 72.7 pct, the company said.",
        "It will use the proceeds to retire debt and for working capital.", "Reuter"]


def test_binary_files_are_skipped_with_a_reason(tmp_path):
    (tmp_path / "blob.txt").write_bytes(b"\x00\x01\x02 not text")
    with pytest.raises(FormatError, match="binary"):
        load(tmp_path, "blob.txt")


# --- hostile input, unit by unit (tests/test_hostile.py runs every kind through the command) ----------


@pytest.mark.parametrize("front, title, date", [
    ("title: Feb 30\ndate: 2026-02-30", "Feb 30", None),          # a date that cannot be: no date
    ("title: x\ndate: 2026-13-01", "x", None),
    ("title: !!float abc", "abc", None),                           # a tag its value cannot have: the text
    ("title: y\ndate: !!timestamp nope", "y", None),
    ("title: " + "9" * 5000, "9" * 1000, None),                    # past Python's int/str limit, cut
    ("title: [a, b]\noutlet: {x: 1}\ndate: 2026-02-03", "The ferry sailed.", "2026-02-03"),  # wrong shapes left out
])
def test_odd_front_matter_values_are_ignored_not_fatal(front, title, date):
    [article], skipped = load_file("a.md", f"---\n{front}\n---\nThe ferry sailed.\n".encode(), 0)
    assert (article.title, article.date, skipped) == (title, date, [])


@pytest.mark.parametrize("front, reason", [
    ("a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)) + "title: *i",
     "alias bomb"),
    ("title: " + "[" * 10_000 + "]" * 10_000, "nested more than"),
    ("title: !!python/object/apply:os.system [echo]", "could not determine a constructor"),
])
def test_dangerous_front_matter_is_refused_quickly(front, reason):
    import time

    started = time.monotonic()
    with pytest.raises(FormatError, match=reason):
        load_file("a.md", f"---\n{front}\n---\nBody.\n".encode(), 0)
    assert time.monotonic() - started < 5


def test_jsonl_hostile_records():
    lines = [
        '{"id": "s", "title": "Lone \\ud800", "text": "Bad \\udfff half."}',
        "[" * 10_000 + "]" * 10_000,
        '{"id": "n", "title": NaN, "date": Infinity, "text": "No number."}',
        '{"id": 1, "title": ' + "9" * 5000 + ', "text": "Huge."}',
        '{"id": "a\\nb\\u0007", "text": "Controls."}',
        '{"id": {"k": 1}, "text": "Dict id."}',
    ]
    articles, skipped = load_file("f.jsonl", "\n".join(lines).encode(), 0)
    by_id = {a.id: a for a in articles}
    assert by_id["f.jsonl#s"].title == "Lone \ufffd" and by_id["f.jsonl#s"].text == "Bad \ufffd half."
    assert by_id["f.jsonl#n"].title == "No number." and by_id["f.jsonl#n"].date is None
    assert by_id["f.jsonl#1"].title == "9" * 1000
    assert "f.jsonl#a\\x0ab\\x07" in by_id and "f.jsonl#6" in by_id
    assert skipped == [{"path": "f.jsonl#2", "reason": "invalid JSON: nested too deeply"}]


def test_jsonl_nul_in_a_later_line_spoils_that_line_only():
    articles, skipped = load_file("f.jsonl", b'{"text": "Good."}\n{"text": "\x00"}\n{"text": "Also good."}\n', 0)
    assert [a.text for a in articles] == ["Good.", "Also good."] and skipped[0]["path"] == "f.jsonl#2"


def test_utf16_with_and_without_bom():
    text = "Caf\u00e9 owners met the mayor.\n"
    for data in (text.encode("utf-16"), text.encode("utf-16-le"), b"\xfe\xff" + text.encode("utf-16-be")):
        [article], _ = load_file("a.txt", data, 0)
        assert article.text == text.strip()


def test_many_paragraphs_are_joined_into_at_most_the_cap_and_keep_every_line():
    from reader.corpus.formats import MAX_PARAGRAPHS

    paragraphs = split_paragraphs("\n\n".join(f"Line {i}." for i in range(50_000)))
    assert len(paragraphs) <= MAX_PARAGRAPHS
    assert "\n".join(paragraphs).split("\n") == [f"Line {i}." for i in range(50_000)]


def test_a_long_line_without_spaces_is_kept_and_titled_quickly():
    import time

    started = time.monotonic()
    [article], _ = load_file("a.txt", b"x" * 2_000_000, 0)
    assert len(article.text) == 2_000_000 and len(article.title) <= 100
    assert time.monotonic() - started < 10


def test_odd_mtime_does_not_crash():
    [article], _ = load_file("a.txt", b"Feb 4 : The ferry sailed.", -(10**19))
    assert article.text == "The ferry sailed."


def test_scan_lists_special_files_with_a_reason_and_makes_names_printable(tmp_path):
    import os
    import socket

    (tmp_path / "good.txt").write_text("Fine.")
    os.mkfifo(tmp_path / "pipe.txt")
    os.symlink("missing.txt", tmp_path / "dangling.txt")
    os.symlink("loop2.txt", tmp_path / "loop1.txt")
    os.symlink("loop1.txt", tmp_path / "loop2.txt")
    os.symlink("/dev/null", tmp_path / "null.txt")
    os.symlink(str(tmp_path), tmp_path / "self")
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        with socket.socket(socket.AF_UNIX) as sock:
            sock.bind("sock.txt")
    finally:
        os.chdir(here)
    with open(os.path.join(os.fsencode(tmp_path), b"caf\xe9\n.txt"), "wb") as fh:
        fh.write(b"Named badly.")
    files, skipped = scan(tmp_path)
    reasons = {s["path"]: s["reason"] for s in skipped}
    assert reasons == {
        "pipe.txt": "not a regular file: a named pipe (FIFO)",
        "dangling.txt": "broken symbolic link (not read)",
        "loop1.txt": "symbolic link loop (not read)",
        "loop2.txt": "symbolic link loop (not read)",
        "null.txt": "not a regular file: a character device",
        "self": "symbolic link to a folder (not followed)",
        "sock.txt": "not a regular file: a socket",
    }
    assert set(files) == {"good.txt", "caf\\xe9\\x0a.txt"}
    assert files["caf\\xe9\\x0a.txt"].disk == "caf\udce9\n.txt" and files["good.txt"].disk is None


def test_ner_chunks_cover_the_text_and_cut_at_breaks():
    from reader.entities.pipeline import chunks

    prose = ("word " * 30 + "\n\n") * 5000
    text = prose + "x" * 250_000 + " tail"
    pieces = chunks(text, limit=100_000)
    assert all(text[o:o + len(p)] == p for o, p in pieces)  # offsets into the text
    assert max(len(p) for _, p in pieces) <= 100_000
    assert all(p.endswith("\n\n") for _, p in pieces[:7])  # paragraph breaks while there are any
    # The prose is covered whole, in order; of the run without a break only its last window's tail is
    # read (no name lives in a 250,000-character "word"), and the text after it.
    assert "".join(p for o, p in pieces if o < len(prose)).startswith(prose[:-2])
    assert pieces[-1][1].endswith(" tail") and sum(len(p) for _, p in pieces) < len(prose) + 100_000
    assert chunks("short") == [(0, "short")]


def test_boilerplate_rules_split_into_anchored_and_searched_branches_match_as_one_search():
    """The rules are tried as two alternations (anchored branches matched at the start, the rest searched);
    every paragraph must get the answer one search of all the rules gave."""
    import re

    import yaml
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from reader.corpus.boilerplate import SHIPPED_RULES, _branches, matches_rule

    assert _branches(r"^a|(b|c)|[|(]x|\|y") == ["^a", "(b|c)", "[|(]x", r"\|y"]
    assert _branches(r"[]|]z|w") == ["[]|]z", "w"]
    rules = yaml.safe_load(SHIPPED_RULES.read_text(encoding="utf-8"))["rules"]
    one = re.compile("|".join(f"(?:{r['pattern']})" for r in rules), re.I)
    samples = ["Subscribe to our newsletter", "Loading loading loading", "the ferry was loading loading",
               "loading...", "Advertisement", "Read more:", "© 2024 Wire", "Copyright 2025 AP",
               "Photo: Reuters", "He said to subscribe to it.", "Share this", "share", "Related",
               "Council votes to close the ferry route"]
    for text in samples:
        assert matches_rule(text) == bool(one.search(text)), text
    words = st.sampled_from(["loading", "share", "subscribe to", "read more", "©", "photo:", "the", " ", "\n",
                             "advertisement", "related", "copyright 2024", "x", ".", "Loading"])

    @settings(max_examples=300, deadline=None)
    @given(st.lists(words, max_size=8).map("".join))
    def same(text):
        assert matches_rule(text) == bool(one.search(text))

    same()


def test_articles_and_paragraphs_pickle_whole():
    """models' __reduce__ (a constructor call, for speed) must name every field, in order."""
    import pickle
    from dataclasses import fields

    from reader.models import Article, Paragraph

    article = Article("a.md", "a.md", "Title", (Paragraph("one", True), Paragraph("two")), "ab12", "Wire", "By X",
                      "2024-05-02", "https://example.org/a", ("port", "strike"))
    assert pickle.loads(pickle.dumps(article)) == article
    for value in (article, article.paragraphs[0]):
        assert len(value.__reduce__()[1]) == len(fields(value))
