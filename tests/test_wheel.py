"""A non-editable wheel carries the bundled corpus and the styles, and `wire` works from anywhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

from .conftest import ROOT


def test_wheel_ships_corpus_and_styles_and_runs_elsewhere(tmp_path):
    dist = tmp_path / "dist"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist),
                            str(ROOT)], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    [wheel] = dist.glob("wire_reader-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert sum(n.startswith("reader/_bundled/corpus/") and n.endswith(".txt") for n in names) == 4
    assert any(n.startswith("reader/_bundled/styles/") for n in names)
    assert "reader/corpus/boilerplate.yaml" in names and "reader/corpus/outlets.yaml" in names

    # Install the wheel alone into a target folder and run it from another directory; the
    # dependencies come from this environment (a fresh venv with all of them is what CI's
    # `pip install` already exercises).
    target = tmp_path / "site"
    installed = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target",
                                str(target), str(wheel)], capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "WIRE_HOME": str(tmp_path / "home")}
    where = subprocess.run([sys.executable, "-c", "import reader, reader.locations as l; "
                            "print(reader.__file__); print(l.bundled('corpus'))"],
                           capture_output=True, text=True, cwd=elsewhere, env=env)
    module_file, corpus = where.stdout.split()
    assert module_file.startswith(str(target)) and corpus.startswith(str(target))
    done = subprocess.run([str(target / "bin" / "wire"), "search", "wasserman", "--json"],
                          capture_output=True, text=True, cwd=elsewhere, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["total"] == 4
