"""Footprint starts on the real window system, not only offscreen: under Xvfb the
self-check opens Qt's xcb platform, and a PC that lacks the system libraries is told in
one line which packages to install."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import platform_check
from app.platform_check import debian_package, intended_platform, missing_libraries

REPO = Path(__file__).resolve().parents[2]

LDD_MISSING = """\
\tlinux-vdso.so.1 (0x00007ffd7b5f2000)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f5a1c000000)
\tlibxcb-cursor.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxkbcommon-x11.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f5a1be00000)
"""


def test_missing_libraries_are_read_from_ldd_once_each() -> None:
    assert missing_libraries(LDD_MISSING) == [
        "libxcb-cursor.so.0",
        "libxcb-icccm.so.4",
        "libxkbcommon-x11.so.0",
    ]


@pytest.mark.parametrize(
    ("soname", "package"),
    [
        ("libxcb-cursor.so.0", "libxcb-cursor0"),
        ("libxcb-icccm.so.4", "libxcb-icccm4"),
        ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
        ("libX11-xcb.so.1", "libx11-xcb1"),
        ("libEGL.so.1", "libegl1"),
        ("libdbus-1.so.3", "libdbus-1-3"),
        ("libglib-2.0.so.0", "libglib2.0-0"),
        ("libwayland-cursor.so.0", "libwayland-cursor0"),
    ],
)
def test_a_library_is_named_by_its_debian_package(soname: str, package: str) -> None:
    assert debian_package(soname) == package


def test_the_platform_qt_will_try_first() -> None:
    assert intended_platform({"QT_QPA_PLATFORM": "offscreen"}) == "offscreen"
    assert intended_platform({"QT_QPA_PLATFORM": "wayland;xcb"}) == "wayland"
    assert intended_platform({"DISPLAY": ":0"}) == "xcb"
    wayland = {"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"}
    assert intended_platform(wayland) == "wayland"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="xcb is Linux's")
def test_missing_libraries_become_one_line_naming_the_packages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fake_ldd(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(command, 0, stdout=LDD_MISSING, stderr="")

    monkeypatch.setattr("app.platform_check.subprocess.run", fake_ldd)
    problem = platform_check.platform_problem({"DISPLAY": ":0"})

    assert problem is not None and "\n" not in problem
    assert problem.endswith("sudo apt install libxcb-cursor0 libxcb-icccm4 libxkbcommon-x11-0")
    assert "libxcb-cursor.so.0" in problem


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="xcb is Linux's")
def test_no_display_is_said_plainly() -> None:
    problem = platform_check.platform_problem({"PATH": os.environ.get("PATH", "")})
    assert problem is not None and "DISPLAY is not set" in problem


def _child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    env.update(extra)
    return env


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="xcb is Linux's")
def test_the_platform_check_passes_on_a_real_x_screen(xvfb_display: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app.platform_check"],
        env=_child_env(DISPLAY=xvfb_display),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="xcb is Linux's")
def test_the_self_check_starts_qt_on_the_platform_the_app_uses(
    xvfb_display: str, tmp_path: Path
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app", "--self-check"],
        env=_child_env(DISPLAY=xvfb_display, XDG_DATA_HOME=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "on the xcb platform" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
