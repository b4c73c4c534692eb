"""The incident's timeline, newest first; notes and corrections wait for Save."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.services.chronology import ChronologyRow
from app.core.services.incident_form import Amendment, PendingChanges
from app.core.timefmt import format_datetime
from app.core.vocab import ChronologyKind
from app.ui.widgets.field_errors import error_label


class TimelinePanel(QWidget):
    """Who did what and when; add a note; correct an entry (the original stays)."""

    changed = Signal()

    def __init__(self, pending: PendingChanges, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pending = pending
        self.saved: list[ChronologyRow] = []
        self.list = QTreeWidget()
        self.list.setAccessibleName("Timeline")
        self.list.setHeaderLabels(["When", "Who", "What", "Entry"])
        self.list.setRootIsDecorated(False)
        self.list.setWordWrap(True)
        for column, width in enumerate((125, 110, 120)):
            self.list.setColumnWidth(column, width)
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setAccessibleName("New note")
        self.note.setPlaceholderText("Add a note: what was done, who was spoken to, what they said")
        self.note.setMaximumHeight(self.fontMetrics().height() * 4)
        self.add_note = QPushButton("Add note")
        self.correct = QPushButton("Correct the selected entry…")
        self.error = error_label()
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_note)
        buttons.addWidget(self.correct)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addWidget(
            QLabel(
                "Entries are never changed or removed: a correction is a new "
                "entry linked to the original, which stays visible."
            )
        )
        layout.addWidget(self.note)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.add_note.clicked.connect(self.stage_note)
        self.correct.clicked.connect(self.stage_correction)

    def show_rows(self, saved: list[ChronologyRow]) -> None:
        """Show the stored timeline with staged notes and corrections on top."""
        self.saved = saved
        self.list.clear()
        italic = QFont()
        italic.setItalic(True)
        for amendment in reversed(self.pending.amendments):
            item = QTreeWidgetItem(["not saved yet", "", "Correction", amendment.text])
            item.setFont(0, italic)
            self.list.addTopLevelItem(item)
        for note in reversed(self.pending.notes):
            item = QTreeWidgetItem(["not saved yet", "", "Note", note])
            item.setFont(0, italic)
            self.list.addTopLevelItem(item)
        when = {row.id: row.recorded_at for row in saved}
        for row in saved:
            text = row.text
            if row.amends_id is not None:
                original = format_datetime(when.get(row.amends_id))
                text = f"{text}\n(corrects the entry recorded {original})"
            if row.amended_by_ids:
                text = f"{text}\n(corrected later: see the correction)"
            item = QTreeWidgetItem(
                [format_datetime(row.occurred_at), row.author, row.kind.label, text]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, row)
            item.setToolTip(0, f"Recorded {format_datetime(row.recorded_at)} by {row.author}")
            item.setToolTip(3, text)
            self.list.addTopLevelItem(item)

    def stage_note(self) -> None:
        """Queue the typed note for Save."""
        text = self.note.toPlainText().strip()
        if not text:
            self.error.setText("Type the note first.")
            self.error.show()
            return
        self.error.hide()
        self.pending.notes.append(text)
        self.note.clear()
        self.show_rows(self.saved)
        self.changed.emit()

    def stage_correction(self) -> None:
        """Queue a correction of the selected saved entry."""
        item = self.list.currentItem()
        row = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        if not isinstance(row, ChronologyRow):
            self.error.setText("Choose a saved entry to correct.")
            self.error.show()
            return
        if row.kind not in (ChronologyKind.NOTE, ChronologyKind.AMENDMENT):
            self.error.setText("Only notes can be corrected; add a note to explain instead.")
            self.error.show()
            return
        text, ok = QInputDialog.getMultiLineText(
            self, "Correct an entry", "The corrected text (the original stays visible):", row.text
        )
        if not ok or not text.strip() or text.strip() == row.text:
            return
        self.error.hide()
        self.pending.amendments.append(Amendment(row.id, text.strip()))
        self.show_rows(self.saved)
        self.changed.emit()
