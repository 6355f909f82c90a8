"""The code's shape, as README's "How the code is laid out" describes it.

These read the source, not the running site: modules small enough to read in one sitting,
site-wide building blocks in healing_together/ (never borrowed from the directory's admin,
views or filters), and no import circle between the directory's models and its QuerySets.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["healing_together", "directory", "articles", "newsletter"]
MAX_LINES = 500
# What the directory keeps to itself: other apps build on healing_together instead.
DIRECTORY_INTERNALS = ("directory.admin", "directory.views", "directory.filters")


def python_files(*folders):
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def imported_modules(path):
    """Every module a file imports, relative imports resolved to their full name."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    if path.name == "__init__.py":
        package = ".".join(path.relative_to(ROOT).parts[:-1])
    names = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("path", list(python_files(*APPS, "bench", "tests")), ids=str)
def test_no_module_is_longer_than_one_sitting(path):
    lines = len(path.read_text("utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines"


@pytest.mark.parametrize("app", ["articles", "newsletter"])
def test_other_apps_take_their_bases_from_healing_together(app):
    borrowed = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in python_files(app)
        for name in imported_modules(path)
        if name.startswith(DIRECTORY_INTERNALS) or name == "directory.choices"
    }
    assert not borrowed


def test_directory_querysets_do_not_import_the_models():
    querysets = imported_modules(ROOT / "directory" / "querysets.py")
    assert not {name for name in querysets if name.startswith("directory.models")}


def test_modules_are_imported_explicitly_not_found_at_run_time():
    """No `importlib.import_module` / `find_spec` tricks (importlib.resources reads data)."""
    tricks = [
        path.relative_to(ROOT)
        for path in python_files(*APPS)
        if any(call in path.read_text("utf-8") for call in ("import_module(", "find_spec("))
    ]
    assert not tricks


def test_no_module_shadows_the_standard_library():
    import sys

    shadowing = [
        path.relative_to(ROOT)
        for path in python_files(*APPS)
        if path.stem in sys.stdlib_module_names
    ]
    assert not shadowing


def test_every_model_can_be_imported_from_its_module():
    """The historical models of directory/models/ too (Django's shell imports them all)."""
    import importlib

    from django.apps import apps

    lost = [
        f"{model.__module__}.{model.__name__}"
        for model in apps.get_models()
        if getattr(importlib.import_module(model.__module__), model.__name__, None) is not model
    ]
    assert not lost


PROJECT_PACKAGES = ("healing_together", "directory", "articles", "newsletter", "bench", "tests")


@pytest.mark.parametrize("folder", [*APPS, "bench", "tests"])
def test_every_name_imported_from_the_project_exists(folder):
    """Imports inside functions too (the benchmarks import the models only when they run)."""
    import importlib

    missing = []
    for path in python_files(folder):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.ImportFrom) or node.level:
                continue
            if not (node.module or "").startswith(PROJECT_PACKAGES):
                continue
            module = importlib.import_module(node.module)
            for alias in node.names:
                if alias.name == "*" or hasattr(module, alias.name):
                    continue
                try:
                    importlib.import_module(f"{node.module}.{alias.name}")
                except ImportError:
                    missing.append(f"{path.relative_to(ROOT)}: {node.module}.{alias.name}")
    assert not missing
