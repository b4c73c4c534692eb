"""The incident list's behaviour: filters to a service query, search as you type, open."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from app.core.services.incident_queries import (
    IncidentFilter,
    IncidentRow,
    IncidentSort,
    PageCursor,
    count_incidents,
    find_incidents,
)
from app.core.vocab import Category, Platform, Severity
from app.ui.context import AppContext
from app.ui.incidents.list_view import OPEN_STATUSES, IncidentListView
from app.ui.incidents.table_model import IncidentIdRole, IncidentTableModel

#: Search waits this long after the last key press (ms), so typing stays smooth.
SEARCH_DELAY_MS = 150


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
        """Reload the rows and the count (after a save, F5, or a filter change)."""
        total = self.context.read(lambda s: count_incidents(s, self.filter))
        self.model.reload()
        noun = "incident" if total == 1 else "incidents"
        self.view.count.setText(f"{total:,} {noun}")

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
