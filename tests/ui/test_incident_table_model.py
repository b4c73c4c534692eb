"""The incident list's model on its own: paging, SQL sorting, filters and search."""

from __future__ import annotations

import gc
import weakref
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.core.actors import SYSTEM
from app.core.clock import set_clock
from app.core.db import Database
from app.core.models import User
from app.core.services.incident_queries import (
    IncidentFilter,
    IncidentRow,
    IncidentSort,
    PageCursor,
    find_incidents,
)
from app.core.vocab import Platform, Severity
from app.ui.incidents.table_model import COLUMNS, IncidentIdRole, IncidentTableModel
from tests.factories import make_incident


class Source:
    """Feeds the model from the service, counting the pages asked for."""

    def __init__(self, database: Database, flt: IncidentFilter | None = None) -> None:
        self.database, self.flt, self.calls = database, flt or IncidentFilter(), 0

    def __call__(
        self, after: PageCursor | None, limit: int, sort: IncidentSort, descending: bool
    ) -> list[IncidentRow]:
        self.calls += 1
        with self.database.read(SYSTEM) as s:
            return find_incidents(
                s, self.flt, sort=sort, descending=descending, limit=limit, after=after
            )


def _seed(database: Database, actor: User, count: int) -> None:
    set_clock(lambda: datetime(2026, 11, 20, 12, tzinfo=UTC))
    with database.write(actor) as s:
        for i in range(count):
            make_incident(
                s,
                actor,
                happened_at=None,
                seen_at=datetime(2026, 6, 1, tzinfo=UTC) + timedelta(hours=i),
                platform=Platform.TIKTOK if i % 3 == 0 else Platform.FACEBOOK,
                severity=list(Severity)[i % 4],
                summary=f"Incident number {i} about the Year {i % 7} trip",
            )


def test_pages_arrive_as_the_view_asks(qtbot: QtBot, database: Database, actor: User) -> None:
    _seed(database, actor, 45)
    source = Source(database)
    model = IncidentTableModel(source)
    model.PAGE_SIZE = 20
    model.reload()
    assert model.rowCount() == 20 and model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 40
    model.fetchMore()
    assert model.rowCount() == 45 and not model.canFetchMore()
    assert source.calls == 3
    references = [model.index(r, 0).data() for r in range(45)]
    assert len(set(references)) == 45
    assert model.columnCount() == len(COLUMNS)
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Reference"


def test_sorting_asks_the_database_again(qtbot: QtBot, database: Database, actor: User) -> None:
    _seed(database, actor, 12)
    source = Source(database)
    model = IncidentTableModel(source)
    model.reload()
    severity_column = next(i for i, c in enumerate(COLUMNS) if c.sort is IncidentSort.SEVERITY)
    model.sort(severity_column, Qt.SortOrder.DescendingOrder)
    shown = [model.index(r, severity_column).data() for r in range(model.rowCount())]
    assert shown == sorted(shown, key=["Low", "Medium", "High", "Critical"].index, reverse=True)
    model.sort(0, Qt.SortOrder.AscendingOrder)
    shown = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert shown == sorted(shown)
    assert source.calls == 3


def test_filters_and_search_change_the_rows(qtbot: QtBot, database: Database, actor: User) -> None:
    _seed(database, actor, 30)
    model = IncidentTableModel(
        Source(database, IncidentFilter(platforms=frozenset({Platform.TIKTOK})))
    )
    model.reload()
    assert model.rowCount() == 10
    assert {model.index(r, 2).data() for r in range(10)} == {"TikTok"}
    model.set_source(Source(database, IncidentFilter(text="number 7 trip")))
    assert model.rowCount() == 1
    incident_id = model.index(0, 0).data(IncidentIdRole)
    assert isinstance(incident_id, int)


class _Cycle:
    """Garbage only the cyclic collector can free."""

    def __init__(self) -> None:
        self.me = self


def test_reloading_leaves_garbage_to_the_collector(
    qtbot: QtBot, database: Database, actor: User
) -> None:
    """Freezing the collector straight after a reload once kept every F5's and search's
    cyclic garbage for good (the soak test grew by almost 1 MB a round). The list holds a
    bounded window of rows now and freezes nothing."""
    _seed(database, actor, 45)
    model = IncidentTableModel(Source(database))
    model.PAGE_SIZE = 20
    try:
        for fetch_pages in (1, 3):
            garbage = weakref.ref(_Cycle())
            model.reload()  # the first page only
            while model.rowCount() < fetch_pages * 20 and model.canFetchMore():
                model.fetchMore()  # scrolling down: later pages are frozen
            gc.collect()
            assert garbage() is None, f"garbage kept with {model.rowCount()} rows shown"
        assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()
