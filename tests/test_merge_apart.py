"""The entity merge in a child process (reader.merge_apart): what it hands back, its errors, a stop, a killed parent."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.robust_kill import children_of, cleanup, holds_open, wait_gone
from reader.errors import WireError
from reader.library import Library
from reader.merge_apart import merged_terms

ROOT = Path(__file__).resolve().parents[1]


def _enriched(corpus: Path, home: Path, monkeypatch, apart: bool) -> Library:
    import reader.enrich

    monkeypatch.setattr(reader.enrich, "MERGE_APART", 0 if apart else 10**9)
    if apart:
        def must_not_merge(*args, **kwargs):
            raise AssertionError("the entities were merged in the parent")

        monkeypatch.setattr(reader.enrich, "EntityTable", must_not_merge)
    lib = Library.open(corpus, home)
    lib.sync()
    lib.enrich()
    monkeypatch.undo()
    return lib


def test_the_merge_in_a_child_gives_the_fields_and_names_of_the_merge_in_process(seeds_copy, tmp_path, monkeypatch):
    here = _enriched(seeds_copy, tmp_path / "here", monkeypatch, apart=False)
    apart = _enriched(seeds_copy, tmp_path / "apart", monkeypatch, apart=True)
    try:
        ids = here.store.all_ids()
        assert ids == apart.store.all_ids()
        fields = [here.store.terms_of(i) for i in ids]
        assert any(f and f["person"] for f in fields)
        assert fields == [apart.store.terms_of(i) for i in ids]
        assert apart.entities(limit=None) == here.entities(limit=None)
        wasserman = [lib.search("person:wasserman", limit=None).total for lib in (here, apart)]
        assert wasserman == [4, 4]
        assert apart.entity_stage.finished() and apart.entities_finished()
        left = [p.name for p in apart.entity_stage.cache_dir.iterdir() if p.name.startswith(("changed-", "merge-"))]
        assert left == []  # the child's hand-over and error files are gone
    finally:
        here.close()
        apart.close()


def test_a_child_that_fails_is_one_line_and_leaves_no_file(tmp_path):
    cache = tmp_path / "entities"
    cache.mkdir()
    with pytest.raises(WireError, match=r"^merging the names failed: ") as raised:
        merged_terms(tmp_path / "no such folder" / "corpus.sqlite", cache, tmp_path / "aliases.yaml")
    assert "\n" not in str(raised.value)
    assert list(cache.iterdir()) == []


def _merging(corpus: Path, home: Path, stop_after: float | None) -> str:
    """A parent process that merges a home's entities apart (the merged files deleted first)."""
    return f"""
import sys, time
from pathlib import Path
from reader.library import Library
from reader.merge_apart import merged_terms
lib = Library.open(Path({str(corpus)!r}), Path({str(home)!r}))
stage = lib.entity_stage
for name in ("table.pickle", "view.sqlite3", "finished.json"):
    (stage.cache_dir / name).unlink(missing_ok=True)
started = time.monotonic()
stop_after = {stop_after!r}
found = merged_terms(lib.store.path, stage.cache_dir, stage.aliases,
                     None if stop_after is None else lambda: time.monotonic() - started > stop_after)
from bench.robust_kill import children_of
import os
print("stopped" if found is None else len(found), len(children_of(os.getpid())), flush=True)
time.sleep(30 if stop_after is None else 0)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs Linux /proc")
def test_a_stop_or_a_kill_9_of_the_parent_ends_the_child(seeds_copy, tmp_path, monkeypatch):
    lib = _enriched(seeds_copy, tmp_path / "home", monkeypatch, apart=False)
    cache, known = lib.entity_stage.cache_dir, {p.name for p in lib.entity_stage.cache_dir.iterdir()}
    lib.close()
    # A stop: merged_terms returns None at once and the child is gone.
    stopped = subprocess.run([sys.executable, "-c", _merging(seeds_copy, tmp_path / "home", 0.0)],
                             capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert stopped.returncode == 0 and stopped.stdout.split() == ["stopped", "0"], stopped.stderr
    # kill -9 of the parent while the child merges: the kernel ends the child with it.
    parent = subprocess.Popen([sys.executable, "-c", _merging(seeds_copy, tmp_path / "home", None)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(holds_open(c, "corpus.sqlite") for c in children_of(parent.pid)):
            time.sleep(0.005)  # until the child has its task and has opened the store: it is merging
        assert children_of(parent.pid), "the merge child never started"
        parent.kill()
        parent.wait()
        left, seconds = wait_gone(parent.pid, timeout=5.0)
        assert not left and seconds < 3, (left, seconds)
        # The hand-over files have no name: nothing new is left in the cache but the temporary of a file the
        # child was writing when it was killed (a dot-file, as after any kill -9 mid-write, swept by the next write)
        # and SQLite's own journal beside a database it had open (recovered by the next connection).
        sqlite_journal = {f"{name}-{suffix}" for name in known for suffix in ("wal", "shm", "journal")}
        assert not [p.name for p in cache.iterdir()
                    if p.name not in known | sqlite_journal and not p.name.startswith(".")]
    finally:
        cleanup(parent.pid)
