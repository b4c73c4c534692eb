"""The incident editor window: Details, People, Evidence and Timeline, saved together."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.clock import utc_now
from app.core.errors import DecisionNeeded, FootprintError, ValidationError
from app.core.permissions import DSL_TEAM, Permission
from app.core.services.chronology import list_chronology
from app.core.services.closing import OPEN_ITEMS, CloseDecisions
from app.core.services.evidence import list_evidence
from app.core.services.incident_access import case_manager_candidates, who_can_see
from app.core.services.incident_form import (
    PendingChanges,
    load_incident_form,
    save_incident_form,
)
from app.core.services.incident_status import incident_state
from app.core.services.incidents import IncidentDetails, withdraw_incident
from app.core.services.retention import incident_retention
from app.core.vocab import Category, IncidentStatus, Platform, Severity
from app.ui.context import AppContext
from app.ui.incidents.casefile_dialog import open_case_file_dialog
from app.ui.incidents.casework_panel import CaseworkPanel
from app.ui.incidents.details_form import DetailsForm
from app.ui.incidents.evidence_panel import EvidencePanel
from app.ui.incidents.people_panel import PeoplePanel
from app.ui.incidents.role_view import hide_what_the_role_may_not_use
from app.ui.incidents.timeline_panel import TimelinePanel
from app.ui.letters.letter_dialog import LetterDialog
from app.ui.letters.letters_list import LettersList
from app.ui.people.picker import PersonPicker
from app.ui.widgets.field_errors import error_label

PEOPLE_FIELDS = {"person", "role"}
EVIDENCE_FIELDS = {"file", "filename", "description", "captured_at"}
TIMELINE_FIELDS = {"note", "amendment"}


class IncidentEditor(QDialog):
    """One incident (or a new one). Ctrl+S saves; Esc or closing asks if unsaved."""

    saved = Signal(int)

    def __init__(
        self, context: AppContext, incident_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.context = context
        self.incident_id = incident_id
        self.version: int | None = None
        self.reference = ""
        self.reported_by_id: int | None = None
        self.pending = PendingChanges()
        self._baseline: IncidentDetails | None = None
        #: The letter window while it is open (tests reach it here).
        self.letter_dialog: LetterDialog | None = None

        self.form = DetailsForm()
        if context.role in DSL_TEAM:
            self.form.set_case_manager_choices(
                [(a.id, a.described) for a in context.read(case_manager_candidates)]
            )
        self.people = PeoplePanel(context, self.pending)
        self.evidence = EvidencePanel(context, self.pending)
        self.timeline = TimelinePanel(self.pending)
        self.casework = CaseworkPanel(context)
        self.form.categories.itemChanged.connect(self._categories_changed)
        self.letters = LettersList(context, whole_log=False)
        self.tabs = QTabWidget()
        self._tab_titles: list[tuple[QWidget, str]] = [
            (self.form, "&Details"),
            (self.people, "&People"),
            (self.casework, "&Requests && escalations"),
            (self.evidence, "&Evidence"),
            (self.timeline, "&Timeline"),
            (self.letters, "&Letters"),
        ]
        for widget, title in self._tab_titles:
            self.tabs.addTab(widget, title)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.message = error_label()
        self.save_button = QPushButton("&Save")
        self.save_button.setToolTip("Save everything on every tab (Ctrl+S)")
        self.save_button.setDefault(False)
        self.save_button.setAutoDefault(False)
        self.withdraw_button = QPushButton("Withdraw incident…")
        self.withdraw_button.setToolTip(
            "For an incident recorded in error or twice: it stays on record, marked withdrawn"
        )
        self.withdraw_button.setAutoDefault(False)
        self.case_file_button = QPushButton("Case &file…")
        self.case_file_button.setToolTip(
            "Export this incident's case file as a PDF, for an outside agency or the file (Ctrl+E)"
        )
        self.case_file_button.setAutoDefault(False)
        self.close_button = QPushButton("Close")
        self.close_button.setAutoDefault(False)
        for button in (
            self.save_button,
            self.close_button,
            self.withdraw_button,
            self.case_file_button,
        ):
            button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        buttons = QHBoxLayout()
        buttons.addWidget(self.withdraw_button)
        buttons.addWidget(self.case_file_button)
        buttons.addWidget(self.message, 1)
        buttons.addStretch(0)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)
        self.resize(1180, 700)

        save_shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        save_shortcut.activated.connect(self.save)
        print_shortcut = QShortcut(QKeySequence.StandardKey.Print, self)
        print_shortcut.activated.connect(
            lambda: self.open_letters() if context.may(Permission.LETTERS) else None
        )
        case_file_shortcut = QShortcut(QKeySequence("Ctrl+E"), self)
        case_file_shortcut.activated.connect(self.export_case_file)
        self.case_file_button.clicked.connect(self.export_case_file)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.close)
        self.withdraw_button.clicked.connect(self.withdraw)
        self.form.choose_reporter.clicked.connect(self.choose_reporter)
        self.form.clear_reporter.clicked.connect(lambda: self._set_reporter(None, ""))
        for panel in (self.people, self.evidence, self.timeline):
            panel.changed.connect(self._update_tab_titles)
        self.casework.changed.connect(self._casework_saved)
        self.evidence.destroyed.connect(self._evidence_destroyed)
        self.casework.mark_safeguarding.connect(self._mark_safeguarding)
        self.casework.letter_requested.connect(
            lambda request_id, key: self.open_letters(key, request_id)
        )
        self.letters.new_button.clicked.connect(lambda: self.open_letters())
        self.letters.withdrawn.connect(self._casework_saved)

        if incident_id is None:
            self._start_new()
        else:
            self.reload()
        self.apply_role()

    def apply_role(self) -> None:
        """Hide what the signed-in account may not use (the services refuse it anyway)."""
        hide_what_the_role_may_not_use(self)

    # -- loading -------------------------------------------------------------------
    def _start_new(self) -> None:
        self.setWindowTitle("New incident — Footprint")
        self.withdraw_button.hide()
        self.form.seen_at.set_value(utc_now())
        self.form.platform.set_value(Platform.FACEBOOK)
        self.form.severity.set_value(Severity.MEDIUM)
        self.form.status.set_value(IncidentStatus.NEW)
        self.form.access.setText("Once saved, the DSL team can open it.")
        self._baseline = self.collect()
        for panel in (self.people, self.evidence, self.timeline):
            panel.show_rows([])
        self.casework.show_incident(None)
        self.letters.show_incident(None)
        self._update_tab_titles()

    def reload(self) -> None:
        """Read the incident again and show it (after opening or saving)."""
        assert self.incident_id is not None
        incident_id = self.incident_id
        loaded = self.context.read(lambda s: load_incident_form(s, incident_id))
        self.version, self.reference = loaded.version, loaded.reference
        self.setWindowTitle(f"{loaded.reference} — Footprint")
        access = self.context.read(lambda s: who_can_see(s, incident_id))
        self._show_details(loaded.details, loaded.reporter_name)
        manager = access.case_manager
        self.form.set_case_manager(
            loaded.details.case_manager_id, manager.described if manager else ""
        )
        self.form.access.setText(access.summary)
        self._baseline = self.collect()
        self.people.show_rows(loaded.people)
        self.evidence.show_rows(loaded.evidence, loaded.reference)
        self.timeline.show_rows(loaded.timeline)
        self.casework.show_incident(loaded.id)
        self.letters.allow_new = not loaded.withdrawn
        if self.context.may(Permission.LETTERS):
            self.letters.show_incident(loaded.id)
        retention = self.context.read(lambda s: incident_retention(s, incident_id))
        self.form.retention.setText(retention.summary)
        self.form.retention.show()
        closed_for_good = loaded.withdrawn or retention.rule is None
        if closed_for_good:
            self.banner.setText(
                retention.summary
                if retention.rule is None
                else "This incident has been withdrawn: it is kept on record but can't be changed."
            )
            self.banner.show()
            self.save_button.setEnabled(False)
            self.withdraw_button.setEnabled(False)
            self.letters.allow_new = False
        self.withdraw_button.show()
        self._update_tab_titles()

    def _show_details(self, d: IncidentDetails, reporter_name: str) -> None:
        f = self.form
        f.seen_at.set_value(d.seen_at)
        f.happened_at.set_value(d.happened_at)
        f.reported_at.set_value(d.reported_at)
        self._set_reporter(d.reported_by_id, reporter_name)
        f.platform.set_value(d.platform)
        f.platform_other.setText(d.platform_other)
        f.audience.set_value(d.audience)
        f.url.setText(d.url)
        f.account_handle.setText(d.account_handle)
        f.still_live.set_value(d.still_live)
        f.summary.setPlainText(d.summary)
        f.set_categories(d.categories)
        f.severity.set_value(d.severity)
        f.safeguarding_concern.setChecked(d.safeguarding_concern)
        f.dsl_only.setChecked(d.dsl_only)
        f.parent_informed.set_value(d.parent_informed)
        f.parent_informed_at.set_value(d.parent_informed_at)
        f.parent_not_informed_reason.setText(d.parent_not_informed_reason)
        f.parent_informed_by.setText(d.parent_informed_by)
        f.prejudice_type.set_value(d.prejudice_type)
        f.status.set_value(d.status)
        f.outcome.set_value(d.outcome)
        f.outcome_rationale.setPlainText(d.outcome_rationale)

    def _categories_changed(self) -> None:
        """A nude or semi-nude image is described, never stored: the Evidence tab refuses
        files while that category is ticked (the service refuses them too)."""
        self.evidence.files_refused = Category.NUDE_IMAGE in self.form.checked_categories()

    # -- the form ------------------------------------------------------------------
    def collect(self) -> IncidentDetails:
        """The incident the form describes (ends of single-line fields trimmed)."""
        f = self.form
        informed = f.parent_informed.value()
        return IncidentDetails(
            seen_at=f.seen_at.value() or utc_now(),
            happened_at=f.happened_at.value(),
            reported_at=f.reported_at.value(),
            reported_by_id=self.reported_by_id,
            platform=f.platform.value() or Platform.OTHER,
            platform_other=f.platform_other.text().strip(),
            audience=f.audience.value(),
            url=f.url.text().strip(),
            account_handle=f.account_handle.text().strip(),
            still_live=f.still_live.value(),
            summary=f.summary.toPlainText().strip(),
            categories=f.checked_categories(),
            severity=f.severity.value() or Severity.MEDIUM,
            safeguarding_concern=f.safeguarding_concern.isChecked(),
            dsl_only=f.dsl_only.isChecked(),
            case_manager_id=f.case_manager_id(),
            parent_informed=informed,
            parent_informed_at=f.parent_informed_at.value() if informed else None,
            parent_not_informed_reason=(
                f.parent_not_informed_reason.text().strip() if informed is False else ""
            ),
            status=f.status.value() or IncidentStatus.NEW,
            outcome=f.outcome.value(),
            outcome_rationale=f.outcome_rationale.toPlainText().strip(),
            parent_informed_by=f.parent_informed_by.text().strip() if informed else "",
            prejudice_type=(
                f.prejudice_type.value()
                if Category.PREJUDICE_BASED in f.checked_categories()
                else None
            ),
        )

    def is_dirty(self) -> bool:
        """Anything typed or staged that is not saved."""
        return (
            bool(self.pending)
            or self.collect() != self._baseline
            or bool(self.timeline.note.toPlainText().strip())
        )

    def choose_reporter(self) -> None:
        picker = PersonPicker(self.context, title="Who reported it?", parent=self)
        if picker.exec() and picker.chosen is not None:
            self._set_reporter(picker.chosen.id, picker.chosen.name)

    def _set_reporter(self, person_id: int | None, name: str) -> None:
        self.reported_by_id = person_id
        self.form.reported_by.setText(name)

    # -- saving --------------------------------------------------------------------
    def save(self) -> bool:
        """Save fields and everything staged, in one transaction. On a refusal the form
        keeps everything and the message appears beside the field."""
        if not self.save_button.isEnabled():
            return False
        if self.timeline.note.toPlainText().strip():
            self.timeline.stage_note()  # a typed note is part of what the DSL means to save
        details = self.collect()
        pending, incident_id, version = self.pending, self.incident_id, self.version
        self.form.errors.clear()
        self.message.hide()
        decisions = CloseDecisions()
        while True:
            try:
                incident = self.context.write(
                    partial(
                        save_incident_form,
                        details=details,
                        pending=pending,
                        incident_id=incident_id,
                        expected_version=version,
                        decisions=decisions,
                    )
                )
                break
            except DecisionNeeded as needed:
                reason = self._ask_reason(needed)
                if reason is None:
                    self.message.setText("Not closed: nothing was saved.")
                    self.message.show()
                    return False
                decisions = (
                    replace(decisions, open_items_reason=reason)
                    if needed.decision == OPEN_ITEMS
                    else replace(decisions, no_escalation_reason=reason)
                )
            except ValidationError as exc:
                self._show_error(exc)
                return False
            except FootprintError as exc:
                self.message.setText(exc.message)
                self.message.show()
                return False
        self._saved(incident.id)
        return True

    def _ask_reason(self, needed: DecisionNeeded) -> str | None:
        """Ask for the reason the rules need (None if the DSL thinks better of it)."""
        title = (
            "Close with items still open?"
            if needed.decision == OPEN_ITEMS
            else "Close without escalating?"
        )
        text, ok = QInputDialog.getMultiLineText(self, title, needed.message + "\n\nReason:")
        return text.strip() if ok and text.strip() else None

    def _saved(self, new_id: int) -> None:
        self.incident_id = new_id
        self.pending.clear()
        self.people.forget_staged()
        self.reload()
        self.apply_role()  # a new incident saved by office staff is theirs to read only
        self.message.say_done(f"Saved {self.reference}.")
        self.saved.emit(new_id)

    def withdraw(self) -> None:
        """Withdraw an incident recorded in error (asks why; nothing is deleted)."""
        if self.incident_id is None:
            return
        if self.is_dirty():
            answer = QMessageBox.question(
                self,
                "Unsaved changes",
                "This incident has changes that are not saved. Save them before withdrawing it?",
                QMessageBox.StandardButton.Save
                | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Save,
            )
            if answer == QMessageBox.StandardButton.Cancel:
                return
            if answer == QMessageBox.StandardButton.Save and not self.save():
                return
            if answer == QMessageBox.StandardButton.Discard:
                self._forget_changes()
        reason, ok = QInputDialog.getText(
            self,
            "Withdraw this incident",
            f"Why is {self.reference} being withdrawn (e.g. recorded twice)? It stays on "
            "record, marked withdrawn, with your reason.",
        )
        if not ok or not reason.strip():
            return
        incident_id = self.incident_id
        try:
            self.context.write(lambda s, a: withdraw_incident(s, a, incident_id, reason.strip()))
        except FootprintError as exc:
            self.message.setText(exc.message)
            self.message.show()
            return
        self._forget_changes()
        self.reload()

    def _show_error(self, error: ValidationError) -> None:
        if error.field in PEOPLE_FIELDS:
            self.tabs.setCurrentWidget(self.people)
            panel_error = self.people.error
        elif error.field in EVIDENCE_FIELDS:
            self.tabs.setCurrentWidget(self.evidence)
            panel_error = self.evidence.error
        elif error.field in TIMELINE_FIELDS:
            self.tabs.setCurrentWidget(self.timeline)
            panel_error = self.timeline.error
        else:
            self.tabs.setCurrentWidget(self.form)
            self.form.errors.show(error)
            panel_error = None
        if panel_error is not None:
            panel_error.setText(error.message)
            panel_error.show()
        self.message.setText("Not saved: " + error.message)
        self.message.show()

    def _update_tab_titles(self) -> None:
        staged = {
            self.people: len(self.pending.involvements) + len(self.pending.involvement_removals),
            self.evidence: len(self.pending.evidence) + len(self.pending.evidence_removals),
            self.timeline: len(self.pending.notes) + len(self.pending.amendments),
        }
        for index, (widget, title) in enumerate(self._tab_titles):
            self.tabs.setTabText(index, f"{title} •" if staged.get(widget) else title)

    def _casework_saved(self) -> None:
        """A request or escalation was saved from its dialog: show the new timeline
        entries (the form and anything staged are left as they are) and the status the
        work moved the incident to, if it did."""
        assert self.incident_id is not None
        incident_id = self.incident_id
        timeline, (status, version) = self.context.read(
            lambda s: (list_chronology(s, incident_id), incident_state(s, incident_id))
        )
        self.timeline.show_rows(timeline)
        self._follow_status(status, version)

    def _follow_status(self, status: IncidentStatus, version: int) -> None:
        """The work moved the status on (one change to the incident, on the timeline):
        show it, unless the DSL has chosen a status in the form, and take the new
        version. Any other change since opening is left for Save to report."""
        baseline = self._baseline
        if baseline is None or self.version is None or version != self.version + 1:
            return
        if status is baseline.status:
            return
        if self.form.status.value() is baseline.status:
            self.form.status.set_value(status)
        self._baseline = replace(baseline, status=status)
        self.version = version

    def open_letters(self, template_key: str | None = None, request_id: int | None = None) -> None:
        """Make a letter (Ctrl+P): from the saved incident, so unsaved changes are saved
        first; the new letters then appear on the Letters tab and the timeline."""
        if self.incident_id is None or not self.letters.allow_new:
            if self.incident_id is None:
                self.message.setText("Save the incident first: letters are made from it.")
                self.message.show()
            return
        if self.is_dirty() and not self._saved_first("Letters are made from what is saved."):
            return
        dialog = LetterDialog(
            self.context,
            self.incident_id,
            self.reference,
            template_key=template_key,
            request_id=request_id,
            parent=self,
        )
        dialog.made.connect(lambda _ids: self._letters_made())
        self.letter_dialog = dialog
        dialog.exec()
        self.letter_dialog = None
        dialog.deleteLater()  # its page images are not kept

    def export_case_file(self) -> None:
        """The case file as a PDF (Ctrl+E), from what is saved: unsaved changes first."""
        if not self.context.may(Permission.CASE_FILES):
            return
        if self.incident_id is None:
            self.message.setText("Save the incident first: the case file is made from it.")
            self.message.show()
            return
        if self.is_dirty() and not self._saved_first("Case files are made from what is saved."):
            return
        saved = open_case_file_dialog(self.context, self.incident_id, self)
        if saved is not None:
            path, export = saved
            self._evidence_destroyed()  # the timeline now says who it went to
            self.message.say_done(f"Saved {path.name} ({export.pages} pages).")

    def _saved_first(self, why: str) -> bool:
        answer = QMessageBox.question(
            self,
            "Save first?",
            f"{why} Save your changes to this incident first?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        return answer == QMessageBox.StandardButton.Save and self.save()

    def _letters_made(self) -> None:
        self.letters.reload()
        self._casework_saved()

    def _evidence_destroyed(self) -> None:
        """An image was erased (saved at once): show the evidence and timeline as stored,
        leaving the form and anything staged as they are."""
        assert self.incident_id is not None
        incident_id = self.incident_id
        evidence, timeline = self.context.read(
            lambda s: (list_evidence(s, incident_id), list_chronology(s, incident_id))
        )
        self.evidence.show_rows(evidence)
        self.timeline.show_rows(timeline)

    def _mark_safeguarding(self) -> None:
        self.form.safeguarding_concern.setChecked(True)
        self.tabs.setCurrentWidget(self.form)
        self.message.setText("Marked as a safeguarding concern: save to keep it.")
        self.message.show()

    # -- closing -------------------------------------------------------------------
    def _forget_changes(self) -> None:
        """Drop everything staged or typed in the panels (the form is re-read by reload)."""
        self.pending.clear()
        self.people.forget_staged()
        self.timeline.note.clear()

    def discard_and_close(self) -> None:
        """Close without saving and without asking (the DSL chose Discard)."""
        self._forget_changes()
        self._baseline = self.collect()
        self.close()

    def reject(self) -> None:
        """Esc closes (asking first if anything is unsaved)."""
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.save_button.isEnabled() and self.is_dirty():
            answer = QMessageBox.question(
                self,
                "Unsaved changes",
                "This incident has changes that are not saved. Save them before closing?",
                QMessageBox.StandardButton.Save
                | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Save,
            )
            if answer == QMessageBox.StandardButton.Cancel or (
                answer == QMessageBox.StandardButton.Save and not self.save()
            ):
                event.ignore()
                return
        event.accept()
        self.done(QDialog.DialogCode.Accepted)
