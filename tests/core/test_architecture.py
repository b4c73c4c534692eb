"""The core and the documents stay free of Qt, so they run anywhere (CLI, tests, server)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_nothing_under_core_or_documents_imports_qt() -> None:
    offenders = []
    for folder in ("app/core", "app/documents"):
        for path in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                else:
                    continue
                if any(
                    n.split(".")[0] in ("PySide6", "PyQt6", "PyQt5", "shiboken6") for n in names
                ):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_importing_the_core_does_not_load_qt() -> None:
    import subprocess
    import sys

    code = (
        "import sys, app.core.models, app.core.services.incidents, app.core.startup;"
        "import app.core.services.incident_queries, app.core.services.evidence;"
        "print(any(m.startswith('PySide6') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_no_window_module_opens_a_unit_of_work_or_builds_a_query() -> None:
    """Screens go through `app/ui/context.py` (AppContext and as_footprint), which opens
    the units of work; import-linter keeps models and SQL out of the rest of app/ui."""
    offenders = []
    for path in (ROOT / "app" / "ui").rglob("*.py"):
        if path.name == "context.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("read", "write")
                and isinstance(node.func.value, ast.Attribute)
                and node.func.value.attr == "database"
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
