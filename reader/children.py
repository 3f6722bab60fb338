"""Worker processes that end with the process that started them: our own pool, and a guard for forks."""

from __future__ import annotations

import ctypes
import gc
import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection

_PR_SET_PDEATHSIG = 1
_installed = False
_forked_by = [0]
"""The pid of the process about to fork, set in the parent just before each fork (the child reads it)."""


class Stopped(Exception):
    """`should_stop` said so while the pool waited for a result; the workers are gone."""


class WorkerError(Exception):
    """A worker raised (the message is its one-line error) or ended without answering."""


def processes_for(amount: int, least: int) -> int:
    """Worker processes for `amount` of work: 2 when this machine has two cores or more and the amount reaches
    `least`, below which forking and piping cost more than the second core saves; else 1."""
    return 2 if (os.cpu_count() or 1) >= 2 and amount >= least else 1


def _prctl():
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_PRCTL = _prctl()
"""Looked up once, in the parent: a forked child must not load libraries (another thread may have
held the loader's lock at the fork)."""


def _end_with_parent(parent: int) -> None:
    """In a freshly forked child: SIGKILL when the forking thread dies, and exit if it already has."""
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died between fork and prctl
        os._exit(1)


def end_with_parent(parent: int) -> None:
    """In a child started by exec (not forked) from `parent`: SIGKILL when the thread that started it dies,
    and exit now if the parent is already gone. Then its own forks end with it (`die_with_parent`)."""
    _end_with_parent(parent)
    die_with_parent()


def start_module(module: str, setup: object, **popen) -> subprocess.Popen:
    """`python -m MODULE PARENT_PID` started by exec (a fork would copy SQLite's lock state), `setup` pickled on
    its stdin, its length first; stdin stays open, so that its end of file can tell the child its parent is done.
    The child begins with `module_setup()`. `popen` is the rest of Popen's arguments (stdout, stderr, pass_fds)."""
    blob = pickle.dumps(setup)
    process = subprocess.Popen([sys.executable, "-m", module, str(os.getpid())], stdin=subprocess.PIPE,
                               close_fds=True, **popen)
    assert process.stdin is not None
    try:
        process.stdin.write(len(blob).to_bytes(8, "big") + blob)
        process.stdin.flush()
    except OSError:
        pass  # it died at once: its exit status says so
    return process


def module_setup() -> object:
    """In a child `start_module` started: it ends with its parent (`end_with_parent`), leaves Ctrl-C to the
    parent (a terminal's reaches the whole group), and gets its setup. Raises if the parent died before it
    had written it whole."""
    end_with_parent(int(sys.argv[1]))
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    source = sys.stdin.buffer
    size = int.from_bytes(source.read(8), "big")
    return pickle.loads(source.read(size))  # from our own parent, over its pipe


def die_with_parent() -> None:
    """From now on, every child this process forks (multiprocessing's, Whoosh's) is killed when its
    parent dies (Linux; elsewhere this does nothing). Idempotent: each place that forks calls it.

    The kernel's parent-death signal follows the forking *thread*, not the process: a child forked
    from a thread that ends is killed then, so callers fork only from threads that outlive their
    children (Whoosh's writers are joined where they start). SIGKILL, not SIGTERM:
    nothing in a worker can catch or delay it. Our own workers (`Worker`) rely on a pipe's EOF first.
    """
    global _installed
    if _installed or _PRCTL is None:
        return

    def before() -> None:
        _forked_by[0] = os.getpid()  # not the pid at install: a child's own forks name the child

    os.register_at_fork(before=before, after_in_child=lambda: _end_with_parent(_forked_by[0]))
    _installed = True


class Worker:
    """One forked process serving `serve(task) -> result`, over two pipes of its own.

    Why not multiprocessing or spaCy's `n_process`: their queues are shared by every child, so a
    child never sees the parent go, and their feeder threads hang the parent's exit after a Ctrl-C.
    Here only the parent holds the write end of a worker's task pipe: when the parent closes it or
    dies (even by SIGKILL), a thread in the worker reads EOF and the worker exits at once, mid-task.
    The worker ignores SIGINT (a terminal's Ctrl-C reaches the whole process group; the parent
    decides), stays in the parent's process group, and writes nothing to the terminal.
    """

    def __init__(self, serve: Callable[[object], object]) -> None:
        task_r, task_w = os.pipe()
        result_r, result_w = os.pipe()
        parent = os.getpid()
        # A KeyboardInterrupt raised while os.fork runs its at-fork hooks is printed as "ignored" and
        # dropped (seen: the Ctrl-C was lost, the sync went on): SIGINT waits until the fork is done.
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        # Every object the parent holds goes to the collector's permanent generation for the fork: a
        # worker's garbage collections would otherwise write to each one's header and so copy every
        # page of the parent's heap (a wire-copy worker at 100,000 articles held 650 MB of its own).
        gc.freeze()
        try:
            pid = os.fork()
        except OSError:
            gc.unfreeze()
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
            for fd in (task_r, task_w, result_r, result_w):
                os.close(fd)
            raise
        if pid == 0:
            try:
                _serve_forever(serve, parent, task_r, result_w, mask)
            finally:
                os._exit(1)
        gc.unfreeze()  # here the parent's objects are collected as before
        os.close(task_r)
        os.close(result_w)
        self.pid = pid
        self._tasks: Connection | None = Connection(task_w, readable=False)
        self._results: Connection | None = Connection(result_r, writable=False)
        try:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # a Ctrl-C of the fork's time is raised here
        except BaseException:
            self.close()
            raise

    def send(self, task: object) -> None:
        assert self._tasks is not None
        try:
            self._tasks.send(task)
        except OSError as exc:
            raise WorkerError(f"worker {self.pid} ended unexpectedly") from exc

    def result(self, should_stop: Callable[[], bool] | None = None, poll: float = 0.05) -> object:
        """The next result; raises Stopped once `should_stop()` is true, WorkerError if the task failed."""
        assert self._results is not None
        if should_stop is not None:
            while not self._results.poll(poll):
                if should_stop():
                    raise Stopped
        try:
            kind, value = self._results.recv()
        except (EOFError, OSError) as exc:
            raise WorkerError(f"worker {self.pid} ended unexpectedly") from exc
        if kind == "error":
            raise WorkerError(value)
        return value

    def close(self, timeout: float = 1.0) -> None:
        """Close the pipes (the worker exits on the EOF) and reap it; SIGKILL if it lingers."""
        for conn in (self._tasks, self._results):
            if conn is not None:
                conn.close()
        self._tasks = self._results = None
        deadline = time.monotonic() + timeout
        while True:
            try:
                pid, _ = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                return
            if pid:
                return
            if time.monotonic() > deadline:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
                return
            time.sleep(0.005)


def _serve_forever(serve: Callable[[object], object], parent: int, task_fd: int, result_fd: int,
                   mask: set) -> None:
    """The body of a forked worker; never returns."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    _end_with_parent(parent)
    # Every other descriptor goes: a sibling's pipe ends (its EOF would never come), an inherited index
    # lock (flock: held while any copy is open), the terminal (a worker never writes to it).
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1) if os.environ.get("WIRE_DEBUG") else (0, 1, 2):
        os.dup2(null, fd)
    low = 3
    for fd in sorted((task_fd, result_fd)):
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, 1 << 20)
    tasks = Connection(task_fd, writable=False)
    results = Connection(result_fd, readable=False)
    inbox: queue.SimpleQueue = queue.SimpleQueue()

    def read() -> None:
        # Always draining the pipe also means the parent never blocks on a send while this worker
        # blocks on returning a large result.
        try:
            while True:
                inbox.put(tasks.recv())
        except (EOFError, OSError):
            os._exit(0)  # the parent closed the pipe, or died

    threading.Thread(target=read, daemon=True).start()
    while True:
        task = inbox.get()
        try:
            answer = ("ok", serve(task))
        except Exception as exc:  # noqa: BLE001 — goes back to the parent as one line
            answer = ("error", f"{type(exc).__name__}: {exc}")
        try:
            results.send(answer)
        except OSError:
            os._exit(0)


def release_freed() -> None:
    """Collect garbage, then hand the C heap's free pages back to the system (glibc's `malloc_trim`).

    Freed memory stays in the process otherwise: after a large structure is let go (the wire-copy index,
    1 GB at 100,000 articles), the parent kept 615 of its 1,050 MB resident, and the workers forked next
    counted it again; trimmed, 313 MB. A no-op where there is no glibc.
    """
    gc.collect()
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):  # musl and other C libraries: no malloc_trim
            pass


def spread(serve: Callable[[object], object], tasks: Iterable[object], processes: int) -> Iterator[object]:
    """`serve(task)` for each task, in order: in this process when `processes` is 1 (no fork for a small job),
    else in `imap`'s workers. Close it (`contextlib.closing`) when stopping early: the workers end then."""
    if processes <= 1:
        yield from map(serve, tasks)
    else:
        yield from imap(serve, tasks, processes)  # closing this closes imap, which ends its workers


def imap(serve: Callable[[object], object], tasks: Iterable[object], processes: int,
         should_stop: Callable[[], bool] | None = None, in_flight: int = 2) -> Iterator[object]:
    """`serve(task)` for each task, in order, in `processes` forked `Worker`s; closing the iterator
    (or any exception, Ctrl-C included) ends the workers at once.

    Task i goes to worker i % processes, always (callers keep related tasks on one worker's caches by it):
    the tasks go out round-robin, and a worker is given its next task when its oldest result is read.

    Args:
        in_flight: tasks queued per worker, so that it never waits while the parent reads its result.
        should_stop: polled while waiting; when true, raises Stopped.
    """
    workers: list[Worker] = []
    try:
        for _ in range(processes):
            workers.append(Worker(serve))
        source = iter(tasks)
        pending: deque[Worker] = deque()
        end = object()

        def feed(worker: Worker) -> None:
            task = next(source, end)
            if task is not end:
                worker.send(task)
                pending.append(worker)

        for _ in range(in_flight):
            for worker in workers:
                feed(worker)
        while pending:
            worker = pending.popleft()  # tasks went out round-robin: this is the oldest one's worker
            answer = worker.result(should_stop)
            feed(worker)
            yield answer
    finally:
        for worker in workers:
            worker.close()
