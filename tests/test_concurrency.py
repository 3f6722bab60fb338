"""Two processes on one corpus and home: a sync beside searches and marks, two syncs at once, a reader during a rebuild."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time

import pytest

from bench.crash_trials import MARKER, make_corpus, start, wire, write_articles
from reader.library import Library

COUNT = 150
WAITING = "wire: waiting for another wire process to finish updating this corpus"


@pytest.fixture
def indexed(tmp_path):
    corpus, home = tmp_path / "corpus", tmp_path / "home"
    ids = make_corpus(corpus, COUNT, seed=5)
    done = wire(home, corpus, "index", "--text-only")
    assert done.returncode == 0, done.stderr
    return corpus, home, ids


def _found(done) -> set[str]:
    assert done.returncode == 0 and "error" not in done.stderr and "Traceback" not in done.stderr, done.stderr
    return {h["id"] for h in json.loads(done.stdout)["hits"]}


def test_rebuilds_beside_searches_and_marks_lose_nothing(indexed):
    corpus, home, ids = indexed
    rebuilder = start(home, corpus, "index", "--rebuild", "--text-only")
    tagged, noted, rounds = {}, {}, 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and rounds < 6:
        if rebuilder.poll() is not None:  # keep a rebuild running beside every round
            _, err = rebuilder.communicate()
            assert rebuilder.returncode == 0 and "error" not in err and "Traceback" not in err, err
            rebuilder = start(home, corpus, "index", "--rebuild", "--text-only")
        found = _found(wire(home, corpus, "search", MARKER, "--limit", "1000", "--json"))
        assert found == set(ids), f"a search beside a rebuild found {len(found)} of {len(ids)}"
        article = ids[rounds]
        done = wire(home, corpus, "tag", article, f"+round{rounds}")
        assert done.returncode == 0 and "error" not in done.stderr, done.stderr
        tagged[article] = f"round{rounds}"
        done = wire(home, corpus, "note", ids[-1 - rounds], f"note {rounds}")
        assert done.returncode == 0 and "error" not in done.stderr, done.stderr
        noted[ids[-1 - rounds]] = f"note {rounds}"
        rounds += 1
    _, err = rebuilder.communicate(timeout=120)
    assert rebuilder.returncode == 0 and "error" not in err, err
    for article, tag in tagged.items():
        done = wire(home, corpus, "tag", article, "--json")
        assert tag in json.loads(done.stdout)["tags"], (article, done.stdout)
    for article, note in noted.items():
        done = wire(home, corpus, "note", article, "--json")
        assert json.loads(done.stdout)["note"] == note, (article, done.stdout)


def test_two_syncs_at_once_both_finish_and_find_everything(indexed):
    corpus, home, ids = indexed
    new = write_articles(corpus, range(500, 800), random.Random(1), prefix="new")
    first = start(home, corpus, "index", "--text-only")
    second = start(home, corpus, "index", "--text-only")
    outs = [p.communicate(timeout=120) for p in (first, second)]
    assert [p.returncode for p in (first, second)] == [0, 0], outs
    errs = [err for _, err in outs]
    assert all("error" not in e and "Traceback" not in e for e in errs), errs
    assert sum(e.count(WAITING) for e in errs) <= 1  # at most the one that came second waited
    found = _found(wire(home, corpus, "search", MARKER, "--limit", "1000", "--json"))
    assert found == set(ids) | set(new)


def test_a_sync_waits_for_the_one_holding_the_lock_and_says_so_once(indexed):
    corpus, home, ids = indexed
    new = write_articles(corpus, range(500, 510), random.Random(1), prefix="new")
    holder = Library.open(corpus, home)  # this process syncing, as far as the other one can tell
    try:
        with holder.lock.hold():
            waiting = start(home, corpus, "index", "--text-only")
            time.sleep(3.0)
            assert waiting.poll() is None, waiting.communicate()
        _, err = waiting.communicate(timeout=60)
    finally:
        holder.close()
    assert waiting.returncode == 0, err
    assert err.count(WAITING) == 1 and f"(pid {os.getpid()})" in err, err
    found = _found(wire(home, corpus, "search", MARKER, "--limit", "1000", "--json"))
    assert found == set(ids) | set(new)


def test_an_open_reader_sees_the_old_index_or_the_new_during_a_rebuild(indexed):
    """The app keeps its Library open: another process's rebuild must never show it an empty or torn one."""
    corpus, home, ids = indexed
    lib = Library.open(corpus, home)
    try:
        seen, rebuilds = 0, 0
        rebuilder = start(home, corpus, "index", "--rebuild", "--text-only")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and rebuilds < 3:
            if rebuilder.poll() is not None:
                _, err = rebuilder.communicate()
                assert rebuilder.returncode == 0, err
                rebuilds += 1
                rebuilder = start(home, corpus, "index", "--rebuild", "--text-only")
            result = lib.search(MARKER, limit=None, snippets=False)
            assert result.total == len(ids) and {h.id for h in result.hits} == set(ids)
            assert len(lib.listing()) == len(ids) + 4  # and the seeds
            seen += 1
        rebuilder.kill()
        rebuilder.communicate()
        assert rebuilds >= 1 and seen > 10, (rebuilds, seen)
    finally:
        lib.close()


def test_the_lock_is_never_left_by_a_killed_sync(indexed):
    corpus, home, _ = indexed
    write_articles(corpus, range(500, 900), random.Random(2), prefix="new")
    victim = start(home, corpus, "index", "--text-only")
    time.sleep(0.8)
    victim.kill()
    victim.communicate()
    started = time.monotonic()
    done = wire(home, corpus, "index", "--text-only")
    assert done.returncode == 0 and WAITING not in done.stderr, done.stderr
    assert time.monotonic() - started < 30


def test_the_lock_is_free_when_released_though_a_process_forked_under_it_lives_on(tmp_path):
    """Parse and index workers are forked while the lock is held, and share its descriptor."""
    from reader.synclock import SyncLock

    lock = SyncLock(tmp_path / "sync.lock")
    with lock.hold():
        child = os.fork()
        if child == 0:  # a worker that outlives the sync
            time.sleep(5)
            os._exit(0)
    try:
        other = subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path\n"
                                "from reader.synclock import SyncLock\n"
                                "with SyncLock(Path(sys.argv[1])).hold(on_wait=lambda pid: print('waited')):\n"
                                "    print('taken')", str(tmp_path / "sync.lock")],
                               capture_output=True, text=True, timeout=30)
        assert other.stdout.split() == ["taken"], other
    finally:
        os.kill(child, 9)
        os.waitpid(child, 0)
