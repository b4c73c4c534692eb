"""The incident list screen's layout: filter bar, search, table. No logic here."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.vocab import Category, IncidentStatus, Platform, Severity
from app.ui.incidents.table_model import COLUMNS
from app.ui.widgets.choices import VocabCombo
from app.ui.widgets.dates import DateField

#: The status filter's extra choice: everything not closed.
OPEN_STATUSES = "open"


class IncidentListView(QWidget):
    """Search box, filters, the table and a count."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search summaries, links, accounts and names  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search incidents")

        self.status = VocabCombo(
            list(IncidentStatus), blank="Any status", accessible_name="Status filter"
        )
        self.status.insertItem(1, "Open (not closed)", OPEN_STATUSES)
        self.category = VocabCombo(
            list(Category), blank="Any category", accessible_name="Category filter"
        )
        self.platform = VocabCombo(
            list(Platform), blank="Any platform", accessible_name="Platform filter"
        )
        self.severity = VocabCombo(
            list(Severity), blank="Any severity", accessible_name="Severity filter"
        )
        self.seen_from = DateField(optional=True, tick_text="Seen from")
        self.seen_from.setAccessibleName("Seen from")
        self.seen_to = DateField(optional=True, tick_text="to")
        self.seen_to.setAccessibleName("Seen up to")
        self.safeguarding_only = QCheckBox("Safeguarding concerns only")
        self.overdue_only = QCheckBox("Overdue only")
        self.show_withdrawn = QCheckBox("Show withdrawn")
        self.person_label = QLabel()
        self.person_clear = QPushButton("Show everyone")
        self.person_clear.setAccessibleName("Stop filtering by person")
        self.clear = QPushButton("Clear filters")
        self.new_incident = QPushButton("New incident…")
        self.new_incident.setToolTip("Record a new incident (Ctrl+N)")
        self.count = QLabel()
        self.count.setAccessibleName("Number of incidents shown")
        # The list as filtered, every row of it, for an inspector (see inspection_export).
        self.export = QPushButton("Export for inspection…")
        self.export.setToolTip(
            "Save the list as filtered here — every incident, not only those on screen — "
            "as the list of referrals and their resolution"
        )
        export_menu = QMenu(self.export)
        self.export_csv = QAction("Spreadsheet for Excel (CSV)…", export_menu)
        self.export_pdf = QAction("Landscape PDF table…", export_menu)
        export_menu.addActions([self.export_csv, self.export_pdf])
        self.export.setMenu(export_menu)
        self.export_message = QLabel()
        self.export_message.setAccessibleName("What the export did")
        self.export_message.setWordWrap(True)

        self.table = QTableView()
        self.table.setAccessibleName("Incidents")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 10)
        rows.hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setSortIndicator(1, Qt.SortOrder.DescendingOrder)

        filters = QGridLayout()
        filters.addWidget(self.search, 0, 0, 1, 4)
        filters.addWidget(self.new_incident, 0, 4)
        filters.addWidget(self.status, 1, 0)
        filters.addWidget(self.category, 1, 1)
        filters.addWidget(self.platform, 1, 2)
        filters.addWidget(self.severity, 1, 3)
        filters.addWidget(self.clear, 1, 4)
        flags = QHBoxLayout()
        for widget in (
            self.seen_from,
            self.seen_to,
            self.safeguarding_only,
            self.overdue_only,
            self.show_withdrawn,
        ):
            flags.addWidget(widget)
        flags.addStretch(1)
        flags.addWidget(self.person_label)
        flags.addWidget(self.person_clear)
        filters.addLayout(flags, 2, 0, 1, 5)
        for column in range(4):
            filters.setColumnStretch(column, 1)

        bottom = QHBoxLayout()
        bottom.addWidget(self.count)
        bottom.addSpacing(16)
        bottom.addWidget(self.export_message, 1)
        bottom.addWidget(self.export)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

    def apply_column_widths(self) -> None:
        """Explicit widths from each column's typical length (never measured over rows)."""
        metrics = self.table.fontMetrics()
        for index, column in enumerate(COLUMNS):
            text = max(
                metrics.horizontalAdvance(column.sample),
                metrics.horizontalAdvance(column.title) + 16,
            )
            self.table.setColumnWidth(index, text + 14)
