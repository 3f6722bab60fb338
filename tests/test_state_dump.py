"""`wire state export / import` (a round trip through JSON, idempotent, validated) and moving a corpus folder
(adopted when the old folder is gone and the new one holds its articles; `wire state move` by hand)."""

from __future__ import annotations

import json
import shutil

import pytest

from reader.cli import main
from reader.state import STATE_FILE, State, _said


def wire(capsys, *args: str) -> tuple[int, str, str]:
    """`wire ARGS` in this process, as if a process of its own (each says its notes once)."""
    _said.clear()
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def fill(data, corpus, n: int = 1) -> None:
    state = State.open(data, corpus)
    state.set_read("plain.txt")
    state.set_starred("front.md")
    state.add_tag("front.md", "lead")
    state.add_tag("front.md", f"batch-{n}")
    state.set_note("nested/wire.txt", f"call the agency\nsecond line {n}")
    state.save_search("ferries", "ferry")
    state.set_last_selected(None, "front.md")
    state.close()


def everything(data) -> list:
    state = State.open_all(data)
    rows = {t: sorted(state.query(f"SELECT c.path, t.* FROM {t} t JOIN corpora c ON c.id = t.corpus"))
            for t in ("marks", "tags", "notes", "searches", "positions")}
    state.close()
    return rows


def test_export_delete_import_gives_everything_back(home, corpus_copy, tmp_path, capsys):
    data = home / "data"
    other = tmp_path / "other"
    fill(data, corpus_copy, 1)
    fill(data, other, 2)  # a second corpus, whose folder does not even exist
    before = everything(data)
    out = tmp_path / "dump.json"
    code, _, err = wire(capsys, "state", "export", "--out", str(out))
    assert code == 0 and "2 corpora" in err
    doc = json.loads(out.read_text())
    assert doc["format"] == "wire-reader state" and doc["version"] == 1 and len(doc["corpora"]) == 2
    assert oct(out.stat().st_mode & 0o777) == "0o600"  # notes may name sources
    shutil.rmtree(corpus_copy)  # export and import need no corpus folder
    code, stdout, _ = wire(capsys, "--corpus", str(corpus_copy), "state", "export")
    assert code == 0 and [c["path"] for c in json.loads(stdout)["corpora"]] == [str(corpus_copy)]
    shutil.rmtree(data)
    code, stdout, _ = wire(capsys, "state", "import", str(out), "--json")
    report = json.loads(stdout)
    assert code == 0 and report["read"] == {"corpora": 2, "marks": 4, "tags": 4, "notes": 2, "searches": 2,
                                            "positions": 2}
    assert report["changed"] == {"marks": 4, "tags": 4, "notes": 2, "searches": 2, "positions": 2}
    assert everything(data) == before
    code, stdout, _ = wire(capsys, "state", "import", str(out), "--json")
    assert set(json.loads(stdout)["changed"].values()) == {0}  # twice changes nothing
    assert everything(data) == before


def test_export_of_one_corpus_and_merge_keeps_the_newer(home, corpus_copy, tmp_path, capsys):
    data = home / "data"
    fill(data, corpus_copy)
    fill(data, tmp_path / "other")
    code, stdout, _ = wire(capsys, "--corpus", str(corpus_copy), "state", "export")
    doc = json.loads(stdout)
    assert [c["path"] for c in doc["corpora"]] == [str(corpus_copy.resolve())]
    state = State.open(data, corpus_copy)
    state.set_note("nested/wire.txt", "rewritten after the export")
    state.remove_tag("front.md", "lead")
    state.close()
    path = tmp_path / "one.json"
    path.write_text(stdout)
    assert wire(capsys, "state", "import", str(path))[0] == 0
    state = State.open(data, corpus_copy)
    assert state.note("nested/wire.txt") == "rewritten after the export"  # newer than the export's
    assert "lead" in state.tags_of("front.md")  # tags merge: the export's are added back
    state.close()


@pytest.mark.parametrize("doc, message", [
    ("[]", "not a wire-reader state export"),
    ('{"format": "wire-reader state", "version": 9, "corpora": []}', "newer wire-reader"),
    ('{"format": "wire-reader state", "version": 1, "corpora": [{"path": "relative"}]}', "corpora[0].path"),
    ('{"format": "wire-reader state", "version": 1, "corpora": [{"path": null, "marks": '
     '[{"id": "a", "read": 1, "starred": false, "changed": 1}]}]}', "corpora[0].marks[0].read must be true or false"),
    ('{"format": "wire-reader state", "version": 1, "corpora": [{"path": "/x", "tags": '
     '[{"id": "a", "tags": ["a,b"]}]}]}', "not a tag"),
    ('{"format": "wire-reader state", "version": 1, "corpora": [{"path": "/x", "notes": '
     '[{"id": "a", "text": "t", "changed": NaN}]}]}', "must be a number"),
    ("{not json", "is not JSON"),
])
def test_a_bad_file_is_refused_with_one_line_and_nothing_imported(home, tmp_path, capsys, doc, message):
    fill(home / "data", tmp_path / "c")
    before = (home / "data" / STATE_FILE).read_bytes()
    bad = tmp_path / "bad.json"
    bad.write_text(doc)
    code, out, err = wire(capsys, "state", "import", str(bad))
    lines = err.strip().splitlines()
    assert code == 1 and len(lines) == 1 and lines[0].startswith("wire: error: ") and message in lines[0], err
    assert (home / "data" / STATE_FILE).read_bytes() == before


def test_a_moved_corpus_keeps_its_state_and_says_so_once(home, corpus_copy, tmp_path, capsys):
    data = home / "data"
    fill(data, corpus_copy)
    moved = tmp_path / "moved-here"
    corpus_copy.rename(moved)
    code, out, err = wire(capsys, "--corpus", str(moved), "tag", "front.md")
    assert code == 0 and out.split() == ["batch-1", "lead"]
    notes = [line for line in err.splitlines() if line.startswith("wire: note: ")]
    assert len(notes) == 1 and "taken as moved" in notes[0] and str(corpus_copy) in notes[0]
    code, out, err = wire(capsys, "--corpus", str(moved), "note", "nested/wire.txt")
    assert code == 0 and "call the agency" in out and "wire: note:" not in err  # adopted once, for good
    state = State.open_all(data)
    assert [p for _, p in state.corpora()] == [str(moved.resolve())]
    state.close()


def test_a_new_folder_holding_few_of_the_articles_is_not_taken_for_a_move(home, corpus_copy, tmp_path):
    data = home / "data"
    fill(data, corpus_copy)
    shutil.rmtree(corpus_copy)
    unrelated = tmp_path / "unrelated"
    unrelated.mkdir()
    (unrelated / "plain.txt").write_text("one of three names only\n")
    state = State.open(data, unrelated)
    assert state.read_ids() == set() and state.tags_of("front.md") == []
    state.close()


def test_wire_state_move_by_hand_when_both_folders_exist(home, corpus_copy, tmp_path, capsys):
    data = home / "data"
    fill(data, corpus_copy)
    copy = tmp_path / "copy"
    shutil.copytree(corpus_copy, copy)
    state = State.open(data, copy)
    assert state.tags_of("front.md") == []  # the old folder still exists: nothing is guessed
    state.close()
    code, out, _ = wire(capsys, "state", "move", str(corpus_copy), str(copy))
    assert code == 0 and out.startswith("moved ")
    state = State.open(data, copy)
    assert state.tags_of("front.md") == ["batch-1", "lead"] and state.saved_searches() == [("ferries", "ferry")]
    assert state.last_selected() == "front.md"
    state.close()
    code, _, err = wire(capsys, "state", "move", str(tmp_path / "never"), str(copy))
    assert code == 1 and err.startswith("wire: error: no state kept for ") and len(err.splitlines()) == 1


def test_wire_state_lists_corpora_and_the_newest_backup(home, corpus_copy, capsys):
    fill(home / "data", corpus_copy)
    fill(home / "data", corpus_copy)  # the second open of the day backs up
    code, out, _ = wire(capsys, "state", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["corpora"][0]["path"] == str(corpus_copy.resolve())
    assert (doc["corpora"][0]["read"], doc["corpora"][0]["tagged"], doc["corpora"][0]["notes"]) == (1, 1, 1)
    assert doc["newest_backup"].endswith(".sqlite")
