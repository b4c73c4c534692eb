"""The dashboard: open work at a glance; each figure opens the matching list."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.backups import STALE_AFTER_DAYS, days_without_backup
from app.core.clock import today_london
from app.core.permissions import Permission
from app.core.services.dashboard import DashboardFigures, dashboard_figures
from app.core.services.due import DueItem, due_items
from app.core.services.incident_queries import IncidentFilter, count_incidents
from app.core.timefmt import format_date, format_datetime
from app.core.vocab import IncidentStatus
from app.ui.context import AppContext
from app.ui.incidents.list_view import OPEN_STATUSES
from app.ui.widgets.field_errors import error_label


class FigureButton(QPushButton):
    """A big number with a caption; clicking it opens the filtered list."""

    def __init__(self, caption: str) -> None:
        super().__init__()
        self.caption = caption
        self.setMinimumHeight(self.fontMetrics().height() * 3)

    def show_count(self, count: int) -> None:
        self.setText(f"{count:,}\n{self.caption}")
        self.setAccessibleName(f"{self.caption}: {count}")


class DashboardPage(QWidget):
    """Emits what to show when a figure is clicked."""

    show_incidents = Signal(dict)  # keyword changes for the incident list's filters
    show_exceptions = Signal()
    open_incident = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.open_total = FigureButton("open incidents")
        self.safeguarding = FigureButton("open safeguarding concerns")
        self.overdue = FigureButton("incidents with something overdue")
        self.reviews = FigureButton("exception reviews due")
        self.by_status: dict[IncidentStatus, FigureButton] = {
            status: FigureButton(status.label.lower())
            for status in IncidentStatus
            if status is not IncidentStatus.CLOSED
        }
        headline = QGridLayout()
        for column, button in enumerate(
            (self.open_total, self.safeguarding, self.overdue, self.reviews)
        ):
            headline.addWidget(button, 0, column)
        status_box = QGroupBox("Open incidents by status")
        status_layout = QGridLayout(status_box)
        for column, button in enumerate(self.by_status.values()):
            status_layout.addWidget(button, 0, column)
        self.due = QTreeWidget()
        self.due.setAccessibleName("Due and overdue, most urgent first")
        self.due.setHeaderLabels(["Due", "Overdue by", "Incident", "What"])
        self.due.setRootIsDecorated(False)
        for column, width in enumerate((95, 95, 115)):
            self.due.setColumnWidth(column, width)
        self.due_items: list[DueItem] = []
        self.recent = QTreeWidget()
        self.recent.setAccessibleName("Recent activity")
        self.recent.setHeaderLabels(["When", "Incident", "Who", "What"])
        self.recent.setRootIsDecorated(False)
        for column, width in enumerate((125, 115, 110)):
            self.recent.setColumnWidth(column, width)
        self.backup_warning = error_label()
        layout = QVBoxLayout(self)
        layout.addWidget(self.backup_warning)
        layout.addLayout(headline)
        layout.addWidget(status_box)
        layout.addWidget(QLabel("Due and overdue, most urgent first (double-click to open)"))
        layout.addWidget(self.due, 1)
        layout.addWidget(QLabel("Recent activity (double-click to open)"))
        layout.addWidget(self.recent, 1)

        self.open_total.clicked.connect(lambda: self.show_incidents.emit({"status": OPEN_STATUSES}))
        self.safeguarding.clicked.connect(
            lambda: self.show_incidents.emit({"status": OPEN_STATUSES, "safeguarding_only": True})
        )
        self.overdue.clicked.connect(lambda: self.show_incidents.emit({"overdue_only": True}))
        self.reviews.clicked.connect(self.show_exceptions)
        for status, button in self.by_status.items():
            button.clicked.connect(
                lambda _=False, s=status: self.show_incidents.emit({"status": s})
            )
        self.due.itemActivated.connect(self._open_due)
        self.recent.itemActivated.connect(
            lambda item, _c: self.open_incident.emit(item.data(0, Qt.ItemDataRole.UserRole))
        )
        context.data_changed.connect(self.refresh)
        self.refresh()

    def _open_due(self, item: QTreeWidgetItem, _column: int) -> None:
        due = self.due_items[item.data(0, Qt.ItemDataRole.UserRole)]
        if due.incident_id is None:
            self.show_exceptions.emit()
        else:
            self.open_incident.emit(due.incident_id)

    def refresh(self) -> None:
        self._warn_about_backups()
        figures: DashboardFigures = self.context.read(dashboard_figures)
        overdue = self.context.read(lambda s: count_incidents(s, IncidentFilter(overdue_only=True)))
        self.open_total.show_count(figures.open_total)
        self.safeguarding.show_count(figures.open_safeguarding)
        self.overdue.show_count(overdue)
        self.reviews.show_count(figures.exception_reviews_due)
        for status, button in self.by_status.items():
            button.show_count(figures.open_by_status.get(status, 0))
        today = today_london()
        self.due_items = self.context.read(lambda s: due_items(s, today))
        self.due.clear()
        for index, due in enumerate(self.due_items):
            late = due.days_overdue(today)
            days = f"{abs(late)} day{'s' if abs(late) != 1 else ''}"
            # A data breach's 72 hours are listed before they run out.
            lateness = "due today" if late == 0 else (f"in {days}" if late < 0 else days)
            item = QTreeWidgetItem(
                [format_date(due.due_on), lateness, due.reference or "Register", due.what]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, index)
            self.due.addTopLevelItem(item)
        self.recent.clear()
        for row in figures.recent:
            item = QTreeWidgetItem(
                [
                    format_datetime(row.occurred_at),
                    row.reference,
                    row.author,
                    row.text.replace("\n", " "),
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, row.incident_id)
            item.setToolTip(3, row.text)
            self.recent.addTopLevelItem(item)

    def _warn_about_backups(self) -> None:
        """For the DSL: say so when the log has gone a week without a backup."""
        log_path = self.context.database.file
        if log_path is None or not self.context.may(Permission.SETTINGS):
            return
        days = days_without_backup(log_path)
        if days is not None and days < STALE_AFTER_DAYS:
            self.backup_warning.hide()
            return
        self.backup_warning.setText(
            "This log has no backup yet."
            if days is None
            else f"The last backup of this log is {days} days old."
        )
        self.backup_warning.setText(
            self.backup_warning.text() + " Back it up now in Settings → Backups."
        )
        self.backup_warning.show()
