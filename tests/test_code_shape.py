"""The code stays readable in one sitting (issue 10): no module over 400 lines under
cases/, secondopinion/, tests/ and bench/, no view function over 30.

A long view is logic that belongs one layer down (a form, a queryset, a service); a
long module is two concerns that want a name each. Read from the source, no Django.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_MODULE_LINES = 400
MAX_VIEW_LINES = 30
# Generated or not ours: Django's migrations, the catalogues, a virtualenv kept in a folder.
NOT_OURS = {"migrations", "locale", ".venv"}


def _modules(*folders: str) -> list[Path]:
    return [
        path
        for folder in folders
        for path in sorted((ROOT / folder).rglob("*.py"))
        if not NOT_OURS & set(path.relative_to(ROOT).parts)
    ]


def _long_functions(path: Path) -> list[str]:
    """Functions (methods and nested ones too) longer than allowed, from ``def`` to their
    last line, docstring included."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.name} "
        f"({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_VIEW_LINES
    ]


def _long_modules(*folders: str) -> list[str]:
    return [
        f"{path.relative_to(ROOT)} ({n} lines)"
        for path in _modules(*folders)
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]


def test_no_module_is_over_400_lines():
    """Tests and benchmarks too: they are read as often as the code. Shared setup goes to
    a tests/*_support.py (or bench/*_support.py) module, and each test module keeps short
    fixtures that call it."""
    assert len(_modules("tests")) > 50 and len(_modules("bench")) > 5  # the folders are here
    long = _long_modules("cases", "secondopinion", "tests", "bench")
    assert not long, "Split by concern: " + ", ".join(long)


def test_no_view_function_is_over_30_lines():
    views = _modules("cases/views")
    assert len(views) > 10  # the folder is where this test thinks it is
    long = [function for path in views for function in _long_functions(path)]
    assert not long, "Move logic into a form, a queryset or a service: " + ", ".join(long)
