"""Incremental sync: add, modify, delete, touch; repetition boilerplate; recovery from damage and kills."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from reader.library import Library


def open_lib(corpus: Path, home: Path) -> Library:
    return Library.open(corpus, home)


def test_first_sync_then_nothing_to_do(corpus_copy, home):
    lib = open_lib(corpus_copy, home)
    first = lib.sync()
    assert (first.articles, first.added, first.updated, first.removed) == (5, 5, 0, 0)
    assert {s["path"] for s in first.skipped} == {"notes.ods", "batch.jsonl#2", "batch.jsonl#3"}
    again = lib.sync()
    assert (again.articles, again.added, again.updated, again.removed) == (5, 0, 0, 0)
    assert again.skipped == first.skipped  # skip reasons are remembered, not lost on a no-change sync


def test_add_modify_delete(corpus_copy, home):
    lib = open_lib(corpus_copy, home)
    lib.sync()
    (corpus_copy / "new.txt").write_text("Lighthouse keepers went on strike on Friday. They want pay.\n")
    report = lib.sync()
    assert (report.added, report.updated, report.removed) == (1, 0, 0)
    assert lib.search("lighthouse").total == 1

    path = corpus_copy / "new.txt"
    path.write_text("Lighthouse keepers ended their strike on Tuesday. They got a raise.\n")
    report = lib.sync()
    assert (report.added, report.updated, report.removed) == (0, 1, 0)
    assert lib.search("raise").total == 1 and lib.search("friday").total == 0

    path.unlink()
    report = lib.sync()
    assert (report.added, report.updated, report.removed, report.articles) == (0, 0, 1, 5)
    assert lib.search("lighthouse").total == 0


def test_touch_without_change_is_not_reindexed(corpus_copy, home):
    lib = open_lib(corpus_copy, home)
    lib.sync()
    later = time.time() + 10
    os.utime(corpus_copy / "plain.txt", (later, later))
    report = lib.sync()
    assert (report.added, report.updated, report.removed) == (0, 0, 0)


def test_jsonl_record_removed_from_a_file(corpus_copy, home):
    lib = open_lib(corpus_copy, home)
    lib.sync()
    batch = corpus_copy / "batch.jsonl"
    batch.write_text(batch.read_text().splitlines()[0] + "\n")
    report = lib.sync()
    assert (report.updated, report.removed) == (1, 1)
    assert lib.search("bridge").total == 1


def _outlet_article(n: int, shared: str) -> str:
    return (f"---\noutlet: Daily Planet\ntitle: Story {n}\n---\nUnique report number {n} about harbour "
            f"number {n}.\n\n{shared}\n")


def test_paragraph_repeated_in_three_articles_of_an_outlet_is_boilerplate(tmp_path, home):
    corpus = tmp_path / "c"
    corpus.mkdir()
    promo = "Listen to the Planet podcast every morning wherever you get podcasts."
    for n in (1, 2):
        (corpus / f"{n}.md").write_text(_outlet_article(n, promo))
    lib = open_lib(corpus, home)
    lib.sync()
    assert lib.search("podcast").total == 2  # two copies are not yet a pattern
    (corpus / "3.md").write_text(_outlet_article(3, promo))
    lib.sync()
    assert lib.search("podcast").total == 0
    assert lib.search("boilerplate:podcast").total == 3
    marked = lib.article("1.md").paragraphs
    assert [p.boilerplate for p in marked] == [False, True]
    (corpus / "3.md").unlink()
    lib.sync()
    assert lib.search("podcast").total == 2  # and back when it no longer repeats


def test_same_paragraph_in_different_outlets_is_not_boilerplate(tmp_path, home):
    corpus = tmp_path / "c"
    corpus.mkdir()
    quote = "The minister said the decision was final and would not be reviewed."
    for n, outlet in enumerate(["A", "B", "C"]):
        (corpus / f"{n}.md").write_text(f"---\noutlet: {outlet}\n---\nLede {n} here.\n\n{quote}\n")
    lib = open_lib(corpus, home)
    lib.sync()
    assert lib.search("minister").total == 3


def test_damaged_index_is_rebuilt(corpus_copy, home):
    lib = open_lib(corpus_copy, home)
    lib.sync()
    lib.close()
    index_dir = lib.cache / "index"
    for f in index_dir.glob("*.seg"):
        f.unlink()
    for f in index_dir.glob("*_*.toc"):
        f.write_bytes(b"garbage")
    lib = open_lib(corpus_copy, home)
    report = lib.sync()
    assert report.articles == 5 and lib.search("ferry").total == 2


def test_damaged_store_and_mention_cache_start_afresh(seeds_copy, home):
    """Derived data that is not a database any more: a one-time rebuild, not an error the user is stuck with."""
    lib = open_lib(seeds_copy, home)
    lib.sync()
    lib.enrich()
    names = [e.name for e in lib.entities(limit=3)]
    lib.close()
    for name in ("corpus.sqlite", "entities/entities.sqlite3"):
        (lib.cache / name).write_bytes(b"not a database, and long enough to have a header" * 20)
        for side in ("-wal", "-shm"):
            (lib.cache / (name + side)).unlink(missing_ok=True)
    lib = open_lib(seeds_copy, home)
    report = lib.sync()
    assert report.added == 4 and lib.search("wasserman").total == 4
    lib.enrich()  # NER again: the damaged cache held nothing usable
    assert [e.name for e in lib.entities(limit=3)] == names
    assert lib.entities_pending() == 0
    lib.close()


def test_rebuild_option(corpus_copy, home):
    lib = open_lib(corpus_copy, home)
    lib.sync()
    report = lib.sync(rebuild=True)
    assert report.added == 5 and lib.search("ferry").total == 2


def test_corpus_files_are_never_written(corpus_copy, home):
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in corpus_copy.rglob("*") if p.is_file()}
    lib = open_lib(corpus_copy, home)
    lib.sync()
    lib.search("ferry")
    after = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in corpus_copy.rglob("*") if p.is_file()}
    assert before == after


def _big_corpus(root: Path, n: int) -> None:
    root.mkdir()
    words = "harbour ferry council vote budget storm coast minister report".split()
    for i in range(n):
        body = " ".join(words[(i + k) % len(words)] for k in range(300))
        (root / f"{i:05d}.txt").write_text(f"Article {i} lede sentence here. {body}\n\nSecond {i}.\n")


def test_killed_sync_leaves_an_index_the_next_run_opens(tmp_path, home):
    corpus = tmp_path / "big"
    _big_corpus(corpus, 3000)
    env = {**os.environ, "WIRE_HOME": str(home)}
    for delay in (1.5, 3.0):
        proc = subprocess.Popen([sys.executable, "-m", "reader", "--corpus", str(corpus), "index"],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        time.sleep(delay)
        os.killpg(proc.pid, signal.SIGKILL)  # kill -9, index writer subprocesses included
        proc.wait()
    done = subprocess.run([sys.executable, "-m", "reader", "--corpus", str(corpus), "search", "harbour",
                           "--json"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "lock" not in done.stderr.lower()
    lib = open_lib(corpus, home)
    assert lib.sync().articles == 3000
    assert lib.search("lede").total == 3000


def test_ctrl_c_during_sync_exits_cleanly_and_the_next_run_works(tmp_path, home):
    corpus = tmp_path / "big"
    _big_corpus(corpus, 3000)
    env = {**os.environ, "WIRE_HOME": str(home)}
    proc = subprocess.Popen([sys.executable, "-m", "reader", "--corpus", str(corpus), "index"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2.0)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    if proc.returncode == 0:  # the machine was fast enough to finish first: nothing to check
        return
    assert proc.returncode == 130 and err.strip().splitlines()[-1] == "wire: interrupted"
    assert "Traceback" not in err
    lib = open_lib(corpus, home)
    assert lib.sync().articles == 3000


def test_a_writer_in_another_process_gives_a_clear_error(corpus_copy, home, monkeypatch):
    import pytest

    from reader import index as index_module
    from reader.errors import WireError

    monkeypatch.setattr(index_module, "LOCK_WAIT", 0.3)
    first = open_lib(corpus_copy, home)
    first.sync()
    (corpus_copy / "new.txt").write_text("A new article arrives. It has words.\n")
    second = open_lib(corpus_copy, home)
    with first.index.writer():  # the lock is held, as by the app syncing in the background
        with pytest.raises(WireError, match="another wire process is updating"):
            second.sync()
    assert second.sync().added == 1  # and once it is free, the sync goes through


def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        current = todo.pop()
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                kids = {int(k) for k in (task / "children").read_text().split()}
            except OSError:
                continue
            todo += list(kids - found)
            found |= kids
    return found


def test_killing_wire_ends_its_worker_processes(tmp_path, home):
    import pytest

    if not Path("/proc/self/task").is_dir():
        pytest.skip("needs /proc")
    corpus = tmp_path / "big"
    _big_corpus(corpus, 3000)
    env = {**os.environ, "WIRE_HOME": str(home)}
    proc = subprocess.Popen([sys.executable, "-m", "reader", "--corpus", str(corpus), "index"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and not workers:
        workers = _descendants(proc.pid)
        time.sleep(0.05)
    if not workers:
        proc.kill()
        pytest.skip("the sync finished before any worker process started")
    proc.kill()  # SIGKILL: no chance to clean up
    proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{w}").exists() for w in workers):
        time.sleep(0.1)
    alive = [w for w in workers if Path(f"/proc/{w}").exists()
             and "zombie" not in Path(f"/proc/{w}/status").read_text().lower()]
    assert alive == [], f"orphaned workers: {alive}"


def test_a_cancelled_sync_commits_nothing_and_the_next_one_completes(tmp_path, home):
    import pytest

    from reader.library import SyncCancelled

    corpus = tmp_path / "big"
    _big_corpus(corpus, 300)
    lib = open_lib(corpus, home)
    calls = []

    def stop_during_indexing() -> bool:
        calls.append(1)
        return len(calls) > 302  # past reading the 300 files: inside the index writer
    with pytest.raises(SyncCancelled):
        lib.sync(should_stop=stop_during_indexing)
    assert lib.store.count() == 0 and lib.index.doc_count() == 0
    assert lib.sync().added == 300


def test_repeated_paragraphs_counted_incrementally_agree_with_a_full_count(tmp_path, home):
    """Random adds, edits and removals: the marks kept by recounting only the touched paragraphs are the
    ones a full grouping pass gives."""
    import random

    from reader.corpus.boilerplate import paragraph_key
    from reader.corpus.store import REPEAT_THRESHOLD

    rng = random.Random(3)
    corpus = tmp_path / "c"
    corpus.mkdir()
    promos = [f"Promo number {k} for the morning podcast, wherever you listen." for k in range(5)]
    lib = open_lib(corpus, home)
    for step in range(14):
        for _ in range(rng.randint(1, 4)):
            n = rng.randint(0, 9)
            path = corpus / f"{n}.md"
            if path.exists() and rng.random() < 0.3:
                path.unlink()
            else:
                chosen = rng.sample(promos, rng.randint(0, 3))
                outlet = rng.choice(["Planet", "Globe"])
                body = "\n\n".join([f"Lede {n} {step} here."] + chosen)
                path.write_text(f"---\noutlet: {outlet}\ntitle: T{n}\n---\n{body}\n")
        lib.sync()
        full = set(lib.store.db.execute(
            "SELECT outlet, key FROM paras GROUP BY outlet, key HAVING count(DISTINCT article_id) >= ?",
            (REPEAT_THRESHOLD,)))
        assert set(lib.store.db.execute("SELECT outlet, key FROM repeated")) == full, step
        for article in lib.articles():  # and every article's marks follow them
            marks = [p.boilerplate for p in article.paragraphs[1:]]
            assert marks == [(article.outlet, paragraph_key(p.text)) in full for p in article.paragraphs[1:]]


def test_a_sync_that_finds_nothing_changed_takes_no_lock(corpus_copy, home):
    """The no-change check runs beside another process's sync instead of waiting for it."""
    lib = open_lib(corpus_copy, home)
    lib.sync()
    other = open_lib(corpus_copy, home)
    with other.lock.hold():
        waited = []
        lib.on_wait = waited.append
        report = lib.sync()
        assert report.articles == 5 and waited == []


def test_a_file_changed_in_place_with_its_size_kept_is_read_again(corpus_copy, home):
    """The no-change digest covers mtimes: an edit in place that keeps the size (a word fixed) is seen."""
    lib = open_lib(corpus_copy, home)
    lib.sync()
    path = corpus_copy / "plain.txt"
    text = path.read_text()
    with path.open("r+") as fh:  # in place, as `>>` or an editor without backup files writes: no new inode
        fh.write(text.replace("ferry", "yacht", 1))
    later = time.time() + 5
    os.utime(path, (later, later))
    assert lib.sync().updated == 1
    assert lib.search("yacht").total == 1


def test_an_unreadable_file_is_tried_again_though_its_stat_is_unchanged(corpus_copy, home):
    if os.geteuid() == 0:
        import pytest

        pytest.skip("root reads a file whatever its mode")
    path = corpus_copy / "plain.txt"
    path.chmod(0)
    lib = open_lib(corpus_copy, home)
    first = lib.sync()
    assert any(s["path"] == "plain.txt" for s in first.skipped)
    path.chmod(0o644)  # a mode change keeps size and mtime
    report = lib.sync()
    assert report.added == 1 and not any(s["path"] == "plain.txt" for s in report.skipped)


def test_no_sync_answers_from_the_index_and_says_since_when(corpus_copy, tmp_path):
    """`--no-sync` (and `sync: manual`) skip the check of the folder and say so; `wire index` still reads."""
    import re

    from .conftest import run_wire

    home = str(tmp_path / "home")
    base = ("--corpus", str(corpus_copy), "--home", home)
    never = run_wire(*base, "search", "lighthouse", "--no-sync")
    assert never.returncode == 0 and "has not been synced yet" in never.stderr
    assert run_wire(*base, "index", "--text-only").returncode == 0
    (corpus_copy / "new.txt").write_text("Lighthouse keepers went on strike on Friday. They want pay.\n")
    stale = run_wire(*base, "search", "lighthouse", "--no-sync")
    assert stale.returncode == 0 and "no articles match" in stale.stdout  # the new file is not seen
    assert re.search(r"answering from the index as synced at \d{4}-\d\d-\d\d \d\d:\d\d", stale.stderr)
    config = tmp_path / "config.yaml"
    config.write_text("sync: manual\n")
    manual = run_wire(*base, "--config", str(config), "search", "lighthouse")
    assert "answering from the index" in manual.stderr and "no articles match" in manual.stdout
    fresh = run_wire(*base, "search", "lighthouse")  # auto: the check finds the new file and reads it
    assert fresh.returncode == 0 and "1 of 1" in fresh.stdout and fresh.stderr == ""
    config.write_text("sync: sometimes\n")
    bad = run_wire(*base, "--config", str(config), "search", "x")
    assert bad.returncode == 1 and "'sync' must be auto or manual" in bad.stderr


def _folders_of_files(root: Path) -> None:
    """Twelve outlets' month folders, three articles each, a folder named with bytes that are not UTF-8 and
    every kind of hostile file: what a digest in parts must still see whole."""
    for i in range(12):
        folder = root / f"outlet{i}" / "2024" / f"{i + 1:02d}"
        folder.mkdir(parents=True)
        for j in range(3):
            (folder / f"story{j}.txt").write_text(f"Outlet {i} story {j} about the harbour.")
    os.mkdir(os.path.join(os.fsencode(root), b"caf\xe9"))
    (Path(os.fsdecode(os.path.join(os.fsencode(root), b"caf\xe9"))) / "odd.txt").write_text("An odd folder.")
    from tests import hostile

    hostile.make(root / "hostile")


def test_the_digest_made_in_parts_is_the_whole_scans(tmp_path):
    from reader.corpus import scan
    from reader.corpus.scanning import PARTS, digest, full_signature, signature

    _folders_of_files(tmp_path)
    files, skipped = scan(tmp_path)
    parts = [scan(tmp_path, only=part) for part in range(PARTS)]
    assert all(part_files for part_files, _ in parts)  # the folders are spread over the parts
    assert sorted(p for part_files, _ in parts for p in part_files) == sorted(files)  # each file in one part
    by_path = lambda entries: sorted(entries, key=lambda s: (s["path"], s["reason"]))  # noqa: E731
    assert by_path([s for _, part_skipped in parts for s in part_skipped]) == by_path(skipped)
    assert signature([digest(part_files) for part_files, _ in parts]) == full_signature(files)
    (tmp_path / "outlet3" / "2024" / "04" / "story1.txt").write_text("Changed.")
    assert full_signature(scan(tmp_path)[0]) != full_signature(files)


def test_a_large_corpus_is_checked_for_changes_in_two_processes(tmp_path, home, monkeypatch):
    """The no-change check of a corpus past PARALLEL_SCAN stats its folders in two workers: the same
    answer and skip entries as one process's, and a change in place is still seen."""
    import reader.sync
    from reader import children

    _folders_of_files(tmp_path / "corpus")
    lib = open_lib(tmp_path / "corpus", home)
    first = lib.sync()
    assert first.articles >= 37
    forked = []
    real_imap = children.imap
    monkeypatch.setattr(children, "imap", lambda *a, **k: forked.append(a[2]) or real_imap(*a, **k))
    monkeypatch.setattr(reader.sync, "PARALLEL_SCAN", 10)
    again = lib.sync()
    assert forked == [2] and (again.articles, again.added, again.updated) == (first.articles, 0, 0)
    assert again.skipped == first.skipped
    path = tmp_path / "corpus" / "outlet5" / "2024" / "06" / "story2.txt"
    path.write_text("The gondolier was late again.")
    later = time.time() + 5
    os.utime(path, (later, later))
    assert lib.sync().updated == 1 and len(forked) == 2
    assert lib.search("gondolier").total == 1
