"""The app's slow stages (NER, then wire copies) in a child process of their own.

Why a process and not the app's worker thread: the merging and the pair scoring are long pure-Python passes
that held the app's interpreter (keys took 30 ms and more at 100,000 articles), could not be stopped half way
(a quit had to abandon them), and left their memory in the app (1 GB after the copies at 100,000). In a child
they cost the app nothing: it reads their results from the files the stages write (the entity view, the
scored pairs), as any other `wire` process would.

The child is `python -m reader.background`, started by `Stages`. It reads the Library's corpus, locations
and config from its stdin, then watches stdin: end of file (the app closed it, or died) stops it, and the
kernel kills it if the app's process dies first (PR_SET_PDEATHSIG). It writes one JSON event per line to
its stdout and nothing to the terminal.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator

STOP_WAIT = 0.1
"""Seconds a stopped child gets to commit its last NER batch before it is killed (a kill loses at most that
batch: every stage resumes where its last commit left it)."""

BACKGROUND_NICE = 10
"""The child's niceness: on a 2-core machine its NER workers must not take the cores from the app's keys."""


class Stages:
    """The parent's side: start the child, read its events, stop it."""

    def __init__(self, library) -> None:
        # The Library as it was opened (corpus, locations, the loaded config), not the command line:
        # the child opens the same one whatever flags or environment made it.
        from reader.children import start_module

        self._process = start_module("reader.background", (library.corpus, library.locations, library.config),
                                     stdout=subprocess.PIPE,
                                     stderr=None if os.environ.get("WIRE_DEBUG") else subprocess.DEVNULL)
        assert self._process.stdout is not None  # a child that died at once: events() says so

    @property
    def pid(self) -> int:
        return self._process.pid

    def events(self, should_stop: Callable[[], bool] | None = None, poll: float = 0.05
               ) -> Iterator[tuple]:
        """("progress", stage, done, total), ("finished", "entities" | "copies") and ("error", line) until the
        child is done; ends early (stopping the child) once `should_stop()` is true."""
        out = self._process.stdout
        assert out is not None
        finished = False
        with selectors.DefaultSelector() as selector:
            selector.register(out, selectors.EVENT_READ)
            buffer = b""
            while True:
                if should_stop is not None and should_stop():
                    self.stop()
                    return
                if not selector.select(poll):
                    continue
                chunk = os.read(out.fileno(), 65536)
                if not chunk:
                    break
                buffer += chunk
                *lines, buffer = buffer.split(b"\n")
                for line in lines:
                    event = tuple(json.loads(line))
                    finished = finished or event == ("finished", "copies")
                    yield event
        code = self._process.wait()
        if not finished and code != 0:
            yield ("error", f"the background stages ended unexpectedly (exit status {code})")

    def stop(self) -> None:
        """Close the child's stdin (it stops at its next check, committing what it has), then kill it if it has
        not ended within STOP_WAIT. Idempotent."""
        process = self._process
        if process.stdin is not None and not process.stdin.closed:
            try:
                process.stdin.close()
            except OSError:
                pass
        try:
            process.wait(STOP_WAIT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def _child() -> int:
    """The child's body: NER and the entity fields, then the wire copies, as `wire index` and `wire overlaps`."""
    from reader.children import module_setup

    corpus, locations, config = module_setup()  # ends with the app, which decides on Ctrl-C
    try:
        os.nice(BACKGROUND_NICE)
    except OSError:
        pass
    # The events go out on a descriptor of their own; fd 1 goes to /dev/null, so that nothing a library
    # prints can garble them.
    events = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    source = sys.stdin.buffer
    stop = threading.Event()

    def watch() -> None:
        source.read()  # returns at end of file: the app closed the pipe, or died
        stop.set()

    threading.Thread(target=watch, daemon=True).start()

    def emit(*event: object) -> None:
        events.write(json.dumps(event) + "\n")

    last = [0.0]

    def progress(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.05 or done == total:  # the app shows ~20 updates a second at most
            last[0] = now
            emit("progress", stage, done, total)

    from reader.library import Library

    library = Library(corpus, locations, config)
    try:
        library.enrich(progress, stop.is_set)
        if stop.is_set():
            return 0
        emit("finished", "entities")
        library.overlaps(progress=progress)
        emit("finished", "copies")
    except Exception as exc:  # noqa: BLE001 — one line for the app's status line
        emit("error", str(exc) or type(exc).__name__)
    finally:
        library.close()
    return 0


if __name__ == "__main__":
    try:
        code = _child()
    except BrokenPipeError:
        code = 0  # the app went away mid-event
    sys.stdout.flush()
    os._exit(code)  # no atexit or thread joins: the stdin watcher may still be blocked in its read
