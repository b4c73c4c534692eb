"""Settings → Letters: the school's wording of each letter, with the placeholders listed
beside the editor, a preview while typing, and "Restore the default"."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import FootprintError, ValidationError
from app.core.letter_templates import PLACEHOLDERS, LetterTemplate
from app.core.services.letter_wording import (
    current_templates,
    preview_template,
    restore_default,
    save_template,
    template_rows,
)
from app.core.timefmt import format_datetime
from app.ui.context import AppContext
from app.ui.letters.pdf_pages import PagesView
from app.ui.widgets.field_errors import FieldErrors, add_field_row, error_label


class TemplatesEditor(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.key: str | None = None
        self.saved_text: tuple[str, str, str] = ("", "", "")

        self.templates = QListWidget()
        self.templates.setAccessibleName("Letter templates")
        self.name = QLineEdit()
        self.subject = QLineEdit()
        self.body = QPlainTextEdit()
        self.body.setTabChangesFocus(True)
        self.body.setPlaceholderText("Paragraphs are separated by an empty line.")
        self.history = QLabel()
        self.history.setWordWrap(True)
        self.general = error_label()
        self.errors = FieldErrors(self.general)
        self.placeholders = QListWidget()
        self.placeholders.setAccessibleName("Placeholders")
        self.placeholders.setToolTip("Double-click (or press Enter) to put one in the letter")
        for name, meaning in PLACEHOLDERS.items():
            item = QListWidgetItem(f"{{{name}}}  {meaning}")
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.placeholders.addItem(item)
        self.save_button = QPushButton("&Save wording")
        self.restore_button = QPushButton("Restore the &default…")
        self.preview = PagesView()

        form = QFormLayout()
        add_field_row(form, self.errors, "title", "Name in the list", self.name)
        add_field_row(form, self.errors, "subject", "Subject line", self.subject)
        add_field_row(form, self.errors, "body", "Letter", self.body)
        caption = QLabel("Placeholders (filled in for each letter)")
        caption.setBuddy(self.placeholders)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        middle = QWidget()
        column = QVBoxLayout(middle)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(form, 3)
        column.addWidget(caption)
        column.addWidget(self.placeholders, 1)
        column.addWidget(self.history)
        column.addWidget(self.general)
        column.addLayout(buttons)
        split = QSplitter()
        split.addWidget(self.templates)
        split.addWidget(middle)
        split.addWidget(self.preview)
        split.setStretchFactor(1, 2)
        split.setStretchFactor(2, 2)
        split.setSizes([200, 480, 480])
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "Each letter's wording. Placeholders in {braces} are filled from the incident, "
                "the addressee and the school's details; letters already made keep the wording "
                "they were printed with."
            )
        )
        layout.addWidget(split, 1)

        self._refresh = QTimer(self, singleShot=True, interval=400)
        self._refresh.timeout.connect(self.update_preview)
        for edit in (self.name, self.subject):
            edit.textChanged.connect(self._edited)
        self.body.textChanged.connect(self._edited)
        self.placeholders.itemActivated.connect(self.insert_placeholder)
        self.save_button.clicked.connect(self.save)
        self.restore_button.clicked.connect(self.restore)
        self.templates.currentItemChanged.connect(self._choose)
        self._last_edit: QLineEdit | QPlainTextEdit = self.body
        self.subject.installEventFilter(self)
        self.body.installEventFilter(self)
        self.reload()

    # -- list ---------------------------------------------------------------------------
    def reload(self, keep: str | None = None) -> None:
        rows = self.context.read(template_rows)
        self.templates.blockSignals(True)
        self.templates.clear()
        for row in rows:
            text = f"{row.title}\n(the school's wording)" if row.customised else row.title
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, row.key)
            self.templates.addItem(item)
        self.templates.blockSignals(False)
        self.rows = {row.key: row for row in rows}
        wanted = keep or self.key or (rows[0].key if rows else None)
        for index in range(self.templates.count()):
            if self.templates.item(index).data(Qt.ItemDataRole.UserRole) == wanted:
                self.templates.setCurrentRow(index)  # shows it (currentItemChanged)

    def _choose(self, current: QListWidgetItem | None, previous: QListWidgetItem | None) -> None:
        if current is None:
            return
        if self.is_dirty() and not self._may_leave():
            self.templates.blockSignals(True)
            self.templates.setCurrentItem(previous)  # type: ignore[arg-type]  # Qt takes None
            self.templates.blockSignals(False)
            return
        self._show(str(current.data(Qt.ItemDataRole.UserRole)))

    def _show(self, key: str) -> None:
        template: LetterTemplate = self.context.read(current_templates)[key]
        self.key = key
        for edit, value in (
            (self.name, template.title),
            (self.subject, template.subject),
        ):
            edit.blockSignals(True)
            edit.setText(value)
            edit.blockSignals(False)
        self.body.blockSignals(True)
        self.body.setPlainText(template.body)
        self.body.blockSignals(False)
        self.saved_text = self.typed()
        row = self.rows.get(key)
        if row is not None and row.changed_at is not None:
            what = "Changed" if row.customised else "Default restored"
            self.history.setText(f"{what} by {row.changed_by}, {format_datetime(row.changed_at)}.")
        else:
            self.history.setText("Footprint's wording.")
        self.restore_button.setEnabled(bool(row and row.customised))
        self.update_preview()

    # -- editing ------------------------------------------------------------------------
    def typed(self) -> tuple[str, str, str]:
        return (self.name.text(), self.subject.text(), self.body.toPlainText())

    def is_dirty(self) -> bool:
        return self.key is not None and self.typed() != self.saved_text

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Remember whether the subject or the letter was edited last (for inserting)."""
        if event.type() is QEvent.Type.FocusIn and watched in (self.subject, self.body):
            self._last_edit = self.subject if watched is self.subject else self.body
        return super().eventFilter(watched, event)

    def insert_placeholder(self, item: QListWidgetItem) -> None:
        """Put `{name}` where the cursor was, in the subject or the letter."""
        text = "{" + str(item.data(Qt.ItemDataRole.UserRole)) + "}"
        if isinstance(self._last_edit, QLineEdit):
            self._last_edit.insert(text)
        else:
            self._last_edit.insertPlainText(text)
        self._last_edit.setFocus()

    def _edited(self) -> None:
        self._refresh.start()

    def update_preview(self) -> None:
        """Check the wording and show it filled with invented values."""
        self.errors.clear()
        title, subject, body = self.typed()
        try:
            pdf = self.context.read(lambda s: preview_template(s, title, subject, body))
        except ValidationError as exc:
            self.errors.show(exc)
            self.preview.show_message(f"Nothing can be printed from this yet:\n{exc.message}")
            return
        except FootprintError as exc:
            self.preview.show_message(exc.message)
            return
        self.preview.show_pdfs([pdf])

    def save(self) -> bool:
        if self.key is None:
            return False
        key = self.key
        title, subject, body = self.typed()
        self.errors.clear()
        try:
            self.context.write(lambda s, a: save_template(s, a, key, title, subject, body))
        except ValidationError as exc:
            self.errors.show(exc)
            return False
        except FootprintError as exc:
            self.general.setText(exc.message)
            self.general.show()
            return False
        self.saved_text = self.typed()
        self.reload(keep=key)
        return True

    def restore(self) -> None:
        if self.key is None:
            return
        key = self.key
        answer = QMessageBox.question(
            self,
            "Restore the default wording?",
            "Go back to Footprint's wording for this letter? The school's wording is kept in "
            "the history, and letters already made are not changed.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.context.write(lambda s, a: restore_default(s, a, key))
        except FootprintError as exc:
            self.general.setText(exc.message)
            self.general.show()
            return
        self.saved_text = ("", "", "")  # whatever was typed is replaced on purpose
        self.key = None
        self.reload(keep=key)

    def _may_leave(self) -> bool:
        answer = QMessageBox.question(
            self,
            "Unsaved wording",
            "This letter's wording has changes that are not saved. Save them?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard
