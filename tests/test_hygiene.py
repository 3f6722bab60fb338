"""The core imports neither textual nor rich (it must serve scripts and servers without the TUI)."""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE = ["reader.models", "reader.config", "reader.locations", "reader.corpus", "reader.corpus.store",
        "reader.index", "reader.sync", "reader.library", "reader.cli", "reader.entities", "reader.overlap",
        "reader.state", "reader.export", "reader.searches", "reader.timeline",
        "reader.review", "reader.cli_review", "reader.cli_lists", "reader.cli_timeline"]


@pytest.mark.parametrize("module", CORE)
def test_core_module_does_not_import_textual_or_rich(module):
    code = (f"import importlib, sys\n"
            f"try:\n    importlib.import_module({module!r})\n"
            f"except ModuleNotFoundError as e:\n    print('MISSING', e.name); sys.exit(0)\n"
            f"bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
            f"print(' '.join(bad))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    if done.stdout.startswith("MISSING reader"):
        pytest.skip(f"{module} does not exist yet")
    assert done.stdout.strip() == "", f"{module} pulls in {done.stdout.strip()}"


def test_only_the_index_package_imports_whoosh():
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent / "reader"
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.py")
                 if p.parent.name != "index" and any(line.strip().startswith(("import whoosh", "from whoosh"))
                                                     for line in p.read_text().splitlines())]
    assert offenders == []


@pytest.mark.parametrize("module", ["reader.cli", "reader.tui.app"])
def test_start_up_does_not_load_the_heavy_stages(module):
    """spaCy, numpy, scipy and datasketch load only when NER or wire copies run: `wire search` and the
    app's first screen must not pay for them (about a second together)."""
    code = (f"import importlib, sys\nimportlib.import_module({module!r})\n"
            "print(' '.join(sorted({m.split('.')[0] for m in sys.modules}"
            " & {'spacy', 'numpy', 'scipy', 'datasketch', 'rapidfuzz'})))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_start_up_does_not_load_the_format_readers():
    """trafilatura, feedparser, lxml, markdown-it, charset-normalizer and defusedxml load only when a file of
    their kind is read: `wire search` start-up is measured (issue 11) and must not grow with them."""
    heavy = {"trafilatura", "feedparser", "lxml", "markdown_it", "charset_normalizer", "defusedxml", "htmldate",
             "justext", "courlan"}
    code = ("import importlib, sys\nimportlib.import_module('reader.cli')\nimportlib.import_module('reader.corpus')\n"
            f"print(' '.join(sorted(set(m.split('.')[0] for m in sys.modules) & set({sorted(heavy)!r}))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
