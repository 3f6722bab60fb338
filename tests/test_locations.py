"""Atomic writes of derived files: the temporaries a killed writer left are swept, a running writer's kept."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

from reader.locations import write_atomic, write_database_atomic, write_stream


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_killed_writers_temporary_is_removed_by_the_next_write_and_a_running_ones_kept(tmp_path):
    target = tmp_path / "table.pickle"
    dead = tmp_path / f".table.pickle.{_dead_pid()}.140000.tmp"
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        alive = tmp_path / f".table.pickle.{running.pid}.140000.tmp"
        mine = tmp_path / f".table.pickle.{os.getpid()}.{threading.get_ident() + 1}.tmp"  # another thread of ours
        other = tmp_path / f".view.sqlite3.{_dead_pid()}.1.tmp"  # another file's: its own write sweeps it
        user = tmp_path / "table.pickle.notes.tmp"  # not a temporary of ours at all
        for path in (dead, alive, mine, other, user):
            path.write_bytes(b"x" * 1000)
        with write_stream(target) as fh:
            fh.write(b"table")
        assert target.read_bytes() == b"table"
        assert not dead.exists()
        assert alive.exists() and mine.exists() and other.exists() and user.exists()
        write_database_atomic(tmp_path / "view.sqlite3", lambda db: db.execute("CREATE TABLE t (x)"))
        assert not other.exists()
        write_atomic(tmp_path / "stamp", b"1")
        assert (tmp_path / "stamp").read_bytes() == b"1" and alive.exists() and mine.exists()
    finally:
        running.kill()
        running.wait()
