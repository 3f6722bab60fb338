"""Ctrl-C for the `wire` command: seen from any thread, answered with one line and exit 130, never late."""

from __future__ import annotations

import faulthandler
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

GRACE = 3.0
"""Seconds a command has, after a Ctrl-C, to stop on its own (its `finally` blocks, its workers told to go)
before it ends itself: the user waits this long at most, whatever call the main thread is stuck in."""

_actions: list[Callable[[], None]] = []
_pipe: list[int] = []
"""The wakeup pipe's write end, made once with the thread that reads it, which lives as long as the process."""
_say = threading.Lock()
_told = [False]
""""wire: interrupted" is printed once, under `_say`, by the command or by the deadline, whichever is first."""


def _watch(read_end: int) -> None:
    while True:
        try:
            got = os.read(read_end, 64)
        except OSError:
            return
        if not got:
            return
        if signal.SIGINT in got:
            for action in list(_actions):
                action()


def _write_end() -> int:
    if not _pipe:
        read_end, write_end = os.pipe()
        os.set_blocking(write_end, False)  # set_wakeup_fd's requirement: a full pipe must never block a handler
        # Born with SIGINT blocked (and so are the deadline's timers it starts): the kernel never gives a
        # Ctrl-C to this thread, so one that the main thread blocks around a fork (children.Worker) stays
        # pending until the fork is done, instead of being taken here and run in the main thread's hooks.
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            threading.Thread(target=_watch, args=(read_end,), name="wire-sigint", daemon=True).start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        _pipe.append(write_end)
    return _pipe[0]


@contextmanager
def on_sigint(action: Callable[[], None]) -> Iterator[None]:
    """Run `action` in the watching thread each time SIGINT arrives while the block runs (started from the
    main thread; elsewhere nothing happens).

    Python runs signal handlers in the main thread between bytecodes, and the kernel may hand a process's
    SIGINT to any thread (a multiprocessing queue's feeder, say): a main thread blocked in a wait that the
    signal does not break sees the Ctrl-C only when the wait ends (reader.index: Whoosh's commit). The
    C-level handler writes the signal's number to the wakeup fd from whichever thread got it; the watching
    thread reads it and acts, e.g. sends the signal on to the main thread (signal.pthread_kill).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    ours = _write_end()
    # Set on each entry and put back on exit, not once: an asyncio loop (Textual's) sets its own wakeup fd.
    previous = signal.set_wakeup_fd(ours, warn_on_full_buffer=False)
    _actions.append(action)
    try:
        yield
    finally:
        _actions.remove(action)
        if previous != ours:
            signal.set_wakeup_fd(previous)


@contextmanager
def deferred() -> Iterator[None]:
    """A Ctrl-C during the block is answered when it ends, as the handler in place would have (main thread;
    elsewhere the block just runs). For a fork: a KeyboardInterrupt raised in os.fork's at-fork hooks is
    printed as "ignored" and lost, and one raised just after the fork leaves a started process that its
    multiprocessing.Process object does not know (`_popen` still None). The child keeps the recording
    handler, so it ignores Ctrl-C: its parent decides."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    got: list[bool] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: got.append(True))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if got and callable(previous):
            previous(signal.SIGINT, None)


@contextmanager
def deadline(grace: float = GRACE) -> Iterator[None]:
    """While the block runs, a Ctrl-C the command has not answered within `grace` s ends the process with
    the one line and 130, as if killed (every stage survives a kill -9; workers die with their parent).
    With WIRE_DEBUG set, the stacks of every thread go to stderr first: where it was stuck."""
    armed: list[threading.Timer] = []

    def arm() -> None:
        if not armed:
            armed.append(threading.Timer(grace, _too_late, (grace,)))
            armed[0].daemon = True
            armed[0].start()

    with on_sigint(arm):
        yield


def _too_late(grace: float) -> None:
    with _say:  # held until the end: a command answering now waits for os._exit
        if os.environ.get("WIRE_DEBUG"):
            sys.stderr.write(f"wire: still running {grace:g} s after Ctrl-C; the stacks:\n")
            sys.stderr.flush()
            faulthandler.dump_traceback(sys.stderr, all_threads=True)
        if not _told[0]:
            os.write(sys.stderr.fileno(), b"wire: interrupted\n")
        os._exit(130)


def interrupted() -> int:
    """Ctrl-C: one line, exit 130. The command's `finally` blocks have run by now (databases closed,
    workers told to go); a second Ctrl-C is ignored from here on: during Python's shutdown it would print a
    traceback, and CPython 3.11 was seen (strace) to reset SIGINT and kill itself with it after this
    handler had run (exit -2, not 130) when the interrupt had landed in the wire-copy pass's numerical code."""
    ignore_sigint()
    with _say:
        if sys.stderr.isatty():
            sys.stderr.write("\r\033[K")  # over a progress bar, if one was drawn
        print("wire: interrupted", file=sys.stderr)
        _told[0] = True
    return 130


def ignore_sigint() -> None:
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:
        pass  # main() called from a thread other than the main one (a test): nothing to guard


def leave(code: int) -> int:
    """End the process now (the work is over, its files closed; a Ctrl-C now has nothing to interrupt):
    flush, then os._exit."""
    ignore_sigint()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)
