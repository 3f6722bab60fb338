"""The entity stage's merge in a process of its own, so that the memory of a corpus's every mention goes with it.

Why: the merge holds every mention, every text for the corpus pass and the merged table (1.1 GB at 100,000
articles); freed, most of it stayed in the process (fragmented), under the index writer that comes next and the
two writer processes it forks (each counting the parent's pages again). A child started by exec (not forked:
SQLite's lock state does not survive a fork) merges, writes the table and the view files, and hands back only
the entity fields that changed, by article id; when it ends the system has all its memory back.

The parent holds the corpus's sync lock for it. The child ends with the parent (PR_SET_PDEATHSIG), ignores
Ctrl-C (the parent decides, and kills it), and writes nothing to the terminal but its one-line error.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from reader.children import start_module
from reader.errors import WireError, describe

Terms = dict[str, dict[str, list[str]]]
POLL = 0.05
"""Seconds between looks at `should_stop` while the child merges."""


def merged_terms(store_path: Path, cache_dir: Path, aliases: Path,
                 should_stop: Callable[[], bool] | None = None) -> Terms | None:
    """Merge in a child: the table and view files written, the changed entity fields returned (as
    `EntityStage.changed_terms`); None when `should_stop()` came true first (the child is killed)."""
    # The child's answer and its error line go to files without a name (unlinked as they are made, on the
    # cache's disk): nothing is left behind whoever dies, and a full pipe cannot stall the child.
    with tempfile.TemporaryFile(dir=cache_dir) as answer, tempfile.TemporaryFile(dir=cache_dir) as errors:
        process = start_module("reader.merge_apart", (store_path, cache_dir, aliases, answer.fileno()),
                               stdout=subprocess.DEVNULL, stderr=errors, pass_fds=(answer.fileno(),))
        try:
            while process.poll() is None:
                if should_stop is not None and should_stop():
                    return None
                time.sleep(POLL)
            if process.returncode != 0:
                errors.seek(0)
                said = errors.read().decode("utf-8", "replace").strip().splitlines()
                raise WireError(said[-1] if said else f"merging the names ended unexpectedly "
                                f"(exit status {process.returncode})")
            answer.seek(0)
            return pickle.load(answer)  # our own child's answer, just written
        finally:
            if process.poll() is None:  # stopped, Ctrl-C, an error here: the child goes now
                process.kill()
            process.wait()
            process.stdin.close()  # type: ignore[union-attr] — start_module's pipe, unused after the setup


def _child() -> int:
    from reader.children import module_setup

    try:
        store_path, cache_dir, aliases, answer = module_setup()  # ends with the parent, which decides on Ctrl-C
    except Exception:  # noqa: BLE001 — the parent died before it said what to merge: nothing to do
        return 1
    from reader.corpus.store import Store
    from reader.enrich import EntityStage
    try:
        # No version: this store is the parent's, never reset here. No index: the parent writes it.
        stage = EntityStage(Store(store_path), None, cache_dir, aliases)  # type: ignore[arg-type]
        stage.view()  # merges (or loads the table) and writes the view beside it
        changed = stage.changed_terms(stage.table())
        with os.fdopen(answer, "wb") as fh:
            pickle.dump(changed, fh, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # noqa: BLE001 — one line for the parent to raise
        print(f"merging the names failed: {describe(exc)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    code = _child()
    sys.stderr.flush()
    os._exit(code)  # no atexit: the merged table is not collected object by object on the way out
