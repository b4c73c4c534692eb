"""Letters on record (for one incident, or across the log), each reprinted from the
stored file: the same document, with the date and wording it had when it was made."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core import audit
from app.core.errors import FootprintError
from app.core.files import StagedFile, publish_after
from app.core.services.letter_records import LetterRow, letter_copy, list_letters, withdraw_letter
from app.core.timefmt import format_date, format_datetime
from app.ui.context import AppContext
from app.ui.letters.letter_dialog import choose_printer, choose_save_path
from app.ui.letters.pdf_pages import print_pdfs
from app.ui.widgets.field_errors import error_label


class LettersList(QWidget):
    """`open_incident` fires when a row is double-clicked on the log-wide list."""

    open_incident = Signal(int)
    #: A letter was withdrawn (the timeline has a new entry).
    withdrawn = Signal()

    def __init__(
        self, context: AppContext, *, whole_log: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.whole_log = whole_log
        self.incident_id: int | None = None
        self.rows: list[LetterRow] = []
        self.choose_printer: Callable[[QWidget], QPrinter | None] = choose_printer
        self.choose_save_path: Callable[[QWidget, str], Path | None] = choose_save_path
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Letters on record")
        headers = ["Date", "Letter", "To", "Pages", "Made by", "Made at"]
        if whole_log:
            headers.insert(0, "Incident")
        self.tree.setHeaderLabels(headers)
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        for column, width in enumerate(([110] if whole_log else []) + [95, 250, 220, 55, 130]):
            self.tree.setColumnWidth(column, width)
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.new_button = QPushButton("&New letter…")
        self.reprint_button = QPushButton("&Reprint…")
        self.reprint_button.setToolTip("Print the stored letter again, exactly as it was")
        self.save_button = QPushButton("Save a cop&y…")
        self.withdraw_button = QPushButton("&Withdraw…")
        self.withdraw_button.setToolTip(
            "For a letter made in error: it stays on record, marked withdrawn with your reason"
        )
        #: False for a withdrawn incident: no new letters.
        self.allow_new = True
        self.message = error_label()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QHBoxLayout()
        if not whole_log:
            buttons.addWidget(self.new_button)
        else:
            self.new_button.hide()
        buttons.addWidget(self.reprint_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.withdraw_button)
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        self.tree.currentItemChanged.connect(lambda *_: self._enable())
        self.tree.itemActivated.connect(self._activated)
        self.reprint_button.clicked.connect(self.reprint)
        self.save_button.clicked.connect(self.save_copy)
        self.withdraw_button.clicked.connect(self.withdraw)
        self._enable()

    def show_incident(self, incident_id: int | None) -> None:
        self.incident_id = incident_id
        self.reload()

    def reload(self) -> None:
        if self.whole_log:
            self.rows = self.context.read(lambda s: list_letters(s))
        elif self.incident_id is None:
            self.rows = []
        else:
            incident_id = self.incident_id
            self.rows = self.context.read(lambda s: list_letters(s, incident_id))
        self.tree.clear()
        for row in self.rows:
            values = [
                format_date(row.letter_date),
                row.template_title,
                row.addressee_name,
                str(row.page_count),
                row.made_by,
                format_datetime(row.made_at),
            ]
            if self.whole_log:
                values.insert(0, row.incident_reference)
            item = QTreeWidgetItem(values)
            item.setData(0, Qt.ItemDataRole.UserRole, row.id)
            self.tree.addTopLevelItem(item)
        first = self.tree.topLevelItem(0)
        if first is not None:  # there are letters
            self.tree.setCurrentItem(first)
        if self.whole_log:
            text = (
                "Every letter made, newest first. Letters are made from an incident "
                "(its Letters tab, or Ctrl+P in the incident window)."
            )
        elif self.incident_id is None:
            text = "Save the incident first: letters are made from a saved incident."
        elif not self.rows:
            text = "No letters yet. “New letter…” makes one from a template."
        else:
            text = "Letters made for this incident. A reprint is the stored letter, unchanged."
        self.empty.setText(text)
        self._enable()

    def current(self) -> LetterRow | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        letter_id = item.data(0, Qt.ItemDataRole.UserRole)
        return next((row for row in self.rows if row.id == letter_id), None)

    def _enable(self) -> None:
        chosen = self.current() is not None
        for button in (self.reprint_button, self.save_button, self.withdraw_button):
            button.setEnabled(chosen)
        self.new_button.setEnabled(self.incident_id is not None and self.allow_new)

    def _activated(self, item: QTreeWidgetItem) -> None:
        row = self.current()
        if self.whole_log and row is not None:
            self.open_incident.emit(row.incident_id)

    def reprint(self) -> None:
        """Print the stored letter again. The print is on the audit trail (committed)
        before the letter goes to the printer: a print is never unrecorded, and the log
        is not held while the printer works."""
        row = self.current()
        if row is None:
            return
        printer = self.choose_printer(self)
        if printer is None:
            return
        try:
            pdf = self.context.look(
                lambda s: letter_copy(s, row.id, audit.Action.PRINT, reprint=True)
            )
            print_pdfs(printer, [pdf])
        except FootprintError as exc:
            self._say(exc.message)
            return
        except (OSError, ValueError) as exc:
            self._say(f"The letter did not print: {exc}")
            return
        self._say(f"Reprinted the letter to {row.addressee_name}.", error=False)

    def save_copy(self) -> None:
        row = self.current()
        if row is None:
            return
        path = self.choose_save_path(self, f"{row.incident_reference} {row.template_title}.pdf")
        if path is None:
            return
        staged: list[StagedFile] = []
        try:  # the copy appears only once its export is on the trail
            publish_after(
                staged,
                lambda: self.context.look(
                    lambda s: staged.append(
                        StagedFile(path, letter_copy(s, row.id, audit.Action.EXPORT))
                    )
                ),
            )
        except FootprintError as exc:
            self._say(exc.message)
            return
        except OSError as exc:
            self._say(f"{path.name} could not be saved ({exc.strerror or exc}).")
            return
        self._say(f"Saved {path.name}.", error=False)

    def withdraw(self) -> None:
        row = self.current()
        if row is None:
            return
        reason, ok = QInputDialog.getMultiLineText(
            self,
            "Withdraw a letter",
            f"Why is the letter to {row.addressee_name} of {format_date(row.letter_date)} "
            "being withdrawn? (It stays on record, marked withdrawn.)",
        )
        if not ok:
            return
        try:
            self.context.write(lambda s, a: withdraw_letter(s, a, row.id, reason.strip()))
        except FootprintError as exc:
            self._say(exc.message)
            return
        self.reload()
        self._say(f"Withdrew the letter to {row.addressee_name}.", error=False)
        self.withdrawn.emit()

    def _say(self, text: str, *, error: bool = True) -> None:
        self.message.setVisible(error)
        self.status.setVisible(not error)
        (self.message if error else self.status).setText(text)
