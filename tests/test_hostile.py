"""Hostile files beside good articles, through the real command: nothing stops a sync or loses a good article."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path

import pytest

from reader.corpus.formats import safe_name

from . import hostile
from .conftest import run_wire

_ALL_GOOD = " OR ".join(hostile.GOOD_WORDS.values())


def _bad_files(corpus: Path) -> set[str]:
    """Printable corpus-relative names of every non-folder entry that is not a good article."""
    found, stack = set(), [str(corpus)]
    while stack:
        folder = stack.pop()
        for entry in os.scandir(folder):
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
            else:
                found.add(safe_name(os.path.relpath(entry.path, corpus)))
    return found - set(hostile.GOOD)


def _store(home: Path) -> sqlite3.Connection:
    [path] = (home / "cache" / "corpora").glob("*/corpus.sqlite")
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def _index(corpus: Path, home: Path, *extra: str, timeout: float = 120) -> dict:
    started = time.monotonic()
    result = run_wire("--corpus", str(corpus), "--home", str(home), "index", "--json", *extra, timeout=timeout)
    seconds = time.monotonic() - started
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr[-2000:]
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout)
    report["wall"] = seconds
    return report


def _search_good(corpus: Path, home: Path) -> None:
    """Every good article is found by its own word."""
    result = run_wire("--corpus", str(corpus), "--home", str(home), "search", _ALL_GOOD, "--json", "--limit", "50")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-2000:]
    ids = {hit["id"] for hit in json.loads(result.stdout)["hits"]}
    assert set(hostile.GOOD_WORDS) <= ids, f"good articles lost: {set(hostile.GOOD_WORDS) - ids}"


def _check(corpus: Path, home: Path, report: dict) -> None:
    """Every good article stored in full; every bad file skipped with a reason or indexed sanely."""
    skipped = report["skipped"]
    assert all(isinstance(s["reason"], str) and s["reason"] and "\n" not in s["reason"] for s in skipped)
    with _store(home) as db:
        articles = db.execute("SELECT id, path, title FROM articles").fetchall()
    indexed = {path for _, path, _ in articles}
    good = {article_id: title for article_id, _, title in articles if article_id in hostile.GOOD_WORDS}
    assert set(good) == set(hostile.GOOD_WORDS), f"good articles lost: {set(hostile.GOOD_WORDS) - set(good)}"
    for name in _bad_files(corpus):
        listed = any(s["path"] == name or s["path"].startswith(name + "#") for s in skipped)
        assert listed or name in indexed, f"{name!r}: neither indexed nor listed as skipped"
    for article_id, _, title in articles:
        assert article_id.isprintable() and len(article_id) < 1000, article_id[:200]
        assert title and len(title) <= 1001 and "\n" not in title, title[:200]


@pytest.mark.parametrize("kind", sorted(hostile.KINDS))
def test_each_kind_alone_beside_good_articles(tmp_path, kind):
    corpus = tmp_path / "corpus"
    hostile.make_good(corpus)
    assert hostile.make(corpus, [kind]) == [kind]
    report = _index(corpus, tmp_path / "home", "--text-only")
    # The store and the index agree (a sync checks it), so a good article stored is a good article indexed;
    # searching for each is left to the test of all kinds together, which keeps this one to one command.
    assert report["articles"] >= len(hostile.GOOD_WORDS)
    _check(corpus, tmp_path / "home", report)


def test_every_kind_together_loses_no_good_article(tmp_path):
    corpus = tmp_path / "corpus"
    hostile.make_good(corpus)
    kinds = hostile.make(corpus)
    assert len(kinds) >= 45
    home = tmp_path / "home"
    report = _index(corpus, home, "--text-only", timeout=300)
    assert report["wall"] < 120, f"{report['wall']:.1f} s"
    _check(corpus, home, report)
    _search_good(corpus, home)
    for article_id, word in hostile.GOOD_WORDS.items():
        # Text output: `show --json` waits for NER on every article, which the long texts make minutes.
        shown = run_wire("--corpus", str(corpus), "--home", str(home), "show", article_id)
        assert shown.returncode == 0 and word in shown.stdout, shown.stderr
    # Wire copies: the long texts are left out of alignment (it grows with the square of their sentences).
    started = time.monotonic()
    copies = run_wire("--corpus", str(corpus), "--home", str(home), "overlaps", "--json", timeout=300)
    assert copies.returncode == 0 and "Traceback" not in copies.stderr, copies.stderr[-2000:]
    assert time.monotonic() - started < 120
    # Again with nothing changed: the FIFO, the socket and /dev/zero are still never opened.
    again = _index(corpus, home, "--text-only")
    assert again["articles"] == report["articles"] and again["wall"] < 60
    # The same skips, and the articles the wire-copy pass left out (it has run since) listed too.
    later = [s for s in again["skipped"] if s["reason"].startswith("left out of wire copies")]
    assert any(s["path"] == "huge-line.txt" for s in later), again["skipped"]
    assert sorted(map(json.dumps, (s for s in again["skipped"] if s not in later))) == sorted(
        map(json.dumps, report["skipped"]))


def test_long_texts_go_through_ner_in_chunks(tmp_path):
    """Bodies over spaCy's 1,000,000-character limit (E088) are tagged in chunks, not refused. The kinds
    here are cheap to tag (a long run without spaces, then names past the first million characters);
    the other long kinds cost minutes of NER and are run text-only above."""
    corpus = tmp_path / "corpus"
    hostile.make_good(corpus)
    hostile.make(corpus, ["huge_line_txt", "names_after_long_line_md"])
    home = tmp_path / "home"
    report = _index(corpus, home, timeout=600)
    assert not any(s["path"] in ("huge-line.txt", "names-late.md") for s in report["skipped"]), report["skipped"]
    _check(corpus, home, report)
    _search_good(corpus, home)
    result = run_wire("--corpus", str(corpus), "--home", str(home), "show", "names-late.md", "--json")
    assert result.returncode == 0, result.stderr
    names = {e["name"] for e in json.loads(result.stdout)["entities"]}
    assert {"Alice Brennan", "Portland"} & names, names


def test_chunked_ner_offsets_point_into_the_article_text():
    from reader.entities.pipeline import MAX_CHUNK, annotate
    from reader.models import Article, Paragraph

    filler = ("The committee met again on Tuesday and the meeting ran long. " * 40).strip()
    paragraphs = [Paragraph(filler)] * (3 * MAX_CHUNK // len(filler)) + [
        Paragraph("Give to our appeal today.", True), Paragraph("Mayor Alice Brennan of Portland spoke to Reuters.")]
    article = Article("long", "long.txt", "t", tuple(paragraphs), "sha")
    [(article_id, mentions)] = list(annotate([article], n_process=1))
    assert article_id == "long" and mentions
    assert all(article.text[m.start:m.end] == m.text for m in mentions)
    assert "Alice Brennan" in {m.text for m in mentions}


# --- the per-article safety nets, each made to fail on one article ----------------------------------
# No input is known that Whoosh, shingling or spaCy still fail on once the loaders have cleaned it, so
# the failure is injected into our own stage code (not into the dependency) for one article.


def test_an_article_the_index_refuses_is_skipped_and_the_rest_indexed(tmp_path, monkeypatch):
    from reader.index import writers as index_module  # where the writer turns an Article into fields
    from reader.library import Library

    corpus = tmp_path / "corpus"
    hostile.make_good(corpus)
    real_fields = index_module.article_fields

    def fields(article, entity_terms=None):
        if article.id == "good-b.md":
            raise ValueError("term too long for the index")
        return real_fields(article, entity_terms)

    monkeypatch.setattr(index_module, "article_fields", fields)
    lib = Library.open(corpus, tmp_path / "home")
    report = lib.sync()
    assert {"path": "good-b.md", "reason": "not indexed: ValueError: term too long for the index"} in report.skipped
    assert report.articles == len(hostile.GOOD_WORDS) - 1 == lib.index.doc_count()
    assert lib.search("zephyrquill").total == 1 and lib.search("marrowlight").total == 0
    monkeypatch.setattr(index_module, "article_fields", real_fields)
    (corpus / "good-b.md").write_text(hostile.GOOD["good-b.md"] + "\nMore.\n")
    again = lib.sync()  # the file changed: read and indexed again, its skip entry gone
    assert lib.search("marrowlight").total == 1 and not any(s["path"] == "good-b.md" for s in again.skipped)
    lib.close()


def test_an_article_ner_fails_on_is_listed_and_the_run_goes_on(tmp_path, monkeypatch):
    from reader.entities import pipeline
    from reader.library import Library

    corpus = tmp_path / "corpus"
    hostile.make_good(corpus)
    real_refine = pipeline.refine

    def refine(text, raw, lexicon, original=None):
        if "zephyrquill" in original:
            raise RuntimeError("refinement broke")
        return real_refine(text, raw, lexicon, original=original)

    monkeypatch.setattr(pipeline, "refine", refine)
    (corpus / "names.txt").write_text("Mayor Alice Brennan of Portland told Reuters the works would end in May.\n")
    lib = Library.open(corpus, tmp_path / "home")
    lib.sync()
    lib.enrich()
    problem = {"path": "good-a.txt", "reason": "names not extracted: RuntimeError: refinement broke"}
    assert problem in lib.store.skipped()
    assert lib.search("zephyrquill").total == 1  # still indexed, with no names
    assert "Alice Brennan" in {e.name for e in lib.entities()}  # the others have their names
    lib.close()


def test_an_article_that_breaks_shingling_is_left_out_of_wire_copies(monkeypatch):
    from reader.models import Article, Paragraph
    from reader.overlap import candidates

    text = "The harbour board approved the ferry terminal after a decade of planning on Monday. " * 5
    articles = [Article(f"a{i}", f"a{i}", "t", (Paragraph(text),), f"sha{i}", f"Outlet {i}") for i in range(3)]
    real = candidates.shingle_hashes

    def shingles(words, n):
        if len(words) and str(words[0]).lower() == "broken":
            raise ValueError("bad tokens")
        return real(words, n)

    monkeypatch.setattr(candidates, "shingle_hashes", shingles)
    broken = Article("bad", "bad", "t", (Paragraph("Broken " + text),), "shaX", "Outlet X")
    index = candidates.OverlapIndex()
    assert index.sync([*articles, broken]) == (3, 0)
    assert "bad" not in index and index.problems == {"bad": "left out of wire copies: ValueError"}
    assert {tuple(sorted((c.a, c.b))) for c in index.candidate_pairs()} >= {("a0", "a1")}
