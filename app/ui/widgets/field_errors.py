"""Validation messages shown beside the field they are about."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QFormLayout, QLabel, QMessageBox, QVBoxLayout, QWidget

from app.core.errors import FootprintError, ValidationError


def error_label() -> QLabel:
    """A hidden, word-wrapped label in the palette's error-ish colour."""
    label = QLabel()
    label.setWordWrap(True)
    label.setObjectName("fieldError")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    palette = label.palette()
    # A red dark enough for 4.5:1 contrast on a light window, light enough on a dark one.
    dark_window = palette.color(QPalette.ColorRole.Window).lightness() < 128
    palette.setColor(QPalette.ColorRole.WindowText, QColor("#ff8a80" if dark_window else "#a8071a"))
    label.setPalette(palette)
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
