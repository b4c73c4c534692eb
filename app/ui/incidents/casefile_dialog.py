"""Exporting an incident's case file (Ctrl+E in the incident window): which copy, who it
is for, who an agency copy names, which evidence is pictured, an optional password typed
twice; then where to save it. The file is written, private to the user, only once the
export is on the audit trail and the timeline."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import FootprintError, ValidationError
from app.core.files import StagedFile
from app.core.services.casefile import (
    CaseFileChoice,
    CaseFileExport,
    CaseFileOptions,
    case_file_options,
    check_choice,
    export_case_file,
)
from app.core.vocab import CaseFileVariant
from app.documents.protection import MIN_PASSWORD_LENGTH
from app.ui.background import run_with_progress
from app.ui.context import AppContext
from app.ui.letters.letter_dialog import choose_save_path
from app.ui.widgets.field_errors import FieldErrors, add_field_row, error_label

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.core.models import User


class CaseFileDialog(QDialog):
    """Choose how the case file is made, then save it."""

    def __init__(self, context: AppContext, incident_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.incident_id = incident_id
        self.options: CaseFileOptions = context.read(lambda s: case_file_options(s, incident_id))
        #: Where to save (a test replaces it); None: the user cancelled.
        self.choose_save_path: Callable[[QWidget, str], Path | None] = choose_save_path
        #: The export once saved (tests and the editor read it).
        self.saved: tuple[Path, CaseFileExport] | None = None
        self.setWindowTitle(f"Case file of {self.options.reference} — Footprint")

        self.full = QRadioButton("&Full record — for the school's file or another DSL")
        self.agency = QRadioButton(
            "For an &outside agency — the police, children's social care, the LADO"
        )
        self.variants = QButtonGroup(self)
        for button in (self.full, self.agency):
            self.variants.addButton(button)
        self.agency.setChecked(True)
        self.recipient = QLineEdit()
        self.recipient.setPlaceholderText("e.g. PC Smith, Thames Valley Police")
        self.people = QListWidget()
        self.people_caption = QLabel(
            "Named in the agency copy (ticked). Anyone unticked appears by their role "
            "(“Class teacher”) or as “Pupil B”, “Pupil C”…, in the text too:"
        )
        self.people_caption.setWordWrap(True)
        for person in self.options.people:
            if not person.replaceable:
                continue
            item = QListWidgetItem(f"{person.name} — {person.kind.label}, {person.role}")
            item.setData(Qt.ItemDataRole.UserRole, person.person_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = person.named_by_default
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.people.addItem(item)
        self.pictures = QListWidget()
        for evidence in self.options.evidence:
            label = evidence.label
            if not evidence.may_picture:
                label += " (no picture kept)"
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, evidence.evidence_id)
            if evidence.may_picture:
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
            else:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            self.pictures.addItem(item)
        self.protect = QCheckBox("Protect the file with a &password (AES-256)")
        self.password = QLineEdit()
        self.password_again = QLineEdit()
        for box in (self.password, self.password_again):
            box.setEchoMode(QLineEdit.EchoMode.Password)
            box.setEnabled(False)
        self.password_hint = QLabel(
            f"At least {MIN_PASSWORD_LENGTH} characters. Give it to the recipient another way "
            "(by phone), never in the same email. Footprint keeps no copy of it."
        )
        self.password_hint.setWordWrap(True)

        top = QFormLayout()
        self.general = error_label()
        self.errors = FieldErrors(self.general)
        add_field_row(top, self.errors, "recipient", "&Who it is for", self.recipient)
        form = QFormLayout()
        form.addRow(self.protect)
        add_field_row(form, self.errors, "password", "Pass&word", self.password)
        add_field_row(form, self.errors, "password_again", "&Again", self.password_again)
        form.addRow(self.password_hint)
        self.save_button = QPushButton("&Save as PDF…")
        self.save_button.setDefault(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(self.save)
        pictures_caption = QLabel("Print a &picture of (none unless ticked):")
        pictures_caption.setBuddy(self.pictures)
        self.people_caption.setBuddy(self.people)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.full)
        layout.addWidget(self.agency)
        layout.addWidget(self.people_caption)
        layout.addWidget(self.people)
        layout.addWidget(pictures_caption)
        layout.addWidget(self.pictures)
        layout.addLayout(form)
        layout.addWidget(self.general)
        layout.addWidget(buttons)
        self.agency.toggled.connect(self._variant_changed)
        self.protect.toggled.connect(self._protect_changed)
        self._variant_changed()
        self.resize(640, 620)

    def _variant_changed(self) -> None:
        agency = self.agency.isChecked()
        self.people.setVisible(agency and self.people.count() > 0)
        self.people_caption.setVisible(agency and self.people.count() > 0)

    def _protect_changed(self, on: bool) -> None:
        for box in (self.password, self.password_again):
            box.setEnabled(on)
            if not on:
                box.clear()
        if on:
            self.password.setFocus()

    def choice(self) -> CaseFileChoice:
        """What the dialog says, as the service takes it."""
        agency = self.agency.isChecked()
        named = frozenset(
            self.people.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self.people.count())
            if self.people.item(row).checkState() == Qt.CheckState.Checked
        )
        named |= frozenset(p.person_id for p in self.options.people if not p.replaceable)
        pictures = frozenset(
            self.pictures.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self.pictures.count())
            if self.pictures.item(row).checkState() == Qt.CheckState.Checked
        )
        protect = self.protect.isChecked()
        return CaseFileChoice(
            CaseFileVariant.AGENCY if agency else CaseFileVariant.FULL,
            self.recipient.text(),
            thumbnails=pictures,
            named=named if agency else None,
            password=self.password.text() if protect else "",
            password_again=self.password_again.text() if protect else "",
        )

    def save(self) -> None:
        """Check what was typed, ask where, then make and record the file off the window's
        thread; the file appears only once the export is committed."""
        choice = self.choice()
        self.errors.clear()
        if self.protect.isChecked() and not choice.password:
            self.errors.show(ValidationError("password", "Type the password, or untick it."))
            return
        try:
            check_choice(choice)
        except ValidationError as exc:
            self.errors.show(exc)
            return
        short = "agency" if choice.variant is CaseFileVariant.AGENCY else "full"
        path = self.choose_save_path(self, f"{self.options.reference} case file ({short}).pdf")
        if path is None:
            return
        if path.is_dir():
            self.errors.show(ValidationError("", f"{path.name} is a folder: choose a file name."))
            return
        staged: list[StagedFile] = []

        def work(session: Session, user: User) -> CaseFileExport:
            export = export_case_file(session, user, self.incident_id, choice)
            staged.append(StagedFile(path, export.pdf))  # named once this is committed
            return export

        export, error = run_with_progress(
            self,
            "Making the case file…",
            lambda: self.context.write(work, announce=False),
            failure="The case file could not be made; nothing was saved or recorded.",
        )
        if error is not None or export is None:
            for file in staged:
                file.discard()
            self.errors.show(ValidationError("", error or "The case file could not be made."))
            return
        self.context.announce()
        try:
            staged[0].publish()
        except OSError as exc:
            staged[0].discard()
            self.errors.show(
                ValidationError(
                    "",
                    f"The export is recorded, but {path.name} could not be saved "
                    f"({exc.strerror or exc}): save it again.",
                )
            )
            return
        self.saved = (path, export)
        self.accept()


def open_case_file_dialog(
    context: AppContext, incident_id: int, parent: QWidget
) -> tuple[Path, CaseFileExport] | None:
    """Show the dialog; what was saved, if anything."""
    try:
        dialog = CaseFileDialog(context, incident_id, parent)
    except FootprintError as exc:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(parent, "Case file", exc.message)
        return None
    dialog.exec()
    saved = dialog.saved
    dialog.deleteLater()
    return saved
