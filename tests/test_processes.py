"""Worker processes of every kind die with their parent: kill -9 of `wire index` or of the app leaves none.

Each run is in a session of its own (start_new_session), killed by pid; the session is then polled in
/proc, and killed whole in a finally (bench/robust_kill.py). Generous bounds: the kernel and the pipes'
EOF end the workers in well under a second here (see the README's robustness figures).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench.robust_kill import app_kill_trial, kill_trial, wire_command
from reader.entities.ner import MIN_WORDS_FOR_TWO_PROCESSES

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux") or not Path("/proc/self/stat").exists(),
                                reason="needs Linux /proc")


def text_indexed(corpus: Path, home: Path) -> Path:
    done = subprocess.run(wire_command(["index", "--text-only"], corpus, home), capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return home


def test_the_generated_corpus_needs_two_ner_processes(ner_text):
    words = sum(len(p.read_text().split()) for p in ner_text.glob("*.txt"))
    assert words >= MIN_WORDS_FOR_TWO_PROCESSES
    shas = {p.read_bytes() for p in ner_text.glob("*.txt")}
    assert len(shas) == len(list(ner_text.glob("*.txt")))  # the NER cache is keyed by content


def test_kill_9_during_ner_leaves_no_process(ner_text, tmp_path):
    home = text_indexed(ner_text, tmp_path / "home")
    found = kill_trial(["index"], ner_text, home, delay=0.3, children=2)
    assert found["workers"] == 2, found  # NER was running in two worker processes when killed
    assert found["left"] == 0 and found["seconds_to_clean"] < 3, found


def test_kill_9_during_the_parallel_parse_leaves_no_process(many_files, tmp_path):
    found = kill_trial(["index", "--text-only"], many_files, tmp_path / "home", children=2)
    assert found["workers"] == 2, found
    assert found["left"] == 0 and found["seconds_to_clean"] < 3, found


def test_kill_9_during_a_bulk_index_with_two_writers_leaves_no_process(many_files, tmp_path):
    found = kill_trial(["index", "--text-only"], many_files, tmp_path / "home", children=2, later=True)
    if found["finished"] or not found["workers"]:
        pytest.skip("the index was written before its writer processes were seen")
    assert found["left"] == 0 and found["seconds_to_clean"] < 3, found
    # And the next run opens or rebuilds what the kill left.
    again = subprocess.run(wire_command(["index", "--text-only"], many_files, tmp_path / "home"),
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and "2300 articles" in again.stdout, again.stderr


def test_kill_9_during_the_wire_copy_pass_leaves_no_process(many_files, tmp_path):
    home = text_indexed(many_files, tmp_path / "home")  # 2,300 articles: two processes shingle them
    found = kill_trial(["overlaps"], many_files, home, children=2)
    assert found["workers"] == 2, found
    assert found["left"] == 0 and found["seconds_to_clean"] < 3, found


def test_kill_9_of_the_app_during_ner_leaves_no_process(ner_text, tmp_path):
    home = text_indexed(ner_text, tmp_path / "home")
    found = app_kill_trial(ner_text, home, children=2)
    assert found["workers"] == 2, found
    assert found["left"] == 0 and found["seconds_to_clean"] < 3, found


def test_a_worker_ends_when_its_parent_is_killed_mid_task():
    """reader.children.Worker: the pipe's EOF ends a worker busy on a task, not only an idle one."""
    script = (
        "import os, sys, time\n"
        "from reader.children import Worker\n"
        "w = Worker(lambda task: time.sleep(task))\n"
        "w.send(60)\n"
        "print(w.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                            start_new_session=True)
    from bench.robust_kill import cleanup, wait_gone

    try:
        worker = int(proc.stdout.readline())
        assert Path(f"/proc/{worker}").exists()
        proc.kill()
        proc.wait()
        left, waited = wait_gone(proc.pid, timeout=5)
        assert left == [] and waited < 3
    finally:
        cleanup(proc.pid)


def test_closing_a_busy_worker_ends_it_on_the_eof_not_the_fallback_kill():
    import time

    from reader.children import Worker

    worker = Worker(time.sleep)
    worker.send(60)
    started = time.monotonic()
    worker.close(timeout=10)  # the SIGKILL fallback would come after 10 s
    assert time.monotonic() - started < 3
    assert not Path(f"/proc/{worker.pid}").exists()


def test_imap_gives_task_i_to_worker_i_mod_processes():
    import os

    from reader.children import imap

    pids = list(imap(lambda _: os.getpid(), range(9), processes=2))
    assert pids[0] != pids[1] and pids[0::2] == [pids[0]] * 5 and pids[1::2] == [pids[1]] * 4
    pids = list(imap(lambda _: os.getpid(), range(7), processes=3))
    assert len(set(pids[:3])) == 3 and all(pids[i] == pids[i % 3] for i in range(7))


def test_imap_keeps_order_reports_errors_and_stops_on_request():
    from reader.children import Stopped, WorkerError, imap

    assert list(imap(lambda n: n * n, range(20), processes=2)) == [n * n for n in range(20)]
    with pytest.raises(WorkerError, match="ZeroDivisionError"):
        list(imap(lambda n: 1 // n, [3, 2, 1, 0, 5], processes=2))
    import time

    with pytest.raises(Stopped):
        list(imap(time.sleep, [60, 60], processes=2, should_stop=lambda: True))
