"""The sign-in dialog. It is the first window at every start, so this module loads only
Qt: the database layer is imported when a password is checked (by then a worker thread
has usually loaded it while the user typed)."""

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

from app.core.errors import FootprintError
from app.ui.widgets.field_errors import error_label

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.core.db import Database
    from app.core.services.accounts import SignInRefused


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
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
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
        # Loaded here, not at import: the dialog is up before the database layer is.
        from app.core.services.accounts import attempt_sign_in
        from app.ui.accounts import ChangePasswordDialog
        from app.ui.context import AppContext, as_footprint

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
