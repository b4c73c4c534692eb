"""Date and date-time fields in British format (DD/MM/YYYY), shown in London time.

An optional field is a check box plus the editor: unticked means "not known" (or "any",
in a filter), which is clearer to a keyboard user than a magic date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from PySide6.QtCore import QDate, QDateTime, QTime, QTimeZone, Signal
from PySide6.QtWidgets import QCheckBox, QDateEdit, QDateTimeEdit, QHBoxLayout, QWidget

from app.core.clock import LONDON, today_london, utc_now

_LONDON_TZ = QTimeZone(b"Europe/London")


def to_qdatetime(value: datetime) -> QDateTime:
    """An aware datetime as a London QDateTime (minute precision)."""
    local = value.astimezone(LONDON)
    return QDateTime(
        QDate(local.year, local.month, local.day), QTime(local.hour, local.minute), _LONDON_TZ
    )


def from_qdatetime(value: QDateTime) -> datetime:
    """A QDateTime as an aware UTC datetime (read as London wall-clock time)."""
    local = value.toTimeZone(_LONDON_TZ)
    d, t = local.date(), local.time()
    naive = datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())
    return naive.replace(tzinfo=LONDON).astimezone(UTC)


class _Optional(QWidget):
    """A check box that enables its editor; `changed` fires on either."""

    changed = Signal()

    def __init__(
        self, editor: QWidget, tick_text: str, optional: bool, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.editor = editor
        self.optional = optional
        self.known = QCheckBox(tick_text)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.known)
        layout.addWidget(editor, 1)
        self.known.setVisible(optional)
        self.known.setChecked(not optional)
        self.known.toggled.connect(self._toggled)
        self._toggled(self.known.isChecked())
        self.setFocusProxy(self.known if optional else editor)
        QWidget.setTabOrder(self.known, editor)

    def _toggled(self, on: bool) -> None:
        self.editor.setEnabled(on)
        self.changed.emit()

    def focus_chain(self) -> list[QWidget]:
        """The parts that take the focus, in order (for a form's tab order)."""
        return [self.known, self.editor] if self.optional else [self.editor]

    def setAccessibleDescription(self, text: str) -> None:
        """An error message belongs to the part that takes the focus, too."""
        super().setAccessibleDescription(text)
        self.editor.setAccessibleDescription(text)

    def setAccessibleName(self, name: str) -> None:
        """Name both parts, so a screen reader says what the box and the date are for."""
        super().setAccessibleName(name)
        self.known.setAccessibleName(f"{name}: {self.known.text().lower()}")
        self.editor.setAccessibleName(name)


class DateTimeField(_Optional):
    """A moment, entered as London date and time."""

    def __init__(
        self, *, optional: bool, tick_text: str = "Known", parent: QWidget | None = None
    ) -> None:
        self.edit = QDateTimeEdit()
        self.edit.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.edit.setCalendarPopup(True)
        self.edit.setTimeZone(_LONDON_TZ)
        self.edit.setDateTime(to_qdatetime(utc_now()))
        super().__init__(self.edit, tick_text, optional, parent)
        self.edit.dateTimeChanged.connect(self.changed)

    def value(self) -> datetime | None:
        """Aware UTC, or None when not known."""
        return from_qdatetime(self.edit.dateTime()) if self.known.isChecked() else None

    def set_value(self, value: datetime | None) -> None:
        """Show `value` (None: not known; the editor keeps a sensible starting point)."""
        self.known.setChecked(value is not None or not self.optional)
        if value is not None:
            self.edit.setDateTime(to_qdatetime(value))


class DateField(_Optional):
    """A calendar date."""

    def __init__(
        self, *, optional: bool, tick_text: str = "Known", parent: QWidget | None = None
    ) -> None:
        self.edit = QDateEdit()
        self.edit.setDisplayFormat("dd/MM/yyyy")
        self.edit.setCalendarPopup(True)
        today = today_london()
        self.edit.setDate(QDate(today.year, today.month, today.day))
        super().__init__(self.edit, tick_text, optional, parent)
        self.edit.dateChanged.connect(self.changed)

    def value(self) -> date | None:
        """The date, or None when unticked."""
        if not self.known.isChecked():
            return None
        d = self.edit.date()
        return date(d.year(), d.month(), d.day())

    def set_value(self, value: date | None) -> None:
        """Show `value` (None: unticked)."""
        self.known.setChecked(value is not None or not self.optional)
        if value is not None:
            self.edit.setDate(QDate(value.year, value.month, value.day))
