"""Start-up (issue 16): the first window comes before the database layer is loaded, and
FOOTPRINT_EXIT_WHEN_READY=1 reports it (the bench's launch figure uses it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from app.core.actors import SYSTEM
from app.core.services.accounts import create_first_account
from app.core.services.school import SchoolDetails, save_settings
from app.core.startup import open_log

ROOT = Path(__file__).resolve().parents[2]
#: Starts the window as `python -m app` does, noting at the first window what is loaded.
WATCH = """
import sys
import app.ui.ready_probe as probe
shown = probe.report_when_shown
def report(dialog):
    print("dialog", type(dialog).__name__, "sqlalchemy" in sys.modules, flush=True)
    shown(dialog)
probe.report_when_shown = report
from app.cli import main
raise SystemExit(main(sys.argv[1:]))
"""


def _start(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        PYTHONPATH=str(ROOT),
        FOOTPRINT_EXIT_WHEN_READY="1",
        HOME=str(tmp_path),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
    )
    env.pop("FOOTPRINT_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=env, timeout=120
    )


def _school_log(path: Path) -> str:
    url = f"sqlite:///{path}"
    log = open_log(url)
    with log.database.write(SYSTEM) as s:
        user = create_first_account(s, "Aoife Ní Bhriain", "aoife", "correct horse battery staple")
        save_settings(s, user, SchoolDetails(name="St Zoë's Primary"))
    log.database.dispose()
    return url


def test_the_sign_in_dialog_comes_before_the_database_layer(tmp_path: Path) -> None:
    url = _school_log(tmp_path / "footprint.sqlite3")
    done = _start(tmp_path, "-c", WATCH, "--database", url)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "dialog SignInDialog False"  # SQLAlchemy not loaded yet
    assert lines[1].startswith("footprint-ready ")
    assert float(lines[1].split()[1]) > 0


def test_a_new_log_reports_its_first_run_form(tmp_path: Path) -> None:
    done = _start(tmp_path, "-m", "app", "--database", f"sqlite:///{tmp_path / 'new.sqlite3'}")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("footprint-ready ")
