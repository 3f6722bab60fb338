"""The `wire` command: JSON contract, global options anywhere, query edge cases, one-line errors."""

from __future__ import annotations

import json

import pytest

from .conftest import DATA, run_wire

CORPUS = str(DATA / "corpus")


def wire_json(*args: str) -> dict:
    done = run_wire(*args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_index_json_shape():
    out = wire_json("--corpus", CORPUS, "index")
    assert set(out) == {"articles", "added", "updated", "removed", "skipped", "seconds"}
    assert out["articles"] == 5 and out["added"] == 5
    assert all(set(s) == {"path", "reason"} for s in out["skipped"])


def test_search_json_shape_on_bundled_corpus():
    out = wire_json("search", "wasserman")
    assert set(out) == {"query", "total", "hits"}
    assert out["query"] == "wasserman" and out["total"] == 4
    for hit in out["hits"]:
        assert set(hit) == {"id", "title", "outlet", "date", "score", "snippet"}
        assert "wasserman" in hit["snippet"].lower()


def test_show_json_shape():
    out = wire_json("show", "000")
    assert set(out) == {"id", "path", "title", "outlet", "byline", "date", "url", "version", "story", "text",
                        "paragraphs", "entities", "tags", "note"}  # DESIGN's keys, then the user's tags and note
    assert (out["tags"], out["note"], out["version"], out["story"]) == ([], None, None, None)  # not agency XML
    assert (out["outlet"], out["date"], out["byline"]) == ("CNN", "2026-02-06", "Michael Williams")
    assert all(set(p) == {"text", "boilerplate"} for p in out["paragraphs"])
    assert out["text"] == "\n\n".join(p["text"] for p in out["paragraphs"])


def test_show_returns_boilerplate_flagged():
    out = wire_json("show", "002")
    assert [p["boilerplate"] for p in out["paragraphs"]].count(True) == 1


@pytest.mark.parametrize("argv", [
    ["--corpus", CORPUS, "--home", "{home}", "search", "ferry"],
    ["search", "ferry", "--corpus", CORPUS, "--home", "{home}"],
    ["--corpus", CORPUS, "search", "--home", "{home}", "ferry"],
])
def test_global_options_before_or_after_the_command(argv, home):
    argv = [a.replace("{home}", str(home / "elsewhere")) for a in argv]
    out = wire_json(*argv)
    assert out["total"] == 2
    assert (home / "elsewhere" / "cache").is_dir()


@pytest.mark.parametrize("query", ['"unbalanced', "title:(", "AND", "NOT", "(", ")", "date:[garbage to x]",
                                   "outlet:", "*", "title:\"ferry", "ferry OR", "ü ß 中文"])
def test_malformed_queries_never_crash(query):
    done = run_wire("--corpus", CORPUS, "search", query, "--json")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    json.loads(done.stdout)


def test_fallback_searches_words_with_a_notice():
    done = run_wire("--corpus", CORPUS, "search", '"ferry terminal', "--json")
    assert "unbalanced quote" in done.stderr
    assert json.loads(done.stdout)["total"] == 2


def test_query_language():
    assert wire_json("--corpus", CORPUS, "search", "outlet:\"harbour herald\"")["total"] == 1
    assert wire_json("--corpus", CORPUS, "search", "title:saturday")["total"] == 1
    assert wire_json("--corpus", CORPUS, "search", "ferry NOT commuters")["total"] == 0
    assert wire_json("--corpus", CORPUS, "search", "storm OR bridge")["total"] == 2
    assert wire_json("--corpus", CORPUS, "search", "date:[2025-03-02 to 2025-03-03]")["total"] == 2
    assert wire_json("--corpus", CORPUS, "search", "byline:doe")["total"] == 1
    assert wire_json("--corpus", CORPUS, "search", "ferry terminal")["total"] == 2  # default AND
    assert wire_json("--corpus", CORPUS, "search", "\"terminal will cost\"")["total"] == 1


def test_sort_by_date_puts_newest_first_and_undated_last():
    hits = wire_json("--corpus", CORPUS, "search", "the", "OR", "a", "--sort", "date", "--limit", "10")["hits"]
    dates = [h["date"] for h in hits]
    dated = [d for d in dates if d]
    assert dated == sorted(dated, reverse=True)
    assert dates[len(dated):] == [None] * (len(dates) - len(dated))


def test_since_until():
    out = wire_json("--corpus", CORPUS, "search", "ferry", "--since", "2025-03-02")
    assert [h["id"] for h in out["hits"]] == ["front.md"]


def test_until_takes_only_dated_articles():
    """The index files an undated article as day 0: an open range "on or before" must not take it in."""
    every = {h["id"]: h["date"] for h in wire_json("search", "wasserman")["hits"]}
    assert None in every.values()  # the bundled corpus has an undated copy (003)
    before = wire_json("search", "wasserman", "--until", "2030-01-01")["hits"]
    assert {h["id"] for h in before} == {i for i, d in every.items() if d}


def test_text_output_marks_matches():
    done = run_wire("--corpus", CORPUS, "search", "ferry")
    assert done.returncode == 0
    assert "*ferry*" in done.stdout.lower() and "2 of 2 articles" in done.stdout


@pytest.mark.parametrize("argv, message, code", [
    (["show", "no-such-id"], "no article with id", 1),
    (["--corpus", "/no/such/dir", "search", "x"], "corpus folder not found", 1),
    (["search"], "required", 2),
    (["frobnicate"], "invalid choice", 2),
    (["search", "x", "--since", "someday"], "not a date", 1),
    (["search", "x", "--limit", "many"], "invalid int", 2),
])
def test_errors_are_one_line(argv, message, code):
    done = run_wire(*argv)
    assert done.returncode == code
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("wire: error:") and message in lines[0]


def test_bad_config_is_one_line_naming_file_and_line(tmp_path):
    cfg = tmp_path / "config.yaml"
    cfg.write_text("theme: dark\ncorpsu: /x\n")
    done = run_wire("--config", str(cfg), "search", "x")
    assert done.returncode == 1
    assert done.stderr.strip() == f"wire: error: {cfg}:2: unknown setting 'corpsu' (did you mean 'corpus'?)"


def test_control_characters_in_articles_are_inert_in_text_output(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "evil.txt").write_text("Evil \x1b[2J title \x1b]52;c;aGk=\x07 here \u202e. Body text.\n")
    done = run_wire("--corpus", str(corpus), "show", "evil.txt")
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout and "\u202e" not in done.stdout
    assert "\\x1b[2J" in done.stdout


def test_table_rows_stay_rows_in_show_text_and_json(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "earnings.txt").write_text(
        "Harbour Freight Corp said results for the first quarter improved on\n"
        "higher sales at its two terminals and lower interest costs.\n\n"
        "    Shr 22 cts vs 15 cts\n    Net 1,234,000 vs 987,000\n    Revs 12.3 mln vs 10.1 mln\n")
    lines = run_wire("--corpus", str(corpus), "show", "earnings.txt").stdout.splitlines()
    assert lines[-3:] == ["Shr 22 cts vs 15 cts", "Net 1,234,000 vs 987,000", "Revs 12.3 mln vs 10.1 mln"]
    text = wire_json("--corpus", str(corpus), "show", "earnings.txt")["text"]
    assert "Shr 22 cts vs 15 cts\nNet 1,234,000 vs 987,000\n" in text


def test_python_dash_m_and_version():
    done = run_wire("--version")
    assert done.returncode == 0 and "wire-reader" in done.stdout


def test_wide_characters_fit_the_terminal(tmp_path):
    from reader.overlap.render import cell_width

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.md").write_text("---\ntitle: 東京の株式市場が大きく下落した日の詳しい記事の見出しはとても長いです\n"
                                 "outlet: 日本経済新聞社の特別版\n---\n東京 株式 市場 下落\n", encoding="utf-8")
    done = run_wire("--corpus", str(corpus), "search", "東京", env={"COLUMNS": "60"})
    assert done.returncode == 0
    assert all(cell_width(line) <= 60 for line in done.stdout.splitlines())
    assert "東京の株式市場" in done.stdout
