"""The PyInstaller bundle: build.spec ships what the app needs, and the built bundle works."""

from __future__ import annotations

import ast
import functools
import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "build.spec"
BUILD_TIMEOUT_S = 900
SELF_CHECK_TIMEOUT_S = 120


@functools.cache
def _run_spec() -> dict[str, dict[str, Any]]:
    """Execute build.spec with PyInstaller's build steps stubbed out; what each was given."""
    calls: dict[str, dict[str, Any]] = {}

    def recorder(step: str) -> Any:
        def record(*args: Any, **kwargs: Any) -> SimpleNamespace:
            calls[step] = {"args": args, **kwargs}
            return SimpleNamespace(pure=[], scripts=[], binaries=[], datas=[])

        return record

    namespace: dict[str, Any] = {"SPECPATH": str(REPO)}
    namespace.update({step: recorder(step) for step in ("Analysis", "PYZ", "EXE", "COLLECT")})
    exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), namespace)
    return calls


def _shipped_files(folder: str) -> set[tuple[Path, str]]:
    return {
        (path.resolve(), path.parent.relative_to(REPO).as_posix())
        for path in (REPO / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_spec_ships_resources_and_migrations_at_the_bundle_root() -> None:
    datas = {(Path(src).resolve(), dest) for src, dest in _run_spec()["Analysis"]["datas"]}

    # Same relative place as in the checkout, so app.resources.bundle_root() finds them.
    missing = (_shipped_files("resources") | _shipped_files("migrations")) - datas
    assert not missing, f"build.spec leaves out: {sorted(str(src) for src, _ in missing)}"
    assert (REPO / "migrations" / "script.py.mako").resolve() in {src for src, _ in datas}


def test_spec_hidden_imports_cover_what_alembic_loads_at_run_time() -> None:
    hidden = set(_run_spec()["Analysis"]["hiddenimports"])

    # PyInstaller can't see these: env.py and the revisions are data files, read by alembic.
    needed = {
        "alembic.op",
        "alembic.ddl.sqlite",
        "alembic.ddl.postgresql",
        "sqlalchemy.dialects.sqlite",
        "sqlalchemy.dialects.postgresql",
        "app.core.models",
        "app.core.migrate",
        "tzdata",
    }
    if importlib.util.find_spec("psycopg") is not None:
        needed.add("psycopg")
    assert needed <= hidden, f"missing hidden imports: {sorted(needed - hidden)}"


def test_spec_excludes_no_qt_module_the_app_imports() -> None:
    excluded = set(_run_spec()["Analysis"]["excludes"])
    used = {"PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets"}
    for path in (REPO / "app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                used.add(node.module)
                # `from PySide6 import QtSvg` imports the module PySide6.QtSvg.
                used.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                used.update(alias.name for alias in node.names)

    assert not used & excluded, f"build.spec excludes modules the app imports: {used & excluded}"


def test_spec_makes_a_footprint_executable_with_a_console_except_on_windows() -> None:
    calls = _run_spec()

    assert calls["EXE"]["name"] == "footprint"
    assert calls["COLLECT"]["name"] == "footprint"
    assert calls["EXE"]["exclude_binaries"] is True  # one-folder, not one-file
    # The self-check must print to the terminal that ran it.
    assert calls["EXE"]["console"] is (sys.platform != "win32")


@pytest.mark.slow
@pytest.mark.skipif(
    importlib.util.find_spec("PyInstaller") is None,
    reason="PyInstaller is not installed (it comes with the dev extra: pip install -e '.[dev]')",
)
def test_built_bundle_passes_its_self_check(tmp_path: Path, xvfb_display: str) -> None:
    dist, work = tmp_path / "dist", tmp_path / "build"
    # No --clean: the work folder is new anyway, and --clean would also empty PyInstaller's
    # shared cache under a `make dist` that may be running at the same time.
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--distpath",
            str(dist),
            "--workpath",
            str(work),
            str(SPEC),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
    )
    assert build.returncode == 0, f"PyInstaller failed:\n{build.stderr[-6000:]}"
    executable = dist / "footprint" / ("footprint.exe" if sys.platform == "win32" else "footprint")
    assert executable.is_file(), f"no executable at {executable}"

    # As a user would run it, on a desktop: no QT_QPA_PLATFORM, so Qt starts its real X11
    # platform, whose plugin (and what it links) the bundle must carry.
    env = {name: value for name, value in os.environ.items() if name != "QT_QPA_PLATFORM"}
    env["DISPLAY"] = xvfb_display
    check = subprocess.run(
        [str(executable), "--self-check"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=SELF_CHECK_TIMEOUT_S,
    )
    output = check.stdout + check.stderr
    assert check.returncode == 0, f"self-check failed (exit {check.returncode}):\n{output}"
    assert "self-check passed" in output
    assert "FAIL" not in output
    assert "on the xcb platform" in output
