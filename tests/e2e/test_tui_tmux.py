"""The real command in tmux at 80x24 with TERM=xterm-256color: keys in with send-keys, screen out with capture-pane."""

from __future__ import annotations

import inspect
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import reader.cli

CORPUS = Path(__file__).resolve().parents[1] / "data" / "tui" / "corpus"
TMUX = shutil.which("tmux")
pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")


def _command(home: Path) -> list[str]:
    """`wire` itself once the CLI launches the TUI; until then the TUI's own entry point."""
    wire = Path(sys.executable).parent / "wire"
    if "make_app" in inspect.getsource(reader.cli) and wire.exists():
        return [str(wire), "--home", str(home), "--corpus", str(CORPUS)]
    return [sys.executable, "-m", "reader.tui", "--home", str(home), "--corpus", str(CORPUS)]


class Tmux:
    """One private tmux server (its own socket), so the user's sessions are never touched."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([TMUX, "-L", self.socket, *args], capture_output=True, text=True, check=check)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "e2e", check=False).stdout

    def wait_for(self, needle: str, timeout: float = 30.0) -> str:
        """Poll the pane until `needle` shows (no fixed sleeps: fast when the app is fast)."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if needle in screen:
                return screen
            time.sleep(0.05)
        raise AssertionError(f"{needle!r} never appeared; the screen was:\n{screen}")

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "e2e", *keys)

    def alive(self) -> bool:
        return self.run("has-session", "-t", "e2e", check=False).returncode == 0


def test_wire_in_tmux_reads_searches_diffs_and_quits(tmp_path):
    tmux = Tmux(f"wire-e2e-{os.getpid()}")
    env = f"env -u COLORTERM TERM=xterm-256color WIRE_HOME={tmp_path}"
    command = " ".join(_command(tmp_path))
    try:
        tmux.run("new-session", "-d", "-s", "e2e", "-x", "80", "-y", "24", f"{env} {command}")
        # The status line and the list are separate widgets, drawn in separate frames: wait for both.
        tmux.wait_for("8 articles")
        screen = tmux.wait_for("Harbour board to vote on ferry terminal")
        assert "/ Search" in screen  # the footer shows the main keys

        tmux.keys("j", "Enter")
        screen = tmux.wait_for("Coastal Herald · By Ana Ruiz · 2026-03-04")
        assert "postponed a vote on the library budget" in screen
        tmux.keys("q")
        tmux.wait_for("N   2026-03-05")

        tmux.keys("/", "ferry")
        screen = tmux.wait_for("ferry  5 of 8")
        assert "Council delays vote" not in screen
        tmux.keys("Enter", "Escape")
        tmux.wait_for("8 articles")

        # Real NER and wire-copy detection run after the list shows: wait for their marks, then diff.
        tmux.wait_for("= 2026-03-03 Valley Times")
        tmux.keys("e")  # no sidebar under 100 columns until asked for
        screen = tmux.wait_for("Organisations (2)")
        assert "Lena Park" in screen and "Westhaven" in screen
        tmux.keys("e")
        tmux.keys("g", "j", "j", "j", "d")  # 003, the Valley Times copy of the agency story
        screen = tmux.wait_for("wholly derived")
        # The CLI's vocabulary: `~` a changed passage, A's words [-…-], B's {+…+}.
        assert "~ Mayor Lena Park !@ [-claimed-] {+said+}" in screen, screen  # !@: an attribution verb changed
        tmux.keys("q")
        tmux.wait_for("⏎ Open")

        # The reading moves: the unread view, next article from the reading view, the timeline.
        tmux.keys("l")
        screen = tmux.wait_for("[unread]")
        assert "Council delays vote" not in screen  # 004, read above, is left out
        tmux.keys("l", "l")
        tmux.wait_for("8 articles")
        tmux.keys("g", "Enter")
        tmux.wait_for("b Boilerplate")
        tmux.keys("J")
        tmux.wait_for("Coastal Herald · By Ana Ruiz · 2026-03-04")  # 004, the second newest
        tmux.keys("q", "T")
        screen = tmux.wait_for("Enter lists them")
        assert "┤" in screen and "days · 1 undated" in screen
        tmux.keys("g", "Enter")
        tmux.wait_for("date:2026-02-27..2026-02-27")
        tmux.keys("BSpace", "T")  # widened again; T hides the timeline
        tmux.wait_for("8 articles")

        # The hostile article: escapes shown as text, nothing reaches the terminal as a command.
        tmux.keys("/", "hostile")
        tmux.wait_for("hostile  1 of 8")
        tmux.keys("Enter")
        tmux.wait_for("⏎ Open")  # the list has the keyboard again
        tmux.keys("Enter")
        tmux.wait_for("Clipboard")
        screen = tmux.wait_for("\\x1b]52;c;aGk=\\x07")  # once the last notice (a dropped filter) has gone
        assert "\\x1b]52;c;aGk=\\x07" in screen and "\\x1b[2J" in screen and "[bold red]x[/]" in screen
        assert "Hostile" in screen  # a clear-screen sequence would have wiped the title
        assert tmux.run("list-buffers", check=False).stdout.strip() == ""  # OSC 52 did not set a clipboard

        tmux.keys("q", "q")
        deadline = time.monotonic() + 15
        while tmux.alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not tmux.alive(), tmux.screen()
    finally:
        tmux.run("kill-server", check=False)
