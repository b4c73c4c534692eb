"""Making letters about an incident: choose the template and who it goes to, see the
letters as they will print, then print them (one job) or save them as PDF. Letters are
put on record only when they are printed or saved, and what is printed is the stored file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core import audit
from app.core.errors import FootprintError
from app.core.files import StagedFile
from app.core.services.letter_recipients import (
    NotOffered,
    Recipient,
    not_offered,
    pupils_without_parents,
    recipients,
)
from app.core.services.letter_records import letter_pdf, letters_output
from app.core.services.letter_wording import current_templates
from app.core.services.letters import make_letters, prepare_letters
from app.core.vocab import LetterDelivery, LetterSigner
from app.ui.context import AppContext
from app.ui.letters.pdf_pages import PagesView, print_pdfs
from app.ui.widgets.choices import VocabCombo
from app.ui.widgets.field_errors import error_label

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.core.models import User


def choose_printer(parent: QWidget) -> QPrinter | None:
    """The system print dialog; None if the user cancels."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Print")
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    dialog.deleteLater()
    return printer if accepted else None


def choose_save_path(parent: QWidget, suggested: str) -> Path | None:
    """Where to save; None if the user cancels."""
    path, _ = QFileDialog.getSaveFileName(parent, "Save as PDF", suggested, "PDF files (*.pdf)")
    if not path:
        return None
    return Path(path if path.lower().endswith(".pdf") else f"{path}.pdf")


def numbered_paths(path: Path, count: int) -> list[Path]:
    """One file per letter: "name.pdf", or "name (1 of 2).pdf", "name (2 of 2).pdf"."""
    if count == 1:
        return [path]
    return [
        path.with_name(f"{path.stem} ({n} of {count}){path.suffix}") for n in range(1, count + 1)
    ]


class LetterDialog(QDialog):
    """Emits `made` with the stored letters' ids after printing or saving."""

    made = Signal(list)

    def __init__(
        self,
        context: AppContext,
        incident_id: int,
        reference: str,
        *,
        template_key: str | None = None,
        request_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.incident_id = incident_id
        self.reference = reference
        self.request_id = request_id
        #: Replaced in tests: the print dialog and the save dialog.
        self.choose_printer: Callable[[QWidget], QPrinter | None] = choose_printer
        self.choose_save_path: Callable[[QWidget, str], Path | None] = choose_save_path
        self.setWindowTitle(f"Letter — {reference} — Footprint")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)

        self.template = QComboBox()
        self.template.setAccessibleName("Letter")
        templates = context.read(current_templates)
        for key, template in templates.items():
            self.template.addItem(template.title, key)
        if template_key is not None and self.template.findData(template_key) >= 0:
            self.template.setCurrentIndex(self.template.findData(template_key))
        self.delivery = VocabCombo(list(LetterDelivery), accessible_name="Delivery")
        self.delivery.setToolTip(
            "By post: needs a postal address, and the deadline must fall after the letter "
            "arrives. Hand delivered or emailed: no address is printed."
        )
        self.signer = VocabCombo(list(LetterSigner), accessible_name="Signed by")
        self.signer.setToolTip(
            "The headteacher signs, unless the letter concerns them: then the deputy or the "
            "chair of governors (their names are set in Settings → School)."
        )
        self.people = QListWidget()
        self.people.setAccessibleName("To")
        self.people.setMinimumWidth(330)
        self.message = error_label()
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.unlinked = ""
        self.print_button = QPushButton("&Print…")
        self.print_button.setToolTip("Print every letter shown, as one job (Ctrl+P)")
        self.save_button = QPushButton("Save as P&DF…")
        self.close_button = QPushButton("Close")
        for button in (self.print_button, self.save_button, self.close_button):
            button.setAutoDefault(False)
        self.preview = PagesView()

        caption_letter = QLabel("&Letter")
        caption_letter.setBuddy(self.template)
        caption_to = QLabel("&To (tick each person who should get a copy)")
        caption_to.setBuddy(self.people)
        left = QWidget()
        side = QVBoxLayout(left)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(caption_letter)
        side.addWidget(self.template)
        options = QFormLayout()
        options.addRow("&Delivery", self.delivery)
        options.addRow("&Signed by", self.signer)
        side.addLayout(options)
        side.addWidget(caption_to)
        side.addWidget(self.people, 1)
        side.addWidget(self.notes)
        side.addWidget(self.message)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.preview)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        self.resize(1100, 760)

        self._refresh = QTimer(self, singleShot=True, interval=150)
        self._refresh.timeout.connect(self.update_preview)
        self.template.currentIndexChanged.connect(self._template_changed)
        self.people.itemChanged.connect(lambda _item: self._refresh.start())
        self.delivery.currentIndexChanged.connect(lambda _index: self._refresh.start())
        self.signer.currentIndexChanged.connect(lambda _index: self._refresh.start())
        self.print_button.clicked.connect(self.print_letters)
        self.save_button.clicked.connect(self.save_letters)
        self.close_button.clicked.connect(self.reject)
        print_shortcut = QShortcut(QKeySequence.StandardKey.Print, self)
        print_shortcut.activated.connect(self.print_letters)
        self.letters: list[bytes] = []
        self._template_changed()

    # -- choosing ---------------------------------------------------------------------
    @property
    def template_key(self) -> str:
        return str(self.template.currentData())

    def _template_changed(self) -> None:
        """List who this letter can go to, ticking the usual addressees of this letter."""
        try:
            found, unlinked = self.context.read(
                lambda s: (
                    recipients(s, self.incident_id, self.template_key, self.request_id),
                    pupils_without_parents(s, self.incident_id),
                )
            )
        except FootprintError as exc:
            found, unlinked = [], []
            self.message.setText(exc.message)
            self.message.show()
        self.people.blockSignals(True)
        self.people.clear()
        for person in found:
            item = QListWidgetItem(_describe(person))
            item.setData(Qt.ItemDataRole.UserRole, person.person_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            wanted = person.suggested
            item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)
            self.people.addItem(item)
        self._list_not_offered()
        self.people.blockSignals(False)
        self.unlinked = (
            "No parent or carer is linked to receive letters for "
            + ", ".join(unlinked)
            + ": link them in People to write to the family."
            if unlinked
            else ""
        )
        if not found:
            self.unlinked = (
                "Nobody to write to yet: add the people involved on the People tab (a pupil's "
                "parents and carers come from their family links). " + self.unlinked
            )
        self.update_preview()

    def _list_not_offered(self) -> None:
        """Below those offered, greyed and not tickable: the parents and carers this letter
        won't go to, with the reason (a court order, no parental responsibility), so the
        DSL isn't left wondering where a parent went."""
        try:
            left_out = self.context.read(
                lambda s: not_offered(s, self.incident_id, self.template_key, self.request_id)
            )
        except FootprintError:
            return  # those offered are still listed; the reasons are a courtesy
        for person in left_out:
            item = QListWidgetItem(_describe_not_offered(person))
            item.setData(Qt.ItemDataRole.UserRole, person.person_id)
            item.setFlags(Qt.ItemFlag.NoItemFlags)  # greyed: it can't be ticked
            item.setToolTip(f"Not offered: {person.reason}")
            self.people.addItem(item)

    @property
    def chosen_delivery(self) -> LetterDelivery:
        return self.delivery.value() or LetterDelivery.POST

    @property
    def chosen_signer(self) -> LetterSigner:
        return self.signer.value() or LetterSigner.HEADTEACHER

    def chosen_ids(self) -> list[int]:
        return [
            int(self.people.item(row).data(Qt.ItemDataRole.UserRole))
            for row in range(self.people.count())
            if self.people.item(row).checkState() is Qt.CheckState.Checked
        ]

    def update_preview(self) -> None:
        """Render the letters as they will print (nothing is stored yet)."""
        self.message.hide()
        ids = self.chosen_ids()
        self.letters = []
        self.notes.setText(self.unlinked)
        if not ids:
            self.preview.show_message("Tick who the letter is to, and it appears here.")
            self._enable()
            return
        try:
            prepared = self.context.look(
                lambda s: prepare_letters(
                    s,
                    self.incident_id,
                    self.template_key,
                    ids,
                    request_id=self.request_id,
                    delivery=self.chosen_delivery,
                    signer=self.chosen_signer,
                )
            )
        except FootprintError as exc:
            self.message.setText(exc.message)
            self.message.show()
            self.preview.show_message(exc.message)
            self._enable()
            return
        self.letters = [p.pdf for p in prepared]
        warnings = [w for p in prepared for w in p.warnings]
        count = len(prepared)
        pages = sum(p.page_count for p in prepared)
        summary = (
            f"{count} letter{'s' if count != 1 else ''}, {pages} page{'s' if pages != 1 else ''}."
        )
        self.notes.setText(" ".join([summary, *warnings]))
        self.preview.show_pdfs(self.letters)
        self._enable()

    def _enable(self) -> None:
        for button in (self.print_button, self.save_button):
            button.setEnabled(bool(self.letters))

    # -- printing and saving ----------------------------------------------------------
    def _make_then(
        self, output: Callable[[list[bytes]], object], action: audit.Action
    ) -> list[int] | None:
        """Put the letters on record and hand the stored bytes to `output` (the printer,
        or the files) in the same transaction: if the output fails, nothing is kept, so
        trying again never makes a second copy."""
        ids = self.chosen_ids()

        def work(session: Session, actor: User) -> list[int]:
            made = make_letters(
                session,
                actor,
                self.incident_id,
                self.template_key,
                ids,
                request_id=self.request_id,
                delivery=self.chosen_delivery,
                signer=self.chosen_signer,
            )
            output([letter_pdf(session, letter.id) for letter in made])
            letters_output(session, [letter.id for letter in made], action)
            return [letter.id for letter in made]

        try:
            made_ids = self.context.write(work)
        except FootprintError as exc:
            self.message.setText(exc.message)
            self.message.show()
            return None
        except (OSError, ValueError) as exc:
            self.message.setText(
                f"Nothing was printed or saved, and nothing was kept on record: {_reason(exc)}"
            )
            self.message.show()
            return None
        self.made.emit(made_ids)
        return made_ids

    def print_letters(self) -> None:
        if not self.letters:
            return
        printer = self.choose_printer(self)
        if printer is None:
            return
        made = self._make_then(lambda pdfs: print_pdfs(printer, pdfs), audit.Action.PRINT)
        if made is not None:
            self.accept()

    def save_letters(self) -> None:
        if not self.letters:
            return
        title = self.template.currentText().replace("/", "-")
        path = self.choose_save_path(self, f"{self.reference} {title}.pdf")
        if path is None:
            return
        targets = numbered_paths(path, len(self.letters))
        existing = [t.name for t in targets if len(targets) > 1 and t.exists()]
        if existing:
            self.message.setText(
                f"{existing[0]} already exists: choose another name, so no earlier letter is "
                "replaced."
            )
            self.message.show()
            return

        staged: list[StagedFile] = []

        def stage(pdfs: list[bytes]) -> None:  # the files appear once the letters are kept
            staged.extend(StagedFile(t, pdf) for t, pdf in zip(targets, pdfs, strict=True))

        made = self._make_then(stage, audit.Action.EXPORT)
        if made is None:
            for file in staged:
                file.discard()
            return
        try:
            for file in staged:
                file.publish()
        except OSError as exc:
            self.message.setText(f"The letters are kept on record but not saved: {_reason(exc)}")
            self.message.show()
            return
        self.accept()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return str(exc.strerror or exc)
    return "the letter could not be drawn for the printer."


def _describe(person: Recipient) -> str:
    address = "" if person.has_address else " — no postal address (hand it over or email it)"
    return f"{person.name} — {person.reason}{address}"


def _describe_not_offered(person: NotOffered) -> str:
    return f"{person.name} (parent or carer of {person.child_name}) — not offered: {person.reason}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
