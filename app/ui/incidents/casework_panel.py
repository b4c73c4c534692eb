"""The incident window's "Requests & escalations" tab: next-step guidance with one-click
actions, the deletion requests and the escalations, and their quick actions."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.clock import today_london
from app.core.rules.guidance import Step, StepAction
from app.core.rules.transitions import REQUEST_OUTCOMES
from app.core.services.deletion_requests import RequestRow, list_requests
from app.core.services.escalations import EscalationRow, list_escalations
from app.core.services.guidance import guidance_for, incident_facts
from app.core.services.involvements import list_involvements
from app.core.timefmt import format_date, format_datetime
from app.core.vocab import DeletionOutcome, IncidentStatus, InvolvementRole
from app.ui.context import AppContext
from app.ui.incidents.casework_dialogs import (
    AddReferenceDialog,
    EscalationDialog,
    EscalationUpdateDialog,
    MarkSentDialog,
    OutcomeDialog,
    ReplyDialog,
    RequestDialog,
    SecondRequestDialog,
)

BUTTON_TEXT = {
    StepAction.REQUEST_DELETION: "Ask to delete…",
    StepAction.SECOND_REQUEST: "Second request…",
    StepAction.ESCALATE: "Escalate…",
    StepAction.MARK_SAFEGUARDING: "Mark as a safeguarding concern",
}


class CaseworkPanel(QWidget):
    """Emits `changed` after any action is saved; `mark_safeguarding` for the form."""

    changed = Signal()
    mark_safeguarding = Signal()
    #: A letter for the selected request: (request id, template key).
    letter_requested = Signal(int, str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.incident_id: int | None = None
        self.requests: list[RequestRow] = []
        self.escalations: list[EscalationRow] = []
        self.posters: list[tuple[int, str]] = []

        self.guidance_box = QGroupBox("Next steps (advice: nothing happens until you choose)")
        self.guidance = QGridLayout(self.guidance_box)
        self.unsaved = QLabel(
            "Save the incident first: requests and escalations belong to a saved incident."
        )
        self.unsaved.setWordWrap(True)

        self.request_list = QTreeWidget()
        self.request_list.setAccessibleName("Deletion requests")
        self.request_list.setHeaderLabels(["To", "How", "Sent", "Deadline", "Reply", "Outcome"])
        self.request_list.setRootIsDecorated(False)
        for column, width in enumerate((170, 120, 120, 120, 220)):
            self.request_list.setColumnWidth(column, width)
        self.new_request = QPushButton("Request deletion…")
        self.mark_sent = QPushButton("Mark sent…")
        self.reply = QPushButton("Record reply…")
        self.removed = QPushButton("Mark removed…")
        self.outcome = QPushButton("Record outcome…")
        self.second = QPushButton("Second request…")
        self.letter = QPushButton("Letter…")
        self.letter.setToolTip("The letter for this request, to print or save")

        self.escalation_list = QTreeWidget()
        self.escalation_list.setAccessibleName("Escalations")
        self.escalation_list.setHeaderLabels(
            ["To", "When", "Reference", "Status", "Follow up by", "Outcome", "Notes"]
        )
        self.escalation_list.setRootIsDecorated(False)
        for column, width in enumerate((230, 120, 140, 120, 100, 200)):
            self.escalation_list.setColumnWidth(column, width)
        self.escalate = QPushButton("Escalate…")
        self.update_escalation = QPushButton("Update…")
        self.add_reference = QPushButton("Add reference…")
        self.add_reference.setToolTip("The reference they gave after the contact")

        request_buttons = QHBoxLayout()
        for button in (
            self.new_request,
            self.mark_sent,
            self.reply,
            self.removed,
            self.outcome,
            self.second,
            self.letter,
        ):
            request_buttons.addWidget(button)
        request_buttons.addStretch(1)
        escalation_buttons = QHBoxLayout()
        escalation_buttons.addWidget(self.escalate)
        escalation_buttons.addWidget(self.update_escalation)
        escalation_buttons.addWidget(self.add_reference)
        escalation_buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.unsaved)
        layout.addWidget(self.guidance_box)
        layout.addWidget(QLabel("Deletion requests"))
        layout.addWidget(self.request_list, 1)
        layout.addLayout(request_buttons)
        layout.addWidget(QLabel("Escalations"))
        layout.addWidget(self.escalation_list, 1)
        layout.addLayout(escalation_buttons)

        self.new_request.clicked.connect(lambda: self.ask_to_delete(None))
        self.mark_sent.clicked.connect(lambda: self._on_request(MarkSentDialog))
        self.reply.clicked.connect(lambda: self._on_request(ReplyDialog))
        self.removed.clicked.connect(
            lambda: self._on_request(OutcomeDialog, outcome=DeletionOutcome.REMOVED)
        )
        self.outcome.clicked.connect(lambda: self._on_request(OutcomeDialog))
        self.second.clicked.connect(lambda: self._on_request(SecondRequestDialog))
        self.letter.clicked.connect(self._letter_for_request)
        self.escalate.clicked.connect(lambda: self.escalate_to(None))
        self.update_escalation.clicked.connect(self._update_escalation)
        self.add_reference.clicked.connect(self._add_reference)
        self.request_list.currentItemChanged.connect(lambda *_: self._enable())
        self.escalation_list.currentItemChanged.connect(lambda *_: self._enable())
        self.open = False
        self.show_incident(None)

    # -- showing -------------------------------------------------------------------
    def show_incident(self, incident_id: int | None) -> None:
        """Read the requests, escalations and guidance again."""
        self.incident_id = incident_id
        self.unsaved.setVisible(incident_id is None)
        steps: list[Step]
        if incident_id is None:
            self.requests, self.escalations, steps = [], [], []
            self.open = False
        else:
            self.requests, self.escalations, steps, people, facts = self.context.read(
                lambda s: (
                    list_requests(s, incident_id),
                    list_escalations(s, incident_id),
                    guidance_for(s, incident_id),
                    list_involvements(s, incident_id),
                    incident_facts(s, incident_id),
                )
            )
            self.posters = [
                (p.person_id, p.person_name) for p in people if p.role is InvolvementRole.POSTER
            ]
            self.open = facts.status is not IncidentStatus.CLOSED
            if not self.open:
                self.unsaved.setText(
                    "This incident is closed: to add a request or an escalation, reopen it "
                    "on the Details tab first."
                )
                self.unsaved.show()
        self._show_requests()
        self._show_escalations()
        self._show_guidance(steps)
        self._enable()

    def _enable(self) -> None:
        """Each action only where the selected record's state allows it."""
        request = self._current_request()
        escalation = self._current_escalation()
        live = request is not None and request.superseded_by_id is None
        for button, allowed in (
            (self.new_request, True),
            (
                self.mark_sent,
                request is not None
                and request.sent_at is None
                and request.outcome is DeletionOutcome.PENDING,
            ),
            (self.reply, request is not None and request.sent_at is not None),
            (
                self.removed,
                live
                and request is not None
                and request.sent_at is not None
                and DeletionOutcome.REMOVED in REQUEST_OUTCOMES[request.outcome],
            ),
            (
                self.outcome,
                live and request is not None and bool(REQUEST_OUTCOMES[request.outcome]),
            ),
            (
                self.second,
                live
                and request is not None
                and request.sent_at is not None
                and request.outcome
                in (
                    DeletionOutcome.PENDING,
                    DeletionOutcome.NO_REPLY,
                    DeletionOutcome.REFUSED,
                    DeletionOutcome.PARTLY_REMOVED,
                ),
            ),
            (self.letter, request is not None and request.outcome is DeletionOutcome.PENDING),
            (self.escalate, True),
            (self.update_escalation, escalation is not None),
            (
                self.add_reference,
                escalation is not None and escalation.is_open and not escalation.reference_number,
            ),
        ):
            button.setEnabled(self.open and allowed)
        self.guidance_box.setEnabled(self.open)

    def _show_requests(self) -> None:
        self.request_list.clear()
        today = today_london()
        for row in self.requests:
            deadline = format_date(row.deadline)
            if row.overdue(today):
                deadline += " (overdue)"
            reply = (
                f"{format_datetime(row.reply_received_at)}: {row.reply_summary}"
                if row.reply_received_at
                else ""
            )
            outcome = row.outcome.label
            if row.removal_verified_at:
                outcome += f", checked {format_datetime(row.removal_verified_at)}"
            if row.sent_at is None and row.outcome is DeletionOutcome.PENDING:
                outcome = "Not sent yet"
            if row.superseded_by_id is not None and row.outcome is not DeletionOutcome.SUPERSEDED:
                outcome += " — superseded: the post was removed after another request"
            item = QTreeWidgetItem(
                [
                    row.addressee_name + (" (2nd)" if row.follow_up_of_id else ""),
                    row.method.label,
                    format_datetime(row.sent_at),
                    deadline,
                    reply,
                    outcome,
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, row.id)
            self.request_list.addTopLevelItem(item)
        last = self.request_list.topLevelItem(len(self.requests) - 1)
        if last is not None:  # there are requests
            self.request_list.setCurrentItem(last)

    def _show_escalations(self) -> None:
        self.escalation_list.clear()
        today = today_london()
        for row in self.escalations:
            follow = format_date(row.next_follow_up_on)
            if row.follow_up_due(today):
                follow += " (due)"
            reference = row.reference_number
            if row.awaiting_reference:
                reference = f"Not given yet (add by {format_date(row.reference_due_on)})"
                if row.reference_due(today):
                    reference += " (due)"
            item = QTreeWidgetItem(
                [
                    row.kind.label,
                    format_datetime(row.escalated_at),
                    reference,
                    row.status.label,
                    follow,
                    row.outcome.replace("\n", " "),
                    row.notes.replace("\n", " "),
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, row.id)
            self.escalation_list.addTopLevelItem(item)
        last = self.escalation_list.topLevelItem(len(self.escalations) - 1)
        if last is not None:  # there are escalations
            self.escalation_list.setCurrentItem(last)

    def _show_guidance(self, steps: list[Step]) -> None:
        while self.guidance.count():
            child = self.guidance.takeAt(0)
            if child is not None and (widget := child.widget()) is not None:
                widget.deleteLater()
        if not steps:
            steps = [Step("No next step suggested.", "")] if self.incident_id else []
        for row, step in enumerate(steps):
            advice = QLabel(step.advice)
            advice.setWordWrap(True)
            advice.setToolTip(step.why)
            self.guidance.addWidget(advice, row, 0)
            if step.action is not StepAction.NONE:
                text = BUTTON_TEXT[step.action]
                if step.escalation_kind is not None:
                    text = f"{step.escalation_kind.label}…"
                button = QPushButton(text)
                button.setAccessibleName(f"{text} {step.advice}")
                button.clicked.connect(lambda _=False, s=step: self.take(s))
                self.guidance.addWidget(button, row, 1)
        self.guidance.setColumnStretch(0, 1)

    # -- acting --------------------------------------------------------------------
    def take(self, step: Step) -> None:
        """The one-click action of a guidance step (it opens the dialog; nothing is
        saved until the DSL saves it there)."""
        if step.action is StepAction.REQUEST_DELETION:
            self.ask_to_delete(step.person_id)
        elif step.action is StepAction.SECOND_REQUEST and step.request_id is not None:
            row = next((r for r in self.requests if r.id == step.request_id), None)
            if row is not None:
                self._open(SecondRequestDialog(self.context, row, self))
        elif step.action is StepAction.ESCALATE:
            self.escalate_to(step.escalation_kind)
        elif step.action is StepAction.MARK_SAFEGUARDING:
            self.mark_safeguarding.emit()

    def ask_to_delete(self, person_id: int | None) -> None:
        if self.incident_id is not None:
            self._open(
                RequestDialog(
                    self.context, self.incident_id, self.posters, person_id=person_id, parent=self
                )
            )

    def escalate_to(self, kind: object) -> None:
        if self.incident_id is not None:
            self._open(
                EscalationDialog(
                    self.context,
                    self.incident_id,
                    kind=kind,  # type: ignore[arg-type]
                    parent=self,
                )
            )

    def _letter_for_request(self) -> None:
        row = self._current_request()
        if row is not None:
            template = "second_request" if row.follow_up_of_id else "request_removal"
            self.letter_requested.emit(row.id, template)

    def _current_request(self) -> RequestRow | None:
        item = self.request_list.currentItem()
        if item is None:
            return None
        chosen = item.data(0, Qt.ItemDataRole.UserRole)
        return next((r for r in self.requests if r.id == chosen), None)

    def _on_request(self, dialog_class: type, **options: object) -> None:
        row = self._current_request()
        if row is not None:
            self._open(dialog_class(self.context, row, parent=self, **options))

    def _current_escalation(self) -> EscalationRow | None:
        item = self.escalation_list.currentItem()
        if item is None:
            return None
        chosen = item.data(0, Qt.ItemDataRole.UserRole)
        return next((r for r in self.escalations if r.id == chosen), None)

    def _update_escalation(self) -> None:
        row = self._current_escalation()
        if row is not None:
            self._open(EscalationUpdateDialog(self.context, row, self))

    def _add_reference(self) -> None:
        row = self._current_escalation()
        if row is not None:
            self._open(AddReferenceDialog(self.context, row, self))

    def _open(self, dialog: QDialog) -> None:
        if dialog.exec():
            self.show_incident(self.incident_id)
            self.changed.emit()
