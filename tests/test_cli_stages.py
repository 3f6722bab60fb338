"""The entity and wire-copy commands on the bundled seeds: JSON contract and the seed expectations."""

from __future__ import annotations

import json

import pytest

from reader.textsafe import cell_width

from .conftest import run_wire


def wire_json(*args: str) -> dict:
    done = run_wire(*args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_entities_json_shape_and_merging():
    out = wire_json("entities")
    assert set(out) == {"entities"}
    for e in out["entities"]:
        assert set(e) == {"name", "type", "aliases", "articles", "mentions"}
    counts = [e["articles"] for e in out["entities"]]
    assert counts == sorted(counts, reverse=True)
    top = out["entities"][0]
    assert (top["name"], top["type"], top["articles"]) == ("Casey Wasserman", "person", 4)
    names = {e["name"] for e in out["entities"]}
    assert not any(n.startswith(("Mr ", "Supervisor ", "Mayor ")) for n in names)
    assert "State" not in names


def test_entities_by_type_and_query():
    people = wire_json("entities", "--type", "person")["entities"]
    assert people and all(e["type"] == "person" for e in people)
    only_cnn = wire_json("entities", "--query", "outlet:cnn")["entities"]
    assert all(e["articles"] <= 1 for e in only_cnn)
    assert any(e["name"] == "Karen Bass" for e in only_cnn)


@pytest.mark.parametrize("query", ['person:"Casey Wasserman"', "person:wasserman"])
def test_entity_fields_find_all_four_seeds(query):
    assert wire_json("search", query)["total"] == 4


def test_show_lists_entities():
    out = wire_json("show", "000")
    assert {"name": "Casey Wasserman", "type": "person"}.items() <= out["entities"][0].items() or any(
        e["name"] == "Casey Wasserman" for e in out["entities"])
    assert all(set(e) == {"name", "type", "mentions"} for e in out["entities"])


def test_overlaps_json_shape_and_seed_pair():
    out = wire_json("overlaps")
    assert set(out) == {"pairs", "families"}
    pairs = {(p["a"], p["b"]): p for p in out["pairs"]}
    assert set(pairs) == {("001_a04aa6657f36c79f.txt", "002_2d012b5b27f1047f.txt")}
    pair = next(iter(pairs.values()))
    assert set(pair) == {"a", "b", "share_a", "share_b", "shared_words", "label", "derived"}  # derived: README
    assert pair["derived"] in ("a", "b")
    assert pair["label"] in ("wholly", "partially") and 0 < pair["share_a"] <= 1
    assert out["families"] == [{"articles": ["001_a04aa6657f36c79f.txt", "002_2d012b5b27f1047f.txt"],
                                "original": None, "versions": {}}]
    # The readable table fits an 80-column terminal (it ran one column over and wrapped).
    for columns in ("80", "60"):
        lines = run_wire("overlaps", env={"COLUMNS": columns}).stdout.splitlines()
        assert lines[1].startswith(pair["label"]) and max(cell_width(line) for line in lines) <= int(columns)


def test_diff_json_and_text():
    out = wire_json("diff", "001", "002")
    assert set(out) == {"a", "b", "segments"}
    kinds = {s["kind"] for s in out["segments"]}
    assert kinds <= {"same", "changed", "a_only", "b_only"} and {"a_only", "b_only"} <= kinds
    hahn = [s for s in out["segments"] if "world stage" in s["a"] and "world stage" in s["b"]]
    assert hahn, "the Hahn quote is aligned across the pair"
    done = run_wire("diff", "001", "002", env={"COLUMNS": "80"})
    assert done.returncode == 0 and "Having him" in done.stdout and "~ " in done.stdout
    assert max(len(line) for line in done.stdout.splitlines()) <= 100
    # Once NER has run, the names a copy dropped or added: only the CNA copy quotes Reuters.
    assert run_wire("entities").returncode == 0
    lines = run_wire("diff", "001", "002", env={"COLUMNS": "80"}).stdout.splitlines()
    only_b = [line for line in lines[:4] if line.startswith("names only in b: ")]
    assert only_b and "Reuters" in only_b[0].removeprefix("names only in b: ").split(", ")


@pytest.mark.parametrize("argv, message", [
    (["diff", "001", "001"], "two different articles"),
    (["overlaps", "--min-share", "2"], "between 0 and 1"),
    (["entities", "--type", "animal"], "invalid choice"),
])
def test_stage_command_errors(argv, message):
    done = run_wire(*argv)
    assert done.returncode in (1, 2) and message in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_malformed_aliases_warns_and_keeps_last_good(home):
    config = home / "config"
    config.mkdir(parents=True, exist_ok=True)
    aliases = config / "aliases.yaml"
    aliases.write_text("rename:\n  Casey Wasserman: C. Wasserman\n")
    assert wire_json("entities", "--type", "person")["entities"][0]["name"] == "C. Wasserman"
    aliases.write_text("hide: [Nobody]\nrename: 5\n")
    done = run_wire("entities", "--type", "person", "--json")
    assert done.returncode == 0
    assert "aliases.yaml:2" in done.stderr and done.stderr.startswith("wire: warning:")
    assert json.loads(done.stdout)["entities"][0]["name"] == "C. Wasserman"


def test_scored_pairs_are_reused_by_the_next_run_until_the_corpus_changes(seeds_copy, home, monkeypatch):
    import reader.overlap
    from reader.library import Library
    from reader.overlap import OverlapIndex

    first = Library.open(seeds_copy, home)
    first.sync()
    pairs, _ = first.overlaps()
    diffed = first.diff(pairs[0].a, pairs[0].b)
    first.close()

    def must_not_score(*args, **kwargs):
        raise AssertionError("pairs were scored again although nothing changed")

    def must_not_load(*args, **kwargs):
        raise AssertionError("the candidate index was loaded although the scored pairs were valid")

    monkeypatch.setattr(reader.overlap, "overlaps", must_not_score)
    monkeypatch.setattr(OverlapIndex, "load", must_not_load)
    second = Library.open(seeds_copy, home)
    second.sync()
    assert second.overlaps()[0] == pairs
    # A diff needs only each outlet's boilerplate shingles, read from their own small file.
    again = second.diff(pairs[0].a, pairs[0].b)
    assert again.alignment.segments == diffed.alignment.segments and again.overlap == diffed.overlap

    # The same Library after the corpus changed under it: scored again, the new copy among the pairs.
    monkeypatch.undo()
    (seeds_copy / "004_copy.txt").write_text((seeds_copy / "002_2d012b5b27f1047f.txt").read_text())
    second.sync()
    assert any("004_copy.txt" in (p.a, p.b) for p in second.overlaps()[0])
    second.close()
    third = Library.open(seeds_copy, home)
    third.sync()
    assert any("004_copy.txt" in (p.a, p.b) for p in third.overlaps()[0])
    third.close()


def test_merged_entities_are_reused_by_the_next_run(seeds_copy, home, monkeypatch):
    import reader.enrich
    from reader.library import Library

    first = Library.open(seeds_copy, home)
    first.sync()
    first.enrich()
    top = first.entities(limit=3)
    first.close()

    def must_not_merge(*args, **kwargs):
        raise AssertionError("entities were merged again although nothing changed")

    monkeypatch.setattr(reader.enrich, "EntityTable", must_not_merge)
    second = Library.open(seeds_copy, home)
    second.sync()
    second.enrich()
    assert second.entities(limit=3) == top

    # Nothing changed since a finished run: no cache look-up, no NER, no re-indexing either.
    def must_not_look(*args, **kwargs):
        raise AssertionError("the entity stage redid its work although nothing changed")

    monkeypatch.setattr(reader.enrich, "cached_mentions", must_not_look)
    monkeypatch.setattr(reader.enrich, "missing", must_not_look)
    monkeypatch.setattr(reader.enrich, "tag_missing", must_not_look)
    second.enrich()
    # An edited aliases.yaml is a change: the stage runs (re-keying and re-indexing the renamed name).
    monkeypatch.undo()
    (home / "config").mkdir(exist_ok=True)
    aliases = second.entity_stage.aliases
    aliases.parent.mkdir(parents=True, exist_ok=True)
    aliases.write_text(f"rename:\n  {top[0].name}: Renamed One\n", encoding="utf-8")
    second.enrich()
    assert second.entities(limit=1)[0].name == "Renamed One"
    assert second.search('entity:"Renamed One"', limit=None).total >= 1
    second.close()


def test_every_readable_output_fits_a_narrow_terminal():
    """Titles, legends, headers and tables wrap or cut to the terminal: nothing runs over 60 columns."""
    assert run_wire("entities").returncode == 0
    for argv in (["search", "wasserman"], ["entities"], ["show", "001"], ["index"], ["diff", "001", "002"],
                 ["overlaps"]):
        done = run_wire(*argv, env={"COLUMNS": "60"})
        assert done.returncode == 0, done.stderr
        widest = max(cell_width(line) for line in done.stdout.splitlines())
        assert widest <= 60, (argv, widest)


def test_readers_ask_the_entity_view_not_the_merged_table(seeds_copy, home, monkeypatch):
    """A finished entity stage leaves a view file beside the merged table: a new process answers every
    reader's question from it (the sidebar, counts over a search, one article's names, a diff's names) without
    loading the table, and the answers follow a change of aliases (or of the corpus, NER, the merging)."""
    import reader.enrich
    from reader.library import Library

    first = Library.open(seeds_copy, home)
    first.sync()
    first.enrich()
    types = ["person", "organization", "place"]
    article = first.rows()[0].id
    asked = {
        "top": first.entities_by_type(types, limit=5),
        "over a search": first.entities_by_type(types, "wasserman", limit=5),
        "entities": first.entities("person", "wasserman"),
        "mentions": first.mentions(article),
        "show": first.show(first.article(article)),
    }
    assert asked["top"]["person"] and asked["top"] == {t: first.entities(t, limit=5) for t in types}
    assert asked["mentions"] and asked["entities"]
    first.close()

    def must_not_load(self, *args, **kwargs):
        raise AssertionError("the merged entity table was loaded to answer a reader")

    monkeypatch.setattr(reader.enrich.EntityStage, "table", must_not_load)
    second = Library.open(seeds_copy, home)
    assert second.entity_stage.ready()
    assert {
        "top": second.entities_by_type(types, limit=5),
        "over a search": second.entities_by_type(types, "wasserman", limit=5),
        "entities": second.entities("person", "wasserman"),
        "mentions": second.mentions(article, wait=False),
        "show": second.show(second.article(article)),
    } == asked
    monkeypatch.undo()
    aliases = second.entity_stage.aliases
    aliases.parent.mkdir(parents=True, exist_ok=True)
    aliases.write_text(f"rename:\n  {asked['top']['person'][0].name}: Renamed One\n", encoding="utf-8")
    assert not second.entity_stage.ready()
    assert second.entities_by_type(["person"], limit=5)["person"][0].name == "Renamed One"
    named = {e.name for e in second.entities("person")}
    assert "Renamed One" in named and asked["top"]["person"][0].name not in named
    second.close()


def test_a_view_damaged_while_open_is_made_again(seeds_copy, home):
    from reader.entities.view import VIEW_FILE
    from reader.library import Library

    lib = Library.open(seeds_copy, home)
    lib.sync()
    lib.enrich()
    top = lib.entities(limit=5)
    assert lib.entity_stage.ready()
    (lib.entity_stage.cache_dir / VIEW_FILE).write_bytes(b"\0garbage" * 4096)
    assert lib.entities(limit=5) == top
    (lib.entity_stage.cache_dir / VIEW_FILE).unlink()
    assert lib.entities(limit=5) == top
    lib.close()


def test_after_ner_the_index_keeps_no_segment_of_replaced_documents(seeds_copy, home):
    """NER replaces every article's document (its entity fields): the commit drops the old segments, every
    document of them deleted, instead of keeping them for every search to step over."""
    from reader.library import Library

    lib = Library.open(seeds_copy, home)
    try:
        lib.sync()
        lib.enrich()
        segments = list(lib.index._ix._segments())
        assert segments and all(segment.doc_count() > 0 for segment in segments)
        assert lib.index.doc_count() == lib.store.count()
        assert lib.search("person:wasserman", limit=None).total == 4
    finally:
        lib.close()


def test_a_sync_drops_the_emptied_segments_an_older_index_kept(seeds_copy, home, monkeypatch):
    """An index written before the merge policy kept, after NER replaced every article, the old segments with
    every document deleted: the next sync drops them, once; the answers stay the same."""
    import reader.index
    from whoosh.writing import MERGE_SMALL

    from reader.library import Library

    monkeypatch.setattr(reader.index.writers, "merge_small_keeping_live", MERGE_SMALL)  # the old policy
    lib = Library.open(seeds_copy, home)
    lib.sync()
    lib.enrich()
    assert lib.index.emptied_segments() >= 1
    before = lib.search("person:wasserman", limit=None).total
    lib.close()
    monkeypatch.undo()
    lib = Library.open(seeds_copy, home)
    try:
        lib.sync()
        assert lib.index.emptied_segments() == 0
        assert lib.search("person:wasserman", limit=None).total == before == 4
        from reader.sync import Scan
        assert Scan(seeds_copy).unchanged(lib.store, lib.index)  # the next check is the quick one again
    finally:
        lib.close()


def test_explain_says_which_forms_were_merged_and_why():
    explained = wire_json("entities", "--explain", "Wasserman")
    assert explained["entity"]["name"] == "Casey Wasserman"
    assert {f["form"] for f in explained["forms"]} == {"Casey Wasserman", "Wasserman"}
    (line,) = [e for e in explained["evidence"] if e["form"] == "Wasserman"]
    assert line["joined"] == "Casey Wasserman" and "surname" in line["why"] and line["articles"]
    places = wire_json("entities", "--explain", "LA", "--type", "place")
    assert places["entity"]["name"] == "Los Angeles" and ["Los Angeles", "LA", "Los Angeles City"] in \
        places["written_alike"]
    done = run_wire("entities", "--explain", "Wasserman", env={"COLUMNS": "60"})
    assert done.returncode == 0 and "Wasserman -> Casey Wasserman" in done.stdout
    assert max(cell_width(line) for line in done.stdout.splitlines()) <= 60
    missing = run_wire("entities", "--explain", "Nobody At All")
    assert missing.returncode == 1 and missing.stderr.startswith("wire: error: no entity goes by")


def test_apart_in_aliases_yaml_undoes_a_merge():
    from reader.library import Library

    lib = Library.open()
    aliases = lib.entity_stage.aliases
    lib.close()
    assert wire_json("entities", "--explain", "Wasserman")["entity"]["name"] == "Casey Wasserman"
    aliases.parent.mkdir(parents=True, exist_ok=True)
    aliases.write_text("apart:\n  - [Casey Wasserman, Wasserman]\n", encoding="utf-8")
    people = {e["name"]: e for e in wire_json("entities", "--type", "person")["entities"]}
    assert "Wasserman" in people and "Wasserman" not in people["Casey Wasserman"]["aliases"]
    explained = wire_json("entities", "--explain", "Wasserman")
    assert explained["entity"]["name"] == "Wasserman" and explained["apart"] == ["Casey Wasserman"]
    assert not [e for e in explained["evidence"] if e["joined"] == "Casey Wasserman"]
    done = run_wire("entities", "--explain", "Wasserman")
    assert "kept apart by your aliases.yaml from: Casey Wasserman" in done.stdout
    # The search fields follow: the lone surname's articles are no longer Casey Wasserman's.
    full = wire_json("search", 'person:"Casey Wasserman"', "--limit", "50")["total"]
    lone = wire_json("search", 'person:"Wasserman"', "--limit", "50")["total"]
    assert 0 < full and 0 < lone
    aliases.write_text("apart:\n  - [Casey Wasserman]\n", encoding="utf-8")  # malformed: the last good kept
    done = run_wire("entities", "--explain", "Wasserman")
    assert "apart' entry must list two names or more" in done.stderr
    assert "kept apart by your aliases.yaml" in done.stdout
