"""Kill -9, Ctrl-C and quit trials of `wire`, each in a session of its own: what is left, how fast it ends.

Usage:
    python -m bench.robust_kill                       # generated corpora, a few trials of each kind
    python -m bench.robust_kill --trials 20 --corpus DIR   # e.g. Reuters-21578 written by bench/reuters.py

`kill_trial` starts a command in a new session, kills its first process with SIGKILL after `delay`
seconds and counts the processes of the session still alive (polling /proc); `interrupt_trial` sends
SIGINT to the whole process group, as a terminal's Ctrl-C does; `quit_trial` runs the app under a pty
at 80x24 and presses a key. The tests (tests/test_processes.py, tests/test_interrupt.py) use them too.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import random
import re
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus"
_NAMES = ("Karen Bass", "Casey Wasserman", "Maria Lopez", "John Okafor", "Priya Nair", "Tomas Berg",
          "Amina Diallo", "Kenji Sato", "Sofia Rossi", "Daniel Cohen", "Lena Fischer", "Omar Haddad")
_PLACES = ("Los Angeles", "Lagos", "Oslo", "Mumbai", "Osaka", "Turin", "Dakar", "Haifa", "Leipzig", "Quito")


def wire_command(args: list[str], corpus: Path, home: Path) -> list[str]:
    return [sys.executable, "-m", "reader", "--corpus", str(corpus), "--home", str(home), *args]


def session_members(sid: int) -> list[int]:
    """Live (not zombie) processes of session `sid`, from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] not in "ZX":
            found.append(int(entry))
    return found


def children_of(pid: int) -> list[int]:
    """Live children of `pid` (every thread's), from /proc."""
    kids: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids += [int(k) for k in (task / "children").read_text().split()]
        except OSError:
            continue
    alive = []
    for kid in kids:
        try:
            state = Path(f"/proc/{kid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state not in "ZX":
            alive.append(kid)
    return alive


def wait_gone(sid: int, timeout: float = 5.0) -> tuple[list[int], float]:
    """Poll until session `sid` is empty or `timeout` passes: (processes left, seconds waited)."""
    started = time.monotonic()
    while True:
        left = session_members(sid)
        waited = time.monotonic() - started
        if not left or waited > timeout:
            return left, waited
        time.sleep(0.02)


def cleanup(sid: int) -> None:
    try:
        os.killpg(sid, signal.SIGKILL)
    except OSError:
        pass


def wait_for_children(proc: subprocess.Popen, count: int = 2, timeout: float = 60.0,
                      exclude: frozenset[int] | set[int] = frozenset()) -> list[int]:
    """Wait until `proc` has `count` child processes not in `exclude` (NER, parse or index workers)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            kids = [k for k in children_of(proc.pid) if k not in exclude]
        except OSError:
            kids = []
        if len(kids) >= count:
            return kids
        time.sleep(0.01)
    return []


def wait_for_background_workers(app: subprocess.Popen, count: int, timeout: float = 60.0) -> list[int]:
    """Wait until the app's background process (reader.background, its child) has `count` children of its
    own (NER workers); returns their pids, or [] on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and app.poll() is None:
        for background in children_of(app.pid):
            found = children_of(background)
            if len(found) >= count:
                return found
        time.sleep(0.01)
    return []


def kill_trial(args: list[str], corpus: Path, home: Path, delay: float | None = None,
               children: int = 0, later: bool = False) -> dict:
    """Run `wire ARGS`, SIGKILL it after `delay` s (or once it has `children` workers; with `later`,
    once a second set of workers replaced the first: the index writers after the parse), count what is left.

    Returns {"left": processes alive 1 s after the kill, "seconds_to_clean": until none was,
    "workers": child processes seen at the kill, "pids": their pids, "finished": it ended first}.
    """
    proc = subprocess.Popen(wire_command(args, corpus, home), stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        kids: list[int] = []
        if children:
            kids = wait_for_children(proc, children)
            if later:
                kids = wait_for_children(proc, children, exclude=set(kids))
        if delay:
            time.sleep(delay)
        finished = proc.poll() is not None
        kids = kids or (children_of(proc.pid) if not finished else [])
        proc.kill()
        proc.wait()
        _, seconds = wait_gone(proc.pid, timeout=5.0)
        left = _left_after(proc.pid, 1.0, seconds)
        return {"left": left, "seconds_to_clean": seconds, "workers": len(kids), "pids": kids,
                "finished": finished}
    finally:
        cleanup(proc.pid)


def _left_after(sid: int, limit: float, waited: float) -> int:
    """Processes of the session alive `limit` s after the kill (0 when it emptied sooner)."""
    return 0 if waited <= limit else len(session_members(sid))


def holds_open(pid: int, name: str) -> bool:
    """The process has a file called `name` open (its corpus store, say: it is past Python's start-up)."""
    try:
        return any(os.readlink(f"/proc/{pid}/fd/{fd}").endswith("/" + name) for fd in os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return False


def interrupt_trial(args: list[str], corpus: Path, home: Path, delay: float | None = None,
                    children: int = 0, later: bool = False, after: bool = False, opened: str | None = None) -> dict:
    """Run `wire ARGS`, send SIGINT to its process group after `delay` s (or once it has `children`
    workers; `later` as for kill_trial; with `after`, once those workers are gone: the stage after
    NER, entity fields; with `opened`, `delay` s after it has a file of that name open), and time its
    exit. Returns {"code", "seconds", "stderr", "left": processes of its session 3 s after,
    "finished": it ended before the signal}.

    A Ctrl-C during the interpreter's own start-up (site, .pth files, runpy: before any of wire's code
    runs) ends it with Python's traceback or "Fatal Python error: init_import_site": nothing wire can
    handle. `opened="corpus.sqlite"` makes sure the signal lands in the command's work."""
    proc = subprocess.Popen(wire_command(args, corpus, home), stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    err: list[bytes] = []
    reader = threading.Thread(target=lambda: err.append(proc.stderr.read()), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 60
        while opened and proc.poll() is None and not holds_open(proc.pid, opened) and time.monotonic() < deadline:
            time.sleep(0.005)
        if children:
            kids = wait_for_children(proc, children)
            if later:
                wait_for_children(proc, children, exclude=set(kids))
            while after and proc.poll() is None and set(kids) & set(children_of(proc.pid)):
                time.sleep(0.01)
        if delay:
            time.sleep(delay)
        finished = proc.poll() is not None
        sent = time.monotonic()
        if not finished:
            os.killpg(proc.pid, signal.SIGINT)
        try:
            code = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            code = None
        seconds = time.monotonic() - sent
        left, _ = wait_gone(proc.pid, timeout=3.0)
        reader.join(5)
        return {"code": code, "seconds": seconds, "stderr": b"".join(err).decode("utf-8", "replace"),
                "left": len(left), "finished": finished}
    finally:
        cleanup(proc.pid)


class App:
    """`wire` (the app) on a pseudo-terminal of 80x24; a thread collects what it writes."""

    def __init__(self, corpus: Path, home: Path, size: tuple[int, int] = (80, 24)) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        env = {k: v for k, v in os.environ.items() if k != "COLORTERM"}
        env.update(TERM="xterm-256color")
        self.proc = subprocess.Popen(wire_command([], corpus, home), stdin=slave, stdout=slave, stderr=slave,
                                     env=env, cwd=ROOT, start_new_session=True)
        os.close(slave)
        self.master = master
        self.output = bytearray()
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self.lock:
                self.output += chunk

    def wait_for(self, pattern: bytes, timeout: float = 60.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            with self.lock:
                if re.search(pattern, self.output):
                    return True
            time.sleep(0.01)
        return False

    def press(self, key: bytes) -> None:
        os.write(self.master, key)

    def close(self) -> None:
        cleanup(self.proc.pid)
        self.proc.wait()
        os.close(self.master)


def quit_trial(corpus: Path, home: Path, when: bytes = rb"entities \d+/", key: bytes = b"q",
               children: int = 0, timeout: float = 120.0) -> dict:
    """Start the app, wait for `when` on the screen (and `children` worker processes), press `key`;
    returns {"seconds": to the app's exit, "code", "left": processes after 1 s, "ready": the moment came,
    "ended_first": the app had exited before the key, "screen": the end of its output, escapes removed}."""
    app = App(corpus, home)
    try:
        ready = app.wait_for(when, timeout)
        if ready and children:
            ready = bool(wait_for_background_workers(app.proc, children, timeout))
        early = app.proc.poll()
        sent = time.monotonic()
        app.press(key)
        try:
            code = app.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            code = None
        seconds = time.monotonic() - sent
        left, waited = wait_gone(app.proc.pid, timeout=3.0)
        with app.lock:
            screen = re.sub(rb"\x1b\[[0-9;?]*[a-zA-Z]", b"", bytes(app.output[-2000:])).decode("utf-8", "replace")
        return {"seconds": seconds, "code": code, "left": _left_after(app.proc.pid, 1.0, waited), "ready": ready,
                "ended_first": early is not None, "screen": screen[-400:]}
    finally:
        app.close()


def app_kill_trial(corpus: Path, home: Path, children: int = 2, timeout: float = 120.0) -> dict:
    """The app under a pty, SIGKILLed once its background process (reader.background) has `children` worker
    processes (NER): what is left."""
    app = App(corpus, home)
    try:
        kids = wait_for_background_workers(app.proc, children, timeout)
        app.proc.kill()
        app.proc.wait()
        _, seconds = wait_gone(app.proc.pid, timeout=5.0)
        return {"left": _left_after(app.proc.pid, 1.0, seconds), "seconds_to_clean": seconds,
                "workers": len(kids)}
    finally:
        app.close()


# --- generated corpora ----------------------------------------------------------------------------

def _seed_paragraphs() -> list[str]:
    paragraphs = []
    for path in sorted(SEEDS.glob("*.txt")):
        paragraphs += [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n") if len(p.split()) > 12]
    return paragraphs


def ner_corpus(root: Path, words: int = 40_000) -> int:
    """Articles made of the seeds' paragraphs with other names, places and numbers in each, until
    `words` words (every file different, so every sha256 is: the NER cache is keyed by it)."""
    root.mkdir(parents=True, exist_ok=True)
    paragraphs = _seed_paragraphs()
    rng = random.Random(7)
    total = i = 0
    while total < words:
        picked = rng.sample(paragraphs, k=min(4, len(paragraphs)))
        name, other, place = rng.choice(_NAMES), rng.choice(_NAMES), rng.choice(_PLACES)
        text = "\n\n".join(p.replace("Wasserman", name.split()[1]).replace("Bass", other.split()[1])
                           .replace("Los Angeles", place) for p in picked)
        body = f"{name} met {other} in {place} on day {i}.\n\n{text}\n\nReport {i} by {other} in {place}.\n"
        (root / f"story{i:04d}.txt").write_text(body, encoding="utf-8")
        total += len(body.split())
        i += 1
    return i


def many_corpus(root: Path, count: int = 2300) -> None:
    """`count` short files: enough for the parallel parse and a bulk index with two writer processes."""
    root.mkdir(parents=True, exist_ok=True)
    words = "harbour ferry council vote budget storm coast minister report".split()
    for i in range(count):
        body = " ".join(words[(i + k) % len(words)] for k in range(40))
        (root / f"{i:05d}.txt").write_text(f"Article {i} lede sentence here. {body}\n\nSecond {i}.\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=5, help="kill -9 trials of each kind (default 5)")
    parser.add_argument("--corpus", type=Path, help="a large corpus to use for every trial")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="wire-robust-"))
    ner, many = args.corpus, args.corpus
    if ner is None:
        ner_corpus(ner := scratch / "ner")
        many_corpus(many := scratch / "many")
    print(f"scratch: {scratch}")
    left_total = trials = 0
    for label, corpus, kw in (("index, NER (2 processes)", ner, {"children": 2, "delay": None}),
                              ("index, parse / bulk index", many, {"children": 0, "delay": None}),
                              ("index, bulk index (2 writers)", many, {"children": 2, "later": True})):
        for n in range(args.trials):
            home = scratch / f"home-{label[:5]}-{n}"
            delay = random.uniform(0.8, 4.0) if not kw["children"] else random.uniform(0.0, 0.5)
            if kw["children"] and not kw.get("later"):
                # NER first needs the text index: build it, then kill at a random moment of NER.
                subprocess.run(wire_command(["index", "--text-only"], corpus, home), capture_output=True)
                delay = random.uniform(0.0, 2.0)
            found = kill_trial(["index"], corpus, home, delay, children=kw["children"], later=kw.get("later", False))
            trials += 1
            left_total += found["left"]
            print(f"kill -9, {label}, at +{delay:.2f} s: {found['workers']} workers, left {found['left']}, "
                  f"clean after {found['seconds_to_clean']:.2f} s{' (finished first)' if found['finished'] else ''}")
    for n in range(args.trials):
        home = scratch / f"home-app-{n}"
        subprocess.run(wire_command(["index", "--text-only"], ner, home), capture_output=True)
        found = app_kill_trial(ner, home)
        trials += 1
        left_total += found["left"]
        print(f"kill -9, app during NER: {found['workers']} workers, left {found['left']}, "
              f"clean after {found['seconds_to_clean']:.2f} s")
    print(f"processes left after {trials} kill -9 trials: {left_total}")

    home = scratch / "home-quit"
    subprocess.run(wire_command(["index", "--text-only"], ner, home), capture_output=True)
    for key, name in ((b"q", "q"), (b"\x11", "ctrl+q")):
        found = quit_trial(ner, home, key=key, children=2)
        print(f"quit ({name}) during NER: exit after {found['seconds']:.2f} s, code {found['code']}, "
              f"left {found['left']}")
    found = quit_trial(many, scratch / "home-quit-sync", when=rb"(reading|indexing) \d+/")
    print(f"quit (q) during a sync: exit after {found['seconds']:.2f} s, code {found['code']}, left {found['left']}")
    subprocess.run(wire_command(["entities"], ner, home), capture_output=True)
    for stale in home.rglob("pairs.sqlite3"):
        stale.unlink()  # the copies are scored again: the app starts the wire-copy pass
    found = quit_trial(ner, home, when=rb"copies: ")
    print(f"quit (q) during the wire-copy pass: exit after {found['seconds']:.2f} s, code {found['code']}, "
          f"left {found['left']}{'' if found['ready'] else ' (the pass was not seen)'}")
    for label, corpus, argv, kw in (
            ("index: parse", many, ["index"], {"children": 2}),
            ("index: bulk index", many, ["index"], {"children": 2, "later": True}),
            ("index: NER", ner, ["index"], {"children": 2, "delay": 0.5}),
            ("index: entity fields", ner, ["index"], {"children": 2, "after": True}),
            ("overlaps", ner, ["overlaps"], {"delay": 1.5}),
            ("export", ner, ["export"], {"delay": 1.5}),
            ("search", ner, ["search", "council"], {"delay": 0.6})):
        home = scratch / f"home-int-{label}"
        if corpus is ner:
            subprocess.run(wire_command(["index", "--text-only"], corpus, home), capture_output=True)
        found = interrupt_trial(argv, corpus, home, **kw)
        lines = found["stderr"].strip().splitlines()
        print(f"Ctrl-C, {label}: exit {found['code']} after {found['seconds']:.2f} s, "
              f"stderr {lines!r}, left {found['left']}{' (finished first)' if found['finished'] else ''}")


if __name__ == "__main__":
    main()
