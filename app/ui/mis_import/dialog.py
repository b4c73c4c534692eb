"""Import from the MIS: choose the file, map a CSV's columns, see what the import would
change, and apply it. Whatever goes wrong, the window keeps the file and mapping chosen
and says why in a sentence; nothing reaches the log before Apply."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import Conflict, FootprintError
from app.core.mis_import import csv_files
from app.core.mis_import.plan import PersonPlan, Suggestion
from app.core.mis_import.records import ImportFileError
from app.core.mis_import.wording import change_parts, counted
from app.core.permissions import Permission
from app.core.vocab import PersonKind
from app.ui.background import Outcome
from app.ui.context import AppContext
from app.ui.mis_import.controller import Choice, ImportController
from app.ui.mis_import.file_step import FileStep, choose_file
from app.ui.mis_import.mapping_step import MappingStep
from app.ui.mis_import.preview_step import PreviewStep
from app.ui.people.cp_transfer_dialog import LeaversOffer
from app.ui.widgets.field_errors import error_label

FILE, MAPPING, PREVIEW = range(3)
STOPPED = "Stopped: nothing was read into the log. Choose Preview to try again."


class ImportDialog(QDialog):
    """The import window (opened from the People page by those who may import)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import from the MIS — Footprint")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.context = context
        self.controller = ImportController(context, self)
        #: Replaced in tests: the system's file dialog.
        self.choose_file: Callable[[QWidget], Path | None] = choose_file
        self.file_step = FileStep()
        self.mapping_step = MappingStep()
        self.preview_step = PreviewStep()
        self.pages = QStackedWidget()
        for page in (self.file_step, self.mapping_step, self.preview_step):
            self.pages.addWidget(page)
        self.message = error_label()
        self.back = QPushButton("< &Back")
        self.next = QPushButton("&Next >")
        self.apply_button = QPushButton("&Apply…")
        self.close_button = QPushButton("Close")
        for button in (self.back, self.next, self.apply_button, self.close_button):
            button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.back, self.next, self.apply_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(1000, 700)
        # What the mapping screen was last filled for: going back and on keeps the choices.
        self._mapped_for: tuple[Path, str] | None = None

        self.file_step.browse.clicked.connect(self.browse)
        self.mapping_step.changed.connect(self._enable)
        self.mapping_step.save_requested.connect(self.save_mapping)
        self.preview_step.whole_school_changed.connect(self.set_whole_school)
        self.preview_step.decided.connect(self.decide)
        self.back.clicked.connect(self.go_back)
        self.next.clicked.connect(self.go_next)
        self.apply_button.clicked.connect(self.apply)
        self.close_button.clicked.connect(self.reject)
        self._show(FILE)

    # -- moving between the steps -----------------------------------------------------
    def _show(self, page: int) -> None:
        self.pages.setCurrentIndex(page)
        self.next.setText("&Next >" if page == FILE else "&Preview >")
        self._enable()

    def _enable(self) -> None:
        page = self.pages.currentIndex()
        self.back.setEnabled(page != FILE)
        self.next.setVisible(page != PREVIEW)
        if page == FILE:
            self.next.setEnabled(self.file_step.chosen_path() is not None)
        elif page == MAPPING:
            self.next.setEnabled(not self.mapping_step.unmapped_required())
        plan = self.controller.plan
        self.apply_button.setVisible(page == PREVIEW)
        self.apply_button.setEnabled(page == PREVIEW and plan is not None and plan.changes_anything)

    def browse(self) -> None:
        path = self.choose_file(self)
        if path is not None:
            self.file_step.set_path(path)
            self.message.hide()
            self._enable()

    def go_back(self) -> None:
        self.message.hide()
        page = self.pages.currentIndex()
        if page == PREVIEW and self.file_step.source == "csv":
            self._show(MAPPING)
        else:
            self._show(FILE)

    def go_next(self) -> None:
        self.message.hide()
        path = self.file_step.chosen_path()
        if path is None:
            return
        if self.pages.currentIndex() == FILE and self.file_step.source == "csv":
            self._map_columns(path, self.file_step.csv_kind)
            return
        if self.file_step.source == "ctf":
            choice = Choice(path, "ctf")
        else:
            if self.mapping_step.save_name.text().strip() and not self.save_mapping():
                return
            choice = Choice(
                path,
                "csv",
                self.file_step.csv_kind,
                self.mapping_step.columns(),
                self.mapping_step.save_name.text().strip()
                or str(self.mapping_step.start_from.currentData() or ""),
            )
        self._take(self.controller.read_and_preview(choice))

    def _map_columns(self, path: Path, kind: str) -> None:
        """Fill the mapping screen for this file (unless it already is: going back to
        the first step and on again keeps what was chosen)."""
        if self._mapped_for != (path, kind):
            try:
                sample = self.controller.sniff(path)
                fields = csv_files.fields_for(kind)
                guesses = csv_files.guess_columns(sample.headers, kind)
                saved = self.controller.saved_mappings(kind)
            except (ImportFileError, FootprintError) as exc:
                self._say(exc.message)
                return
            except OSError as exc:
                self._say(f"{path.name} could not be read ({exc.strerror or exc}).")
                return
            self.mapping_step.load(fields, sample, guesses, saved)
            self._mapped_for = (path, kind)
        self._show(MAPPING)

    def save_mapping(self) -> bool:
        name = self.mapping_step.save_name.text().strip()
        if not name:
            return False
        kind = self.file_step.csv_kind
        try:
            self.controller.save_mapping(name, kind, self.mapping_step.columns())
        except FootprintError as exc:
            self._say(exc.message)
            return False
        self.message.say_done(f"Saved the mapping “{name}”: choose it next time under Start from.")
        return True

    # -- the preview and the answers that change it -----------------------------------
    def _take(self, outcome: Outcome[Any]) -> bool:
        """Show the preview the work produced, or why there is none (keeping the step)."""
        if outcome.cancelled:
            self.message.say_done(STOPPED)
            return False
        if outcome.error is not None:
            self._say(outcome.error)
            return False
        self._show_plan()
        return True

    def _show_plan(self) -> None:
        plan, import_file = self.controller.plan, self.controller.import_file
        assert plan is not None and import_file is not None
        self.preview_step.show_plan(plan, import_file)
        self._show(PREVIEW)

    def set_whole_school(self, whole_school: bool) -> None:
        if self.controller.import_file is None:
            return
        self.message.hide()
        if not self._take(self.controller.preview_again(whole_school=whole_school)):
            self._show_plan()  # the checkbox goes back to what the preview shows

    def decide(self, chosen: list[Suggestion], same: bool) -> None:
        decisions = dict(self.controller.decisions)
        for suggestion in chosen:
            if same:
                decisions[suggestion.record_key] = suggestion.person_id
            else:
                decisions.pop(suggestion.record_key, None)
        self.message.hide()
        self._take(self.controller.preview_again(decisions=decisions))

    # -- applying ---------------------------------------------------------------------
    def apply(self) -> None:
        plan = self.controller.plan
        if plan is None or not plan.changes_anything:
            return
        undecided = sum(1 for s in plan.suggestions if s.record_key not in plan.decisions)
        also = (
            f" {counted(undecided, 'possible match is', 'possible matches are')} added as "
            f"{'a new person' if undecided == 1 else 'new people'}."
            if undecided
            else ""
        )
        question = (
            f"Apply this import? It {'; '.join(change_parts(plan.counts()))}.{also} It can be "
            "undone only by importing the earlier file again."
        )
        answer = QMessageBox.question(self, "Apply the import", question)
        if answer is not QMessageBox.StandardButton.Yes:
            return
        outcome = self.controller.apply()
        if isinstance(outcome.exception, Conflict):
            QMessageBox.information(
                self,
                "Preview again",
                "The log changed since this preview, so nothing was applied. Footprint will "
                "preview the file again: check it, then apply.",
            )
            self._take(self.controller.preview_again())
            return
        if outcome.error is not None or outcome.result is None:
            self._say(outcome.error or "The import could not be applied; nothing was changed.")
            return
        done = "; ".join(change_parts(outcome.result.counts)) or "changes nothing"
        QMessageBox.information(self, "Imported", f"Imported. The import {done}.")
        self._offer_transfers(plan.left)
        self.accept()

    def _offer_transfers(self, left: list[PersonPlan]) -> None:
        """Pupils who left and are on incidents: offer their child protection file."""
        leavers = [
            (p.person_id, p.name, p.on_incidents)
            for p in left
            if p.kind is PersonKind.PUPIL and p.person_id is not None and p.on_incidents
        ]
        if leavers and self.context.may(Permission.CASE_FILES):
            offer = LeaversOffer(self.context, leavers, self)
            self.leavers_offer = offer
            offer.exec()
            offer.deleteLater()

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
