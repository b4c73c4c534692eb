"""Dialogs for deletion requests and escalations; each saves at once through a service
and shows a refusal beside the field it is about."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from app.core.clock import utc_now
from app.core.errors import ValidationError
from app.core.rules.transitions import (
    FINAL_ESCALATION_STATUSES,
    REFERENCE_LABELS,
    REFERENCE_REMINDED,
    REFERENCE_REMINDER_DAYS,
    REMOVAL_OUTCOMES,
    REQUEST_OUTCOMES,
    statuses_for,
)
from app.core.services.deletion_requests import (
    RequestRow,
    create_request,
    default_deadline,
    mark_sent,
    record_outcome,
    record_reply,
    send_second_request,
)
from app.core.services.escalations import (
    EscalationRow,
    add_reference,
    create_escalation,
    update_escalation,
)
from app.core.vocab import DeletionMethod, DeletionOutcome, EscalationKind
from app.ui.context import AppContext
from app.ui.widgets.choices import VocabCombo
from app.ui.widgets.dates import DateField, DateTimeField
from app.ui.widgets.service_dialog import ServiceDialog


def _notes() -> QPlainTextEdit:
    notes = QPlainTextEdit()
    notes.setTabChangesFocus(True)
    notes.setMaximumHeight(90)
    return notes


def _post_description() -> QLineEdit:
    """How the letter names the post without quoting it."""
    field = QLineEdit()
    field.setMaxLength(300)
    field.setPlaceholderText("e.g. a message in the Year 4 parents' WhatsApp group on 14 November")
    field.setToolTip(
        "Identifies the post in the letter without quoting it. Left empty, the letter says "
        "where and when it was posted (“a post in a parents' chat on WhatsApp on …”)."
    )
    return field


class RequestDialog(ServiceDialog):
    """Ask a poster to delete the post; the deadline follows the school-day rule."""

    def __init__(
        self,
        context: AppContext,
        incident_id: int,
        posters: list[tuple[int, str]],
        *,
        person_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, "Ask for the post to be deleted", parent)
        self.incident_id = incident_id
        self.addressee = QComboBox()
        for poster_id, name in posters:
            self.addressee.addItem(name, poster_id)
        if person_id is not None:
            self.addressee.setCurrentIndex(max(self.addressee.findData(person_id), 0))
        self.method = VocabCombo(list(DeletionMethod))
        self.sent_at = DateTimeField(optional=True, tick_text="Sent")
        self.sent_at.set_value(utc_now())
        self.deadline = DateField(optional=False)
        self.post_description = _post_description()
        self.notes = _notes()
        self.add_row("addressee", "To", self.addressee)
        self.add_row("post_description", "The post (in the letter)", self.post_description)
        self.add_row("method", "How", self.method)
        self.add_row("sent_at", "Sent", self.sent_at)
        self.add_row("deadline", "Deadline", self.deadline)
        self.add_row("notes", "Notes", self.notes)
        if not posters:
            self.say("Nobody is recorded as the poster yet: add them on the People tab first.")
        self.sent_at.changed.connect(self._suggest_deadline)
        self.method.currentIndexChanged.connect(lambda _index: self._suggest_deadline())
        self._suggest_deadline()

    def _suggest_deadline(self) -> None:
        sent, method = self.sent_at.value(), self.method.value()
        self.deadline.setEnabled(sent is not None)
        if sent is not None:
            self.deadline.set_value(self.context.read(lambda s: default_deadline(s, sent, method)))

    def save(self) -> None:
        incident_id, addressee = self.incident_id, self.addressee.currentData()
        method = self.method.value() or DeletionMethod.LETTER
        sent, notes = self.sent_at.value(), self.notes.toPlainText().strip()
        deadline = self.deadline.value() if sent is not None else None
        described = self.post_description.text().strip()
        if addressee is None:
            self.errors.show(ValidationError("addressee", "Choose who the request goes to."))
            return
        self.run(
            lambda s, a: create_request(
                s,
                a,
                incident_id,
                addressee_id=addressee,
                method=method,
                sent_at=sent,
                deadline=deadline,
                notes=notes,
                post_description=described,
            )
        )


class MarkSentDialog(ServiceDialog):
    """A drafted request has gone out: when, and the deadline that follows."""

    def __init__(
        self, context: AppContext, request: RequestRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, f"Request to {request.addressee_name} sent", parent)
        self.request = request
        self.sent_at = DateTimeField(optional=False)
        self.deadline = DateField(optional=False)
        self.add_row("sent_at", "Sent", self.sent_at)
        self.add_row("deadline", "Deadline", self.deadline)
        self.sent_at.changed.connect(self._suggest_deadline)
        self._suggest_deadline()

    def _suggest_deadline(self) -> None:
        sent, method = self.sent_at.value(), self.request.method
        if sent is not None:
            self.deadline.set_value(self.context.read(lambda s: default_deadline(s, sent, method)))

    def save(self) -> None:
        request_id, sent = self.request.id, self.sent_at.value() or utc_now()
        deadline = self.deadline.value()
        self.run(lambda s, a: mark_sent(s, a, request_id, sent, deadline=deadline))


class SecondRequestDialog(ServiceDialog):
    """A second request, linked to the first (which is recorded as "no reply")."""

    def __init__(
        self, context: AppContext, request: RequestRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, f"Second request to {request.addressee_name}", parent)
        self.request = request
        self.say(
            "The first request is recorded as “no reply” if it is still open. The "
            "letter says what was recorded (no reply, refused, partly removed) and what "
            "the school may do next: report the post to the platform, seek the "
            "helpline's advice, or involve the police."
        )
        self.method = VocabCombo(list(DeletionMethod))
        self.method.set_value(DeletionMethod.LETTER)
        self.sent_at = DateTimeField(optional=False)
        self.post_description = _post_description()
        self.post_description.setText(request.post_description)
        self.notes = _notes()
        self.add_row("post_description", "The post (in the letter)", self.post_description)
        self.add_row("method", "How", self.method)
        self.add_row("sent_at", "Sent", self.sent_at)
        self.add_row("notes", "Notes", self.notes)

    def save(self) -> None:
        request_id, method = self.request.id, self.method.value() or DeletionMethod.LETTER
        sent, notes = self.sent_at.value() or utc_now(), self.notes.toPlainText().strip()
        described = self.post_description.text().strip()
        self.run(
            lambda s, a: send_second_request(
                s,
                a,
                request_id,
                method=method,
                sent_at=sent,
                notes=notes,
                post_description=described,
            )
        )


class ReplyDialog(ServiceDialog):
    """What the poster said, and when."""

    def __init__(
        self, context: AppContext, request: RequestRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, f"Reply from {request.addressee_name}", parent)
        self.request = request
        self.reply_at = DateTimeField(optional=False)
        self.summary = _notes()
        self.summary.setPlaceholderText("The gist of the reply (don't copy offensive words)")
        self.add_row("reply_at", "Received", self.reply_at)
        self.add_row("reply_summary", "What they said", self.summary)

    def save(self) -> None:
        request_id, when = self.request.id, self.reply_at.value() or utc_now()
        summary = self.summary.toPlainText().strip()
        self.run(lambda s, a: record_reply(s, a, request_id, reply_at=when, summary=summary))


class OutcomeDialog(ServiceDialog):
    """Removed, partly removed, refused, no reply or withdrawn; removal is checked."""

    def __init__(
        self,
        context: AppContext,
        request: RequestRow,
        *,
        outcome: DeletionOutcome | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, f"Outcome of the request to {request.addressee_name}", parent)
        self.request = request
        choices = sorted(REQUEST_OUTCOMES[request.outcome], key=list(DeletionOutcome).index)
        self.outcome = VocabCombo(choices)
        if outcome is not None:
            self.outcome.set_value(outcome)
        self.verified_at = DateTimeField(optional=False)
        self.note = _notes()
        self.add_row("outcome", "Outcome", self.outcome)
        self.verified_row = self.add_row("verified_at", "Checked it had gone", self.verified_at)
        self.add_row("notes", "Note", self.note)
        self.outcome.currentIndexChanged.connect(self._outcome_changed)
        self._outcome_changed()

    def _outcome_changed(self) -> None:
        self.form.setRowVisible(self.verified_row, self.outcome.value() in REMOVAL_OUTCOMES)

    def save(self) -> None:
        outcome = self.outcome.value()
        if outcome is None:
            return
        verified = self.verified_at.value() if outcome in REMOVAL_OUTCOMES else None
        request_id, note = self.request.id, self.note.toPlainText().strip()
        self.run(
            lambda s, a: record_outcome(s, a, request_id, outcome, verified_at=verified, note=note)
        )


class EscalationDialog(ServiceDialog):
    """Escalate: to whom, when, their reference, a contact and the next follow-up."""

    def __init__(
        self,
        context: AppContext,
        incident_id: int,
        *,
        kind: EscalationKind | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, "Escalate this incident", parent)
        self.incident_id = incident_id
        self.kind = VocabCombo(list(EscalationKind))
        if kind is not None:
            self.kind.set_value(kind)
        self.escalated_at = DateTimeField(optional=False)
        self.reference = QLineEdit()
        self.contact = QLineEdit()
        self.contact.setPlaceholderText("Name, team or phone number")
        self.follow_up = DateField(optional=True, tick_text="Follow up by")
        self.follow_up.set_value(None)
        self.notes = _notes()
        self.add_row("kind", "To", self.kind)
        self.add_row("escalated_at", "When", self.escalated_at)
        self.add_row("reference_number", "Reference", self.reference)
        self.add_row("contact", "Contact", self.contact)
        self.add_row("next_follow_up_on", "Follow-up", self.follow_up)
        self.notes.setPlaceholderText("What was said or agreed (kept as notes, not as the outcome)")
        self.add_row("notes", "Notes", self.notes)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def _kind_changed(self) -> None:
        kind = self.kind.value()
        label = REFERENCE_LABELS.get(kind, "reference") if kind else "reference"
        later = " — if not given yet, add it later" if kind in REFERENCE_REMINDED else ""
        self.reference.setPlaceholderText(label[0].upper() + label[1:] + later)
        self.reference.setToolTip(
            f"Leave it empty if they haven't given one yet: a reminder to add the {label} "
            f"appears {REFERENCE_REMINDER_DAYS} days on. Never make one up."
            if kind in REFERENCE_REMINDED
            else ""
        )

    def save(self) -> None:
        kind = self.kind.value()
        if kind is None:
            return
        incident_id, when = self.incident_id, self.escalated_at.value() or utc_now()
        reference, contact = self.reference.text().strip(), self.contact.text().strip()
        follow_up: date | None = self.follow_up.value()
        notes = self.notes.toPlainText().strip()
        self.run(
            lambda s, a: create_escalation(
                s,
                a,
                incident_id,
                kind=kind,
                escalated_at=when,
                reference_number=reference,
                contact=contact,
                next_follow_up_on=follow_up,
                notes=notes,
            )
        )


class EscalationUpdateDialog(ServiceDialog):
    """Move an escalation on (acknowledged, or its outcome), or set its next follow-up."""

    def __init__(
        self, context: AppContext, escalation: EscalationRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, f"Update: {escalation.kind.label}", parent)
        self.escalation = escalation
        statuses = [escalation.status, *statuses_for(escalation.kind, escalation.status)]
        self.status = VocabCombo(statuses)
        self.reference = QLineEdit(escalation.reference_number)
        if not escalation.reference_number:
            label = REFERENCE_LABELS.get(escalation.kind, "reference")
            self.reference.setPlaceholderText(f"Not given yet: add the {label} when it comes")
        self.follow_up = DateField(optional=True, tick_text="Follow up by")
        self.follow_up.set_value(escalation.next_follow_up_on)
        self.outcome = _notes()
        self.outcome.setPlaceholderText(
            "What they did or said (needed for “closed — no further action”)"
        )
        self.add_row("status", "Status", self.status)
        self.add_row("reference_number", "Reference", self.reference)
        self.follow_up_row = self.add_row("next_follow_up_on", "Follow-up", self.follow_up)
        self.add_row("outcome", "Outcome", self.outcome)
        self.status.currentIndexChanged.connect(self._status_changed)
        self._status_changed()

    def _status_changed(self) -> None:
        """An outcome needs no follow-up: the row goes while one is chosen."""
        final = self.status.value() in FINAL_ESCALATION_STATUSES
        self.form.setRowVisible(self.follow_up_row, not final)

    def save(self) -> None:
        status = self.status.value() or self.escalation.status
        escalation_id, reference = self.escalation.id, self.reference.text().strip()
        follow_up = None if status in FINAL_ESCALATION_STATUSES else self.follow_up.value()
        outcome = self.outcome.toPlainText().strip()
        self.run(
            lambda s, a: update_escalation(
                s,
                a,
                escalation_id,
                status=status,
                outcome=outcome,
                next_follow_up_on=follow_up,
                reference_number=reference,
            )
        )


class AddReferenceDialog(ServiceDialog):
    """The other body's reference, given after the contact: added, on the timeline."""

    def __init__(
        self, context: AppContext, escalation: EscalationRow, parent: QWidget | None = None
    ) -> None:
        label = REFERENCE_LABELS.get(escalation.kind, "reference")
        super().__init__(context, f"Add the {label}: {escalation.kind.label}", parent)
        self.escalation = escalation
        self.say(
            f"The {label} they gave after the contact. It is added to the timeline as a new "
            "entry; what was recorded at the time stays as it was."
        )
        self.reference = QLineEdit()
        self.add_row("reference_number", label[0].upper() + label[1:], self.reference)

    def save(self) -> None:
        escalation_id, reference = self.escalation.id, self.reference.text().strip()
        self.run(lambda s, a: add_reference(s, a, escalation_id, reference))
