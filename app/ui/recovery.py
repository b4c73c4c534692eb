"""The recovery key in the window: the sheet shown once when a log is encrypted (or a
new key is made), opening the log with it when every password is lost, and giving a
DSL's account a new password then."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.clock import utc_now
from app.core.errors import FootprintError, ValidationError
from app.core.files import write_privately
from app.documents.recovery_sheet import recovery_sheet_pdf
from app.ui.accounts import PASSWORD_HELP, _password_field
from app.ui.context import AppContext
from app.ui.widgets.field_errors import FieldErrors, add_field_row, error_label


class RecoverySheetDialog(QDialog):
    """The recovery key, shown once: print the sheet (or save it to take to the safe).
    Footprint keeps no copy, so going on needs the DSL's word that the sheet is made."""

    def __init__(
        self,
        recovery_key: str,
        *,
        school_name: str,
        location: str,
        key_id: str,
        why: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("The recovery sheet — Footprint")
        self.recovery_key = recovery_key
        self._pdf = recovery_sheet_pdf(
            school_name=school_name or "(the school's name isn't set yet)",
            log_location=location,
            recovery_key=recovery_key,
            made_at=utc_now(),
            key_id=key_id,
        )
        self.printed = False
        intro = QLabel(
            f"<b>{why}</b><br><br>If every password is ever lost, this recovery key is the "
            "only way into the log. Print the recovery sheet now and put it in the school "
            "safe. It is shown only this once: Footprint keeps no copy."
        )
        intro.setWordWrap(True)
        key = QLabel(recovery_key)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSize(max(mono.pointSize(), 10) + 6)
        mono.setWeight(QFont.Weight.Bold)
        key.setFont(mono)
        key.setAlignment(Qt.AlignmentFlag.AlignCenter)
        key.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        key.setAccessibleName("Recovery key")
        self.print_button = QPushButton("Print the sheet…")
        self.save_button = QPushButton("Save the sheet as a PDF…")
        self.message = error_label()
        self.confirmed = QCheckBox("The sheet is printed, and will go in the school safe")
        self.confirmed.setEnabled(False)  # once it has been printed or saved
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Continue")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        layout = QVBoxLayout(self)
        self.setMinimumWidth(560)
        layout.addWidget(intro)
        layout.addWidget(key)
        layout.addWidget(self.print_button)
        layout.addWidget(self.save_button)
        layout.addWidget(self.message)
        layout.addWidget(self.confirmed)
        layout.addWidget(self.buttons)
        self.print_button.clicked.connect(self.print_sheet)
        self.save_button.clicked.connect(self.save_sheet)
        self.confirmed.toggled.connect(
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled
        )
        self.buttons.accepted.connect(self.accept)

    @property
    def pdf(self) -> bytes:
        return self._pdf

    def print_sheet(self) -> None:
        from app.ui.letters.letter_dialog import choose_printer
        from app.ui.letters.pdf_pages import print_pdfs

        printer = choose_printer(self)
        if printer is None:
            return
        try:
            print_pdfs(printer, [self._pdf], job_name="Footprint recovery sheet")
        except OSError as exc:
            self._say(f"The sheet could not be printed ({exc}). Try again, or save it.")
            return
        self.printed = True
        self.confirmed.setEnabled(True)
        self._say("Sent to the printer. Check the page came out whole before going on.", ok=True)

    def save_sheet(self) -> None:
        from app.ui.letters.letter_dialog import choose_save_path

        answer = QMessageBox.warning(
            self,
            "Save the recovery sheet",
            "A saved sheet opens the log as the printed one does. Save it to a USB stick "
            "that goes in the safe, or print it and then delete the file — not to this "
            "computer's documents, a shared drive or email.",
            QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Ok:
            return
        path = choose_save_path(self, "Footprint recovery sheet.pdf")
        if path is None:
            return
        try:
            write_privately(path, self._pdf)
        except OSError as exc:
            self._say(f"The sheet could not be saved there ({exc.strerror or exc}).")
            return
        self.printed = True
        self.confirmed.setEnabled(True)
        self._say(f"Saved as {path.name}.", ok=True)

    def _say(self, text: str, *, ok: bool = False) -> None:
        if ok:
            self.message.say_done(text)
        else:
            self.message.setText(text)
        self.message.show()

    def reject(self) -> None:
        """Esc or the window's close button: going on without a sheet is asked first."""
        answer = QMessageBox.warning(
            self,
            "Without the recovery sheet",
            "Without the sheet, the log can't be opened if every password is lost. "
            "Go on without it? Footprint asks the DSL to make a new recovery key at each "
            "sign-in until a sheet is confirmed (Settings → Accounts → New recovery key).",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            super().reject()


class RecoveryKeyDialog(QDialog):
    """Type the recovery key from the sheet (`key` once accepted)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Use the recovery key — Footprint")
        intro = QLabel(
            "Type the recovery key from the recovery sheet kept in the school safe. Spaces, "
            "dashes and capitals don't matter."
        )
        intro.setWordWrap(True)
        self.key = QLineEdit()
        self.key.setAccessibleName("Recovery key")
        self.key.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX")
        self.message = error_label()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Open the log")
        layout = QVBoxLayout(self)
        self.setMinimumWidth(560)
        layout.addWidget(intro)
        layout.addWidget(self.key)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

    def refuse(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()


class RecoverAccountDialog(QDialog):
    """After the recovery key opened the log: a DSL's or deputy's account gets a new
    password (of their choosing), and they are signed in with it."""

    def __init__(
        self,
        accounts: list[tuple[int, str]],
        set_password: Callable[[int, str], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._set_password = set_password
        self.user_id: int | None = None
        self.password_set = ""
        self.setWindowTitle("Choose a new password — Footprint")
        intro = QLabel(
            "The recovery key opened the log. Choose whose account gets a new password "
            "(a DSL's or a deputy's); they are signed in with it, and this is on the audit "
            "trail. Other accounts' passwords can then be reset in Settings → Accounts."
        )
        intro.setWordWrap(True)
        self.account = QComboBox()
        for user_id, name in accounts:
            self.account.addItem(name, user_id)
        self.password = _password_field()
        self.confirm = _password_field()
        hint = QLabel(PASSWORD_HELP)
        hint.setWordWrap(True)
        self.general = error_label()
        self.errors = FieldErrors(self.general)
        form = QFormLayout()
        form.addRow("Account", self.account)
        add_field_row(form, self.errors, "password", "New password", self.password)
        add_field_row(form, self.errors, "confirm", "New password again", self.confirm)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Set the password")
        layout = QVBoxLayout(self)
        self.setMinimumWidth(560)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.general)
        layout.addWidget(buttons)
        buttons.accepted.connect(self.set_password)
        buttons.rejected.connect(self.reject)

    def set_password(self) -> None:
        self.errors.clear()
        if self.password.text() != self.confirm.text():
            self.errors.show(ValidationError("confirm", "The two passwords are different."))
            return
        user_id = self.account.currentData()
        if not isinstance(user_id, int):
            self.general.setText("There is no DSL's or deputy's account to recover.")
            self.general.show()
            return
        try:
            self._set_password(user_id, self.password.text())
        except ValidationError as exc:
            self.errors.show(exc)
            return
        except FootprintError as exc:
            self.general.setText(exc.message)
            self.general.show()
            return
        self.user_id = user_id
        self.password_set = self.password.text()
        self.accept()


def make_new_recovery_key(parent: QWidget | None, context: AppContext, *, why: str) -> bool:
    """A new recovery key: its sheet is shown first, and the key replaces the old one
    only once the DSL confirms the sheet is printed (cancelling keeps the old sheet)."""
    from app.core.security.keyslots import make_recovery_key
    from app.core.services.accounts import new_recovery_key
    from app.core.services.school import find_settings

    keys = context.database.keys
    if keys is None:
        return False
    candidate = make_recovery_key()
    settings = context.read(find_settings)
    sheet = RecoverySheetDialog(
        candidate,
        school_name=settings.name if settings is not None else "",
        location=context.database.location,
        key_id=keys.key_id,
        why=why,
        parent=parent,
    )
    if not sheet.exec():
        return False
    try:
        context.write(lambda s, a: new_recovery_key(s, a, candidate))
    except FootprintError as exc:
        QMessageBox.warning(
            parent,
            "The new recovery key was not kept",
            f"{exc.message} The sheet already in the safe still works: shred the new one.",
        )
        return False
    return True


def remind_about_the_sheet(parent: QWidget | None, context: AppContext) -> None:
    """At the DSL's sign-in: no recovery sheet was confirmed for this log (skipped, or
    lost to a crash as the log was encrypted). Offer to make one now."""
    from app.core.vocab import UserRole

    keys = context.database.keys
    if keys is None or keys.ring.sheet_confirmed or context.role is not UserRole.DSL:
        return
    answer = QMessageBox.warning(
        parent,
        "No recovery sheet",
        "No recovery sheet has been confirmed for this log, so if every password were "
        "lost nobody could open it. Make a new recovery key and print its sheet now?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes,
    )
    if answer == QMessageBox.StandardButton.Yes:
        make_new_recovery_key(
            parent, context, why="A new recovery key for this log: print its sheet for the safe."
        )
