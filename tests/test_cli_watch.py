"""`wire watch [QUERY]` as a real process on a real temporary corpus: what it prints as files arrive, Ctrl-C,
and kill -9 of it during a sync the watch started."""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bench.robust_kill import cleanup, wait_for_children, wait_gone, wire_command

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs inotify")

FERRY = "---\ntitle: 'Ferry strike ends'\ndate: 2026-03-09\noutlet: Coastal Herald\n---\n\nThe ferry crews went back.\n"
BUDGET = "---\ntitle: 'Budget vote delayed'\ndate: 2026-03-08\noutlet: Valley News\n---\n\nThe council waited.\n"


class Watching:
    """`wire watch ARGS` in a session of its own; its stdout and stderr lines queued as they come."""

    def __init__(self, args: list[str], corpus: Path, home: Path) -> None:
        self.proc = subprocess.Popen(wire_command(["watch", *args], corpus, home), stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     start_new_session=True)
        self.out: queue.Queue[str] = queue.Queue()
        self.err: list[str] = []
        self._said: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, args=(self.proc.stdout, self.out.put), daemon=True).start()
        threading.Thread(target=self._pump, args=(self.proc.stderr, self._heard), daemon=True).start()

    @staticmethod
    def _pump(stream, put) -> None:
        for line in stream:
            put(line.rstrip("\n"))

    def _heard(self, line: str) -> None:
        self.err.append(line)
        self._said.put(line)

    def started(self) -> None:
        """Wait for the line that says the folder is watched (a file written after it is seen)."""
        while True:
            line = self._said.get(timeout=60)
            if line.startswith("wire: watching"):
                return

    def line(self) -> str:
        return self.out.get(timeout=30)

    def interrupt(self) -> int:
        os.killpg(self.proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole process group
        return self.proc.wait(timeout=10)

    def close(self) -> None:
        cleanup(self.proc.pid)
        self.proc.wait(timeout=10)


@pytest.fixture
def folder(tmp_path) -> Path:
    corpus = tmp_path / "news"
    corpus.mkdir()
    (corpus / "001_old.md").write_text(BUDGET.replace("Budget vote", "Old budget"), encoding="utf-8")
    return corpus


def test_json_lines_of_the_new_matching_articles_then_ctrl_c_exits_130(folder, tmp_path):
    watching = Watching(["--json", "ferry OR strike"], folder, tmp_path / "home")
    try:
        watching.started()
        (folder / "002_budget.md").write_text(BUDGET, encoding="utf-8")  # new, but not matching
        (folder / "003_ferry.md").write_text(FERRY, encoding="utf-8")
        hit = json.loads(watching.line())
        assert hit == {"id": "003_ferry.md", "title": "Ferry strike ends", "outlet": "Coastal Herald",
                       "date": "2026-03-09"}
        (folder / "sub").mkdir()
        (folder / "sub" / "004_ferry.md").write_text(FERRY.replace("ends", "talks resume"), encoding="utf-8")
        assert json.loads(watching.line())["id"] == "sub/004_ferry.md"  # the budget story never printed
        assert watching.interrupt() == 130
        assert watching.err[-1] == "wire: interrupted"
        assert watching.out.empty() and not any("Traceback" in line for line in watching.err)
    finally:
        watching.close()


def test_plain_lines_as_wire_search_prints_a_hit_for_every_new_article(folder, tmp_path):
    watching = Watching([], folder, tmp_path / "home")
    try:
        watching.started()
        (folder / "003_ferry.md").write_text(FERRY, encoding="utf-8")
        line = watching.line()
        assert line.startswith("2026-03-09 Coastal Herald")
        assert "Ferry strike ends" in line and line.endswith("003_ferry.md")
        (folder / "002_budget.md").write_text(BUDGET, encoding="utf-8")
        assert "Budget vote delayed" in watching.line()
        (folder / "003_ferry.md").write_text(FERRY.replace("went back", "returned"), encoding="utf-8")
        (folder / "001_old.md").unlink()  # changed and removed: nothing new to print
        (folder / "005.md").write_text(FERRY.replace("Ferry strike ends", "Harbour reopens"), encoding="utf-8")
        assert "Harbour reopens" in watching.line()
        assert watching.interrupt() == 130
        assert watching.out.empty()
    finally:
        watching.close()


def test_a_query_that_cannot_run_is_one_line_before_any_watch(folder, tmp_path):
    done = subprocess.run(wire_command(["watch", "is:bogus"], folder, tmp_path / "home"), capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 1 and done.stderr.startswith("wire: error:") and len(done.stderr.splitlines()) == 1


def test_kill_9_during_a_sync_the_watch_started_leaves_no_process(folder, many_files, tmp_path):
    watching = Watching([], folder, tmp_path / "home")
    try:
        watching.started()
        shutil.copytree(many_files, folder / "batch")  # enough files for the sync to parse in two processes
        kids = wait_for_children(watching.proc, 2)
        assert len(kids) == 2
        watching.proc.kill()
        watching.proc.wait(timeout=10)
        left, seconds = wait_gone(watching.proc.pid, timeout=5.0)
        assert left == [] and seconds < 3
    finally:
        watching.close()
