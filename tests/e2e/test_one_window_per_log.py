"""One Footprint per SQLite log on a computer: a second start finds the first one's lock
(two windows on one log would each keep their own key slots and undo each other's
changes); a lock left by a process that died is taken over; PostgreSQL takes none."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QLockFile

from app.ui.app import hold_the_log

ROOT = Path(__file__).resolve().parents[2]
ASK = (
    "from pathlib import Path; from app.ui.app import hold_the_log; "
    "import sys; print(type(hold_the_log(Path(sys.argv[1]))).__name__)"
)


def _second_start(path: Path) -> str:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", ASK, str(path)], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_second_start_on_the_same_log_is_refused(tmp_path: Path) -> None:
    log = tmp_path / "footprint.sqlite3"
    held = hold_the_log(log)
    assert isinstance(held, QLockFile)
    assert _second_start(log) == "bool"  # False: another Footprint holds the log
    assert _second_start(tmp_path / "other.sqlite3") == "QLockFile"  # another log is free
    held.unlock()
    assert _second_start(log) == "QLockFile"


def test_a_lock_left_by_a_dead_process_is_taken_over(tmp_path: Path) -> None:
    log = tmp_path / "footprint.sqlite3"
    script = (  # takes the lock and ends without letting it go
        "from pathlib import Path; from app.ui.app import hold_the_log; import os, sys; "
        "held = hold_the_log(Path(sys.argv[1])); os._exit(0)"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "-c", script, str(log)], check=True, env=env, timeout=60)
    assert Path(f"{log}.lock").exists()
    held = hold_the_log(log)
    assert isinstance(held, QLockFile)
    held.unlock()


def test_postgresql_and_unwritable_places_take_no_lock(tmp_path: Path) -> None:
    assert hold_the_log(None) is True
    assert hold_the_log(tmp_path / "no-such-folder" / "footprint.sqlite3") is True
