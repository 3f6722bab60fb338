"""Shared fixtures: every test gets its own WIRE_HOME and ignores the developer's config."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEEDS = ROOT / "corpus"

# A suite started in the background by a shell without job control (`./test.sh &` in a script) inherits SIGINT
# ignored, and so does every `wire` it starts: the Ctrl-C tests would then hang or fail for a reason of the
# launch, not of the code. They test what a terminal's Ctrl-C does, so the suite runs with the default handler.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(autouse=True)
def _isolated(tmp_path_factory, monkeypatch):
    """No test reads or writes the real config, data or cache dirs."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("WIRE_HOME", str(home))
    monkeypatch.delenv("WIRE_CONFIG", raising=False)
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    yield home


@pytest.fixture
def home(_isolated) -> Path:
    return _isolated


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A writable copy of the fixture corpus (tests that change files on disk use this)."""
    dest = tmp_path / "corpus"
    shutil.copytree(DATA / "corpus", dest)
    return dest


@pytest.fixture
def seeds_copy(tmp_path) -> Path:
    dest = tmp_path / "seeds"
    shutil.copytree(SEEDS, dest)
    return dest


def run_wire(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: float = 120):
    """Run the real command (`python -m reader`) in a subprocess."""
    return subprocess.run([sys.executable, "-m", "reader", *args], capture_output=True, text=True,
                          cwd=cwd, env={**os.environ, **(env or {})}, timeout=timeout)


# Generated corpora for the process tests (test_processes, test_interrupt), one per module that asks.
@pytest.fixture(scope="module")
def ner_text(tmp_path_factory) -> Path:
    """Generated articles, all different, with more words than one NER process is used for."""
    from bench.robust_kill import ner_corpus
    from reader.entities.ner import MIN_WORDS_FOR_TWO_PROCESSES

    corpus = tmp_path_factory.mktemp("ner") / "corpus"
    ner_corpus(corpus, words=MIN_WORDS_FOR_TWO_PROCESSES * 5 // 4)
    return corpus


@pytest.fixture(scope="module")
def many_files(tmp_path_factory) -> Path:
    """Enough files for the parallel parse and a bulk index with two writer processes."""
    from bench.robust_kill import many_corpus

    corpus = tmp_path_factory.mktemp("many") / "corpus"
    many_corpus(corpus, 2300)
    return corpus
