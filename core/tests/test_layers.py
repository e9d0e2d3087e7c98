"""The apps' dependencies point one way: core at the bottom, priorities above it, measures and
governance above both, and the project package kcpp on top, imported by none of them."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROJECT = ["kcpp", "core", "priorities", "measures", "governance"]
# What each app may import from the project's other packages (tests may use the factories of those below).
MAY_IMPORT = {
    "core": set(),
    "priorities": {"core"},
    "measures": {"core", "priorities"},
    "governance": {"core", "priorities"},
}


def imports_of(path):
    """The project modules a file imports, as dotted names."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def project_imports(app):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for name in imports_of(path):
            top = name.split(".")[0]
            if top in PROJECT and top != app:
                yield path.relative_to(ROOT), name


@pytest.mark.parametrize("app", MAY_IMPORT)
def test_no_app_imports_the_project_package_or_an_app_above_it(app):
    wrong = [f"{path}: {name}" for path, name in project_imports(app) if name.split(".")[0] not in MAY_IMPORT[app]]
    assert wrong == []


@pytest.mark.parametrize("app", ["priorities", "measures", "governance"])
def test_an_app_uses_another_app_only_for_its_models(app):
    """Outside the tests, an app takes another app's models and nothing else (core is there to be shared)."""
    wrong = [
        f"{path}: {name}"
        for path, name in project_imports(app)
        if "tests" not in path.parts
        and name.split(".")[0] not in ("core", "kcpp")
        and not name.startswith(f"{name.split('.')[0]}.models")
    ]
    assert wrong == []
