"""The dashboard: open work at a glance; each figure opens the matching list."""

from __future__ import annotations

from datetime import date

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
from app.core.services.changes import Changes
from app.core.services.cp_transfer import list_transfers
from app.core.services.dashboard import (
    ActivityRow,
    DashboardFigures,
    dashboard_figures,
    recent_activity,
)
from app.core.services.due import DUE_SHOWN, DueItem, due_list
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
    #: A subject access request's due item was opened (the request's id).
    show_subject_access = Signal(int)
    open_incident = Signal(int)
    #: The count of due items changed (the navigation shows it).
    due_moved = Signal()

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
        #: The most urgent due items shown (at most DUE_SHOWN), and how many there are.
        self.due_items: list[DueItem] = []
        self.due_total = 0
        self.more_due = QPushButton()
        self.more_due.setFlat(True)
        self.more_due.setAccessibleName("Show every incident with something overdue")
        self.more_due.hide()
        self.open_by_status: dict[IncidentStatus, int] = {}
        self.counts = {"safeguarding": 0, "overdue": 0}
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
        layout.addWidget(self.more_due, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(QLabel("Recent activity (double-click to open)"))
        layout.addWidget(self.recent, 1)

        self.open_total.clicked.connect(lambda: self.show_incidents.emit({"status": OPEN_STATUSES}))
        self.safeguarding.clicked.connect(
            lambda: self.show_incidents.emit({"status": OPEN_STATUSES, "safeguarding_only": True})
        )
        self.overdue.clicked.connect(lambda: self.show_incidents.emit({"overdue_only": True}))
        self.more_due.clicked.connect(lambda: self.show_incidents.emit({"overdue_only": True}))
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
        context.changed.connect(self.apply_changes)
        self.refresh()

    def _open_due(self, item: QTreeWidgetItem, _column: int) -> None:
        due = self.due_items[item.data(0, Qt.ItemDataRole.UserRole)]
        if due.kind == "transfer":
            self.confirm_transfer(due.record_id)
        if due.kind == "sar":
            self.show_subject_access.emit(due.record_id)
        elif due.incident_id is None:
            self.show_exceptions.emit()
        else:
            self.open_incident.emit(due.incident_id)

    def confirm_transfer(self, transfer_id: int) -> None:
        """A child protection file awaiting receipt: the slip came back (Confirm receipt)."""
        # Imported when needed: the dashboard is the first page built at sign-in.
        from app.ui.people.cp_transfer_dialog import ReceiptDialog

        rows = [r for r in self.context.read(list_transfers) if r.id == transfer_id]
        if rows:
            dialog = ReceiptDialog(self.context, rows[0], self)
            dialog.exec()
            dialog.deleteLater()

    def refresh(self) -> None:
        """Read every figure and the most urgent due items again (start, F5, a new day,
        a change beyond incidents)."""
        self._warn_about_backups()
        figures: DashboardFigures = self.context.read(dashboard_figures)
        overdue = self.context.read(lambda s: count_incidents(s, IncidentFilter(overdue_only=True)))
        self.open_by_status = dict(figures.open_by_status)
        self.counts = {"safeguarding": figures.open_safeguarding, "overdue": overdue}
        self.reviews.show_count(figures.exception_reviews_due)
        self._show_counts()
        today = today_london()
        due = self.context.read(lambda s: due_list(s, today, limit=DUE_SHOWN))
        self.due_items, self.due_total = due.items, due.total
        self._show_due(today)
        self._show_recent(figures)

    def apply_changes(self, changes: Changes) -> None:
        """A save that touched only some incidents: the counts move by what it moved, their
        due items are replaced by those the save read, and the recent activity (the newest
        few) is read again.
        The whole due list is read again only if it is left short of what it shows."""
        for status, step in changes.status_moves().items():
            self.open_by_status[status] = self.open_by_status.get(status, 0) + step
        for count in self.counts:
            self.counts[count] += changes.moved(count)
        self._show_counts()
        today = changes.today
        ids = changes.incidents
        theirs = changes.due_after  # read by the save itself, in its transaction
        kept = [item for item in self.due_items if item.incident_id not in ids]
        self.due_total += changes.moved("due")
        merged = sorted(kept + theirs, key=lambda item: (item.due_on, item.kind, item.record_id))
        last = self.due_items[-1] if len(self.due_items) >= DUE_SHOWN else None
        if last is not None:  # beyond the last shown, an item of theirs is not known to fit
            merged = [i for i in merged if (i.due_on, i.kind, i.record_id) <= _key(last)]
        if len(merged) < min(self.due_total, DUE_SHOWN):
            due = self.context.read(lambda s: due_list(s, today, limit=DUE_SHOWN))
            merged, self.due_total = due.items, due.total
        self.due_items = merged[:DUE_SHOWN]
        self._show_due(today)
        self.recent_rows(self.context.read(recent_activity))

    def _show_counts(self) -> None:
        self.open_total.show_count(sum(self.open_by_status.values()))
        self.safeguarding.show_count(self.counts["safeguarding"])
        self.overdue.show_count(self.counts["overdue"])
        for status, button in self.by_status.items():
            button.show_count(self.open_by_status.get(status, 0))

    def _show_due(self, today: date) -> None:
        self.due.clear()
        rows = []
        for index, due in enumerate(self.due_items):
            late = due.days_overdue(today)
            days = f"{abs(late)} day{'s' if abs(late) != 1 else ''}"
            # A data breach's 72 hours are listed before they run out.
            lateness = "due today" if late == 0 else (f"in {days}" if late < 0 else days)
            item = QTreeWidgetItem(
                [format_date(due.due_on), lateness, due.reference or _place(due), due.what]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, index)
            rows.append(item)
        self.due.addTopLevelItems(rows)
        more = self.due_total - len(self.due_items)
        self.more_due.setText(
            f"…and {more:,} more: show the incidents with something overdue" if more > 0 else ""
        )
        self.more_due.setVisible(more > 0)
        self.due_moved.emit()

    def _show_recent(self, figures: DashboardFigures) -> None:
        self.recent_rows(figures.recent)

    def recent_rows(self, rows: list[ActivityRow]) -> None:
        """Show the latest timeline entries."""
        self.recent.clear()
        for row in rows:
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


#: What the third column says for an item that belongs to no incident.
_PLACES = {"transfer": "File transfer", "sar": "Subject access"}


def _place(due: DueItem) -> str:
    """Where an item with no incident lives: a transfer, a request's page, or the register."""
    return _PLACES.get(due.kind, "Register")


def _key(item: DueItem) -> tuple[date, str, int]:
    return (item.due_on, item.kind, item.record_id)
