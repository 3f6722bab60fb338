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
    assert skipped == [{"path": "notes.csv", "reason": "unsupported file type"}]
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
