"""The sync progress bar: on a terminal only, and only once a sync has taken more than a second."""

from __future__ import annotations

import io

from reader.cli import ProgressBar


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_bar_waits_a_second_then_draws_and_clears():
    now = [0.0]
    out = FakeTerminal()
    bar = ProgressBar(out, clock=lambda: now[0])
    bar("indexing", 10, 100)
    assert out.getvalue() == ""  # the first second is quiet: fast syncs print nothing
    now[0] = 1.5
    bar("indexing", 50, 100)
    assert "indexing" in out.getvalue() and "50/100" in out.getvalue() and "#" * 15 in out.getvalue()
    drawn = out.getvalue().split("\r")[-1]
    bar.finish()
    # Blanked by spaces over the widest line drawn: no escape code, even where NO_COLOR asks for none.
    assert out.getvalue().endswith("\r" + " " * len(drawn) + "\r")
    assert "\033" not in out.getvalue()


def test_no_bar_when_stderr_is_not_a_terminal():
    now = [5.0]
    out = io.StringIO()
    bar = ProgressBar(out, clock=lambda: now[0] + 10)
    bar("indexing", 1, 2)
    bar.finish()
    assert out.getvalue() == ""
