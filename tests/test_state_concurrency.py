"""Several processes writing one state file at once (the app starring while `wire tag` runs): no write lost,
no "database is locked"."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from reader.state import State

ROOT = Path(__file__).resolve().parents[1]
WRITES = 150

_WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from reader.state import State
    data, corpus, who, start, count = Path(sys.argv[1]), sys.argv[2], sys.argv[3], Path(sys.argv[4]), int(sys.argv[5])
    while not start.exists():  # all start together, so their writes interleave
        time.sleep(0.005)
    state = State.open(data, corpus)  # all open at once too: today's backup is raced for
    for n in range(count):
        article = f"{who}-{n}.txt"
        state.set_starred(article)
        state.add_tag(article, who)
        if n % 10 == 0:
            state.mark_all_read([article, f"{who}-batch-{n}.txt"])
            state.set_note(article, f"note {n} by {who}")
        # A second connection now and then, as each `wire tag` opens its own.
        if n % 25 == 0:
            other = State.open(data, corpus)
            other.add_tag(article, "second-connection")
            other.close()
    state.close()
""")


def test_three_processes_writing_at_once_lose_nothing(tmp_path):
    data, corpus, start = tmp_path / "data", str(tmp_path / "corpus"), tmp_path / "go"
    first = State.open(data, corpus)
    first.set_read("before.txt")  # a file from an earlier day: the writers' first opens back it up
    first.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    names = ["app", "tagger", "noter"]
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, str(data), corpus, who, str(start), str(WRITES)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for who in names]
    time.sleep(0.5)
    start.touch()
    results = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, results):
        assert proc.returncode == 0 and "locked" not in err, err
    state = State.open(data, corpus)
    starred, read, notes = state.starred_ids(), state.read_ids(), state.note_map()
    for who in names:
        ids = {f"{who}-{n}.txt" for n in range(WRITES)}
        assert ids <= starred
        assert set(state.tagged(who)) == ids
        assert {f"{who}-{n}.txt" for n in range(0, WRITES, 10)} <= read
        assert {f"{who}-batch-{n}.txt" for n in range(0, WRITES, 10)} <= read
        assert all(notes[f"{who}-{n}.txt"] == f"note {n} by {who}" for n in range(0, WRITES, 10))
    assert len(state.tagged("second-connection")) == 3 * len(range(0, WRITES, 25))
    assert "before.txt" in read
    state.close()
    assert len(list((data / "backups").glob("state-daily-*.sqlite"))) == 1
