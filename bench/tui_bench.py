"""TUI figures under a real pty: launch to a drawn list, CPU per navigation key, bytes written per key.

Usage:
    python bench/tui_bench.py                      # the bundled seeds
    python bench/tui_bench.py --corpus DIR         # e.g. Reuters-21578 written by bench/reuters.py
    python bench/tui_bench.py --corpus DIR --home H --presses 300 --size 80x24

The app runs as `python -m reader.tui` in a child process on a pseudo-terminal (TERM=xterm-256color,
no COLORTERM, as over SSH). Index the corpus first (`wire index --corpus DIR --home H`) to measure an
indexed start; the first run on a fresh home includes the sync. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import re
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_LISTED = re.compile(rb"\b[1-9]\d* articles")
"""The status line says "N articles" only once the list holds its rows."""
_READING = re.compile(rb"Boilerplate")
"""The footer names the reading view's `b Boilerplate` key once the article is shown."""


class Child:
    """The app on a pty; a reader thread counts every byte it writes to the terminal."""

    def __init__(self, corpus: Path | None, home: Path, size: tuple[int, int]) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        env = {k: v for k, v in os.environ.items() if k != "COLORTERM"}
        env.update(TERM="xterm-256color", WIRE_HOME=str(home))
        args = [sys.executable, "-m", "reader.tui", "--home", str(home)]
        if corpus:
            args += ["--corpus", str(corpus)]
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT,
                                     start_new_session=True)
        os.close(slave)
        self.master = master
        self.output = bytearray()
        self.last_byte = time.perf_counter()
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
                self.last_byte = time.perf_counter()

    def wait_for(self, pattern: re.Pattern[bytes], timeout: float = 120, since: int = 0) -> float:
        """Seconds from the launch until `pattern` appears in what the app wrote after byte `since`."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            with self.lock:
                if pattern.search(self.output, since):
                    return time.perf_counter() - self.started
            time.sleep(0.002)
        raise SystemExit(f"timed out waiting for {pattern.pattern!r}")

    def quiet(self, gap: float = 0.4, timeout: float = 30) -> None:
        """Wait until nothing has been written for `gap` seconds."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            with self.lock:
                idle = time.perf_counter() - self.last_byte
            if idle >= gap:
                return
            time.sleep(0.02)

    def settle_cpu(self, window: float = 1.0, below: float = 0.05, timeout: float = 600) -> float:
        """Wait until background work (sync, entities, copies) is over: the app under 5% CPU for a second,
        and its background process (reader.background) gone."""
        from bench.robust_kill import children_of

        started = time.perf_counter()
        while time.perf_counter() - started < timeout:
            cpu0 = self.cpu()
            time.sleep(window)
            if self.cpu() - cpu0 < below * window and not children_of(self.proc.pid):
                break
        return time.perf_counter() - started

    def cpu(self) -> float:
        """User + system CPU seconds of the child so far (/proc/PID/stat, fields 14 and 15)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def written(self) -> int:
        with self.lock:
            return len(self.output)

    def press(self, key: bytes, times: int, gap: float) -> tuple[float, list[int]]:
        """Press `key` `times` times, `gap` apart; returns (CPU seconds, bytes written after each press)."""
        self.quiet()
        cpu0 = self.cpu()
        sizes = []
        for _ in range(times):
            before = self.written()
            os.write(self.master, key)
            time.sleep(gap)
            sizes.append(self.written() - before)
        self.quiet()
        return self.cpu() - cpu0, sizes

    def idle_cpu(self, seconds: float) -> float:
        self.quiet()
        cpu0 = self.cpu()
        time.sleep(seconds)
        return self.cpu() - cpu0

    def quit_time(self) -> float:
        """Seconds from ctrl+q to the process gone."""
        pressed = time.perf_counter()
        os.write(self.master, b"\x11")
        self.proc.wait(timeout=30)
        took = time.perf_counter() - pressed
        os.close(self.master)
        return took

    def close(self) -> None:
        os.write(self.master, b"\x11")  # ctrl+q
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, help="corpus folder (default: the bundled seeds)")
    parser.add_argument("--home", type=Path, help="WIRE_HOME holding the index (default: a temporary one)")
    parser.add_argument("--presses", type=int, default=200)
    parser.add_argument("--gap", type=float, default=0.03, help="seconds between presses (default 0.03)")
    parser.add_argument("--size", default="80x24")
    parser.add_argument("--launches", type=int, default=3)
    args = parser.parse_args()
    size = tuple(int(x) for x in args.size.split("x"))
    home = args.home or Path(tempfile.mkdtemp(prefix="wire-bench-"))
    name = args.corpus.name if args.corpus else "seeds"
    print(f"corpus: {name}  home: {home}  terminal: {size[0]}x{size[1]}, TERM=xterm-256color, no COLORTERM")

    # Warm run: syncs (or checks) the index and warms the OS file cache; not counted.
    child = Child(args.corpus, home, size)
    child.wait_for(_LISTED, timeout=1800)
    child.quiet()
    child.close()
    launches = []
    for _ in range(args.launches):
        child = Child(args.corpus, home, size)
        launches.append(child.wait_for(_LISTED))
        child.close()
    print(f"launch to a drawn article list: best {min(launches):.3f} s, worst {max(launches):.3f} s "
          f"over {len(launches)} launches (target < 1.0 s)")

    # The first article opened right after the list is drawn (the sync check, NER and the copy stage are
    # starting meanwhile), and quitting at that moment, while that background work runs.
    opened, quits = [], []
    for _ in range(args.launches):
        child = Child(args.corpus, home, size)
        child.wait_for(_LISTED)
        mark, pressed = child.written(), time.perf_counter()
        os.write(child.master, b"\r")
        child.wait_for(_READING, since=mark)
        opened.append(time.perf_counter() - pressed)
        quits.append(child.quit_time())
    print(f"first article shown, Enter right after the list: best {min(opened) * 1000:.0f} ms, worst "
          f"{max(opened) * 1000:.0f} ms (target < 300 ms)")
    print(f"quit (ctrl+q) right after, background work running: best {min(quits) * 1000:.0f} ms, worst "
          f"{max(quits) * 1000:.0f} ms (target < 300 ms)")

    child = Child(args.corpus, home, size)
    child.wait_for(_LISTED)
    waited = child.settle_cpu()
    print(f"background work (sync check, entities, copies) finished {waited:.1f} s after the list was drawn")
    window = args.presses * args.gap
    idle = child.idle_cpu(window)
    print(f"idle CPU over {window:.1f} s: {idle * 1000:.0f} ms (subtracted below)")
    rows = size[1] - 3  # status line, footer, and the list in between
    # The app opens on the article last selected, centred when it is deep in the list: go to the top
    # first, so the first presses of j move the cursor down the screen without scrolling.
    child.press(b"g", 1, args.gap)
    for label, key in (("j", b"j"), ("k", b"k"), ("ctrl+d", b"\x04"), ("ctrl+u", b"\x15")):
        cpu, sizes = child.press(key, args.presses, args.gap)
        per_key = max(0.0, cpu - idle) / args.presses
        print(f"{label:>6}: CPU {per_key * 1000:.2f} ms/key (raw {cpu / args.presses * 1000:.2f}; target < 10), "
              f"bytes/key mean {sum(sizes) / len(sizes):.0f}")
        if label == "j":
            still = sizes[: max(1, rows - 2)]
            print(f"        j without scrolling (first {len(still)} presses): "
                  f"mean {sum(still) / len(still):.0f} B, max {max(still)} B; "
                  f"j scrolling the list: mean {sum(sizes[rows:]) / max(1, len(sizes[rows:])):.0f} B")
            child.press(b"g", 1, args.gap)
    child.close()


if __name__ == "__main__":
    main()
