"""Accounts in the window: the first DSL account, signing in, changing a password, and
Settings → Accounts where the DSL adds, changes, resets and deactivates accounts."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.db import Database
from app.core.errors import FootprintError, ValidationError
from app.core.security.passwords import MIN_LENGTH
from app.core.services.accounts import (
    AccountRow,
    add_account,
    attempt_sign_in,
    change_own_password,
    change_role,
    create_first_account,
    list_accounts,
    reset_password,
    set_active,
)
from app.core.timefmt import format_datetime
from app.core.vocab import UserRole
from app.ui.context import AppContext
from app.ui.widgets.field_errors import FieldErrors, add_field_row, error_label

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
        buttons.accepted.connect(self.create)
        buttons.rejected.connect(self.reject)

    def create(self) -> None:
        self.errors.clear()
        if self.password.text() != self.confirm.text():
            self.errors.show(ValidationError("confirm", "The two passwords are different."))
            self.adjustSize()
            return
        try:
            with self.database.write() as session:
                user = create_first_account(
                    session, self.name.text(), self.username.text(), self.password.text()
                )
                self.user_id = user.id
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
    """Sign in; `user_id` is who signed in. A temporary password is changed first."""

    def __init__(
        self, database: Database, parent: QWidget | None = None, *, title: str = "Sign in"
    ) -> None:
        super().__init__(parent)
        self.database = database
        self.user_id: int | None = None
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
        layout.addWidget(buttons)
        buttons.accepted.connect(self.sign_in)
        buttons.rejected.connect(self.reject)

    def sign_in(self) -> None:
        if not self.username.text().strip() or not self.password.text():
            self.message.setText("Type your user name and password.")
            self.message.show()
            self.adjustSize()
            return
        with self.database.write() as session:  # the count of wrong passwords is kept
            user, refusal = attempt_sign_in(session, self.username.text(), self.password.text())
            must_change = user.must_change_password if user else False
            user_id = user.id if user else None
        if refusal is not None or user_id is None:
            self.message.setText(refusal.message if refusal else "Not signed in.")
            self.message.show()
            self.adjustSize()
            self.password.clear()
            self.password.setFocus()
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
        self.user_id = user_id
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


class AccountsPage(QWidget):
    """Settings → Accounts (DSL and deputies)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.rows: list[AccountRow] = []
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Accounts")
        self.tree.setHeaderLabels(["Name", "User name", "Role", "State", "Last signed in"])
        self.tree.setRootIsDecorated(False)
        for column, width in enumerate((200, 140, 130, 220)):
            self.tree.setColumnWidth(column, width)
        self.add_button = QPushButton("&Add an account…")
        self.role_button = QPushButton("Change &role…")
        self.reset_button = QPushButton("&Reset password…")
        self.active_button = QPushButton("&Deactivate…")
        self.message = error_label()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.role_button, self.reset_button, self.active_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        note = QLabel(
            "Accounts are never deleted, so the log keeps every name: a person who leaves is "
            "deactivated. A reset password is temporary and must be changed at the next "
            "sign-in."
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.add_button.clicked.connect(self.add)
        self.role_button.clicked.connect(self.change_role)
        self.reset_button.clicked.connect(self.reset)
        self.active_button.clicked.connect(self.toggle_active)
        self.tree.currentItemChanged.connect(lambda *_: self._enable())
        self.reload()

    def reload(self) -> None:
        self.rows = self.context.read(list_accounts)
        self.tree.clear()
        for row in self.rows:
            state = "Active" if row.is_active else "Deactivated"
            if row.must_change_password and row.is_active:
                state += " (must change password)"
            item = QTreeWidgetItem(
                [
                    row.display_name,
                    row.username,
                    row.role.label,
                    state,
                    format_datetime(row.last_login_at),
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, row.id)
            self.tree.addTopLevelItem(item)
        self._enable()

    def current(self) -> AccountRow | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        wanted = item.data(0, Qt.ItemDataRole.UserRole)
        return next((row for row in self.rows if row.id == wanted), None)

    def _enable(self) -> None:
        row = self.current()
        for button in (self.role_button, self.reset_button, self.active_button):
            button.setEnabled(row is not None)
        self.active_button.setText(
            "&Reactivate…" if row is not None and not row.is_active else "&Deactivate…"
        )

    def _run(self, work: object, done: str) -> bool:
        try:
            self.context.write(work)  # type: ignore[arg-type]
        except FootprintError as exc:
            self.message.setText(exc.message)
            self.message.show()
            return False
        self.message.hide()
        self.reload()
        QMessageBox.information(self, "Accounts", done)
        return True

    def add(self) -> None:
        dialog = AddAccountDialog(self.context, self)
        if dialog.exec():
            self.reload()
            QMessageBox.information(
                self,
                "Accounts",
                f"Added {dialog.values()[0]}. Give them the temporary password in person; "
                "they choose their own when they first sign in.",
            )

    def change_role(self) -> None:
        row = self.current()
        if row is None:
            return
        labels = [role.label for role in UserRole]
        label, ok = QInputDialog.getItem(
            self,
            "Change role",
            f"Role for {row.display_name}:",
            labels,
            labels.index(row.role.label),
            False,
        )
        if ok:
            role = list(UserRole)[labels.index(label)]
            self._run(
                lambda s, a: change_role(s, a, row.id, role), f"{row.display_name} is now {label}."
            )

    def reset(self) -> None:
        row = self.current()
        if row is None:
            return
        password, ok = QInputDialog.getText(
            self,
            "Reset password",
            f"A temporary password for {row.display_name} (they must change it when they "
            f"next sign in). {PASSWORD_HELP}",
            QLineEdit.EchoMode.Normal,  # it is read out or written down for them
        )
        if ok:
            self._run(
                lambda s, a: reset_password(s, a, row.id, password),
                f"{row.display_name}'s password was reset.",
            )

    def toggle_active(self) -> None:
        row = self.current()
        if row is None:
            return
        active = not row.is_active
        if not active:
            answer = QMessageBox.question(
                self,
                "Deactivate the account?",
                f"{row.display_name} will no longer be able to sign in. Everything they "
                "recorded stays, under their name.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self._run(
            lambda s, a: set_active(s, a, row.id, active),
            f"{row.display_name}'s account is {'active' if active else 'deactivated'}.",
        )


class AddAccountDialog(QDialog):
    """A new account; the dialog stays open, with what was typed, until it is accepted."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Add an account — Footprint")
        self.setMinimumWidth(520)
        self.name = QLineEdit()
        self.username = QLineEdit()
        self.role = QComboBox()
        for role in UserRole:
            self.role.addItem(role.label, role.value)
        self.role.setCurrentIndex(list(UserRole).index(UserRole.OFFICE))
        self.password = QLineEdit()  # shown: the DSL gives it to the person
        self.general = error_label()
        self.errors = FieldErrors(self.general)
        form = QFormLayout()
        add_field_row(form, self.errors, "display_name", "Name", self.name)
        add_field_row(form, self.errors, "username", "User name", self.username)
        add_field_row(form, self.errors, "role", "Role", self.role)
        add_field_row(form, self.errors, "password", "Temporary password", self.password)
        hint = QLabel(PASSWORD_HELP + " The person chooses their own at their first sign-in.")
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.general)
        layout.addWidget(buttons)
        buttons.accepted.connect(self.add)
        buttons.rejected.connect(self.reject)

    def values(self) -> tuple[str, str, UserRole, str]:
        return (
            self.name.text().strip(),
            self.username.text().strip(),
            UserRole(self.role.currentData()),
            self.password.text(),
        )

    def add(self) -> None:
        name, username, role, password = self.values()
        self.errors.clear()
        try:
            self.context.write(lambda s, a: add_account(s, a, name, username, role, password))
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
