"""The review loop: tag and note rules (reader.review), `tags:` over user and front-matter tags through the real
Library, tags surviving a rebuild, and `wire tag`, `wire note`, `wire show` and `wire export` with them."""

from __future__ import annotations

import csv
import io
import json
import shlex
import sys

import pytest

from reader import review, searches
from reader.cli import main
from reader.cli_review import shield_dashes
from reader.errors import WireError
from reader.library import Library
from reader.state import STATE_FILE, State

from .conftest import DATA

CORPUS = str(DATA / "corpus")
FRONT, PLAIN, WIRE = "front.md", "plain.txt", "nested/wire.txt"
"""front.md has `tags: [transport, harbour]` in its front matter; the other two have no tags."""


@pytest.fixture
def opened(home):
    """The real Library on the fixture corpus, synced, reading user tags from a real State."""
    library = Library.open(CORPUS, home)
    library.sync()
    state = State.open(library.locations.data_dir, library.corpus)
    library.tag_ids = state.tagged
    yield library, state
    state.close()
    library.close()


def wire(capsys, *args: str) -> tuple[int, str, str]:
    """`wire --corpus CORPUS ARGS` in this process (WIRE_HOME is the test's own home)."""
    capsys.readouterr()
    code = main(["--corpus", CORPUS, *args])
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(err: str, message: str) -> bool:
    lines = err.strip().splitlines()
    return len(lines) == 1 and lines[0].startswith("wire: error: ") and message in lines[0]


def state_files(home) -> list:
    return sorted(home.rglob(f"{STATE_FILE}*"))


# --- the rules ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("typed, stored", [
    ("urgent", "urgent"), ("  Urgent ", "urgent"), ("Check  Figures", "check-figures"), ("new\tyork", "new-york"),
    ("[bold]x[/]", "[bold]x[/]"), ("Ünïcode", "ünïcode"), ("t" * 40, "t" * 40)])
def test_a_tag_is_stripped_lower_case_and_hyphenated(typed, stored):
    assert review.check_tag(typed) == stored


@pytest.mark.parametrize("typed, message", [
    ("", "cannot be empty"), ("   ", "cannot be empty"), ("a,b", "cannot contain a comma"),
    ("t" * 41, "at most 40 characters, not 41"), ("bad\x1b[2J", "control characters"),
    ("evil\u202e", "control characters")])
def test_bad_tags_are_refused_in_one_line(typed, message):
    with pytest.raises(WireError, match=message) as caught:
        review.check_tag(typed)
    text = str(caught.value)
    assert "\n" not in text and "\x1b" not in text and "\u202e" not in text


def test_edits_grammar_and_all_or_nothing(opened):
    _, state = opened
    assert review.parse_edits(["+Urgent", "-draft", "check", ""]) == [(True, "urgent"), (False, "draft"),
                                                                      (True, "check")]
    for lone in ("+", "-"):
        with pytest.raises(WireError, match="names no tag"):
            review.parse_edits([lone])
    assert review.apply_edits(state, PLAIN, ["+b", "a", "+a"]) == ["a", "b"]
    assert review.apply_edits(state, PLAIN, ["-a", "-never-there"]) == ["b"]
    with pytest.raises(WireError, match="comma"):
        review.apply_edits(state, PLAIN, ["+ok", "-b", "bad,tag"])
    assert state.tags_of(PLAIN) == ["b"]  # the good words before the bad one were not applied either


def test_tag_counts_count_articles_per_tag(opened):
    _, state = opened
    assert state.tag_counts() == []
    review.apply_edits(state, PLAIN, ["+urgent", "+check"])
    review.apply_edits(state, WIRE, ["+urgent"])
    assert state.tag_counts() == [("check", 1), ("urgent", 2)]


def test_notes_set_replace_clear_and_refuse_over_long(opened):
    _, state = opened
    assert review.set_note(state, PLAIN, "  first line\r\nsecond line\n\n") == "first line\nsecond line"
    assert state.note(PLAIN) == "first line\nsecond line"
    review.set_note(state, PLAIN, "replaced")
    assert state.note(PLAIN) == "replaced"
    with pytest.raises(WireError, match="at most 10,000 characters, not 10,001"):
        review.set_note(state, PLAIN, "x" * 10_001)
    assert state.note(PLAIN) == "replaced"  # a refused note leaves the old one
    assert review.set_note(state, PLAIN, " \n ") == ""
    assert state.note(PLAIN) is None
    assert review.fields(state, PLAIN) == {"tags": [], "note": None}
    assert review.fields(None, PLAIN) == {"tags": [], "note": None}


# --- tags: in every search ---------------------------------------------------------------------------
def test_tags_query_finds_user_and_front_matter_tags(opened):
    library, state = opened
    assert library.matching("tags:transport") == [FRONT]  # front matter only, so far
    review.apply_edits(state, PLAIN, ["+Transport"])
    review.apply_edits(state, WIRE, ["+urgent"])
    assert sorted(library.matching("tags:transport")) == [FRONT, PLAIN]
    assert sorted(library.matching("tags:Transport")) == [FRONT, PLAIN]  # case does not matter
    assert sorted(h.id for h in library.search("tags:transport").hits) == [FRONT, PLAIN]
    assert library.search("tags:transport").total == 2
    assert library.matching("tags:urgent") == [WIRE]
    assert library.matching("tags:urg*") == [WIRE]  # a prefix reaches user tags too
    assert sorted(library.matching("tags:urgent OR tags:harbour")) == [FRONT, WIRE]
    assert library.matching("ferry NOT tags:transport") == []  # both kinds left out under NOT
    assert library.matching("storm tags:urgent") == [WIRE]
    assert library.matching("tags:nobody") == []
    library.tag_ids = None  # a front end that gives no state: the files' own tags only
    assert library.matching("tags:transport") == [FRONT]


def test_user_tags_survive_a_rebuild_and_are_not_in_the_index(opened):
    library, state = opened
    review.apply_edits(state, PLAIN, ["+urgent"])
    library.sync(rebuild=True)
    assert library.matching("tags:urgent") == [PLAIN]
    assert state.tags_of(PLAIN) == ["urgent"]
    library.tag_ids = None
    assert library.matching("tags:urgent") == []  # found through the state, never written to the index


def test_saved_searches_count_user_tags(opened):
    library, state = opened
    searches.save(state, "to check", "tags:check")
    review.apply_edits(state, PLAIN, ["+check"])
    review.apply_edits(state, FRONT, ["+check"])
    state.set_read(FRONT)
    [found] = searches.counted(library, state)
    assert (found.total, found.unread) == (2, 1)


# --- the CLI -----------------------------------------------------------------------------------------
def test_wire_tag_adds_removes_lists_and_resolves_prefixes(capsys, home):
    code, out, err = wire(capsys, "tag", "plain", "+Urgent", "check figures", "harbour")
    assert code == 0, err
    assert out.splitlines() == ["check-figures", "harbour", "urgent"]
    code, out, _ = wire(capsys, "tag", "plain", "-harbour", "-urgent", "--json")  # -h… is not --help
    assert code == 0 and json.loads(out) == {"id": PLAIN, "tags": ["check-figures"]}
    wire(capsys, "tag", "front", "+check-figures")
    code, out, _ = wire(capsys, "tag", "--list")
    assert [line.split() for line in out.splitlines()] == [["2", "check-figures"]]
    assert json.loads(wire(capsys, "tag", "--list", "--json")[1]) == {
        "tags": [{"tag": "check-figures", "articles": 2}]}
    code, out, _ = wire(capsys, "search", "tags:check-figures", "--json")
    assert sorted(h["id"] for h in json.loads(out)["hits"]) == [FRONT, PLAIN]


def test_global_options_after_tag_edits_still_work(capsys, tmp_path):
    other = tmp_path / "other-home"
    capsys.readouterr()
    assert main(["--corpus", CORPUS, "tag", "plain", "-gone", "+kept", "--home", str(other), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"id": PLAIN, "tags": ["kept"]}
    assert (other / "data" / STATE_FILE).is_file()


def test_shield_only_touches_dash_words_after_tag_and_note():
    assert shield_dashes(["--home", "-h", "tag", "x", "-a", "+b", "-h", "--json", "--", "-c"]) == [
        "--home", "-h", "tag", "x", "\x00-a", "+b", "-h", "--json", "--", "-c"]
    assert shield_dashes(["note", "x", "-5%", "--corpus", "-odd"]) == ["note", "x", "\x00-5%", "--corpus", "-odd"]
    assert shield_dashes(["search", "-x"]) == ["search", "-x"]


@pytest.mark.parametrize("argv, message", [
    (["tag"], "give an article id"),
    (["tag", "--list", "plain"], "--list takes no article id"),
    (["tag", "plain", "+a,b"], "cannot contain a comma"),
    (["tag", "plain", "-"], "names no tag"),
    (["tag", "nope", "+x"], "no article with id 'nope'"),
    (["note", "plain", "text", "--clear"], "one of them"),
    (["note", "plain", "--edit", "--clear"], "one of them"),
    (["note", "plain", "x" * 10_001], "at most 10,000 characters"),
    (["note", "nope"], "no article with id 'nope'"),
])
def test_cli_errors_are_one_line(capsys, argv, message):
    code, out, err = wire(capsys, *argv)
    assert code == 1 and out == "" and one_line_error(err, message), err


def test_reading_commands_make_no_state_file(capsys, home):
    for argv in (["tag", "plain"], ["tag", "--list"], ["note", "plain"], ["show", "plain"],
                 ["search", "tags:x"], ["show", "plain", "--json"]):
        assert wire(capsys, *argv)[0] == 0
    assert state_files(home) == []
    code, out, err = wire(capsys, "note", "plain", "--json")
    assert json.loads(out) == {"id": PLAIN, "note": None}
    assert "no note on plain.txt" in wire(capsys, "note", "plain")[2]


def test_wire_note_sets_prints_and_clears(capsys):
    code, out, err = wire(capsys, "note", "plain", "Check", "the", "[bold]figures[/]")
    assert code == 0 and "saved the note on plain.txt" in err
    assert out == "Check the [bold]figures[/]\n"
    assert wire(capsys, "note", "plain")[1] == "Check the [bold]figures[/]\n"
    assert json.loads(wire(capsys, "note", "plain", "--json")[1])["note"] == "Check the [bold]figures[/]"
    code, out, err = wire(capsys, "note", "plain", "--clear")
    assert code == 0 and out == "" and "deleted the note" in err
    assert json.loads(wire(capsys, "note", "plain", "--json")[1])["note"] is None


def test_wire_show_prints_tags_and_note(capsys):
    wire(capsys, "tag", "plain", "+urgent", "+check")
    wire(capsys, "note", "plain", "Call the board.\nAsk about \x1b[2J the cost.")
    code, out, _ = wire(capsys, "show", "plain")
    lines = out.splitlines()
    assert code == 0 and lines[2] == PLAIN
    assert lines[3] == "tags: check, urgent"
    assert lines[4:6] == ["note: Call the board.", "      Ask about \\x1b[2J the cost."]
    assert "\x1b" not in out
    shown = json.loads(wire(capsys, "show", "plain", "--json")[1])
    assert list(shown)[-2:] == ["tags", "note"]  # DESIGN's `wire show` JSON, two keys added
    assert shown["tags"] == ["check", "urgent"] and shown["note"] == "Call the board.\nAsk about \x1b[2J the cost."


def _editor(tmp_path, body: str) -> str:
    """$EDITOR: a tiny Python script run on the note's file (a program and its argument, as an editor is)."""
    script = tmp_path / "editor.py"
    script.write_text("import sys\npath = sys.argv[1]\n" + body, encoding="utf-8")
    return f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}"


def test_wire_note_edit_runs_the_editor(capsys, monkeypatch, tmp_path):
    wire(capsys, "note", "plain", "first line")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", _editor(tmp_path, "open(path, 'a', encoding='utf-8').write('added line\\n')\n"))
    code, out, err = wire(capsys, "note", "plain", "--edit")
    assert code == 0, err
    assert out == "first line\nadded line\n" and "saved the note" in err
    # $VISUAL wins over $EDITOR; an editor that changes nothing leaves the note alone.
    monkeypatch.setenv("VISUAL", _editor(tmp_path, "pass\n"))
    code, out, err = wire(capsys, "note", "plain", "--edit")
    assert code == 0 and "note unchanged" in err and out == "first line\nadded line\n"
    assert not list(tmp_path.glob("wire-note-*"))


def test_a_failing_or_missing_editor_leaves_the_note(capsys, monkeypatch, tmp_path):
    wire(capsys, "note", "plain", "keep me")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # where the note's temp file goes, to look for it
    monkeypatch.setattr("tempfile.tempdir", None)
    monkeypatch.setenv("EDITOR", _editor(tmp_path, "open(path, 'w').write('half written')\nsys.exit(3)\n"))
    code, out, err = wire(capsys, "note", "plain", "--edit")
    assert code == 1 and out == "" and one_line_error(err, "exited with status 3; the note is unchanged")
    [kept] = tmp_path.glob("wire-note-*")  # what was typed is not lost: the file stays, named in the error
    assert str(kept) in err and kept.read_text() == "half written"
    for editor, message in ((str(tmp_path / "no-such-editor"), "cannot run the editor"),
                            ("", "no editor: set $VISUAL or $EDITOR")):
        monkeypatch.setenv("EDITOR", editor)
        code, out, err = wire(capsys, "note", "plain", "--edit")
        assert code == 1 and one_line_error(err, message), err
    assert wire(capsys, "note", "plain")[1] == "keep me\n"


def test_wire_export_tags_query_carries_tags_and_notes(capsys):
    wire(capsys, "tag", "plain", "+transport", "+check")
    wire(capsys, "note", "plain", "=SUM(A1)\n# not a heading\n> not a quote\n\n- not a list <b>")
    code, out, err = wire(capsys, "export", "tags:transport")
    assert code == 0, err
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(out))}
    assert sorted(rows) == [FRONT, PLAIN]  # the front matter's tag and the user's, through one query
    assert rows[PLAIN]["tags"] == "check; transport"
    assert rows[PLAIN]["note"] == "'=SUM(A1) # not a heading > not a quote - not a list <b>"  # one line, guarded
    assert (rows[FRONT]["tags"], rows[FRONT]["note"]) == ("", "")  # the file's tags are not the user's
    records = {r["id"]: r for r in map(json.loads, wire(capsys, "export", "tags:transport", "--format",
                                                         "jsonl")[1].splitlines())}
    assert records[PLAIN]["tags"] == ["check", "transport"] and records[PLAIN]["note"].startswith("=SUM(A1)\n")
    md = wire(capsys, "export", "tags:transport", "--format", "md")[1]
    section = md.split(f"- id: {PLAIN}")[1].split("\n## ")[0]
    assert "\n**Tags:** check, transport\n" in section
    # Every line quoted and escaped as article text is (a leading "=" would underline a heading), breaks kept.
    assert ("\n**Note:**\n\n> \\=SUM(A1)  \n> \\# not a heading  \n> \\> not a quote\n>\n"
            "> \\- not a list \\<b>\n") in section
    assert section.index("**Note:**") < section.index("The harbour board approved")  # before the text


@pytest.mark.parametrize("typed, words", [
    ("+follow up -draft", ["+follow up", "-draft"]),       # as the CLI gets `"+follow up" -draft`
    ("urgent draft", ["urgent", "draft"]),                  # bare words before any +/-: one tag each
    ("x +y z", ["x", "+y z"]),
    ("  +a   b  ", ["+a b"]),
    ("- x", ["-", "x"]),                                    # a lone - joins nothing: parse_edits refuses it
    ("", []),
])
def test_a_typed_line_of_tag_edits_splits_as_the_cli_takes_quoted_words(typed, words):
    assert review.split_edits(typed) == words
    if typed.startswith("+follow"):
        assert review.parse_edits(words) == [(True, "follow-up"), (False, "draft")]
