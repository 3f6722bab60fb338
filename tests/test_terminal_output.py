"""Every readable and JSON output of `wire`, run under a real pty: no control or bidi character from an
article reaches the terminal raw, and colour follows --color, NO_COLOR and FORCE_COLOR."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import DATA

DANGEROUS = "\x1b\x07\x08\x85\x9b\u061c\u200e\u200f\u2028\u2029\u202a\u202b\u202d\u202e\u2066\u2067\u2069\ufff9"
"""Controls (ESC, BEL, BS, NEL, CSI), bidi marks, embeddings, overrides, isolates, line separators."""
EVIL = "\x1b]52;c;aGk=\x07\x1b[2J\x9b31m\u202eLIVE\u202c \u061cmark \u2067iso\u2069 sep\u2028line\u2029"
"""Put in every field a user's corpus controls (and in the tag, note and saved search too)."""


def _front(title: str, outlet: str, byline: str, body: str, date: str, tags: str = "") -> str:
    tag_line = f"tags: [{json.dumps(tags)}]\n" if tags else ""
    return (f"---\ntitle: {json.dumps(title)}\ndate: {date}\noutlet: {json.dumps(outlet)}\n"
            f"byline: {json.dumps(byline)}\n{tag_line}---\n\n{body}\n")


@pytest.fixture(scope="module")
def hostile_corpus(tmp_path_factory) -> Path:
    """Two copies of one wire story, every field salted with terminal controls, one file name too."""
    root = tmp_path_factory.mktemp("hostile-terminal")
    story = (DATA / "tui" / "corpus" / "002_wire_terminal.md").read_text(encoding="utf-8")
    body = story.split("---", 2)[2].strip()
    paragraphs = body.split("\n\n")
    salted = "\n\n".join(f"{p} {EVIL}" if i % 2 else p for i, p in enumerate(paragraphs))
    (root / "wire\x1b[2J\u202estory.md").write_text(
        _front(f"Ferry {EVIL} approved", f"Wire {EVIL}", f"Sam {EVIL}", salted, "2026-03-03", f"x{EVIL}"),
        encoding="utf-8")
    trimmed = "\n\n".join(salted.split("\n\n")[:-1])
    (root / "copy.md").write_text(
        _front(f"Terminal {EVIL} wins", "Valley Post", "Ann Lee", trimmed, "2026-03-04"), encoding="utf-8")
    return root


def run_pty(args: list[str], env: dict[str, str] | None = None, timeout: float = 120) -> tuple[int, str]:
    """`python -m reader ARGS` with stdout and stderr on a pty (a terminal, 100 columns): exit code, output."""
    master, slave = pty.openpty()
    os.set_inheritable(slave, True)
    import fcntl
    import struct
    import termios

    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
    environ = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", **(env or {})}
    for key in ("NO_COLOR", "FORCE_COLOR"):
        if env is None or key not in env:
            environ.pop(key, None)
    proc = subprocess.Popen([sys.executable, "-m", "reader", *args], stdin=subprocess.DEVNULL,
                            stdout=slave, stderr=slave, env=environ, start_new_session=True)
    os.close(slave)
    chunks, deadline = [], time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # EIO: the child closed its side
                    break
                if not data:
                    break
                chunks.append(data)
            elif proc.poll() is not None:
                break
        code = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    return code, b"".join(chunks).decode("utf-8", "replace")


def _ids(corpus: Path) -> tuple[str, str]:
    done = subprocess.run([sys.executable, "-m", "reader", "--corpus", str(corpus), "search", "ferry",
                           "--json"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    ids = sorted(h["id"] for h in json.loads(done.stdout)["hits"])
    assert len(ids) == 2, ids
    return ids[0], ids[1]  # copy.md, then the salted file name


def test_no_control_character_reaches_the_terminal(hostile_corpus, home):
    corpus = ["--corpus", str(hostile_corpus)]
    code, out = run_pty([*corpus, "index"])
    assert code == 0, out
    copy, salted = _ids(hostile_corpus)
    # The user's own state, salted too: a tag from the file, a note and a saved search typed in.
    for args in (["note", copy, f"call {EVIL} back"], ["searches", "--save", f"s{EVIL}", "ferry"]):
        code, out = run_pty([*corpus, *args])
        assert code == 0, out
    commands = [
        ["index"], ["index", "--json"], ["search", "ferry"], ["search", "ferry", "--json"],
        ["search", "live"], ["show", salted], ["show", salted, "--json"], ["show", salted, "--boilerplate"],
        ["show", copy], ["entities"], ["entities", "--json"], ["overlaps"], ["overlaps", "--json"],
        ["diff", copy, salted], ["diff", copy, salted, "--json"], ["export"], ["export", "--format", "md"],
        ["export", "--format", "jsonl"], ["searches"], ["searches", "--json"], ["tag", "--list"],
        ["tag", salted], ["note", copy], ["note", copy, "--json"], ["timeline"], ["timeline", "--json"],
        ["show", "no-such\x1b[2J\u202eid"],
    ]
    checked = 0
    for args in commands:
        code, out = run_pty([*corpus, "--color", "never", *args])
        assert code in (0, 1), (args, out)
        if code == 1:
            assert out.startswith("wire: error: ") and out.count("\n") == 1, (args, out)
        raw = sorted({f"U+{ord(ch):04X}" for ch in out if ch in DANGEROUS})
        assert not raw, (args, raw, out[:2000])
        checked += 1
    assert checked == len(commands) == 27


@pytest.mark.parametrize("env, flag, coloured", [
    ({}, [], True),                              # a terminal: bold matches
    ({"NO_COLOR": "1"}, [], False),              # no-color.org
    ({"NO_COLOR": "1"}, ["--color", "always"], True),
    ({}, ["--color", "never"], False),
    ({"TERM": "dumb"}, [], False),
])
def test_colour_on_a_terminal_follows_the_settings(env, flag, coloured):
    code, out = run_pty([*flag, "search", "wasserman"], env=env)
    assert code == 0, out
    assert ("\x1b[" in out) is coloured, out[:500]
    if not coloured:
        assert "\x1b" not in out and "*" in out  # the match marked with stars instead


@pytest.mark.parametrize("env, flag, coloured", [
    ({}, [], False),
    ({"FORCE_COLOR": "1"}, [], True),
    ({"FORCE_COLOR": "0"}, [], False),
    ({}, ["--color", "always"], True),
    ({"FORCE_COLOR": "1"}, ["--color", "never"], False),
])
def test_colour_in_a_pipe_follows_the_settings(env, flag, coloured):
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    done = subprocess.run([sys.executable, "-m", "reader", "search", "wasserman", *flag], capture_output=True,
                          text=True, env={**environ, **env}, timeout=120)
    assert done.returncode == 0, done.stderr
    assert ("\x1b[" in done.stdout) is coloured


def test_color_option_before_or_after_the_command_and_checked():
    for args in (["--color", "never", "search", "x"], ["search", "x", "--color", "never"]):
        done = subprocess.run([sys.executable, "-m", "reader", *args], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    done = subprocess.run([sys.executable, "-m", "reader", "--color", "sometimes", "search", "x"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stderr.startswith("wire: error: ") and "Traceback" not in done.stderr


@pytest.mark.parametrize("obj", [
    {"pairs": [{"a": "x\u202ey\x85", "b": [1, {"c": None}], "d": {}}, {"e": "ü\u2028"}], "families": [], "x": [[], {}]},
    {}, {"only": []}, {"n\u2029": [0.5, "é"]},
])
def test_a_document_written_item_by_item_is_the_one_written_whole(obj, capsys):
    from reader.cli_text import print_json, print_json_lists

    print_json(obj)
    whole = capsys.readouterr().out
    print_json_lists({key: iter(items) for key, items in obj.items()})
    assert capsys.readouterr().out == whole and json.loads(whole) == obj
