"""The incident list's behaviour: filters to a service query, search as you type, open."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QEvent, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView

from app.core.services.incident_queries import (
    IncidentFilter,
    IncidentRow,
    IncidentSort,
    PageCursor,
    count_incidents,
    find_incidents,
)
from app.core.vocab import Category, Platform, Severity
from app.logging_setup import log, sanitised_traceback
from app.ui.context import AppContext
from app.ui.incidents.inspection_export import InspectionExporter
from app.ui.incidents.list_view import OPEN_STATUSES, IncidentListView
from app.ui.incidents.table_model import IncidentIdRole, IncidentTableModel

#: Search waits this long after the last key press (ms): long enough that a burst of
#: keys runs one query, short enough that key press to list updated stays under 100 ms.
SEARCH_DELAY_MS = 40
#: A search's total is counted only this far ("1,000+ incidents"): past it the number
#: tells the DSL nothing more, and "s" matches nearly the whole log.
SEARCH_COUNT_CAP = 1_000


class _Counted(QObject):
    """Carries a count from the worker thread to the GUI thread (queued)."""

    done = Signal(int, int)  # generation, count (-1: could not be counted)


class _Count(QRunnable):
    """Counts the matches in its own unit of work on a pool thread (SQLite connections
    are per thread; `AppContext.read` opens a session for this call alone)."""

    def __init__(self, work: Callable[[], int], generation: int, counted: _Counted) -> None:
        super().__init__()
        self.work, self.generation, self.counted = work, generation, counted

    def run(self) -> None:
        try:
            total = self.work()
        except Exception as exc:  # shown as no count; logged without values
            log.error(
                "incident count failed: %s", sanitised_traceback(type(exc), exc.__traceback__)
            )
            total = -1
        with contextlib.suppress(RuntimeError):  # the list closed while counting
            self.counted.done.emit(self.generation, total)


class IncidentListController(QObject):
    """Keeps the table in step with the filters and the data."""

    #: The DSL asked to open an incident (its id).
    open_requested = Signal(int)
    new_requested = Signal()

    def __init__(self, context: AppContext, view: IncidentListView) -> None:
        super().__init__(view)
        self.context = context
        self.view = view
        self.person_id: int | None = None
        self.person_name = ""
        self.filter = IncidentFilter()
        self.model = IncidentTableModel(self._page, view)
        view.table.setModel(self.model)
        # Made before `_counted`, so closing the list waits for a running count first.
        self._counting = QThreadPool(self)
        self._counting.setMaxThreadCount(1)
        self._counted = _Counted(self)
        self._counted.done.connect(self._count_arrived)
        #: Bumped by every refresh: a count for an older one is dropped when it arrives.
        self.generation = 0
        self.model.shifted_above.connect(self._keep_rows_in_place)
        view.table.verticalScrollBar().valueChanged.connect(self._scrolled)
        view.table.installEventFilter(self)
        view.apply_column_widths()
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filters)
        view.search.textChanged.connect(self._search_timer.start)
        view.search.returnPressed.connect(self.apply_filters)
        for combo in (view.status, view.category, view.platform, view.severity):
            combo.currentIndexChanged.connect(self.apply_filters)
        for box in (view.safeguarding_only, view.overdue_only, view.show_withdrawn):
            box.toggled.connect(self.apply_filters)
        view.seen_from.changed.connect(self.apply_filters)
        view.seen_to.changed.connect(self.apply_filters)
        view.clear.clicked.connect(self.clear_filters)
        view.person_clear.clicked.connect(lambda: self.show_person(None, ""))
        view.table.doubleClicked.connect(lambda index: self._open(index.row()))
        view.table.activated.connect(lambda index: self._open(index.row()))
        view.new_incident.clicked.connect(self.new_requested)
        context.data_changed.connect(self.refresh)
        #: "Export for inspection…": the list as filtered, every row of it.
        self.exporter = InspectionExporter(self)
        self._show_person_label()
        self.apply_filters()

    def current_filter(self) -> IncidentFilter:
        """The filter the view's controls describe."""
        v = self.view
        status = v.status.value()
        return IncidentFilter(
            statuses=frozenset({status}) if status is not None else frozenset(),
            open_only=v.status.currentData() == OPEN_STATUSES,
            categories=_one(v.category.value(), Category),
            platforms=_one(v.platform.value(), Platform),
            severities=_one(v.severity.value(), Severity),
            seen_from=v.seen_from.value(),
            seen_to=v.seen_to.value(),
            person_id=self.person_id,
            safeguarding_only=v.safeguarding_only.isChecked(),
            overdue_only=v.overdue_only.isChecked(),
            include_withdrawn=v.show_withdrawn.isChecked(),
            text=v.search.text(),
        )

    def apply_filters(self) -> None:
        """Re-run the query with the current filters, from the first page."""
        self._search_timer.stop()
        self.filter = self.current_filter()
        self.refresh()

    def refresh(self) -> None:
        """Reload the rows (after a save, F5, or a filter change); the total follows: at
        once when the first page holds every match, else counted off the GUI thread."""
        self.generation += 1
        self.model.reload()
        if self.model.at_end():  # the first page is all of them: nothing to count
            self._show_count(self.model.rowCount())
            return
        self.view.count.setText("Counting incidents…")
        flt, generation = self.filter, self.generation
        cap = SEARCH_COUNT_CAP if flt.text.strip() else None
        work = partial(self._count, flt, cap)
        self._counting.start(_Count(work, generation, self._counted))

    def wait_for_count(self, msecs: int = 5000) -> bool:
        """Wait for counts under way (tests and the bench); True when none is left."""
        return self._counting.waitForDone(msecs)

    def _count(self, flt: IncidentFilter, cap: int | None) -> int:
        return self.context.read(lambda s: count_incidents(s, flt, cap=cap))

    @Slot(int, int)
    def _count_arrived(self, generation: int, total: int) -> None:
        if generation != self.generation:  # the filters changed since: a newer one follows
            return
        cap = SEARCH_COUNT_CAP if self.filter.text.strip() else None
        if total < 0:
            self.view.count.setText("")
        elif cap is not None and total > cap:
            self.view.count.setText(f"{cap:,}+ incidents")
        else:
            self._show_count(total)

    def _show_count(self, total: int) -> None:
        noun = "incident" if total == 1 else "incidents"
        self.view.count.setText(f"{total:,} {noun}")

    # -- the window of rows ------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Ctrl+End and Ctrl+Home on the table: the list's real ends, not the rows held."""
        if watched is self.view.table and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
            if ctrl and event.key() == Qt.Key.Key_End and not self.model.at_end():
                self.go_to_end()
                return True
            if ctrl and event.key() == Qt.Key.Key_Home and not self.model.at_start():
                self.go_to_start()
                return True
        return super().eventFilter(watched, event)

    def go_to_end(self) -> None:
        """The last rows of the list, from a query from the other end (nothing between)."""
        self.model.go_to_end()
        self._select_row(self.model.rowCount() - 1)
        self.view.table.scrollToBottom()

    def go_to_start(self) -> None:
        """The first rows again."""
        self.model.reload()
        self._select_row(0)
        self.view.table.scrollToTop()

    def _select_row(self, row: int) -> None:
        table = self.view.table
        if row >= 0:
            table.setCurrentIndex(self.model.index(row, max(table.currentIndex().column(), 0)))

    def _scrolled(self, value: int) -> None:
        # At the top of the rows held, with rows dropped above: bring the page before.
        if value == self.view.table.verticalScrollBar().minimum() and self.model.can_fetch_before():
            self.model.fetch_before()

    def _keep_rows_in_place(self, rows: int) -> None:
        """Rows were added (or dropped) above those on screen: scroll by as much, so the
        rows the DSL is looking at stay where they were."""
        table = self.view.table
        table.updateGeometries()  # the scroll bar's range, for the rows held now
        step = 1
        if table.verticalScrollMode() == QAbstractItemView.ScrollMode.ScrollPerPixel:
            step = table.verticalHeader().defaultSectionSize()
        bar = table.verticalScrollBar()
        bar.blockSignals(True)  # not a scroll by the DSL: no page is fetched for it
        bar.setValue(bar.value() + rows * step)
        bar.blockSignals(False)
        table.viewport().update()

    def clear_filters(self) -> None:
        """Back to every incident not withdrawn."""
        v = self.view
        widgets = (
            v.search,
            v.status,
            v.category,
            v.platform,
            v.severity,
            v.seen_from,
            v.seen_to,
            v.safeguarding_only,
            v.overdue_only,
            v.show_withdrawn,
        )
        for widget in widgets:
            widget.blockSignals(True)
        v.search.clear()
        for combo in (v.status, v.category, v.platform, v.severity):
            combo.setCurrentIndex(0)
        v.seen_from.set_value(None)
        v.seen_to.set_value(None)
        for box in (v.safeguarding_only, v.overdue_only, v.show_withdrawn):
            box.setChecked(False)
        for widget in widgets:
            widget.blockSignals(False)
        self.person_id = None
        self._show_person_label()
        self.apply_filters()

    def show_person(self, person_id: int | None, name: str) -> None:
        """Narrow the list to one person's incidents (None: everyone)."""
        self.person_id, self.person_name = person_id, name
        self._show_person_label()
        self.apply_filters()

    def show_preset(self, **changes: object) -> None:
        """Apply a dashboard figure's filter: clear, then set the named controls."""
        self.clear_filters()
        v = self.view
        if "status" in changes:
            index = v.status.findData(str(changes["status"]))
            v.status.setCurrentIndex(max(index, 0))
        if changes.get("safeguarding_only"):
            v.safeguarding_only.setChecked(True)
        if changes.get("overdue_only"):
            v.overdue_only.setChecked(True)
        self.apply_filters()

    def focus_search(self) -> None:
        """Ctrl+F: put the cursor in the search box, text selected."""
        self.view.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.view.search.selectAll()

    def _page(
        self, after: PageCursor | None, limit: int, sort: IncidentSort, descending: bool
    ) -> list[IncidentRow]:
        return self.context.read(
            lambda s: find_incidents(
                s, self.filter, sort=sort, descending=descending, limit=limit, after=after
            )
        )

    def _open(self, row: int) -> None:
        incident_id = self.model.index(row, 0).data(IncidentIdRole)
        if isinstance(incident_id, int):
            self.open_requested.emit(incident_id)

    def _show_person_label(self) -> None:
        showing = self.person_id is not None
        self.view.person_label.setText(f"Involving {self.person_name}" if showing else "")
        self.view.person_label.setVisible(showing)
        self.view.person_clear.setVisible(showing)


def _one(value: object, kind: type) -> frozenset:  # type: ignore[type-arg]
    return frozenset({value}) if isinstance(value, kind) else frozenset()
