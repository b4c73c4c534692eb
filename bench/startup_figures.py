"""What the user waits for at start and after a save (issue 16): the whole process from
launch to its first window the user can type into, paired with a bare PySide6 window with
a table; the main window after sign-in; and the window after one save. Importing this
module registers them (the "startup" group)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.figures import Bench, Measurement, figure, not_applicable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.actors import SYSTEM
from app.core.clock import today_london
from app.core.models import User
from app.core.services.accounts import create_first_account, needs_first_account
from app.core.services.due import due_list
from app.core.services.incident_form import PendingChanges, save_incident_form
from app.core.services.school import SchoolDetails, find_settings, save_settings
from app.core.vocab import UserRole

#: The bare window the launch is compared with: Qt, a table view, shown, then quit —
#: reporting the moment its event loop runs, as FOOTPRINT_EXIT_WHEN_READY does.
BARE_WINDOW = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QApplication, QTableView
app = QApplication(sys.argv)
view = QTableView()
view.setModel(QStandardItemModel(20, 5))
view.show()
QTimer.singleShot(0, lambda: (print("footprint-ready", flush=True), app.quit()))
app.exec()
"""
BENCH_USER, BENCH_PASSWORD = "bench-dsl", "correct horse battery staple"


def _app() -> QApplication:
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    return app


def _until_ready(command: list[str], env: dict[str, str]) -> float:
    """Seconds from starting `command` to its `footprint-ready` line."""
    started = time.perf_counter()
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("footprint-ready"):
                elapsed = time.perf_counter() - started
                break
        else:
            raise RuntimeError(f"{command[:3]} ended without reporting its window")
        process.wait(timeout=60)
    return elapsed


def _set_up_for_sign_in(bench: Bench) -> None:
    """The bench's copy as a school's log is at start: set up, with a DSL's password (so
    the sign-in dialog is the first window, not the first-run form)."""
    with bench.database.write(SYSTEM) as session:
        if needs_first_account(session):
            create_first_account(session, "Bench DSL", BENCH_USER, BENCH_PASSWORD)
    with bench.database.write(SYSTEM) as session:
        if find_settings(session) is None:
            user = session.scalars(select(User).where(User.role == UserRole.DSL)).first()
            assert user is not None
            save_settings(session, user, SchoolDetails(name="Bench Primary School"))


@figure("Start: launch to the sign-in dialog (whole process; baseline a bare Qt table)")
def launch_to_sign_in(bench: Bench) -> Measurement:
    """Paired runs, alternating: a bare PySide6 window with a table, and `python -m app`
    on the bench's log with FOOTPRINT_EXIT_WHEN_READY=1, each to its window's event loop."""
    if bench.database_path is None:
        return not_applicable("the launch is measured on a SQLite log")
    _set_up_for_sign_in(bench)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "FOOTPRINT_EXIT_WHEN_READY": "1"}
    env.pop("FOOTPRINT_DATABASE_URL", None)
    url = f"sqlite:///{bench.database_path}"
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH", "")]))
    bare, app = [], []
    for _ in range(max(1, bench.runs)):
        bare.append(_until_ready([sys.executable, "-c", BARE_WINDOW], env))
        app.append(_until_ready([sys.executable, "-m", "app", "--database", url], env))
    return Measurement(
        statistics.median(app),
        "s",
        baseline=statistics.median(bare),
        note="goal ≤ 2× the bare window (before: 1.97 s, 9.1×)",
    )


def _dsl(bench: Bench) -> int:
    with bench.database.read(SYSTEM) as session:
        user_id = session.scalar(select(User.id).where(User.role == UserRole.DSL).limit(1))
    assert user_id is not None
    return user_id


@figure("Start: signed in to the main window with its first page (median)")
def main_window_after_sign_in(bench: Bench) -> Measurement:
    """From sign-in accepted to the main window shown with the dashboard (its modules
    already loaded, as the app loads them while the dialog waits)."""
    from app.ui.main_window import MainWindow

    app = _app()
    user_id = _dsl(bench)
    with tempfile.TemporaryDirectory() as folder:
        settings = QSettings(str(Path(folder) / "bench.ini"), QSettings.Format.IniFormat)
        times = []
        for _ in range(max(1, bench.runs)):
            started = time.perf_counter()
            window = MainWindow(bench.database, user_id, settings)
            window.show()
            app.processEvents()
            times.append(time.perf_counter() - started)
            window.close()
            window.deleteLater()
            app.processEvents()
    return Measurement(statistics.median(times), "s", note="goal ≤ 0.5 s")


@figure("After a save: save to the window refreshed (median; baseline the save alone)")
def save_to_refreshed(bench: Bench) -> Measurement:
    """A note saved from an incident's window (the most overdue incident, so its due
    items move), with the main window open on the dashboard; the baseline is the same
    save with no screen told."""
    from app.ui.incidents.editor import IncidentEditor
    from app.ui.main_window import MainWindow

    app = _app()
    user_id = _dsl(bench)
    with bench.database.read(user_id) as session:
        due = due_list(session, today_london(), limit=1)
    incident_id = next((i.incident_id for i in due.items if i.incident_id), None)
    if incident_id is None:
        return not_applicable("nothing is overdue in this log")
    with tempfile.TemporaryDirectory() as folder:
        settings = QSettings(str(Path(folder) / "bench.ini"), QSettings.Format.IniFormat)
        window = MainWindow(bench.database, user_id, settings)
        window.show()
        app.processEvents()
        editor = IncidentEditor(window.context, incident_id, window)
        saves, alone, screens = [], [], []
        announce = window.context.announce

        def timed(changes: object = None) -> None:
            started = time.perf_counter()
            announce(changes)  # type: ignore[arg-type]
            screens.append(time.perf_counter() - started)

        window.context.announce = timed  # type: ignore[method-assign]
        for run in range(max(1, bench.runs)):
            editor.timeline.note.setPlainText(f"Bench note {run}: rang the parent back.")
            started = time.perf_counter()
            assert editor.save()
            app.processEvents()
            saves.append(time.perf_counter() - started)
            started = time.perf_counter()
            version, details = editor.version, editor.collect()
            note = PendingChanges(notes=[f"Bench note {run}b."])

            def save_alone(s: Session, a: User) -> object:
                return save_incident_form(
                    s,
                    a,
                    details=details,  # noqa: B023
                    pending=note,  # noqa: B023
                    incident_id=incident_id,
                    expected_version=version,  # noqa: B023
                )

            window.context.write(save_alone, announce=False)
            alone.append(time.perf_counter() - started)
            editor.reload()
        editor.close()
        window.close()
        window.deleteLater()
        app.processEvents()
    shown = statistics.median(saves)
    base = statistics.median(alone)
    return Measurement(
        shown,
        "s",
        baseline=base,
        note=f"the main window's screens {statistics.median(screens) * 1000:.0f} ms (goal ≤ 50 "
        "ms; before: 324 ms); the rest is the save and the incident's own window",
        details={"screens": statistics.median(screens)},
    )


@figure("Whole app signed in: peak memory, every section, list scrolled (baseline bare window)")
def app_peak_memory(bench: Bench) -> Measurement:
    """The peak resident set of the app in a process of its own (`bench.app_child`): the
    DSL's main window, each section opened, the list scrolled to its end, a search typed;
    against the bare PySide6 window with a table."""
    from bench.child import run_child

    if bench.database_path is None:
        return not_applicable("the app is measured on a SQLite log")
    _set_up_for_sign_in(bench)
    bare = run_child(["-c", BARE_WINDOW])
    app = run_child(["-m", "bench.app_child", f"sqlite:///{bench.database_path}"])
    return Measurement(
        app.peak_mb,
        "MB",
        baseline=bare.peak_mb,
        note=f"goal ≤ 300 MB; {app.output.strip().splitlines()[-1]}",
    )
