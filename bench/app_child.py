"""`python -m bench.app_child URL`: the whole app, signed in as the log's DSL, used the way
a DSL would use it in a session, in a process of its own so `bench.startup_figures` can
read its peak memory: the main window on its first page, every section opened once, the
incident list scrolled to its end (Ctrl+End until the oldest row shows), then a search
typed. Prints what it did."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from app.core.actors import SYSTEM
from app.core.models import Incident, User
from app.core.startup import open_log
from app.core.vocab import UserRole

#: Longest the scroll may take before the child gives up (the figure then says so).
SCROLL_LIMIT_S = 180


def main(argv: list[str]) -> int:
    app = QApplication([])
    from app.ui.main_window import INCIDENTS, MainWindow

    log = open_log(argv[0])
    with log.database.read(SYSTEM) as session:
        dsl = session.scalar(select(User.id).where(User.role == UserRole.DSL).limit(1))
        oldest = session.scalar(
            select(Incident.id)
            .where(Incident.withdrawn_at.is_(None))
            .order_by(Incident.seen_at, Incident.id)
            .limit(1)
        )
    with tempfile.TemporaryDirectory() as folder:
        settings = QSettings(str(Path(folder) / "bench.ini"), QSettings.Format.IniFormat)
        window = MainWindow(log.database, dsl or log.user_id, settings)
        window.show()
        app.processEvents()
        for page in window.allowed_pages:
            window.go(page)
            app.processEvents()
        window.go(INCIDENTS)
        app.processEvents()
        controller = window.incidents
        assert controller is not None
        table, model = controller.view.table, controller.model
        table.setFocus()
        started, presses = time.perf_counter(), 0
        while (
            oldest is not None
            and model.rowCount()
            and model.row_at(model.rowCount() - 1).id != oldest
            and time.perf_counter() - started < SCROLL_LIMIT_S
        ):
            QTest.keyClick(table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
            app.processEvents()
            presses += 1
        scrolled, held = time.perf_counter() - started, model.rowCount()
        box = controller.view.search
        for typed in ("s", "sm", "smi"):
            box.setText(typed)
            while controller.filter.text != typed:
                app.processEvents()
        waiting = getattr(controller, "wait_for_count", None)
        if waiting is not None:
            waiting()
        app.processEvents()
        print(
            f"sections {len(window.allowed_pages)}; scrolled to the end in {scrolled:.1f} s "
            f"({presses} presses, {held:,} rows held); searched 'smi'"
        )
        window.close()
    log.database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
