"""Accounts in the window: the first DSL account, signing in, and changing a password."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import FootprintError, ValidationError
from app.core.security.passwords import MIN_LENGTH
from app.core.services.accounts import (
    attempt_sign_in,
    change_own_password,
    create_first_account,
)
from app.ui.context import AppContext, as_footprint
from app.ui.widgets.field_errors import FieldErrors, add_field_row, error_label

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.core.db import Database
    from app.core.services.accounts import SignInRefused


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


class SignInDialog(QDialog):
    """Sign in; `user_id` is who signed in. A temporary password is changed first.

    An encrypted log is not open yet: `opener` unlocks and opens it with the name and
    password typed (a FootprintError says why not), and `recover` offers the recovery key
    instead, for when every password is lost."""

    def __init__(
        self,
        database: Database | None,
        parent: QWidget | None = None,
        *,
        title: str = "Sign in",
        opener: Callable[[str, str], Database] | None = None,
        recover: Callable[[SignInDialog], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.database = database
        self.opener = opener
        self.user_id: int | None = None
        #: The name and password that signed in (a plain log is encrypted with them
        #: next; then `forget` them).
        self.credentials: tuple[str, str] | None = None
        self.setWindowTitle(f"{title} — Footprint")
        self.username = QLineEdit()
        self.password = _password_field()
        self.message = error_label()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        form = QFormLayout()
        form.addRow("User name", self.username)
        form.addRow("Password", self.password)
        self.username.setAccessibleName("User name")
        self.password.setAccessibleName("Password")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Sign in")
        layout = QVBoxLayout(self)
        self.setMinimumWidth(520)
        layout.addWidget(QLabel("<b>Footprint</b> — the school's log of social media incidents"))
        layout.addLayout(form)
        layout.addWidget(self.message)
        if recover is not None:
            self.recovery_button = QPushButton("Every password lost? Use the recovery key…")
            self.recovery_button.setFlat(True)
            self.recovery_button.clicked.connect(lambda: recover(self))
            layout.addWidget(self.recovery_button)
        layout.addWidget(buttons)
        buttons.accepted.connect(self.sign_in)
        buttons.rejected.connect(self.reject)

    def forget(self) -> None:
        """Drop the password kept for encrypting the log."""
        self.credentials = None

    def _refuse(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
        self.adjustSize()
        self.password.clear()
        self.password.setFocus()

    def sign_in(self) -> None:
        if not self.username.text().strip() or not self.password.text():
            self.message.setText("Type your user name and password.")
            self.message.show()
            self.adjustSize()
            return
        username, password = self.username.text(), self.password.text()
        if self.database is None and self.opener is not None:
            try:  # an encrypted log: the password opens it first
                self.database = self.opener(username, password)
            except FootprintError as exc:
                self._refuse(exc.message)
                return
        assert self.database is not None

        def check(session: Session) -> tuple[int | None, bool, SignInRefused | None]:
            user, refusal = attempt_sign_in(session, username, password)
            return (user.id if user else None), bool(user and user.must_change_password), refusal

        try:  # the count of wrong passwords is kept
            user_id, must_change, refusal = as_footprint(self.database, check)
        except FootprintError as exc:
            self.message.setText(exc.message)
            self.message.show()
            self.adjustSize()
            return
        if refusal is not None or user_id is None:
            self._refuse(refusal.message if refusal else "Not signed in.")
            return
        if must_change:
            context = AppContext(self.database, user_id)
            change = ChangePasswordDialog(context, self, forced=True)
            change.current.setText(self.password.text())
            if not change.exec():
                self.password.clear()
                self.message.setText("Choose your own password to go on.")
                self.message.show()
                self.adjustSize()
                return
            password = change.new.text()
        self.user_id = user_id
        self.credentials = (username, password)
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
