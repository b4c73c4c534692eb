"""Settings → Accounts: the DSL adds, changes, resets and deactivates accounts."""

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

from app.core.errors import FootprintError, ValidationError
from app.core.permissions import DSL_TEAM
from app.core.services.accounts import (
    AccountRow,
    add_account,
    change_role,
    list_accounts,
    reset_password,
    set_active,
)
from app.core.services.dsl_headteacher import dsl_headteacher_id, set_dsl_headteacher
from app.core.timefmt import format_datetime
from app.core.vocab import UserRole
from app.ui.accounts import PASSWORD_HELP
from app.ui.context import AppContext
from app.ui.widgets.field_errors import FieldErrors, add_field_row, error_label


class AccountsPage(QWidget):
    """Settings → Accounts (DSL and deputies)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.rows: list[AccountRow] = []
        #: The DSL's (or deputy's) account the school names as also the headteacher.
        self.dsl_headteacher: int | None = None
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
        self.headteacher_button = QPushButton("Also the &headteacher…")
        self.headteacher_button.setToolTip(
            "In a school whose headteacher is the DSL or a deputy: that account approves "
            "exceptions, and each approval says so"
        )
        self.recovery_button = QPushButton("New recovery &key…")
        self.recovery_button.setToolTip(
            "Make a new recovery key and print its sheet; the old sheet stops working"
        )
        self.recovery_button.setVisible(
            context.database.keys is not None and context.role is UserRole.DSL
        )
        self.message = error_label()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QHBoxLayout()
        for button in (
            self.add_button,
            self.role_button,
            self.reset_button,
            self.active_button,
            self.headteacher_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.recovery_button)
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
        self.headteacher_button.clicked.connect(self.toggle_headteacher)
        self.recovery_button.clicked.connect(self.new_recovery_key)
        self.tree.currentItemChanged.connect(lambda *_: self._enable())
        self.reload()

    def reload(self) -> None:
        self.rows, self.dsl_headteacher = self.context.read(
            lambda s: (list_accounts(s), dsl_headteacher_id(s))
        )
        self.tree.clear()
        for row in self.rows:
            state = "Active" if row.is_active else "Deactivated"
            if row.is_active and not row.opens_log:
                state += " (needs a new password: reset it)"
            elif row.must_change_password and row.is_active:
                state += " (must change password)"
            item = QTreeWidgetItem(
                [
                    row.display_name,
                    row.username,
                    row.role.label
                    + (", also the headteacher" if row.id == self.dsl_headteacher else ""),
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
        named = row is not None and row.id == self.dsl_headteacher
        self.headteacher_button.setEnabled(
            row is not None and (named or (row.is_active and row.role in DSL_TEAM))
        )
        self.headteacher_button.setText(
            "Not the &headteacher…" if named else "Also the &headteacher…"
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
        password: str | None = None
        if not active:
            answer = QMessageBox.question(
                self,
                "Deactivate the account?",
                f"{row.display_name} will no longer be able to sign in. Everything they "
                "recorded stays, under their name.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        elif self.context.database.keys is not None:
            # An encrypted log: a deactivated account's password no longer opens it.
            password, ok = QInputDialog.getText(
                self,
                "Reactivate the account",
                f"A temporary password for {row.display_name} (they must change it when "
                f"they next sign in). {PASSWORD_HELP}",
                QLineEdit.EchoMode.Normal,
            )
            if not ok:
                return
        self._run(
            lambda s, a: set_active(s, a, row.id, active, password),
            f"{row.display_name}'s account is {'active' if active else 'deactivated'}.",
        )

    def toggle_headteacher(self) -> None:
        """Name (or stop naming) a DSL's account as also the school's headteacher."""
        row = self.current()
        if row is None:
            return
        named = row.id == self.dsl_headteacher
        if named:
            question = (
                f"{row.display_name} will no longer approve exceptions: the headteacher's "
                "own account does. Approvals already given stay as they are."
            )
            wanted: int | None = None
            done = f"{row.display_name} is no longer named as the headteacher."
        else:
            question = (
                f"Is {row.display_name} also the school's headteacher? Exceptions are "
                "approved by the headteacher (the school's policy): their account will "
                "approve them, and each approval will say it was given by the DSL as "
                "headteacher."
            )
            wanted = row.id
            done = f"{row.display_name} is named as also the headteacher."
        answer = QMessageBox.question(self, "The headteacher", question)
        if answer == QMessageBox.StandardButton.Yes:
            self._run(lambda s, a: set_dsl_headteacher(s, a, wanted), done)

    def new_recovery_key(self) -> None:
        """A new recovery key and its sheet; the old sheet stops opening the log."""
        from app.ui.recovery import make_new_recovery_key

        answer = QMessageBox.question(
            self,
            "Make a new recovery key?",
            "The recovery sheet in the school safe will stop working once the new sheet "
            "is printed. Do this when the old sheet is lost, or may have been seen by "
            "someone who shouldn't have it.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            make_new_recovery_key(
                self,
                self.context,
                why="A new recovery key: once you go on, the old sheet no longer opens the "
                "log. Shred it.",
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
