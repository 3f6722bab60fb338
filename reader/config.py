"""The YAML config file: typed settings, validated, errors that name the file and line."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field, fields
from pathlib import Path

import yaml

from reader import yamlsafe
from reader.errors import WireError
from reader.textsafe import inert


@dataclass(frozen=True)
class Config:
    """Settings read from `config.yaml`; every field is optional."""

    corpus: Path | None = None
    """The corpus folder used when `--corpus` is not given."""
    theme: str | None = None
    """Textual theme name; the app picks a 256-colour-safe default when unset."""
    aliases: Path | None = None
    """Path of the user's aliases.yaml; default `<config dir>/aliases.yaml`."""
    keymap: dict[str, str] = field(default_factory=dict)
    """Binding id → keys in Textual's comma form ("y,u"), applied with Textual's keymap API."""
    keymap_where: dict[str, str] = field(default_factory=dict)
    """Binding id → "file:line" of its keymap entry: the app names it when it has no binding by that id."""
    warnings: tuple[str, ...] = ()
    """What was ignored and where ("file:line: ..."), one line each: the rest of the file still applies."""
    sync: str = "auto"
    """auto: commands check the corpus folder and read what changed before they answer; manual: they
    answer from the index as last synced (by `wire index`, the app, cron) and say when that was."""
    watch: bool = True
    """The app watches the corpus folder and brings new, changed and removed articles in as they arrive;
    false: only at launch and on `R` (a folder on a network share, a corpus that never changes)."""
    feeds_every: int | None = None
    """Minutes between the app's fetches of the corpus's feeds (`wire feeds`); None: only on its key."""
    source: Path | None = None
    """The file these settings came from, if any."""


# Each key: the type it must have, and how to turn the YAML value into the field's value.
_KEYS = {
    "corpus": (str, lambda v, base: _path(v, base)),
    "theme": (str, lambda v, base: v),
    "aliases": (str, lambda v, base: _path(v, base)),
    "keymap": (dict, None),  # read from its nodes (see _keymap): each entry's line is kept for warnings
    "sync": (str, lambda v, base: v),
    "watch": (bool, lambda v, base: v),
    "feeds_every": (int, lambda v, base: v),
}
FEEDS_EVERY = (5, 7 * 24 * 60)
"""The least and most minutes `feeds_every` may say: more often than every 5 minutes is unkind to the servers."""
SYNC_MODES = ("auto", "manual")
assert set(_KEYS) == {f.name for f in fields(Config)} - {"source", "keymap_where", "warnings"}


def _path(value: str, base: Path) -> Path:
    """Relative paths in a config file are relative to the file, not to the working directory."""
    p = Path(os.path.expandvars(value)).expanduser()
    return p if p.is_absolute() else (base / p).resolve()


def _where(path: Path, node: yaml.Node) -> str:
    return f"{path}:{node.start_mark.line + 1}"


def _keymap(mapping: yaml.MappingNode, path: Path) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """(id → keys, id → "file:line", warnings) from the `keymap:` mapping's nodes.

    A value is a key or a list of keys (`[y, u]`, given to Textual as "y,u"); a key is its text as
    written, so `5` or `on` stay the keys 5 and on instead of YAML's number or boolean. An entry that is
    neither, or holds a key Textual cannot name (empty, with spaces), is skipped with a warning.
    """
    keymap: dict[str, str] = {}
    where: dict[str, str] = {}
    warnings: list[str] = []
    for id_node, value_node in mapping.value:
        binding_id = id_node.value if isinstance(id_node, yaml.ScalarNode) else ""
        if not binding_id.strip():
            warnings.append(f"{_where(path, id_node)}: keymap: an entry needs a binding id (such as "
                            "main.toggle_star); ignored")
            continue
        keys, problem = _keys(value_node)
        if problem:
            warnings.append(f"{_where(path, value_node)}: keymap '{binding_id}': {problem}; ignored")
            continue
        keymap[binding_id] = keys
        where[binding_id] = _where(path, id_node)
    return keymap, where, [inert(w) for w in warnings]  # a key typed with a control character in it


def _keys(node: yaml.Node) -> tuple[str, str]:
    """(keys in comma form, "") or ("", why the value is not a key or a list of keys)."""
    expected = "the value must be a key such as j or ctrl+n, or a list of them such as [j, down]"
    if isinstance(node, yaml.SequenceNode):
        items = node.value
        if not items:
            return "", f"an empty list binds no key ({expected})"
    else:
        items = [node]
    parts = []
    for item in items:
        if not isinstance(item, yaml.ScalarNode) or item.tag == "tag:yaml.org,2002:null":
            return "", expected
        parts.extend(item.value.split(","))  # "y,u" as one string is Textual's own list form
    keys = [part.strip() for part in parts]
    for key in keys:
        if not key:
            return "", "an empty key name (the comma key is named comma)"
        if any(ch.isspace() for ch in key):
            return "", f"a key name has no spaces: '{key}' (write ctrl+n for Ctrl-n)"
    return ",".join(keys), ""


def load_config(path: Path | None, default: Path) -> Config:
    """Load settings from `path` (must exist) or from `default` (may be missing).

    Raises:
        WireError: the file is unreadable, not YAML, or has an unknown key or a wrong type. A keymap
            entry that is not a key (or list of keys) is no error: it is skipped, and said in `warnings`.
    """
    explicit = path is not None
    path = Path(path) if explicit else default
    if not path.is_file():
        if explicit:
            raise WireError(f"config file not found: {path}")
        return Config()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise WireError(f"cannot read config {path}: {exc}") from None
    try:
        # compose gives nodes with line marks, so errors can point at the offending line.
        # yamlsafe, not yaml.safe_load: an impossible date or `!!float abc` is then a YAMLError with a
        # line, not a ValueError from deep in PyYAML (which reached the user as "internal error").
        root = yamlsafe.compose(text)
        data = yamlsafe.load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise WireError(f"{path}{line}: invalid YAML: {problem}") from None
    if root is None:
        return Config(source=path)
    if not isinstance(root, yaml.MappingNode):
        raise WireError(f"{_where(path, root)}: the config must be a mapping of settings")
    values: dict = {}
    for key_node, value_node in root.value:
        key = key_node.value
        if key not in _KEYS:
            close = difflib.get_close_matches(str(key), list(_KEYS), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise WireError(f"{_where(path, key_node)}: unknown setting '{key}'{hint}")
        kind, convert = _KEYS[key]
        value = data[key]
        if value is None:
            continue
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            what = "a whole number" if kind is int else f"a {kind.__name__}"
            raise WireError(f"{_where(path, value_node)}: '{key}' must be {what}")
        if key == "sync" and value not in SYNC_MODES:
            raise WireError(f"{_where(path, value_node)}: 'sync' must be auto or manual, not '{value}'")
        if key == "feeds_every" and not FEEDS_EVERY[0] <= value <= FEEDS_EVERY[1]:
            raise WireError(f"{_where(path, value_node)}: 'feeds_every' is minutes between the app's feed fetches, "
                            f"{FEEDS_EVERY[0]} to {FEEDS_EVERY[1]}, not {value}")
        if key == "keymap":
            values["keymap"], values["keymap_where"], warnings = _keymap(value_node, path)
            values["warnings"] = tuple(warnings)
            continue
        values[key] = convert(value, path.parent)
    return Config(source=path, **values)
