"""kill -9 trials of `wire index` (and `--rebuild`, and NER) with user state checked after each: for a test and the report."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus"
MARKER = "crashcheck"
"""A word every generated article holds: one search must find them all, once each."""

_WORDS = ("market bank oil price shares trade minister government election company profit talks rate "
          "dollar export harbour council ferry budget tariff grain").split()
_PEOPLE = ("Maria Lopez", "John Okafor", "Wei Chen", "Anna Berg", "Tom Hale", "Sara Novak", "Ravi Patel")
_PLACES = ("Lisbon", "Nairobi", "Osaka", "Toronto", "Bergen", "Lima")
_ORGS = ("World Bank", "Harbour Authority", "Grain Board", "Reuters")


def write_articles(folder: Path, names: range, rng: random.Random, prefix: str = "gen") -> list[str]:
    """Markdown articles `<prefix>NNNN.md` with names for NER; returns their ids."""
    folder.mkdir(parents=True, exist_ok=True)
    ids = []
    for i in names:
        paras = []
        for _ in range(3):
            words = " ".join(rng.choice(_WORDS) for _ in range(40))
            paras.append(f"{rng.choice(_PEOPLE)} of the {rng.choice(_ORGS)} said in {rng.choice(_PLACES)} "
                         f"that the {words} {MARKER}.")
        name = f"{prefix}{i:04d}.md"
        (folder / name).write_text(f"---\ntitle: Report {prefix} {i}\ndate: 2026-01-{i % 28 + 1:02d}\n"
                                   f"outlet: Test Wire\n---\n\n" + "\n\n".join(paras) + "\n", encoding="utf-8")
        ids.append(name)
    return ids


def make_corpus(folder: Path, count: int, seed: int = 0) -> list[str]:
    """The seeds plus `count` generated articles; returns the generated ids."""
    folder.mkdir(parents=True, exist_ok=True)
    for seed_file in SEEDS.glob("*.txt"):
        (folder / seed_file.name).write_bytes(seed_file.read_bytes())
    return write_articles(folder, range(count), random.Random(seed))


def wire(home: Path, corpus: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """The real command in a subprocess."""
    return subprocess.run([sys.executable, "-m", "reader", "--home", str(home), "--corpus", str(corpus), *args],
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "LC_ALL": "C.UTF-8"})


def start(home: Path, corpus: Path, *args: str, session: bool = True) -> subprocess.Popen:
    """The command running in the background (in a session of its own: its processes are findable)."""
    return subprocess.Popen([sys.executable, "-m", "reader", "--home", str(home), "--corpus", str(corpus), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=session,
                            env={**os.environ, "LC_ALL": "C.UTF-8"})


def in_session(sid: int) -> list[int]:
    """Pids of the live processes of session `sid` (zombies not counted: they hold nothing)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) "
        if fields[0] != "Z" and int(fields[3]) == sid:
            found.append(int(entry))
    return found


_SET_MARKS = """
import sys
from pathlib import Path
from reader.state import State
data, corpus, read, star = sys.argv[1:5]
state = State.open(Path(data), corpus)
state.set_read(read)
state.set_starred(star)
state.close()
"""


_READ_STATE = """
import json, sys
from pathlib import Path
from reader.state import State
state = State.open(Path(sys.argv[1]), sys.argv[2])
print(json.dumps({"read": sorted(state.read_ids()), "starred": sorted(state.starred_ids()),
                  "tags": state.tag_map(), "notes": state.note_map(),
                  "searches": [name for name, _ in state.saved_searches()]}))
"""


def set_marks(home: Path, corpus: Path, read: str, star: str) -> subprocess.Popen:
    """Mark one article read and another starred, from a second process, through the State API."""
    return subprocess.Popen([sys.executable, "-c", _SET_MARKS, str(home / "data"), str(corpus), read, star],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@dataclass
class Expected:
    """The user state that must survive every trial, and the articles every search must find."""

    generated: set[str] = field(default_factory=set)
    read: set[str] = field(default_factory=set)
    starred: set[str] = field(default_factory=set)
    tags: dict[str, set[str]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    searches: set[str] = field(default_factory=set)

    def items(self) -> int:
        return (len(self.read) + len(self.starred) + sum(len(t) for t in self.tags.values()) + len(self.notes)
                + len(self.searches))


def seed_state(home: Path, corpus: Path, expected: Expected, ids: list[str]) -> None:
    """Tags, notes and saved searches through the CLI, read and starred marks through State."""
    for n, article in enumerate(ids[:3]):
        _ok(wire(home, corpus, "tag", article, f"+before{n}", "+kept"))
        expected.tags.setdefault(article, set()).update({f"before{n}", "kept"})
        _ok(wire(home, corpus, "note", article, f"note {n} with ünïcode"))
        expected.notes[article] = f"note {n} with ünïcode"
    _ok(wire(home, corpus, "searches", "--save", "seeds", "wasserman"))
    _ok(wire(home, corpus, "searches", "--save", "generated", MARKER))
    expected.searches.update({"seeds", "generated"})
    marks = set_marks(home, corpus, ids[3], ids[4])
    _, err = marks.communicate(timeout=60)
    assert marks.returncode == 0, err
    expected.read.add(ids[3])
    expected.starred.add(ids[4])


def _ok(done: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return done


@dataclass
class Trial:
    """One kill and what was found after it."""

    command: str
    delay: float
    killed: bool
    """Still running when the kill came (else the command had finished first)."""
    left: int
    """Processes of its session alive a second after the kill."""
    problems: list[str]
    lost: int
    """Expected state items not found afterwards."""
    tracebacks: int


class Delays:
    """When to kill each kind of command: at random below a bound that shrinks whenever the command had
    finished before its kill came, so that most kills land while it runs, wherever they land in it."""

    def __init__(self, rng: random.Random, upper: float = 3.0) -> None:
        self.rng = rng
        self.upper: dict[tuple[str, ...], float] = {}
        self.start = upper

    def pick(self, args: tuple[str, ...]) -> float:
        return self.rng.uniform(0.1, self.upper.setdefault(args, self.start))

    def outcome(self, args: tuple[str, ...], delay: float, killed: bool) -> None:
        if not killed:
            self.upper[args] = max(0.3, delay * 0.8)


def trial(home: Path, corpus: Path, expected: Expected, rng: random.Random, number: int, args: tuple[str, ...],
          delay: float, added: int = 40) -> Trial:
    """Change the corpus a little, start `wire <args>`, write state beside it, kill -9 it after `delay` s, check."""
    first = 1000 + number * added
    new = write_articles(corpus, range(first, first + added), rng, prefix="new")
    expected.generated.update(new)
    stale = rng.sample(sorted(i for i in expected.generated if i.startswith("gen")), 3)
    for article in stale:  # edited in place: the sync must re-read them
        path = corpus / article
        path.write_text(path.read_text(encoding="utf-8") + f"\nEdited in trial {number}.\n", encoding="utf-8")
    tracebacks = 0
    victim = start(home, corpus, *args)
    time.sleep(delay)
    # Writers of the user state while the sync runs (or has just been killed): none of it may be lost.
    target = rng.choice(sorted(expected.generated))
    tagger = start(home, corpus, "tag", target, f"+during{number}", session=False)
    marks = set_marks(home, corpus, rng.choice(sorted(expected.generated)), rng.choice(sorted(expected.generated)))
    killed = victim.poll() is None
    if killed:
        os.kill(victim.pid, signal.SIGKILL)
    _, err = victim.communicate(timeout=60)
    tracebacks += err.count("Traceback")
    time.sleep(1.0)
    left = in_session(victim.pid)
    for pid in left:  # not to disturb the next trial; counted above
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    problems = []
    for name, proc in (("wire tag", tagger), ("state marks", marks)):
        _, perr = proc.communicate(timeout=120)
        tracebacks += perr.count("Traceback")
        if proc.returncode != 0:
            problems.append(f"{name} during the trial failed: {perr.strip()[-200:]}")
    if tagger.returncode == 0:
        expected.tags.setdefault(target, set()).add(f"during{number}")
    if marks.returncode == 0:
        _, read, star = marks.args[-3:]
        expected.read.add(read)
        expected.starred.add(star)
    after = wire(home, corpus, "index", *(("--text-only",) if "--text-only" in args else ()))
    tracebacks += after.stderr.count("Traceback")
    if after.returncode != 0 or "error" in after.stderr:
        problems.append(f"the next wire index: {after.stderr.strip()[-300:]}")
    found, lost, more = check(home, corpus, expected)
    problems += found
    return Trial(" ".join(args), delay, killed, len(left), problems, lost, tracebacks + more)


def check(home: Path, corpus: Path, expected: Expected) -> tuple[list[str], int, int]:
    """(problems, state items lost, tracebacks) after a trial: every article found once, all state there."""
    problems, tracebacks = [], 0
    done = wire(home, corpus, "search", MARKER, "--limit", "100000", "--json")
    tracebacks += done.stderr.count("Traceback")
    if done.returncode != 0:
        return [f"search failed: {done.stderr.strip()[-300:]}"], expected.items(), tracebacks
    hits = [h["id"] for h in json.loads(done.stdout)["hits"]]
    if sorted(hits) != sorted(expected.generated):
        missing = expected.generated - set(hits)
        problems.append(f"search: {len(missing)} articles missing, {len(hits) - len(set(hits))} found twice, "
                        f"{len(set(hits) - expected.generated)} unknown")
    # The state as the State API reads it, in a process of its own (`wire export` would wait for NER).
    done = subprocess.run([sys.executable, "-c", _READ_STATE, str(home / "data"), str(corpus)],
                          capture_output=True, text=True, timeout=120)
    tracebacks += done.stderr.count("Traceback")
    if done.returncode != 0:
        problems.append(f"reading the state failed: {done.stderr.strip()[-300:]}")
        return problems, expected.items(), tracebacks
    state = json.loads(done.stdout)
    lost = len(expected.read - set(state["read"])) + len(expected.starred - set(state["starred"]))
    lost += sum(len(tags - set(state["tags"].get(i, ()))) for i, tags in expected.tags.items())
    lost += sum(1 for i, note in expected.notes.items() if state["notes"].get(i) != note)
    lost += len(expected.searches - set(state["searches"]))
    if lost:
        problems.append(f"{lost} state items lost")
    return problems, lost, tracebacks


def duration(home: Path, corpus: Path, *args: str) -> float:
    """How long an unkilled run of the command takes here (to spread the kills over it)."""
    started = time.monotonic()
    _ok(wire(home, corpus, *args))
    return time.monotonic() - started
