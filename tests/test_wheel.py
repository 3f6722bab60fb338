"""The sdist works on its own (what run.sh and test.sh need, links that resolve), and the wheel built from
it carries the bundled corpus and the styles, and `wire` works from anywhere."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """An sdist of the checkout, and a wheel built from that sdist (as `python -m build` does by default):
    a file the sdist leaves out that the wheel needs fails the build here, not a user's install."""
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    return out


NEEDED = ["run.sh", "test.sh", "scripts/venv.sh", "pyproject.toml", "README.md", "LICENSE", "docs/design.md",
          "corpus/README.md", "reader/__init__.py", "reader/corpus/boilerplate.yaml", "styles/app.tcss",
          "tests/conftest.py", ".ci/run"]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)[^)]*\)|^\[[^\]]+\]:\s*(\S+)", re.M)
"""A Markdown link's target: inline `[text](target "title")` or a reference definition `[id]: target`."""


def relative_links(markdown: str) -> list[str]:
    """The targets of a Markdown text's links that name a file: not a URL, not an anchor on the same page."""
    targets = [inline or ref for inline, ref in LINK.findall(markdown)]
    return [t.split("#")[0] for t in targets if not re.match(r"[a-z][a-z0-9+.-]*:|#", t)]


def test_relative_links_are_found():
    text = ('See [the design](docs/design.md#data-flow) and [MIT](LICENSE "the licence"), not [web](https://x.org) '
            "or [here](#layout).\n[corpus]: corpus/README.md\n")
    assert relative_links(text) == ["docs/design.md", "LICENSE", "corpus/README.md"]


def test_sdist_holds_what_run_and_test_need_and_its_links_resolve(dist, tmp_path):
    [sdist] = dist.glob("wire_reader-*.tar.gz")
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path, filter="data")
    [root] = tmp_path.glob("wire_reader-*")
    missing = [name for name in NEEDED if not (root / name).is_file()]
    # The folders whole: every file of the checkout's (bar what .gitignore keeps out of any build).
    for folder in ("reader", "corpus", "styles", "tests", "scripts", "docs"):
        missing += [p.relative_to(ROOT).as_posix() for p in (ROOT / folder).rglob("*")
                    if p.is_file() and "__pycache__" not in p.parts and p.name != "snapshot_report.html"
                    and not (root / p.relative_to(ROOT)).is_file()]
    assert missing == []
    for script in ("run.sh", "test.sh"):
        assert os.access(root / script, os.X_OK), f"{script} lost its executable bit"
        for sourced in re.findall(r"^\s*(?:source|\.)\s+(\S+)", (root / script).read_text(), re.M):
            assert (root / sourced).is_file(), f"{script} sources {sourced}, which the sdist lacks"
    every = [p.relative_to(root).as_posix() for p in root.rglob("*")]
    assert not [p for p in every if p.startswith(".venv") or "__pycache__" in p or p.endswith(".pyc")]
    # Every relative link of the documents a reader opens first resolves to a file inside the sdist.
    pages = [root / "README.md", root / "corpus" / "README.md", *sorted((root / "docs").glob("*.md"))]
    broken = []
    for page in pages:
        for target in relative_links(page.read_text(encoding="utf-8")):
            found = (page.parent / target).resolve()
            if not (found.is_relative_to(root.resolve()) and found.exists()):
                broken.append(f"{page.relative_to(root)}: {target}")
    assert broken == []


def test_wheel_ships_corpus_and_styles_and_runs_elsewhere(dist, tmp_path):
    [wheel] = dist.glob("wire_reader-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert sum(n.startswith("reader/_bundled/corpus/") and n.endswith(".txt") for n in names) == 4
    assert any(n.startswith("reader/_bundled/styles/") for n in names)
    assert "reader/corpus/boilerplate.yaml" in names and "reader/corpus/outlets.yaml" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)

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
