"""Saving the incident editor: fields, people, evidence and notes in one transaction.

The editor collects everything the DSL does (new people on the incident, files, notes,
corrections) and saves it with one Ctrl+S. Either all of it is stored, or — when any
part is refused — none of it, and the form still holds everything that was typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from app.core.models import Incident, User
from app.core.permissions import Permission, requires
from app.core.services.chronology import ChronologyRow, add_note, amend_entry, list_chronology
from app.core.services.closing import CloseDecisions
from app.core.services.evidence import (
    EvidenceRow,
    add_evidence_description,
    add_evidence_file,
    list_evidence,
    withdraw_evidence,
)
from app.core.services.incidents import (
    IncidentDetails,
    create_incident,
    details_of,
    update_incident,
)
from app.core.services.involvements import (
    InvolvementRow,
    add_involvement,
    list_involvements,
    withdraw_involvement,
)
from app.core.services.lookups import get_incident
from app.core.services.validation import atomic
from app.core.vocab import InvolvementRole


@dataclass(frozen=True)
class NewInvolvement:
    """A person to add in a role."""

    person_id: int
    role: InvolvementRole


@dataclass(frozen=True)
class NewEvidence:
    """A file (bytes) or, when `content` is None, a description-only entry."""

    filename: str
    content: bytes | None
    description: str = ""


@dataclass(frozen=True)
class Removal:
    """A record to withdraw, with the reason the DSL gave."""

    id: int
    reason: str


@dataclass(frozen=True)
class Amendment:
    """A correction to a timeline entry."""

    entry_id: int
    text: str


@dataclass
class PendingChanges:
    """Everything done in the editor since it was opened or last saved."""

    involvements: list[NewInvolvement] = field(default_factory=list)
    involvement_removals: list[Removal] = field(default_factory=list)
    evidence: list[NewEvidence] = field(default_factory=list)
    evidence_removals: list[Removal] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    amendments: list[Amendment] = field(default_factory=list)

    def clear(self) -> None:
        """Forget everything (after a save); the lists are shared, so emptied in place."""
        for staged in (
            self.involvements,
            self.involvement_removals,
            self.evidence,
            self.evidence_removals,
            self.notes,
            self.amendments,
        ):
            staged.clear()

    def __bool__(self) -> bool:
        return any(
            (
                self.involvements,
                self.involvement_removals,
                self.evidence,
                self.evidence_removals,
                self.notes,
                self.amendments,
            )
        )


@requires(Permission.RECORD_INCIDENT, incident="incident_id")
def save_incident_form(
    session: Session,
    actor: User,
    details: IncidentDetails,
    pending: PendingChanges,
    *,
    incident_id: int | None = None,
    expected_version: int | None = None,
    decisions: CloseDecisions | None = None,
) -> Incident:
    """Create (no `incident_id`) or update an incident, then apply the pending changes.
    (Closing checks requests and escalations, which are saved from their own dialogs, so
    the fields can go first.)"""
    with atomic(session):
        if incident_id is None:
            incident = create_incident(session, actor, details, decisions=decisions)
        else:
            assert expected_version is not None, "an update needs the version it was loaded at"
            incident = update_incident(
                session,
                actor,
                incident_id,
                details,
                expected_version=expected_version,
                decisions=decisions,
            )
        for removal in pending.involvement_removals:
            withdraw_involvement(session, actor, removal.id, removal.reason)
        for new in pending.involvements:
            add_involvement(session, actor, incident.id, new.person_id, new.role)
        for removal in pending.evidence_removals:
            withdraw_evidence(session, actor, removal.id, removal.reason)
        for item in pending.evidence:
            if item.content is None:
                add_evidence_description(session, actor, incident.id, item.description)
            else:
                add_evidence_file(
                    session,
                    actor,
                    incident.id,
                    item.filename,
                    item.content,
                    description=item.description,
                )
        for amendment in pending.amendments:
            amend_entry(session, actor, amendment.entry_id, amendment.text)
        for note in pending.notes:
            add_note(session, actor, incident.id, note)
    return incident


@dataclass(frozen=True)
class IncidentForm:
    """Everything the incident window shows for a saved incident, read in one session."""

    id: int
    reference: str
    version: int
    details: IncidentDetails
    reporter_name: str
    withdrawn: bool
    people: list[InvolvementRow]
    evidence: list[EvidenceRow]
    timeline: list[ChronologyRow]


@requires(Permission.READ_INCIDENTS, incident="incident_id")
def load_incident_form(session: Session, incident_id: int) -> IncidentForm:
    """Read an incident and its panels, as plain data."""
    incident = get_incident(session, incident_id)
    reporter = incident.reported_by.full_name if incident.reported_by else ""
    return IncidentForm(
        incident.id,
        incident.reference,
        incident.version,
        details_of(incident),
        reporter,
        incident.withdrawn_at is not None,
        list_involvements(session, incident_id),
        list_evidence(session, incident_id),
        list_chronology(session, incident_id),
    )
