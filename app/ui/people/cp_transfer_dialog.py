"""Child protection file transfer for a pupil who leaves: the transfers already made (with
"Confirm receipt…" and "Withdraw…"), and a form to make and save a new file: the next
school and its DSL, when the pupil left, how it is sent, which incidents, an optional
password typed twice. The file is written, private to the user, once it is recorded."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.clock import today_london
from app.core.errors import FootprintError, ValidationError
from app.core.files import StagedFile
from app.core.services.cp_transfer import (
    TransferDetails,
    TransferMade,
    TransferOptions,
    TransferRow,
    check_details,
    confirm_receipt,
    make_transfer,
    transfer_options,
    withdraw_transfer,
)
from app.core.timefmt import format_date
from app.core.vocab import TransferMethod
from app.ui.background import run_with_progress
from app.ui.context import AppContext
from app.ui.letters.letter_dialog import choose_save_path
from app.ui.widgets.choices import VocabCombo
from app.ui.widgets.dates import DateField
from app.ui.widgets.field_errors import FieldErrors, add_field_row, error_label

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.core.models import User


def transfer_status(row: TransferRow) -> str:
    """How a transfer stands, in words."""
    if row.withdrawn:
        return "Withdrawn"
    if row.receipt_confirmed_on is not None:
        return f"Received {format_date(row.receipt_confirmed_on)} ({row.receipt_confirmed_by})"
    return f"Awaiting receipt — due by {format_date(row.due_on)}"


class TransferDialog(QDialog):
    """One pupil's transfers, and a new one."""

    def __init__(self, context: AppContext, pupil_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.pupil_id = pupil_id
        self.options: TransferOptions = context.read(lambda s: transfer_options(s, pupil_id))
        #: Where to save (a test replaces it); None: the user cancelled.
        self.choose_save_path: Callable[[QWidget, str], Path | None] = choose_save_path
        #: The transfer made and where it was saved (tests read it).
        self.saved: tuple[Path, TransferMade] | None = None
        self.setWindowTitle(f"Child protection file — {self.options.pupil_name}")

        self.history = QTreeWidget()
        self.history.setAccessibleName("Files sent")
        self.history.setHeaderLabels(["Sent", "To", "Incidents", "Where it stands"])
        self.history.setRootIsDecorated(False)
        self.history.setMaximumHeight(110)
        self.confirm_button = QPushButton("Confirm &receipt…")
        self.withdraw_button = QPushButton("Withdraw…")
        self.school = QLineEdit()
        self.dsl = QLineEdit()
        self.contact = QLineEdit()
        self.contact.setPlaceholderText("secure email or phone")
        self.left_on = DateField(optional=False)
        self.left_on.set_value(self.options.left_on or today_london())
        self.sent_on = DateField(optional=False)
        self.method: VocabCombo[TransferMethod] = VocabCombo(list(TransferMethod))
        self.method_note = QLineEdit()
        self.method_note.setPlaceholderText("e.g. the system's name, or the recorded-post number")
        self.incidents = QListWidget()
        for incident in self.options.incidents:
            item = QListWidgetItem(
                f"{incident.reference} · seen {format_date(incident.seen_on)} · {incident.summary}"
            )
            item.setData(Qt.ItemDataRole.UserRole, incident.incident_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            ticked = incident.included_by_default
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            self.incidents.addItem(item)
        self.pictures = QCheckBox("Include pictures of the evidence where an image is kept")
        self.password = QLineEdit()
        self.password_again = QLineEdit()
        for box in (self.password, self.password_again):
            box.setEchoMode(QLineEdit.EchoMode.Password)
        self.general = error_label()
        self.errors = FieldErrors(self.general)
        form = QFormLayout()
        add_field_row(form, self.errors, "destination_school", "Next &school", self.school)
        add_field_row(form, self.errors, "destination_dsl", "Their &DSL", self.dsl)
        add_field_row(form, self.errors, "destination_contact", "How to &reach them", self.contact)
        add_field_row(form, self.errors, "left_on", "&Left on", self.left_on)
        add_field_row(form, self.errors, "sent_on", "Sent &on", self.sent_on)
        add_field_row(form, self.errors, "method", "Sent &how", self.method)
        add_field_row(form, self.errors, "method_note", "De&tail", self.method_note)
        add_field_row(form, self.errors, "incidents", "&Incidents", self.incidents)
        form.addRow(self.pictures)
        add_field_row(form, self.errors, "password", "Pass&word (optional)", self.password)
        add_field_row(form, self.errors, "password_again", "&Again", self.password_again)
        self.make_button = QPushButton("&Make and save the file…")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.make_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        history_actions = QHBoxLayout()
        history_actions.addWidget(self.confirm_button)
        history_actions.addWidget(self.withdraw_button)
        history_actions.addStretch(1)
        explain = QLabel(
            "KCSIE: send the file to the new school's DSL within five school days of the "
            "pupil leaving (or of the next term starting), separately from the main pupil "
            "file, and get a confirmation that it arrived. Each case file is the full record."
        )
        explain.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addWidget(QLabel("Files sent"))
        layout.addWidget(self.history)
        layout.addLayout(history_actions)
        layout.addWidget(QLabel("A new file"))
        layout.addLayout(form)
        layout.addWidget(self.general)
        layout.addWidget(buttons)
        self.confirm_button.clicked.connect(self.confirm)
        self.withdraw_button.clicked.connect(self.withdraw)
        self.make_button.clicked.connect(self.make)
        self.history.currentItemChanged.connect(lambda *_: self._enable())
        self._show_history(self.options.transfers)
        self.resize(760, 760)

    def _show_history(self, rows: tuple[TransferRow, ...]) -> None:
        self.history.clear()
        for row in rows:
            item = QTreeWidgetItem(
                [
                    format_date(row.sent_on),
                    row.destination_school,
                    str(row.incident_count),
                    transfer_status(row),
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, row)
            self.history.addTopLevelItem(item)
        self._enable()

    def _chosen(self) -> TransferRow | None:
        item = self.history.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None

    def _enable(self) -> None:
        row = self._chosen()
        waiting = row is not None and not row.withdrawn and row.receipt_confirmed_on is None
        self.confirm_button.setEnabled(waiting)
        self.withdraw_button.setEnabled(row is not None and not row.withdrawn)

    def _reload(self) -> None:
        pupil_id = self.pupil_id
        self.options = self.context.read(lambda s: transfer_options(s, pupil_id))
        self._show_history(self.options.transfers)

    def confirm(self) -> None:
        row = self._chosen()
        if row is not None and ReceiptDialog(self.context, row, self).exec():
            self._reload()

    def withdraw(self) -> None:
        row = self._chosen()
        if row is None:
            return
        reason, ok = QInputDialog.getText(
            self, "Withdraw the transfer", "Why (e.g. recorded for the wrong school)?"
        )
        if not ok or not reason.strip():
            return
        try:
            self.context.write(lambda s, u: withdraw_transfer(s, u, row.id, reason))
        except FootprintError as exc:
            self.errors.show(ValidationError("", exc.message))
            return
        self._reload()

    def details(self) -> TransferDetails:
        """What the form says, as the service takes it."""
        ticked = frozenset(
            self.incidents.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self.incidents.count())
            if self.incidents.item(row).checkState() == Qt.CheckState.Checked
        )
        left_on = self.left_on.value() or today_london()
        return TransferDetails(
            pupil_id=self.pupil_id,
            destination_school=self.school.text(),
            destination_dsl=self.dsl.text(),
            destination_contact=self.contact.text(),
            left_on=left_on,
            sent_on=self.sent_on.value() or today_london(),
            method=self.method.value() or TransferMethod.SECURE_EMAIL,
            method_note=self.method_note.text(),
            incident_ids=ticked,
            pictures=self.pictures.isChecked(),
            password=self.password.text(),
            password_again=self.password_again.text(),
        )

    def make(self) -> None:
        """Ask where, then make, record and save the file off the window's thread."""
        details = self.details()
        self.errors.clear()
        try:
            check_details(details)
        except ValidationError as exc:
            self.errors.show(exc)
            return
        if not details.incident_ids:
            self.errors.show(ValidationError("incidents", "Tick at least one incident to send."))
            return
        # No name in the file's name: it shows in every email and folder it passes through.
        path = self.choose_save_path(
            self, f"Child protection file {format_date(details.sent_on).replace('/', '-')}.pdf"
        )
        if path is None:
            return
        staged: list[StagedFile] = []

        def work(session: Session, user: User) -> TransferMade:
            made = make_transfer(session, user, details)
            staged.append(StagedFile(path, made.pdf))  # named once this is committed
            return made

        made, error = run_with_progress(
            self,
            "Making the child protection file…",
            lambda: self.context.write(work, announce=False),
            failure="The file could not be made; nothing was saved or recorded.",
        )
        if error is not None or made is None:
            for file in staged:
                file.discard()
            self.errors.show(ValidationError("", error or "The file could not be made."))
            return
        self.context.announce()
        try:
            staged[0].publish()
        except OSError as exc:
            staged[0].discard()
            self.errors.show(
                ValidationError(
                    "",
                    f"The transfer is recorded, but {path.name} could not be saved "
                    f"({exc.strerror or exc}): withdraw it and make it again.",
                )
            )
            self._reload()
            return
        self.saved = (path, made)
        self._reload()
        self.general.say_done(
            f"Saved {path.name} ({made.pages} pages). Due at the new school by "
            f"{format_date(made.due_on)}: confirm receipt here when the slip comes back."
        )


class ReceiptDialog(QDialog):
    """The signed slip came back: when, and who signed it."""

    def __init__(self, context: AppContext, row: TransferRow, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.row = row
        self.setWindowTitle("Confirm receipt — Footprint")
        self.received_on = DateField(optional=False)
        self.confirmed_by = QLineEdit(row.destination_dsl)
        self.note = QLineEdit()
        self.general = error_label()
        self.errors = FieldErrors(self.general)
        form = QFormLayout()
        add_field_row(form, self.errors, "received_on", "&Received on", self.received_on)
        add_field_row(form, self.errors, "confirmed_by", "&Signed by", self.confirmed_by)
        add_field_row(form, self.errors, "receipt_note", "&Note", self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"The child protection file of {row.pupil_name}, sent to "
            f"{row.destination_school} on {format_date(row.sent_on)}."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.general)
        layout.addWidget(buttons)

    def save(self) -> None:
        received = self.received_on.value() or today_london()
        try:
            self.context.write(
                lambda s, u: confirm_receipt(
                    s,
                    u,
                    self.row.id,
                    received_on=received,
                    confirmed_by=self.confirmed_by.text(),
                    note=self.note.text(),
                )
            )
        except ValidationError as exc:
            self.errors.show(exc)
            return
        except FootprintError as exc:
            self.errors.show(ValidationError("", exc.message))
            return
        self.accept()


def open_transfer_dialog(context: AppContext, pupil_id: int, parent: QWidget) -> None:
    """Show a pupil's transfers (a refusal, such as someone who isn't a pupil, is said)."""
    try:
        dialog = TransferDialog(context, pupil_id, parent)
    except FootprintError as exc:
        QMessageBox.warning(parent, "Child protection file", exc.message)
        return
    dialog.exec()
    dialog.deleteLater()


class LeaversOffer(QDialog):
    """After an import: the pupils it marked as left who are on incidents, each offered a
    child protection file transfer (KCSIE's five school days start when they leave)."""

    def __init__(
        self, context: AppContext, leavers: list[tuple[int, str, int]], parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Leavers with incidents — Footprint")
        self.list = QListWidget()
        self.list.setAccessibleName("Leavers on incidents")
        for person_id, name, incidents in leavers:
            item = QListWidgetItem(f"{name} — on {incidents} incident{'s' * (incidents != 1)}")
            item.setData(Qt.ItemDataRole.UserRole, person_id)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.transfer_button = QPushButton("Child protection file &transfer…")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.transfer_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.transfer_button.clicked.connect(self.transfer)
        self.list.itemActivated.connect(lambda _item: self.transfer())
        intro = QLabel(
            "These pupils have left and are on incidents in the log. KCSIE asks for their "
            "child protection file to reach the new school's DSL within five school days. "
            "You can also do this later from People."
        )
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list)
        layout.addWidget(buttons)

    def transfer(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            open_transfer_dialog(self.context, item.data(Qt.ItemDataRole.UserRole), self)
