"""A small dialog whose Save runs one service call and shows refusals beside fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import FootprintError, ValidationError
from app.ui.context import AppContext
from app.ui.widgets.field_errors import FieldErrors, add_field_row, error_label

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.core.models import User


class ServiceDialog(QDialog):
    """A small form: rows registered by field name, Save runs one service call."""

    def __init__(self, context: AppContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.general = error_label()
        self.errors = FieldErrors(self.general)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.general)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.setMinimumWidth(520)

    def add_row(self, field: str, text: str, widget: QWidget) -> QWidget:
        """A captioned row whose refusals show beside `widget`."""
        return add_field_row(self.form, self.errors, field, text, widget)

    def say(self, text: str) -> None:
        self.intro.setText(text)
        self.intro.show()

    def run(self, work: Callable[[Session, User], object]) -> bool:
        """Save; on a refusal keep the dialog open with the message in place."""
        self.errors.clear()
        try:
            self.context.write(work)
        except ValidationError as exc:
            self.errors.show(exc)
            return False
        except FootprintError as exc:
            self.general.setText(exc.message)
            self.general.show()
            return False
        self.accept()
        return True

    def save(self) -> None:
        raise NotImplementedError
