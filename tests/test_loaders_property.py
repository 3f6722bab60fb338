"""Property tests of the loaders: on random bytes and random structures, only FormatError ever comes out."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.corpus import FormatError, load_file
from reader.corpus.formats import SUPPORTED, parse_file

_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_NAMES = st.sampled_from([f"f{suffix}" for suffix in SUPPORTED] + ["sub/f.TXT", "noext", "f.csv"])
_MTIMES = st.sampled_from([0, 1_700_000_000 * 10**9, -(10**19), 10**20])


def _load(name: str, data: bytes, mtime_ns: int = 0) -> None:
    try:
        articles, skipped = load_file(name, data, mtime_ns)
    except FormatError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    for article in articles:
        json.dumps(article.to_dict(), ensure_ascii=False).encode("utf-8")  # storable and printable
        assert article.paragraphs and article.title
        assert article.date is None or len(article.date) == 10
    for skip in skipped:
        assert skip["reason"] and "\n" not in skip["reason"]
        skip["path"].encode("utf-8")


@_SETTINGS
@given(_NAMES, st.binary(max_size=2000), _MTIMES)
def test_random_bytes(name, data, mtime_ns):
    _load(name, data, mtime_ns)
    try:
        parse_file(name, data)
    except FormatError:
        pass


_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30), st.sampled_from(["2026-02-30", "2026-13-01", "0000-01-01", "9999-12-31", "Feb 30, 2026",
                                           "!!float abc", "!!timestamp x", "!!python/object:os.system x",
                                           "&a x", "*a", "*nope", "[", "{", "'", '"\\ud800"', "|", ">", "---", "..."]),
)
_KEYS = st.sampled_from(["title", "date", "outlet", "byline", "url", "tags", "id", "text", "other", "<<", "? x"])


def _yamlish(value, depth: int = 0) -> str:
    """Something close to YAML: a scalar as is, or a flow list or mapping of them (left unquoted on purpose)."""
    if isinstance(value, list):
        return "[" + ", ".join(_yamlish(v, depth + 1) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_yamlish(v, depth + 1)}" for k, v in value.items()) + "}"
    return str(value)


_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=4),
                       max_leaves=12)


@_SETTINGS
@given(st.dictionaries(_KEYS, _VALUES, max_size=6), st.text(max_size=300), st.booleans())
def test_random_front_matter(fields, body, terminated):
    front = "\n".join(f"{key}: {_yamlish(value)}" for key, value in fields.items())
    text = f"---\n{front}\n" + ("---\n" if terminated else "") + body
    _load("f.md", text.encode("utf-8", "surrogatepass"))


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8) | _KEYS, inner, max_size=5),
    max_leaves=15)
_RECORD = st.fixed_dictionaries({}, optional={"id": _JSON, "title": _JSON, "date": _JSON, "outlet": _JSON,
                                              "tags": _JSON, "text": st.text(max_size=200) | _JSON})


@_SETTINGS
@given(st.lists(_RECORD | _JSON, max_size=6), st.sampled_from(["\n", "\r\n", "\n\n"]))
def test_random_json_lines(records, newline):
    lines = [json.dumps(r, allow_nan=True) for r in records]
    _load("f.jsonl", newline.join(lines).encode("utf-8", "surrogatepass"))
