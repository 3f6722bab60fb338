"""The Reuters entity check's matching, on a tiny spec and hand-made entities (no Reuters data needed)."""

from __future__ import annotations

import textwrap

import pytest

from bench.reuters_entity_check import evaluate, load_spec, render, summary
from reader.models import Entity

SPEC = """
- name: Ronald Reagan          # holds: name, alias and type right
  type: person
  same: [Reagan]
  apart: [Donald Regan]
- name: Paul Volcker           # name check: the reader calls him by his surname
  type: person
  same: [Volcker]
- name: Rotterdam              # type check: a person
  type: place
- name: Federal Reserve Board  # merges check: "Fed" is its own entity
  type: organization
  same: [Fed]
- name: General Electric Co    # apart check, where the key cannot tell the British GEC from GE
  type: organization
  same: [GE]
  apart: [General Electric Co Plc]
- name: Alex. Brown and Sons Inc   # type check: a same form is also a person
  type: organization
  same: [Alex. Brown]
- name: LA28                   # not found
  type: organization
- name: Louvre                 # not_type: only "not a person"
  not_type: person
- name: Venice                 # not_type holds when nothing is extracted
  not_type: person
"""

ENTITIES = [
    Entity("Reagan", "person", ("Ronald Reagan",), 550, 900),
    Entity("Ronald Reagan", "person", ("President Reagan", "Reagan"), 550, 900),
    Entity("Donald Regan", "person", (), 17, 30),
    Entity("Volcker", "person", ("Paul Volcker", "Mr Volcker"), 117, 200),
    Entity("Rotterdam", "person", (), 39, 40),
    Entity("Federal Reserve Board", "organization", ("Federal Reserve",), 349, 500),
    Entity("Fed", "organization", ("Frontier Exploration Department",), 181, 300),
    Entity("General Electric Co", "organization", ("GE", "General Electric Co Plc", "GEC"), 83, 120),
    Entity("Alex. Brown and Sons Inc", "organization", ("Alex Brown and Sons Inc",), 20, 22),
    Entity("Alex Brown", "person", ("Alex. Brown",), 50, 60),
    Entity("Louvre", "person", (), 54, 60),
]


@pytest.fixture
def report(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text(textwrap.dedent(SPEC), encoding="utf-8")
    return evaluate(ENTITIES, load_spec(spec))


def _result(report, name):
    return next(r for r in report["results"] if r["entry"] == name)


def test_an_entry_that_is_right_holds_and_the_biggest_named_entity_is_the_one_checked(report):
    # Two entities carry "Ronald Reagan"; the one *named* so is checked, not the bigger "Reagan".
    r = _result(report, "Ronald Reagan")
    assert r["holds"] and r["found"]["name"] == "Ronald Reagan" and r["failures"] == []


def test_each_check_fails_on_its_own_case(report):
    assert [c for c in ("type", "name", "merges", "apart") if not _result(report, "Paul Volcker")[c]] == ["name"]
    assert not _result(report, "Rotterdam")["type"]
    fed = _result(report, "Federal Reserve Board")
    assert not fed["merges"] and fed["type"] and fed["name"] and fed["apart"]
    assert "'Fed' not in 'Federal Reserve Board'; in 'Fed'" in fed["failures"][0]
    ge = _result(report, "General Electric Co")
    assert not ge["apart"] and ge["merges"] and ge["name"], ge["failures"]
    brown = _result(report, "Alex. Brown and Sons Inc")
    assert not brown["type"] and "'Alex Brown' (person" in brown["failures"][0]


def test_not_found_fails_every_check(report):
    r = _result(report, "LA28")
    assert r["failures"] == ["not found"]
    assert not any(r[c] for c in ("holds", "type", "name", "merges", "apart"))


def test_not_type_entries_check_only_the_type(report):
    assert not _result(report, "Louvre")["holds"]
    assert _result(report, "Venice")["holds"]


def test_summary_counts_every_check(report):
    assert (report["entries"], report["holds"]) == (9, 2)
    assert summary(report) == ("Reuters check: 2/9 entities hold (22%) — type 5/9, name 7/9, merges 6/9, apart 7/9")
    lines = render(report).splitlines()
    assert len(lines) == 8 and lines[0].startswith("FAIL Paul Volcker: name: want 'Paul Volcker', reader has 'Volcker'")


def test_a_malformed_spec_is_refused(tmp_path):
    spec = tmp_path / "bad.yaml"
    spec.write_text("- name: Fed\n  type: organisation\n", encoding="utf-8")
    with pytest.raises(ValueError, match="type / not_type"):
        load_spec(spec)


def test_an_apart_form_that_keys_like_the_name_counts_only_when_it_is_there(tmp_path):
    # "General Electric Co Plc" and "General Electric Co" have one key; GE alone must not fail its apart check.
    spec = tmp_path / "ge.yaml"
    spec.write_text("- name: General Electric Co\n  type: organization\n  apart: [General Electric Co Plc]\n",
                    encoding="utf-8")
    report = evaluate([Entity("General Electric Co", "organization", ("GE",), 83, 120)], load_spec(spec))
    assert report["holds"] == 1, report["results"]
