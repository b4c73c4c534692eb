"""Accounts in the window: the first DSL account, signing in, and changing a password."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import FootprintError, ValidationError
from app.core.security.passwords import MIN_LENGTH
from app.core.services.accounts import change_own_password, create_first_account
from app.ui.context import AppContext, as_footprint
from app.ui.sign_in import SignInDialog
from app.ui.widgets.field_errors import FieldErrors, add_field_row, error_label

if TYPE_CHECKING:
    from app.core.db import Database

__all__ = ["AccountSetupDialog", "ChangePasswordDialog", "SignInDialog"]


PASSWORD_HELP = (
    f"At least {MIN_LENGTH} characters. A few unrelated words together are easy to remember "
    "and hard to guess; common passwords and your own name are refused."
)


def _password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


class AccountSetupDialog(QDialog):
    """The first DSL account (a new log, or one from before accounts)."""

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.user_id: int | None = None
        #: The name and password just set: the log is encrypted with them next (then
        #: `forget` them).
        self.credentials: tuple[str, str] | None = None
        self.setWindowTitle("Create the DSL's account — Footprint")
        intro = QLabel(
            "<b>Create your account.</b> Footprint holds safeguarding records about children, "
            "so everyone signs in. This first account is the Designated Safeguarding Lead's: "
            "it can add accounts for deputies, the headteacher, office staff and governors."
        )
        intro.setWordWrap(True)
        self.name = QLineEdit()
        self.username = QLineEdit()
        self.password = _password_field()
        self.confirm = _password_field()
        hint = QLabel(PASSWORD_HELP)
        hint.setWordWrap(True)
        self.general = error_label()
        self.errors = FieldErrors(self.general)
        form = QFormLayout()
        add_field_row(form, self.errors, "display_name", "Your name", self.name)
        add_field_row(form, self.errors, "username", "User name", self.username)
        add_field_row(form, self.errors, "password", "Password", self.password)
        add_field_row(form, self.errors, "confirm", "Password again", self.confirm)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create the account")
        layout = QVBoxLayout(self)
        self.setMinimumWidth(520)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.general)
        layout.addWidget(buttons)
        buttons.accepted.connect(self.create_account)
        buttons.rejected.connect(self.reject)

    def create_account(self) -> None:
        self.errors.clear()
        if self.password.text() != self.confirm.text():
            self.errors.show(ValidationError("confirm", "The two passwords are different."))
            self.adjustSize()
            return
        try:
            name, username, password = (
                self.name.text(),
                self.username.text(),
                self.password.text(),
            )
            self.user_id = as_footprint(
                self.database, lambda s: create_first_account(s, name, username, password).id
            )
            self.credentials = (username, password)
        except ValidationError as exc:
            self.errors.show(exc)
            self.adjustSize()
            return
        except FootprintError as exc:
            self.general.setText(exc.message)
            self.general.show()
            self.adjustSize()
            return
        self.accept()


class ChangePasswordDialog(QDialog):
    """Change one's own password (required after the DSL resets it)."""

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, *, forced: bool = False
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Change your password — Footprint")
        intro = QLabel(
            "Your password was set by the DSL: choose your own before you go on."
            if forced
            else "Choose a new password."
        )
        intro.setWordWrap(True)
        self.current = _password_field()
        self.new = _password_field()
        self.confirm = _password_field()
        hint = QLabel(PASSWORD_HELP)
        hint.setWordWrap(True)
        self.general = error_label()
        self.errors = FieldErrors(self.general)
        form = QFormLayout()
        add_field_row(form, self.errors, "current", "Current password", self.current)
        add_field_row(form, self.errors, "password", "New password", self.new)
        add_field_row(form, self.errors, "confirm", "New password again", self.confirm)
        if forced:
            self.current.setReadOnly(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        layout = QVBoxLayout(self)
        self.setMinimumWidth(520)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.general)
        layout.addWidget(buttons)
        buttons.accepted.connect(self.change)
        buttons.rejected.connect(self.reject)

    def change(self) -> None:
        self.errors.clear()
        if self.new.text() != self.confirm.text():
            self.errors.show(ValidationError("confirm", "The two new passwords are different."))
            self.adjustSize()
            return
        current, new = self.current.text(), self.new.text()
        try:
            self.context.write(lambda s, a: change_own_password(s, a, current, new))
        except ValidationError as exc:
            self.errors.show(exc)
            self.adjustSize()
            return
        except FootprintError as exc:
            self.general.setText(exc.message)
            self.general.show()
            self.adjustSize()
            return
        self.accept()
