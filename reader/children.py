"""Worker processes (NER, index writers) that end when the process that forked them is killed."""

from __future__ import annotations

import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1
_installed = False


def die_with_parent() -> None:
    """From now on, every child this process forks gets SIGTERM when its parent dies (Linux).

    spaCy's NER workers and Whoosh's writer processes block on a queue; if `wire` is killed
    with SIGKILL they would wait forever. The kernel's parent-death signal ends them instead.
    The signal follows the forking *thread*: a worker forked from a thread must be done before
    that thread ends, which holds here (NER and index writers are joined where they start).
    Elsewhere than Linux this does nothing.
    """
    global _installed
    if _installed or not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        prctl = libc.prctl
    except (OSError, AttributeError):
        return
    parent = os.getpid()

    def in_child() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died between fork and prctl
            os._exit(1)

    os.register_at_fork(after_in_child=in_child)
    _installed = True
