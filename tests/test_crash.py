"""kill -9 at random moments of `wire index` and `--rebuild`: the next run succeeds, finds every article, loses no state."""

from __future__ import annotations

import random

import pytest

from bench.crash_trials import Delays, Expected, check, duration, make_corpus, seed_state, trial

COMMANDS = (("index", "--text-only"), ("index", "--rebuild", "--text-only"), ("index", "--rebuild", "--text-only"),
            ("index",))
"""A handful (the report runs twenty and more): syncs with new and edited files, rebuilds, and one with NER."""


@pytest.fixture
def prepared(tmp_path):
    corpus, home = tmp_path / "corpus", tmp_path / "home"
    expected = Expected(set(make_corpus(corpus, 120, seed=3)))
    duration(home, corpus, "index")  # the first build, NER included
    seed_state(home, corpus, expected, sorted(expected.generated))
    return corpus, home, expected


def test_kill_9_trials_lose_nothing(prepared):
    corpus, home, expected = prepared
    assert check(home, corpus, expected) == ([], 0, 0)
    rng = random.Random(7)
    delays = Delays(rng, upper=2.0)
    problems, killed, number = [], 0, 0
    for args in COMMANDS:
        # A command that ended before its kill is tried again with a shorter delay (Delays learns), so that the
        # kills land while the commands run on a fast machine too; every try is checked all the same.
        for _ in range(TRIES):
            delay = delays.pick(args)
            outcome = trial(home, corpus, expected, rng, number, args, delay)
            number += 1
            delays.outcome(args, delay, outcome.killed)
            assert outcome.left == 0, f"{outcome.left} processes outlived the killed {outcome.command}"
            assert outcome.tracebacks == 0, outcome
            problems += [f"trial {number} ({outcome.command}, {outcome.delay:.2f} s): {p}" for p in outcome.problems]
            if outcome.killed:
                killed += 1
                break
    assert not problems, problems
    assert killed >= 3, "most kills should land while the command runs"


TRIES = 3
"""Tries of each command until one is killed while it runs."""
