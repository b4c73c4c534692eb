"""The soak driver: the real main window on a demo log, driven from the keyboard for many
rounds, as a DSL who leaves Footprint open all day would.

Run in its own process (tests/soak/test_soak.py does), so that a crash in Qt ends the
process — a crisp failure — and the memory figures are the app's own::

    python -m tests.soak.driver --database sqlite:///demo.sqlite3 --username soak \\
        --password '...' --settings layout.ini --rounds 2000

Every round: F5; Ctrl+F, type a search, Enter, check the rows are the matching incidents,
then clear it and check every incident is back; Ctrl+1 / Ctrl+2 / Ctrl+3 (dashboard, list,
people), checking each page is the one showing. Every `--editor-every` rounds: Enter on
a row opens its incident window (checked), Esc closes it, and none is left. Every
`--lock-every` rounds: Ctrl+L, check every window is covered, type the password, check
the covers are gone (each unlock checks the password with argon2: ~0.1 s).

A failed check, or an error raised in the app's own code (Qt reports those to
`sys.excepthook` and carries on, so a round could otherwise pass over one), exits 1 with
a plain message on stderr. At the end one JSON line on stdout
gives the figures (rounds, seconds, resident memory after warm-up and at the end, its
growth per 1,000 rounds, widget counts, versions).
"""

from __future__ import annotations

import argparse
import faulthandler
import gc
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt is imported

import PySide6
from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QMessageLogContext,
    QSettings,
    Qt,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.core.security.logkeys import unlock_with_password
from app.core.services.incident_queries import IncidentFilter, count_incidents, find_incidents
from app.core.startup import log_file, open_log
from app.ui.accounts import SignInDialog
from app.ui.idle_lock import Blind, LockDialog
from app.ui.incidents.editor import IncidentEditor
from app.ui.incidents.table_model import IncidentIdRole
from app.ui.main_window import DASHBOARD, INCIDENTS, PEOPLE, MainWindow
from tests.ui.helpers import make_active, press

CTRL = Qt.KeyboardModifier.ControlModifier


class SoakFailure(Exception):
    """A check failed: what the screen showed instead of what it should."""


#: Errors raised in the app's slots (Qt hands them to sys.excepthook and goes on).
APP_ERRORS: list[str] = []


def note_app_error(kind: type[BaseException], value: BaseException, tb: object) -> None:
    sys.__excepthook__(kind, value, tb)  # type: ignore[arg-type]
    APP_ERRORS.append(f"{kind.__name__}: {value}")


def resident_kib() -> int | None:
    """This process's resident memory (VmRSS) in KiB; None where /proc is missing."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def quiet_offscreen(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Qt's messages to stderr, less the offscreen platform's thousands of "This plugin
    does not support raise()" (a real screen supports it)."""
    if not message.startswith("This plugin does not support"):
        print(message, file=sys.stderr)


def settle() -> None:
    """Let queued work finish and windows closed with deleteLater really go."""
    QCoreApplication.processEvents()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SoakFailure(message)


class Soak:
    """One signed-in main window and the rounds run against it."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        # The encrypted log opens with the password, as at the window's sign-in.
        path = log_file(args.database)
        assert path is not None
        _, keys = unlock_with_password(path, args.username, args.password)
        self.log = open_log(args.database, keys=keys)
        self.window = self._sign_in_and_open()
        context = self.window.context
        self.total = context.read(lambda s: count_incidents(s, IncidentFilter()))
        check(self.total > 0, "the demo log holds no incidents")
        self.searches = self._choose_searches()
        self.timings: dict[str, list[float]] = {}

    # -- starting ----------------------------------------------------------------------
    def _sign_in_and_open(self) -> MainWindow:
        dialog = SignInDialog(self.log.database)
        dialog.show()
        QTest.keyClicks(dialog.username, self.args.username)
        QTest.keyClicks(dialog.password, self.args.password)
        QTest.keyClick(dialog.password, Qt.Key.Key_Return)
        check(
            dialog.result() == SignInDialog.DialogCode.Accepted and dialog.user_id is not None,
            f"signing in failed: {dialog.message.text() or 'the dialog stayed open'}",
        )
        user_id = dialog.user_id
        assert user_id is not None
        dialog.deleteLater()
        settings = QSettings(self.args.settings, QSettings.Format.IniFormat)
        window = MainWindow(self.log.database, user_id, settings)
        window.resize(1366, 768)
        window.show()
        QTest.qWaitForWindowExposed(window)
        settle()
        check(window.status_user.text().startswith("Signed in as"), "no one is signed in")
        return window

    def _choose_searches(self) -> list[tuple[str, set[int]]]:
        """A few names from the log, each with the incidents a search for it finds."""
        context = self.window.context
        rows = context.read(lambda s: find_incidents(s, IncidentFilter(), limit=60))
        words = sorted({name.split()[-1] for row in rows for name in row.posters + row.targets})
        searches: list[tuple[str, set[int]]] = []
        for word in words:
            flt = IncidentFilter(text=word)
            found = context.read(partial(find_incidents, flt=flt, limit=1000))
            if 0 < len(found) < self.total:
                searches.append((word, {row.id for row in found}))
            if len(searches) == 8:
                break
        check(bool(searches), "no name in the demo log to search for")
        return searches

    # -- what the screen shows ---------------------------------------------------------
    def shown_ids(self) -> list[int]:
        model = self.window.incidents.model if self.window.incidents else None
        check(model is not None, "the incident list is missing")
        assert model is not None
        while model.canFetchMore():
            model.fetchMore()
        return [model.index(r, 0).data(IncidentIdRole) for r in range(model.rowCount())]

    def page_is(self, page: int, name: str) -> None:
        w = self.window
        check(w.stack.currentIndex() == page, f"Ctrl+{page + 1} did not show {name}")
        shown = w.stack.currentWidget()
        check(shown is not None and shown.isVisible(), f"{name} is not visible")

    # -- the actions -------------------------------------------------------------------
    def refresh(self) -> None:
        press(self.window, Qt.Key.Key_F5)
        check(
            self.window.status_count.text().startswith(f"{self.total:,} incident"),
            f"after F5 the status bar reads {self.window.status_count.text()!r}",
        )

    def search(self, n: int) -> None:
        w = self.window
        word, expected = self.searches[n % len(self.searches)]
        press(w, Qt.Key.Key_F, CTRL)
        self.page_is(INCIDENTS, "the incident list")
        box = w.incident_view.search
        check(box.hasFocus() or QApplication.focusWidget() is box, "Ctrl+F did not reach search")
        QTest.keyClicks(box, word)
        QTest.keyClick(box, Qt.Key.Key_Return)
        shown = self.shown_ids()
        check(
            set(shown) == expected and len(shown) == len(expected),
            f"searching {word!r} showed {len(shown)} rows, not the {len(expected)} matching",
        )
        check(
            w.incident_view.count.text().startswith(f"{len(expected):,} incident"),
            f"the count reads {w.incident_view.count.text()!r} for {word!r}",
        )
        QTest.keyClick(box, Qt.Key.Key_A, CTRL)
        QTest.keyClick(box, Qt.Key.Key_Backspace)
        QTest.keyClick(box, Qt.Key.Key_Return)
        check(box.text() == "", "the search box did not clear")
        shown = self.shown_ids()
        check(len(shown) == self.total, f"after clearing, {len(shown)} of {self.total} shown")

    def switch_pages(self) -> None:
        for key, page, name in (
            (Qt.Key.Key_1, DASHBOARD, "the dashboard"),
            (Qt.Key.Key_3, PEOPLE, "people"),
            (Qt.Key.Key_2, INCIDENTS, "the incident list"),
        ):
            press(self.window, key, CTRL)
            self.page_is(page, name)

    def open_and_close_incident(self, n: int) -> None:
        w = self.window
        press(w, Qt.Key.Key_2, CTRL)
        table = w.incident_view.table
        row = n % table.model().rowCount()
        index = table.model().index(row, 0)
        incident_id = index.data(IncidentIdRole)
        reference = w.incidents.model.row_at(row).reference if w.incidents else ""
        table.setFocus()
        table.setCurrentIndex(index)
        QTest.keyClick(table, Qt.Key.Key_Return)
        editor = w.editors.get(incident_id)
        check(editor is not None, f"Enter on {reference} opened no incident window")
        assert editor is not None
        check(editor.isVisible(), f"the window for {reference} is not showing")
        check(editor.windowTitle().startswith(reference), f"it is titled {editor.windowTitle()!r}")
        make_active(editor)
        QTest.keyClick(editor, Qt.Key.Key_Escape)
        settle()
        left = w.findChildren(IncidentEditor)
        check(not w.editors and not left, f"{len(left)} incident window(s) left after Esc")

    def lock_and_unlock(self) -> None:
        w = self.window
        title = w.windowTitle()
        seen: list[str] = []
        failures: list[str] = []

        def unlock() -> None:
            dialog = QApplication.activeModalWidget()
            if not isinstance(dialog, LockDialog):
                failures.append("Ctrl+L showed no lock")
                return
            seen.append("locked")
            covered = [c for c in w.children() if isinstance(c, Blind) and c.isVisible()]
            if len(covered) != 1 or w.windowTitle() != "Footprint (locked)":
                failures.append("the main window was not covered while locked")
            QTest.keyClicks(dialog.password, self.args.password)
            QTest.keyClick(dialog.password, Qt.Key.Key_Return)
            if dialog.isVisible():  # never leave the driver waiting on the lock for ever
                failures.append(f"the password did not unlock: {dialog.message.text()!r}")
                dialog.accept()

        timer = QTimer(singleShot=True, interval=0)
        timer.timeout.connect(unlock)
        timer.start()
        press(w, Qt.Key.Key_L, CTRL)
        timer.stop()
        check(not failures, "; ".join(failures))
        check(bool(seen), "Ctrl+L did not lock")
        settle()
        covers = w.findChildren(Blind)
        check(not covers, f"{len(covers)} lock cover(s) left after unlocking")
        check(w.windowTitle() == title, f"the title reads {w.windowTitle()!r} after unlocking")
        locks = [t for t in QApplication.topLevelWidgets() if isinstance(t, LockDialog)]
        check(not locks, f"{len(locks)} lock window(s) left after unlocking")

    def round(self, n: int) -> None:
        a = self.args
        self.timed("refresh", self.refresh)
        self.timed("search", lambda: self.search(n))
        self.timed("pages", self.switch_pages)
        if n % a.editor_every == 0:
            self.timed("incident_window", lambda: self.open_and_close_incident(n))
        if n % a.lock_every == 0:
            self.timed("lock", self.lock_and_unlock)

    def timed(self, name: str, action: Callable[[], None]) -> None:
        started = time.perf_counter()
        action()
        spent, times = time.perf_counter() - started, self.timings.setdefault(name, [0.0, 0])
        times[0] += spent
        times[1] += 1

    # -- the run -----------------------------------------------------------------------
    def run(self) -> dict[str, object]:
        a = self.args
        warm_up = max(1, a.rounds // 5)
        started = warm_at = time.monotonic()
        warm: dict[str, int | None] = {}
        for n in range(1, a.rounds + 1):
            if a.abort_at == n:
                os.abort()  # only for the test that a dying driver fails the soak
            try:
                self.round(n)
                check(not APP_ERRORS, f"the app raised {' / '.join(APP_ERRORS)}")
            except SoakFailure as exc:
                raise SoakFailure(f"round {n}: {exc}") from None
            if n % 50 == 0:
                settle()
            if n % 250 == 0:  # progress, so a run stopped at its time limit says how far
                print(
                    f"round {n} of {a.rounds}, {time.monotonic() - started:.0f} s",
                    file=sys.stderr,
                    flush=True,
                )
            if n == warm_up:
                warm = self.measure()
                warm_at = time.monotonic()
        end = self.measure()
        seconds = time.monotonic() - started
        growth = None
        if warm.get("rss_kib") is not None and end["rss_kib"] is not None and a.rounds > warm_up:
            kib = end["rss_kib"] - warm["rss_kib"]  # type: ignore[operator]
            growth = round(kib / 1024 / (a.rounds - warm_up) * 1000, 2)
        return {
            "rounds": a.rounds,
            "warm_up_rounds": warm_up,
            "editor_every": a.editor_every,
            "lock_every": a.lock_every,
            "incidents": self.total,
            "seconds": round(seconds, 1),
            "seconds_after_warm_up": round(time.monotonic() - warm_at, 1),
            "rss_mib_warm": _mib(warm.get("rss_kib")),
            "rss_mib_end": _mib(end["rss_kib"]),
            "rss_growth_mib_per_1000_rounds": growth,
            "widgets_warm": warm.get("widgets"),
            "widgets_end": end["widgets"],
            "python_objects_warm": warm.get("objects"),
            "python_objects_end": end["objects"],
            "ms_per_action": {
                k: round(t / count * 1000, 1) for k, (t, count) in self.timings.items()
            },
            "python": platform.python_version(),
            "pyside6": PySide6.__version__,
            "qt": PySide6.QtCore.qVersion(),
        }

    def measure(self) -> dict[str, int | None]:
        settle()
        gc.collect()
        return {
            "rss_kib": resident_kib(),
            "widgets": len(QApplication.allWidgets()),
            "objects": len(gc.get_objects()) + gc.get_freeze_count(),
        }

    def close(self) -> None:
        self.window.close()
        settle()
        self.log.database.dispose()


def _mib(kib: int | None) -> float | None:
    return None if kib is None else round(kib / 1024, 1)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number above 0")
    return int(text)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.soak.driver", description=__doc__)
    parser.add_argument("--database", required=True, metavar="URL")
    parser.add_argument("--username", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--settings", required=True, metavar="FILE.ini", help="window layout")
    parser.add_argument("--rounds", type=_positive, default=2000, metavar="N")
    parser.add_argument("--editor-every", type=_positive, default=10, metavar="N")
    parser.add_argument("--lock-every", type=_positive, default=50, metavar="N")
    parser.add_argument("--abort-at", type=int, metavar="ROUND", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    faulthandler.enable()  # a crash in Qt prints where Python was
    qInstallMessageHandler(quiet_offscreen)
    sys.excepthook = note_app_error
    _app = QApplication.instance() or QApplication(sys.argv[:1])  # kept until the end
    try:
        soak = Soak(args)
        figures = soak.run()
    except SoakFailure as exc:  # the process ends here: nothing is closed that might ask
        print(f"soak failed: {exc}", file=sys.stderr)
        return 1
    soak.close()
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
