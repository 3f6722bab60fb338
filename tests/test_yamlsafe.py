"""reader.yamlsafe: libyaml's safe loader, with nesting and alias expansion bounded on the composed tree."""

from __future__ import annotations

import pytest
import yaml

from reader import yamlsafe


def _nested(levels: int) -> str:
    return "a: " + "[" * (levels - 1) + "x" + "]" * (levels - 1) + "\n"  # the mapping is the first level


def test_front_matter_loads_as_safe_load_does():
    text = "title: Ferry halted\ndate: 2024-05-02\ntags: [port, strike]\ncount: 3\nratio: 0.5\nok: yes\n"
    assert yamlsafe.load(text) == yaml.safe_load(text)


def test_libyaml_is_the_parser_where_pyyaml_has_it():
    if getattr(yaml, "__with_libyaml__", False):
        assert issubclass(yamlsafe._Loader, yaml.CSafeLoader)


def test_nesting_is_bounded_at_its_limit():
    assert yamlsafe.load(_nested(yamlsafe.MAX_DEPTH))
    with pytest.raises(yaml.YAMLError, match="nested more than"):
        yamlsafe.load(_nested(yamlsafe.MAX_DEPTH + 1))
    with pytest.raises(yaml.YAMLError, match="nested more than"):  # past libyaml's own limit, same words
        yamlsafe.load(_nested(5000))


def test_unsafe_tags_and_alias_bombs_are_refused():
    with pytest.raises(yaml.YAMLError):
        yamlsafe.load("x: !!python/object/apply:os.system ['true']\n")
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(6))
    with pytest.raises(yaml.YAMLError, match="alias bomb"):
        yamlsafe.load(bomb)


def test_errors_keep_their_line():
    with pytest.raises(yaml.MarkedYAMLError) as caught:
        yamlsafe.load("title: a\ndate: 2026-02-30\n")
    assert caught.value.problem_mark.line == 1
    assert yamlsafe.load("title: a\ndate: 2026-02-30\n", lenient=True)["date"] == "2026-02-30"
