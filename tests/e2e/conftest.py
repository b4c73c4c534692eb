"""End-to-end helpers: a virtual X screen, so the app and the bundle start on Qt's real
X11 platform as they would on a PC (CI installs Xvfb; elsewhere these tests skip)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session")
def xvfb_display() -> Iterator[str]:
    """A virtual X screen for the session (CI installs Xvfb; elsewhere the tests skip)."""
    if shutil.which("Xvfb") is None:
        if os.environ.get("CI"):
            pytest.fail("Xvfb is not installed: .ci/run should install the xvfb package")
        pytest.skip("Xvfb is not installed (Debian: apt install xvfb)")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-nolisten", "tcp", "-screen", "0", "1366x768x24"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        number = pipe.readline().strip()
    if not number:
        server.kill()
        pytest.fail("Xvfb did not start")
    yield f":{number}"
    server.terminate()
    server.wait(timeout=10)
