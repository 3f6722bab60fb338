"""`wire export` and reader.export: CSV, Markdown and JSON Lines of real articles; formula and markup guards."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import time

import pytest

from reader.cli import main
from reader.errors import WireError
from reader.export import CSV_COLUMNS, FORMATS, export
from reader.library import Library
from reader.locations import Locations, bundled
from reader.state import State

S000, S001, S002, S003 = (f"{n}.txt" for n in ("000_5f74f607dbe86133", "001_a04aa6657f36c79f",
                                                "002_2d012b5b27f1047f", "003_7ef0ccdbbfe8a9fc"))

# Untrusted text: a formula title, markup at the start of paragraph lines, table rows, controls.
# The Markdown body is rendered to text, so the markup meant to reach the export is written escaped.
INJECT_MD = """---
title: '=HYPERLINK("http://evil.example","click")'
date: 2025-05-01
outlet: '@Outlet'
byline: '-42'
url: https://example.org/a
---
Text with a \\<b>tag\\</b> in it and a\\backslash.

\\> not a quote

Shr 22 cts vs 15 cts
Net 1.2 mln vs 900,000
Revs 12.3 mln vs 10.1 mln
"""
HASH_TXT = """ date 2025-05-03 By Ann Smith, Daily Post

The council met on Monday to discuss the budget for next year.

# 1 priority is housing, the mayor said.

1. not a list item either.
"""
CONTROLS_JSONL = json.dumps({"id": "c1", "title": "\u001b[2JRed alert\u0007", "date": "2025-05-02",
                             "outlet": "+Plus", "text": "A record with a terminal escape in its title."}) + "\n"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """One home with the bundled corpus indexed, entities found and wire copies scored (reused: NER)."""
    home = tmp_path_factory.mktemp("export-home")
    for command in (["index"], ["overlaps", "--json"]):
        assert main(["--home", str(home), *command]) == 0
    return home


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A corpus of articles written to break exports, and its own home."""
    corpus = tmp_path_factory.mktemp("hostile-corpus")
    (corpus / "inject.md").write_text(INJECT_MD, encoding="utf-8")
    (corpus / "hash.txt").write_text(HASH_TXT, encoding="utf-8")
    (corpus / "controls.jsonl").write_text(CONTROLS_JSONL, encoding="utf-8")
    home = tmp_path_factory.mktemp("hostile-home")
    return corpus, home


def wire(capsys, home, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--home", str(home), *args])
    out, err = capsys.readouterr()
    return code, out, err


def rows(text: str) -> dict[str, dict[str, str]]:
    return {r["id"]: r for r in csv.DictReader(io.StringIO(text))}


# --- csv ---------------------------------------------------------------------------------------------
def test_csv_header_and_seed_values(seeded, capsys):
    code, out, err = wire(capsys, seeded, "export")
    assert code == 0, err
    assert out.splitlines()[0] == ",".join(CSV_COLUMNS)
    assert CSV_COLUMNS[-2:] == ("tags", "note")  # the user's review, after the corpus's columns
    found = rows(out)
    assert list(found) == [S000, S001, S002, S003]  # every article, newest first, undated last
    cnn = found[S000]
    assert cnn["title"].startswith("The head of the coordinating committee for the 2028 Olympic Games")
    assert (cnn["outlet"], cnn["byline"], cnn["date"], cnn["url"]) == ("CNN", "Michael Williams", "2026-02-06", "")
    assert cnn["words"].isdigit() and int(cnn["words"]) > 500
    assert (cnn["read"], cnn["starred"]) == ("false", "false")
    assert (cnn["tags"], cnn["note"]) == ("", "")
    assert found[S003]["date"] == "" and found[S003]["outlet"] == ""  # missing, never "None"
    assert "None" not in out


def test_csv_entities_and_wire_copies(seeded, capsys):
    found = rows(wire(capsys, seeded, "export")[1])
    people = found[S000]["people"].split("; ")
    assert people[0] == "Casey Wasserman" and "Ghislaine Maxwell" in people
    assert "US Justice Department" in found[S000]["organizations"].split("; ")
    assert "Los Angeles" in found[S000]["places"].split("; ")
    assert {i: r["wire_copies"] for i, r in found.items()} == {S000: "0", S001: "1", S002: "1", S003: "0"}


def test_query_sort_limit_and_dates(seeded, capsys):
    by_date = list(rows(wire(capsys, seeded, "export", "wasserman")[1]))
    assert by_date[0] == S000 and by_date[-1] == S003 and len(by_date) == 4
    code, out, _ = wire(capsys, seeded, "export", "wasserman", "--sort", "relevance")
    assert code == 0 and set(rows(out)) == set(by_date)
    assert list(rows(wire(capsys, seeded, "export", "maxwell", "--limit", "2")[1])) == by_date[:2]
    assert list(rows(wire(capsys, seeded, "export", "--since", "2026-02-05")[1])) == [S000]
    assert list(rows(wire(capsys, seeded, "export", "--until", "2026-02-05")[1])) == [S001, S002]
    # undated 003 is outside any date bound, with a query too (the index files it as day 0)
    assert sorted(rows(wire(capsys, seeded, "export", "wasserman", "--until", "2026-02-05")[1])) == [S001, S002]


def test_formula_injection_and_controls_are_neutralised(hostile, capsys):
    corpus, home = hostile
    code, out, err = wire(capsys, home, "--corpus", str(corpus), "export")
    assert code == 0, err
    found = rows(out)
    row = found["inject.md"]
    assert row["title"] == "'=HYPERLINK(\"http://evil.example\",\"click\")"
    assert row["outlet"] == "'@Outlet"
    assert row["byline"] == "-42"  # a plain (negative) number is left alone
    assert row["url"] == "https://example.org/a" and row["words"].isdigit()
    controls = found["controls.jsonl#c1"]
    assert controls["outlet"] == "'+Plus"
    assert "\x1b" not in out and "\x07" not in out
    assert controls["title"] == "\\x1b[2JRed alert\\x07"


# --- jsonl -------------------------------------------------------------------------------------------
def test_jsonl_lines_carry_show_fields_marks_and_copies(seeded, capsys):
    code, out, _ = wire(capsys, seeded, "export", "--format", "jsonl")
    records = {r["id"]: r for r in map(json.loads, out.splitlines())}
    assert list(records) == [S000, S001, S002, S003]
    pairs = json.loads(wire(capsys, seeded, "overlaps", "--json")[1])["pairs"]
    pair = next(p for p in pairs if {p["a"], p["b"]} == {S001, S002})
    share = {pair["a"]: pair["share_a"], pair["b"]: pair["share_b"]}
    assert records[S001]["copies"] == [{"id": S002, "label": pair["label"], "share": share[S001]}]
    assert records[S002]["copies"] == [{"id": S001, "label": pair["label"], "share": share[S002]}]
    assert pair["label"] in ("wholly", "partially") and records[S000]["copies"] == []
    first = records[S000]
    assert set(first) == {"id", "path", "title", "outlet", "byline", "date", "url", "version", "story", "text",
                          "paragraphs", "entities", "tags", "note", "read", "starred", "copies"}
    assert (first["outlet"], first["read"], first["starred"]) == ("CNN", False, False)
    assert (first["tags"], first["note"]) == ([], None)
    casey = next(e for e in first["entities"] if e["name"] == "Casey Wasserman")
    assert casey["type"] == "person" and casey["mentions"] >= 10


def test_core_keeps_order_skips_gone_ids_and_names_formats(seeded):
    lib = Library.open(None, seeded)
    try:
        buf = io.StringIO()
        assert export(lib, None, [S003, "gone.txt", S000], "jsonl", buf) == 2
        assert [json.loads(line)["id"] for line in buf.getvalue().splitlines()] == [S003, S000]
        with pytest.raises(WireError, match="csv, md, jsonl") as caught:
            export(lib, None, [S000], "xml", io.StringIO())
        assert "\n" not in str(caught.value) and FORMATS == ("csv", "md", "jsonl")
    finally:
        lib.close()


# --- md ----------------------------------------------------------------------------------------------
def test_markdown_dossier(seeded, capsys):
    code, out, _ = wire(capsys, seeded, "export", "wasserman", "--format", "md")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "# wire export"
    assert "- query: wasserman" in lines and "- articles: 4" in lines
    assert any(line.startswith("- exported: 20") for line in lines)
    headings = [line for line in lines if line.startswith("## ")]
    assert len(headings) == 4 and headings[0].startswith("## The head of the coordinating committee")
    assert "- outlet: CNN" in lines and "- date: 2026-02-06" in lines
    section = out.split(f"- id: {S001}")[1].split("\n## ")[0]
    assert "**Wire copies:**" in section and f"- {S002} “Local officials" in section
    assert "derived, " in section and "% of this article reused" in section
    assert "**Names:** people: Casey Wasserman" in section
    assert "Support Now" not in section  # boilerplate (the donation appeal) is left out
    assert "**Wire copies:**" not in out.split(f"- id: {S000}")[1].split("\n## ")[0]


def test_markdown_escapes_what_would_become_markup(hostile, capsys):
    corpus, home = hostile
    out = wire(capsys, home, "--corpus", str(corpus), "export", "--format", "md")[1]
    lines = out.splitlines()
    assert "\\# 1 priority is housing, the mayor said." in lines
    assert "1\\. not a list item either." in lines
    assert "\\> not a quote" in lines
    assert "Text with a \\<b>tag\\</b> in it and a\\\\backslash." in lines
    # table rows stay separate lines: a hard break (two spaces) after each but the last
    assert "Shr 22 cts vs 15 cts  \nNet 1.2 mln vs 900,000  \nRevs 12.3 mln vs 10.1 mln\n" in out
    assert "## =HYPERLINK" in out and "- url: <https://example.org/a>" in lines
    assert "\x1b" not in out and "## \\\\x1b[2JRed alert" in out


# --- out, state, errors ------------------------------------------------------------------------------
def test_out_writes_the_file_atomically(seeded, capsys, tmp_path):
    target = tmp_path / "list.csv"
    code, out, err = wire(capsys, seeded, "export", "--out", str(target))
    assert code == 0 and out == ""
    assert err.strip() == f"wrote 4 articles to {target}"
    assert list(rows(target.read_text(encoding="utf-8"))) == [S000, S001, S002, S003]
    assert os.listdir(tmp_path) == ["list.csv"]  # no temp file left beside it
    assert wire(capsys, seeded, "export", "--out", str(target), "--format", "jsonl", "--limit", "1")[0] == 0
    assert len(target.read_text(encoding="utf-8").splitlines()) == 1  # replaced, not appended

def test_out_to_a_pipe_writes_into_it_and_never_replaces_it(seeded, capsys, tmp_path):
    """`--out` naming a FIFO (or a device such as /dev/stdout) is written to: the atomic rename used for
    files would have put a plain file in its place (it did so to /dev/full)."""
    import stat
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text(encoding="utf-8")), daemon=True)
    reader.start()
    code, _, err = wire(capsys, seeded, "export", "--out", str(fifo))
    reader.join(timeout=30)
    assert code == 0, err
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)  # still a pipe
    assert list(rows(got[0])) == [S000, S001, S002, S003]
    assert sorted(os.listdir(tmp_path)) == ["pipe"]  # no temp file beside it


@pytest.mark.parametrize("where, message", [("inside", "will not write inside the corpus folder"),
                                            ("missing", "no such folder")])
def test_out_refuses_the_corpus_and_missing_folders(where, message, seeds_copy, home, capsys, tmp_path):
    target = seeds_copy / "list.csv" if where == "inside" else tmp_path / "nowhere" / "list.csv"
    before = sorted(os.listdir(seeds_copy))
    code, out, err = wire(capsys, home, "--corpus", str(seeds_copy), "export", "--out", str(target))
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("wire: error:") and message in lines[0]
    assert sorted(os.listdir(seeds_copy)) == before and not target.exists()


def test_starred_and_unread_follow_the_users_state(seeded, capsys, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(seeded, home)  # marks on a copy: the shared home stays unmarked
    state = State.open(Locations.resolve(home).data_dir, bundled("corpus"))
    state.set_starred(S002)
    state.set_read(S000)
    state.close()
    found = rows(wire(capsys, home, "export", "--starred")[1])
    assert list(found) == [S002] and found[S002]["starred"] == "true"
    found = rows(wire(capsys, home, "export", "--unread")[1])
    assert list(found) == [S001, S002, S003]
    everything = rows(wire(capsys, home, "export")[1])
    assert everything[S000]["read"] == "true" and everything[S001]["read"] == "false"
    md = wire(capsys, home, "export", "--starred", "--format", "md")[1]
    assert "- starred: yes" in md.splitlines() and "- read: yes" not in md.splitlines()


def test_usage_errors():
    done = subprocess.run([sys.executable, "-m", "reader", "export", "--format", "xml"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith("wire: error: argument --format: invalid choice") and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1


def test_bad_limit_and_date_are_one_line_errors(seeded, capsys):
    for args, message in ((["--limit", "0"], "--limit must be at least 1"), (["--since", "someday"], "not a date")):
        code, out, err = wire(capsys, seeded, "export", *args)
        assert code == 1 and out == "" and err.strip().count("\n") == 0 and message in err


def test_a_closed_pipe_is_not_an_error(seeded):
    proc = subprocess.Popen([sys.executable, "-m", "reader", "--home", str(seeded), "export", "--format", "md"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader went away before the first byte (`wire export | head -0`)
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0, err
    assert err == ""


def test_export_module_does_not_import_textual_or_rich():
    # tests/test_hygiene.py lists the core modules; this one is checked the same way here.
    code = ("import sys, reader.export\n"
            "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "", done.stdout + done.stderr


def test_export_time_is_recent(seeded, capsys):
    import datetime as dt

    out = wire(capsys, seeded, "export", "--format", "md", "--limit", "1")[1]
    stamp = next(line for line in out.splitlines() if line.startswith("- exported: "))[len("- exported: "):]
    assert abs(dt.datetime.fromisoformat(stamp).timestamp() - time.time()) < 120
