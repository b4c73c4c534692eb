"""The incident list at any size: a bounded window of rows, Ctrl+End from the other end,
and the total counted off the GUI thread (a stale count never shows)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.core.db import Database
from app.core.models import User
from app.core.services.incident_queries import IncidentFilter, IncidentRow, IncidentSort, PageCursor
from app.core.vocab import IncidentStatus, Platform, Severity
from app.ui.context import AppContext
from app.ui.incidents import list_controller
from app.ui.incidents.list_controller import IncidentListController
from app.ui.incidents.list_view import IncidentListView
from app.ui.incidents.table_model import COLUMNS, IncidentTableModel
from tests.ui.test_incident_table_model import Source, _seed


class FakeLog:
    """5,000 rows in id order, paged by keyset either way, counting what was fetched."""

    def __init__(self, size: int) -> None:
        self.size, self.calls, self.rows_fetched = size, 0, 0

    def __call__(
        self, after: PageCursor | None, limit: int, sort: IncidentSort, descending: bool
    ) -> list[IncidentRow]:
        self.calls += 1
        ids = range(self.size, 0, -1) if descending else range(1, self.size + 1)
        if after is not None:
            ids = [i for i in ids if (i < after.id if descending else i > after.id)]  # type: ignore[assignment]
        page = [_row(i) for i in list(ids)[:limit]]
        self.rows_fetched += len(page)
        return page


def _row(i: int) -> IncidentRow:
    return IncidentRow(
        id=i,
        reference=f"SM-2026-{i:06d}",
        seen_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=i),
        platform=Platform.TIKTOK,
        platform_other="",
        severity=Severity.LOW,
        status=IncidentStatus.NEW,
        safeguarding_concern=False,
        cursor=PageCursor(i, i),
    )


def test_the_window_stays_bounded_scrolling_through_5000_rows(qtbot: QtBot) -> None:
    log = FakeLog(5_000)
    model = IncidentTableModel(log)
    model.reload()
    seen = [model.row_at(r).id for r in range(model.rowCount())]
    most = model.rowCount()
    while model.canFetchMore():
        last = model.row_at(model.rowCount() - 1).id
        model.fetchMore()
        most = max(most, model.rowCount())
        at = next(r for r in range(model.rowCount()) if model.row_at(r).id == last)
        seen += [model.row_at(r).id for r in range(at + 1, model.rowCount())]
    assert seen == list(range(5_000, 0, -1))  # every row once, in order, none skipped
    assert most <= model.PAGE_SIZE * model.WINDOW_PAGES
    assert not model.at_start() and model.at_end()
    # Back up to the top: the dropped pages come back, still bounded.
    while model.can_fetch_before():
        model.fetch_before()
        assert model.rowCount() <= model.PAGE_SIZE * model.WINDOW_PAGES
    assert model.row_at(0).id == 5_000 and model.at_start()


def test_ctrl_end_shows_the_last_rows_without_fetching_the_rest(
    qtbot: QtBot, database: Database, actor: User
) -> None:
    _seed(database, actor, 45)
    view = IncidentListView()
    qtbot.addWidget(view)
    controller = IncidentListController(AppContext(database, actor.id), view)
    controller.model.PAGE_SIZE = 10
    controller.model.WINDOW_PAGES = 2
    pages = Source(database)
    controller.model.set_source(pages)
    view.resize(900, 400)
    view.show()
    qtbot.waitExposed(view)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    model = controller.model
    assert pages.calls == 2  # the first page, then the last from the other end
    assert model.rowCount() == 10 and model.at_end() and not model.at_start()
    references = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert references == sorted(references, reverse=True)  # oldest seen last
    assert view.table.currentIndex().row() == model.rowCount() - 1
    oldest = model.row_at(model.rowCount() - 1).seen_at
    assert oldest == datetime(2026, 6, 1, tzinfo=UTC)  # the first one seeded
    # Scrolling up from the end brings the pages before, by keyset the other way.
    view.table.verticalScrollBar().setValue(0)
    assert model.rowCount() == 20 and model.row_at(0).seen_at == oldest + timedelta(hours=19)
    qtbot.keyClick(view.table, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    assert model.at_start() and model.row_at(0).seen_at == oldest + timedelta(hours=44)


@pytest.mark.parametrize("column", range(len(COLUMNS)))
def test_paging_up_and_down_agrees_with_one_query_for_every_column(
    qtbot: QtBot, database: Database, actor: User, column: int
) -> None:
    _seed(database, actor, 23)
    model = IncidentTableModel(Source(database))
    model.PAGE_SIZE, model.WINDOW_PAGES = 200, 1
    model.sort(column, Qt.SortOrder.DescendingOrder)
    whole = [model.row_at(r).id for r in range(model.rowCount())]
    assert len(whole) == 23
    model.PAGE_SIZE, model.WINDOW_PAGES = 4, 2
    model.go_to_end()
    shown = [model.row_at(r).id for r in range(model.rowCount())]
    while model.can_fetch_before():
        model.fetch_before()
        shown = [model.row_at(r).id for r in range(4)] + shown
        shown = list(dict.fromkeys(shown))
    assert shown == whole


def test_the_count_arrives_later_and_a_stale_one_is_dropped(
    qtbot: QtBot, database: Database, actor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seed(database, actor, 30)
    view = IncidentListView()
    qtbot.addWidget(view)
    controller = IncidentListController(AppContext(database, actor.id), view)
    qtbot.waitUntil(lambda: view.count.text() == "30 incidents", timeout=3000)
    controller.model.PAGE_SIZE = 5
    # The first count is held back until a newer one has been shown.
    release = threading.Event()
    counted = controller._count
    calls: list[str] = []

    def slow_then_quick(flt: IncidentFilter, cap: int | None) -> int:
        calls.append(flt.text)
        if len(calls) == 1:
            release.wait(5)
            return 999
        return counted(flt, cap)

    controller._counting.setMaxThreadCount(2)
    monkeypatch.setattr(controller, "_count", slow_then_quick)
    controller.refresh()
    assert view.count.text() == "Counting incidents…"  # the page is there; the total follows
    assert controller.model.rowCount() == 5
    view.search.setText("trip")
    qtbot.waitUntil(lambda: view.count.text() == "30 incidents", timeout=3000)
    assert calls == ["", "trip"]
    release.set()
    assert controller.wait_for_count()
    qtbot.wait(50)
    assert view.count.text() == "30 incidents"  # the older count (999) never replaced it
    monkeypatch.setattr(list_controller, "SEARCH_COUNT_CAP", 3)
    view.search.setText("number")
    qtbot.waitUntil(lambda: view.count.text() == "3+ incidents", timeout=3000)
