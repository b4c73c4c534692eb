"""After a save, the window moves only what the save changed (issue 16): the counts by
what moved, the saved incident's due items, never a recount of the whole log; the
dashboard lists the most urgent items with "and N more"; sections are built when first
shown."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

import app.ui.dashboard_page as dashboard_page
import app.ui.main_window as main_window
from app.core.clock import utc_now
from app.core.db import Database
from app.core.models import User
from app.core.services.deletion_requests import create_request
from app.core.services.incidents import create_incident
from app.core.services.involvements import add_involvement
from app.core.vocab import DeletionMethod, InvolvementRole
from app.ui.dashboard_page import DashboardPage
from app.ui.main_window import INCIDENTS, PEOPLE, SETTINGS, MainWindow
from tests.factories import incident_details, make_incident, make_person


def _overdue_request(database: Database, actor: User, days_late: int) -> int:
    """An incident with a deletion request whose deadline passed `days_late` days ago."""
    seen = utc_now() - timedelta(days=days_late + 10)
    with database.write(actor) as s:
        incident = make_incident(s, actor, seen_at=seen, happened_at=seen - timedelta(hours=1))
        poster = make_person(s, actor, given_name="Wiktoria", family_name=f"Nowak{days_late}")
        add_involvement(s, actor, incident.id, poster.id, InvolvementRole.POSTER)
        create_request(
            s,
            actor,
            incident.id,
            addressee_id=poster.id,
            method=DeletionMethod.EMAIL,
            sent_at=utc_now() - timedelta(days=days_late + 5),
            deadline=date.today() - timedelta(days=days_late),
        )
        return incident.id


def _counting(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[int]:
    calls: list[int] = []
    real: Callable[..., Any] = getattr(module, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def _fresh_counts(window: MainWindow) -> list[str]:
    """What a dashboard built now from the database shows."""
    fresh = DashboardPage(window.context)
    try:
        return _counts(fresh)
    finally:
        fresh.deleteLater()


def _counts(board: DashboardPage) -> list[str]:
    buttons = [board.open_total, board.safeguarding, board.overdue, *board.by_status.values()]
    return [button.text() for button in buttons]


def test_a_save_moves_the_counts_without_counting_again(
    qtbot: QtBot,
    window: MainWindow,
    database: Database,
    actor: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    late = _overdue_request(database, actor, days_late=4)
    with database.write(actor) as s:
        make_incident(s, actor)
    window.refresh_all()  # F5: everything read once
    board = window.dashboard
    assert board is not None
    qtbot.waitUntil(lambda: window.status_count.text() == "2 incidents in the log")
    figures = _counting(monkeypatch, dashboard_page, "dashboard_figures")
    due_lists = _counting(monkeypatch, dashboard_page, "due_list")
    counts = _counting(monkeypatch, main_window, "count_incidents")

    # The DSL marks the late incident a safeguarding concern and saves it.
    window.open_incident(late)
    editor = window.editors[late]
    editor.form.safeguarding_concern.setChecked(True)
    assert editor.save()

    assert (figures, due_lists, counts) == ([], [], [])  # nothing counted again
    assert board.safeguarding.text().startswith("1\n")
    assert _counts(board) == _fresh_counts(window)
    assert window.nav.item(0).text() == "Dashboard (1 due)"
    [due] = board.due_items
    assert due.incident_id == late

    # A new incident: the count in the status bar moves by one, without a recount.
    window.context.write(lambda s, a: create_incident(s, a, incident_details()))
    assert window.status_count.text() == "3 incidents in the log"
    assert counts == []
    assert _counts(board) == _fresh_counts(window)
    editor.discard_and_close()


def test_the_dashboard_shows_the_most_urgent_and_how_many_more(
    qtbot: QtBot,
    window: MainWindow,
    database: Database,
    actor: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(dashboard_page, "DUE_SHOWN", 2)  # 200 in the app
    for days in (3, 9, 6):
        _overdue_request(database, actor, days_late=days)
    window.refresh_all()
    board = window.dashboard
    assert board is not None
    assert board.due.topLevelItemCount() == 2
    rows = [board.due.topLevelItem(i) for i in range(2)]
    assert [row.text(1) for row in rows if row is not None] == ["9 days", "6 days"]
    assert window.nav.item(0).text() == "Dashboard (3 due)"
    assert board.more_due.isVisible()
    assert board.more_due.text().startswith("…and 1 more")
    qtbot.mouseClick(board.more_due, Qt.MouseButton.LeftButton)
    assert window.stack.currentIndex() == INCIDENTS
    assert window.incident_view.overdue_only.isChecked()
    qtbot.waitUntil(lambda: window.incident_view.count.text() == "3 incidents")


def test_sections_are_built_when_first_shown(
    qtbot: QtBot, database: Database, actor: User, tmp_path: Path
) -> None:
    settings = QSettings(str(tmp_path / "lazy.ini"), QSettings.Format.IniFormat)
    window = MainWindow(database, actor.id, settings)
    qtbot.addWidget(window)
    assert set(window.built) == {0}  # the dashboard, the first section
    window.go(SETTINGS)
    assert set(window.built) == {0, SETTINGS}
    assert window.stack.currentWidget() is window.settings_page
    window.go(PEOPLE)
    assert window.stack.currentWidget() is window.people
    assert set(window.built) == {0, SETTINGS, PEOPLE}
