"""Validation messages shown beside the field they are about."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QFormLayout, QLabel, QMessageBox, QVBoxLayout, QWidget

from app.core.errors import FootprintError, ValidationError


class MessageLabel(QLabel):
    """A word-wrapped line for what the window has to say: a refusal in red (`setText`,
    the default, so every error path stays red) or, through `say_done`, a confirmation
    in the ordinary text colour — red is kept for what went wrong."""

    def __init__(self) -> None:
        super().__init__()
        self.setWordWrap(True)
        self.setObjectName("fieldError")
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._plain = self.palette()
        self._red = self.palette()
        # A red dark enough for 4.5:1 contrast on a light window, light enough on a dark one.
        dark_window = self._red.color(QPalette.ColorRole.Window).lightness() < 128
        self._red.setColor(
            QPalette.ColorRole.WindowText, QColor("#ff8a80" if dark_window else "#a8071a")
        )
        self.is_error = True
        self.setPalette(self._red)

    def setText(self, text: str) -> None:
        """Show `text` as a refusal or problem (red)."""
        self._style(error=True)
        super().setText(text)

    def say_done(self, text: str) -> None:
        """Show `text` as a confirmation (the ordinary text colour) and make it visible."""
        self._style(error=False)
        super().setText(text)
        self.show()

    def _style(self, *, error: bool) -> None:
        if error != self.is_error:
            self.is_error = error
            self.setPalette(self._red if error else self._plain)


def error_label() -> MessageLabel:
    """A hidden message line, red unless it confirms something (`say_done`)."""
    label = MessageLabel()
    label.hide()
    return label


class FieldErrors:
    """Maps service field names to (widget, label) so a ValidationError lands by its field."""

    def __init__(self, fallback: QLabel) -> None:
        self._fields: dict[str, tuple[QWidget, QLabel]] = {}
        self._fallback = fallback

    def add(self, field: str, widget: QWidget, label: QLabel) -> None:
        """Register where `field`'s messages go."""
        self._fields[field] = (widget, label)

    def clear(self) -> None:
        """Hide every message."""
        for widget, label in (*self._fields.values(), (self._fallback, self._fallback)):
            label.clear()
            label.hide()
            widget.setAccessibleDescription("")

    def show(self, error: ValidationError) -> QWidget | None:
        """Show the message beside its field, focus that field, and return it."""
        self.clear()
        widget, label = self._fields.get(error.field, (None, self._fallback))
        label.setText(error.message)
        label.show()
        if widget is not None:
            widget.setAccessibleDescription(error.message)
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
        return widget

    def message_for(self, field: str) -> str:
        """The message now shown for `field` ("" if none)."""
        _, label = self._fields.get(field, (None, self._fallback))
        return label.text()


def run_or_explain(parent: QWidget, action: Callable[[], object]) -> bool:
    """Run a one-step action (withdraw, link, approve…); if the service refuses, say why
    in a message box. True when it was done."""
    try:
        action()
    except FootprintError as exc:
        QMessageBox.warning(parent, "Not done", exc.message)
        return False
    return True


def add_field_row(
    form: QFormLayout,
    errors: FieldErrors,
    field: str,
    text: str,
    widget: QWidget,
    *,
    focus: QWidget | None = None,
) -> QWidget:
    """A form row: caption (the field's buddy and accessible name), the widget, and the
    hidden label where the service's message for `field` will appear. Returns the row."""
    holder = QWidget()
    inner = QVBoxLayout(holder)
    inner.setContentsMargins(0, 0, 0, 0)
    inner.setSpacing(1)
    inner.addWidget(widget)
    label = error_label()
    inner.addWidget(label)
    if text:
        caption = QLabel(text)
        caption.setBuddy(focus or widget)
        form.addRow(caption, holder)
    else:
        form.addRow(holder)
    widget.setAccessibleName(text or widget.accessibleName() or field)
    errors.add(field, focus or widget, label)
    return holder
