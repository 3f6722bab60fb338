"""reader.background: the app's NER and wire-copy stages in a child process (real child, real NER)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader.background import Stages
from reader.entities.view import VIEW_FILE
from reader.library import Library

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the child's end is Linux's")


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in "ZX"


def test_the_stages_run_in_a_child_and_leave_their_results_on_disk(seeds_copy, home):
    lib = Library.open(seeds_copy, home)
    lib.sync()
    assert not lib.entities_finished() and not lib.copies_scored()
    stages = Stages(lib)
    assert stages.pid != os.getpid()
    events = list(stages.events())
    stages.stop()
    finished = [e for e in events if e[0] == "finished"]
    assert finished == [("finished", "entities"), ("finished", "copies")], events
    assert any(e[0] == "progress" for e in events[:events.index(finished[0])])
    assert not [e for e in events if e[0] == "error"]
    # This process did none of it: it reads what the child wrote, as a new process would.
    assert lib.entity_stage._table is None and lib.copy_stage._index is None
    assert lib.entities_finished() and lib.copies_scored()
    assert (lib.entity_stage.cache_dir / VIEW_FILE).is_file()
    assert lib.entities("person", limit=1) and lib.copy_ids()
    assert lib.search("person:wasserman", limit=None).total >= 1  # the child's entity fields, seen here
    assert not alive(stages.pid)
    lib.close()


def test_a_stop_ends_the_child_at_once_and_the_next_run_resumes(ner_text, home):
    lib = Library.open(ner_text, home)
    lib.sync()
    stages = Stages(lib)
    for event in stages.events():
        if event[0] == "progress" and event[1] == "entities" and event[2] > 0:
            break  # NER is under way, with something committed
    started = time.monotonic()
    stages.stop()
    assert time.monotonic() - started < 1.0
    assert not alive(stages.pid)
    assert not lib.entities_finished()
    pending = lib.entities_pending()
    assert 0 < pending < len(lib.rows())  # what was done is kept
    again = Stages(lib)
    events = list(again.events())
    again.stop()
    assert ("finished", "copies") in events and lib.entities_finished(), events
    first = next(e for e in events if e[0] == "progress" and e[1] == "entities")
    assert first[2] >= len(lib.rows()) - pending  # it started from what the first run had done
    lib.close()


def test_a_child_that_dies_is_one_error_event(ner_text, home):
    lib = Library.open(ner_text, home)
    lib.sync()
    stages = Stages(lib)
    events = []
    for event in stages.events():
        events.append(event)
        if event[0] == "progress" and len(events) == 1:
            os.kill(stages.pid, signal.SIGKILL)
    stages.stop()
    assert events[-1] == ("error", "the background stages ended unexpectedly (exit status -9)"), events
    lib.close()


def test_a_stopping_event_reader_stops_the_child(seeds_copy, home):
    lib = Library.open(seeds_copy, home)
    lib.sync()
    stages = Stages(lib)
    assert list(stages.events(should_stop=lambda: True)) == []
    assert not alive(stages.pid)
    lib.close()


def test_copy_marks_and_an_article_s_copies_are_read_from_disk(seeds_copy, home, monkeypatch):
    """A process that did not score the pairs answers the list's marks and one article's copies from the saved
    pairs without reading every pair, or importing the wire-copy package."""
    import reader.copies
    from reader.overlap.label import THRESHOLDS_FILE

    assert reader.copies.thresholds_file() == THRESHOLDS_FILE
    first = Library.open(seeds_copy, home)
    first.sync()
    pairs, _ = first.overlaps()
    assert pairs
    first.close()
    second = Library.open(seeds_copy, home)
    monkeypatch.setattr(reader.copies.CopyStage, "pairs", lambda *a, **k: pytest.fail("every pair was read"))
    assert second.copies_scored()
    assert second.copy_ids() == {x for p in pairs for x in (p.a, p.b)}
    for article_id in second.copy_ids() | {"no/such/article"}:
        assert second.copies_of(article_id) == [p for p in pairs if article_id in (p.a, p.b)]
    second.close()
    script = ("import sys\nfrom reader.library import Library\n"
              f"lib = Library.open({str(seeds_copy)!r}, {str(home)!r})\n"
              "assert lib.copy_ids() and lib.copies_of(sorted(lib.copy_ids())[0])\n"
              "print('reader.overlap' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "False", done.stderr


def test_a_home_without_the_view_file_gets_it_from_the_stage_not_the_reader(seeds_copy, home):
    """A home indexed before the view file existed (NER finished): the stage writes the view, so the app's
    background child does it and the app itself never loads the merged table."""
    lib = Library.open(seeds_copy, home)
    lib.sync()
    lib.enrich()
    view = lib.entity_stage.cache_dir / VIEW_FILE
    view.unlink()
    fresh = Library.open(seeds_copy, home)
    assert fresh.entity_stage.finished() and not fresh.entities_finished()
    fresh.enrich()
    assert view.is_file() and fresh.entities_finished()
    fresh.close()
    lib.close()
