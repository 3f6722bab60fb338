"""The config file: optional, typed, and errors that name the file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.config import Config, load_config
from reader.errors import WireError
from reader.library import Library


def test_missing_default_config_gives_defaults(tmp_path):
    assert load_config(None, tmp_path / "none.yaml") == Config()


def test_explicit_missing_config_is_an_error(tmp_path):
    with pytest.raises(WireError, match="config file not found"):
        load_config(tmp_path / "none.yaml", tmp_path / "x.yaml")


def test_values_and_relative_paths(tmp_path):
    cfg = tmp_path / "conf" / "config.yaml"
    cfg.parent.mkdir()
    cfg.write_text("corpus: ../news\ntheme: textual-ansi\nkeymap:\n  quit: ctrl+q\n")
    c = load_config(cfg, tmp_path / "x")
    assert c.corpus == (tmp_path / "news").resolve()
    assert c.theme == "textual-ansi" and c.keymap == {"quit": "ctrl+q"} and c.source == cfg


def test_watch_is_on_unless_turned_off(tmp_path):
    cfg = tmp_path / "config.yaml"
    cfg.write_text("watch: false\n")
    assert Config().watch and not load_config(cfg, cfg).watch


@pytest.mark.parametrize("text, message", [
    ("theme: [1, 2\n", ":2: invalid YAML"),
    ("theme: x\nkeymap: 3\n", ":2: 'keymap' must be a dict"),
    ("- a\n- b\n", ":1: the config must be a mapping"),
    ("\n\nthem: x\n", ":3: unknown setting 'them' (did you mean 'theme'?)"),
    ("watch: sometimes\n", ":1: 'watch' must be a bool"),
])
def test_errors_name_file_and_line(tmp_path, text, message):
    cfg = tmp_path / "config.yaml"
    cfg.write_text(text)
    with pytest.raises(WireError) as err:
        load_config(cfg, cfg)
    assert str(err.value).startswith(str(cfg)) and message in str(err.value)
    assert "\n" not in str(err.value)


def test_unsafe_yaml_tags_are_refused(tmp_path):
    cfg = tmp_path / "config.yaml"
    cfg.write_text("theme: !!python/object/apply:os.system ['echo pwned']\n")
    with pytest.raises(WireError, match="invalid YAML"):
        load_config(cfg, cfg)


def test_configured_corpus_is_used(tmp_path, home):
    from .conftest import DATA
    cfg = tmp_path / "config.yaml"
    cfg.write_text(f"corpus: {DATA / 'corpus'}\n")
    lib = Library.open(config=cfg)
    assert lib.corpus == (DATA / "corpus").resolve()


def test_bundled_corpus_is_the_default(home):
    lib = Library.open()
    assert lib.corpus.name == "corpus" and len(list(Path(lib.corpus).glob("*.txt"))) == 4


_IMPOSSIBLE = [
    ("theme: x\ncorpus: 2026-02-30\n", 2, "not a valid date"),
    ("corpus: 2026-13-01\n", 1, "not a valid date"),
    ("theme: x\n\ntheme2: !!float abc\n", 3, "not a number"),
    ("theme: !!timestamp not-a-date\n", 1, "not a valid date"),
    ("theme: !!int " + "9" * 5000 + "\n", 1, "not a usable integer"),
    ("a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(6)), 5, "alias bomb"),
    ("theme: " + "[" * 500 + "]" * 500 + "\n", 1, "nested more than"),
]


@pytest.mark.parametrize("text, line, message", _IMPOSSIBLE)
def test_impossible_values_in_config_name_file_and_line(tmp_path, text, line, message):
    """A date that cannot be, `!!float abc`, a bad `!!timestamp`: the same one-line error as bad syntax."""
    cfg = tmp_path / "config.yaml"
    cfg.write_text(text)
    with pytest.raises(WireError) as err:
        load_config(cfg, cfg)
    assert str(err.value).startswith(f"{cfg}:{line}: invalid YAML") and message in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("text, line, message", [
    ("hide: [Games]\nrename:\n  LA28: 2026-02-30\n", 3, "not a valid date"),
    ("merge:\n  - [a, !!float abc]\n", 2, "not a number"),
    ("hide:\n  - !!timestamp 2026-99-99\n", 2, "not a valid date"),
    ("hide: " + "[" * 500 + "]" * 500 + "\n", 1, "nested more than"),
])
def test_impossible_values_in_aliases_name_file_and_line(tmp_path, text, line, message):
    from reader.entities import AliasesError, parse_overrides

    with pytest.raises(AliasesError) as err:
        parse_overrides(text, tmp_path / "aliases.yaml")
    assert err.value.line == line and message in str(err.value) and "\n" not in str(err.value)


def test_impossible_date_in_config_through_the_command(tmp_path):
    from .conftest import run_wire

    cfg = tmp_path / "config.yaml"
    cfg.write_text("corpus: 2026-02-30\n")
    result = run_wire("--config", str(cfg), "search", "x")
    assert result.returncode != 0 and "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert f"{cfg}:1: invalid YAML: not a valid date" in result.stderr


def test_keymap_lists_become_textuals_comma_form_and_entries_keep_their_line(tmp_path):
    cfg = tmp_path / "config.yaml"
    cfg.write_text("keymap:\n  list.up: [y, u]\n  list.down: 'j , down'\n  main.toggle_star: 5\n")
    c = load_config(cfg, cfg)
    assert c.keymap == {"list.up": "y,u", "list.down": "j,down", "main.toggle_star": "5"}
    assert c.keymap_where == {"list.up": f"{cfg}:2", "list.down": f"{cfg}:3", "main.toggle_star": f"{cfg}:4"}
    assert c.warnings == ()


@pytest.mark.parametrize("value, message", [
    ("{a: 1}", "must be a key such as j"),
    ("[j, [k]]", "must be a key such as j"),
    ("", "must be a key such as j"),
    ("[]", "an empty list binds no key"),
    ("'ctrl n'", "no spaces: 'ctrl n'"),
    ("'j,'", "an empty key name"),
    ("['']", "an empty key name"),
])
def test_a_keymap_value_that_is_no_key_warns_with_file_and_line(tmp_path, value, message):
    cfg = tmp_path / "config.yaml"
    cfg.write_text(f"theme: x\nkeymap:\n  list.up: k\n  main.diff: {value}\n  list.down: j\n")
    c = load_config(cfg, cfg)
    assert c.keymap == {"list.up": "k", "list.down": "j"}  # the rest of the keymap applies
    assert len(c.warnings) == 1 and c.warnings[0].startswith(f"{cfg}:4: keymap 'main.diff': ")
    assert message in c.warnings[0] and c.warnings[0].endswith("; ignored") and "\n" not in c.warnings[0]


def test_keymap_warnings_reach_stderr_of_commands(tmp_path):
    from .conftest import run_wire

    cfg = tmp_path / "config.yaml"
    cfg.write_text("keymap:\n  main.diff: [d, 'ctrl x']\n")
    result = run_wire("--config", str(cfg), "search", "x")
    assert result.returncode == 0, result.stderr
    assert f"wire: warning: {cfg}:2: keymap 'main.diff': a key name has no spaces" in result.stderr
