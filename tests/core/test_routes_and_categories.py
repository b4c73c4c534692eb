"""UK routes and categories at the service level: nude or semi-nude images are never
stored, the prejudice type is kept, who told the parents is recorded, the guidance reads
the exceptions register, and a data breach shows the ICO's 72 hours as a due item."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.core.clock import set_clock
from app.core.db import Database
from app.core.errors import ValidationError
from app.core.models import Evidence, Incident, User
from app.core.services.accounts import add_account
from app.core.services.chronology import list_chronology
from app.core.services.contact_exceptions import (
    ExceptionDetails,
    add_exception,
    approve_exception,
    links_among,
)
from app.core.services.due import due_items
from app.core.services.escalations import create_escalation, update_escalation
from app.core.services.evidence import (
    add_evidence_description,
    add_evidence_file,
    destroy_evidence_content,
    list_evidence,
    withdraw_evidence,
)
from app.core.services.guidance import guidance_for
from app.core.services.incident_form import NewEvidence, PendingChanges, save_incident_form
from app.core.services.incidents import details_of, update_incident
from app.core.services.involvements import add_involvement
from app.core.vocab import (
    Category,
    EscalationKind,
    EscalationStatus,
    IncidentOutcome,
    IncidentStatus,
    InvolvementRole,
    PersonKind,
    PrejudiceType,
    UserRole,
)
from tests.factories import incident_details, make_account, make_incident, make_person

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c63f8ffff3f030008fc02fea79aa0a00000000049454e44ae426082"
)
NUDE = frozenset({Category.NUDE_IMAGE})


def _files(database: Database, actor: User) -> int:
    with database.read(actor) as s:
        return int(s.scalar(select(func.count(Evidence.id))) or 0)


# -- Nude or semi-nude images: a description only ---------------------------------------


def test_a_file_is_refused_for_a_nude_image_incident(database: Database, actor: User) -> None:
    with database.write(actor) as s:
        incident_id = make_incident(s, actor, categories=NUDE).id
    with pytest.raises(ValidationError) as refused, database.write(actor) as s:
        add_evidence_file(s, actor, incident_id, "photo.png", PNG)
    assert refused.value.field == "file"
    assert "never stored" in refused.value.message
    assert "UKCIS guidance “Sharing nudes and semi-nudes” (2024)" in refused.value.message
    assert _files(database, actor) == 0
    # Anything at all is refused, before its content is even looked at.
    with pytest.raises(ValidationError, match="never stored"), database.write(actor) as s:
        add_evidence_file(s, actor, incident_id, "notes.pdf", b"%PDF-1.7\n%")
    # A description is the record.
    with database.write(actor) as s:
        add_evidence_description(s, actor, incident_id, "Pupil reported an image of herself.")
        assert [row.kind.value for row in list_evidence(s, incident_id)] == ["description_only"]


def test_the_incident_window_refuses_a_file_for_a_new_nude_image_incident(
    database: Database, actor: User
) -> None:
    pending = PendingChanges(evidence=[NewEvidence("photo.png", PNG)])
    with pytest.raises(ValidationError, match="never stored"), database.write(actor) as s:
        save_incident_form(s, actor, incident_details(categories=NUDE), pending)
    with database.read(actor) as s:
        assert s.scalar(select(func.count(Incident.id))) == 0  # nothing at all was saved
    described = PendingChanges(evidence=[NewEvidence("", None, "What the pupil described.")])
    with database.write(actor) as s:
        save_incident_form(s, actor, incident_details(categories=NUDE), described)
    assert _files(database, actor) == 1


def test_the_category_is_refused_while_a_stored_file_remains(
    database: Database, actor: User
) -> None:
    with database.write(actor) as s:
        incident = make_incident(s, actor, categories=frozenset({Category.BULLYING}))
        evidence = add_evidence_file(s, actor, incident.id, "screenshot.png", PNG)
        incident_id, evidence_id, version = incident.id, evidence.id, incident.version
        details = replace(details_of(incident), categories=NUDE | {Category.BULLYING})
    with pytest.raises(ValidationError) as refused, database.write(actor) as s:
        update_incident(s, actor, incident_id, details, expected_version=version)
    assert refused.value.field == "categories"
    assert "still holds 1 stored file (screenshot.png)" in refused.value.message
    assert "Destroy the stored files on the Evidence tab first" in refused.value.message
    assert "UKCIS" in refused.value.message
    # A withdrawn file is out of the list the DSL can act on (nothing there could destroy
    # it), so it doesn't block; a file still listed does, until it is destroyed.
    with database.write(actor) as s:
        withdraw_evidence(s, actor, evidence_id, "Added to the wrong incident.")
    with database.write(actor) as s:
        other = add_evidence_file(s, actor, incident_id, "second.png", PNG)
        other_id = other.id
    with pytest.raises(ValidationError, match=r"second\.png"), database.write(actor) as s:
        update_incident(s, actor, incident_id, details, expected_version=version)
    with database.write(actor) as s:
        destroy_evidence_content(s, actor, other_id, "A nude image must never be kept.")
    with database.write(actor) as s:
        saved = update_incident(s, actor, incident_id, details, expected_version=version)
        assert Category.NUDE_IMAGE in saved.category_set


# -- Prejudice-based incidents and their type -------------------------------------------


def test_a_prejudice_based_incident_needs_its_type(database: Database, actor: User) -> None:
    prejudice = frozenset({Category.PREJUDICE_BASED})
    with pytest.raises(ValidationError) as missing, database.write(actor) as s:
        make_incident(s, actor, categories=prejudice)
    assert missing.value.field == "prejudice_type"
    with pytest.raises(ValidationError, match="Only choose a type"), database.write(actor) as s:
        make_incident(s, actor, prejudice_type=PrejudiceType.RACIST)
    with database.write(actor) as s:
        incident = make_incident(
            s, actor, categories=prejudice, prejudice_type=PrejudiceType.HOMOPHOBIC
        )
        incident_id, version = incident.id, incident.version
    with database.write(actor) as s:
        stored = s.get(Incident, incident_id)
        assert stored is not None
        assert details_of(stored).prejudice_type is PrejudiceType.HOMOPHOBIC
        changed = replace(details_of(stored), prejudice_type=PrejudiceType.TRANSPHOBIC)
        update_incident(s, actor, incident_id, changed, expected_version=version)
        texts = [row.text for row in list_chronology(s, incident_id)]
    assert any("Type of prejudice: Homophobic → Transphobic" in t for t in texts), texts


def test_who_told_the_parent_is_recorded_only_when_they_were_told(
    database: Database, actor: User
) -> None:
    with pytest.raises(ValidationError) as refused, database.write(actor) as s:
        make_incident(s, actor, parent_informed_by="Mrs Whitlock")
    assert refused.value.field == "parent_informed_by"
    told = datetime.now(UTC) - timedelta(minutes=5)
    with database.write(actor) as s:
        incident = make_incident(
            s, actor, parent_informed=True, parent_informed_at=told, parent_informed_by="DSL"
        )
        assert details_of(incident).parent_informed_by == "DSL"


# -- Pupil–staff contact: the exceptions register on the incident ------------------------


def _contact_incident(database: Database, actor: User) -> tuple[int, int, int]:
    with database.write(actor) as s:
        pupil = make_person(s, actor, kind=PersonKind.PUPIL, given_name="Zoë", family_name="Okafor")
        teacher = make_person(
            s, actor, kind=PersonKind.STAFF, given_name="Ama", family_name="Mensah"
        )
        incident = make_incident(s, actor, categories=frozenset({Category.PUPIL_STAFF_CONTACT}))
        add_involvement(s, actor, incident.id, pupil.id, InvolvementRole.POSTER)
        add_involvement(s, actor, incident.id, teacher.id, InvolvementRole.TARGET)
        return incident.id, pupil.id, teacher.id


def test_guidance_shows_the_approved_link_from_the_register(
    database: Database, actor: User
) -> None:
    incident_id, pupil_id, teacher_id = _contact_incident(database, actor)
    with database.write(actor) as s:
        advice = [step.advice for step in guidance_for(s, incident_id)]
    assert "The exceptions register has no link between Zoë Okafor and Ama Mensah." in advice
    assert any(a.startswith("Advise Ama Mensah not to accept the request") for a in advice)
    assert not any("delete" in a.lower() for a in advice)
    with database.write(actor) as s:
        entry = add_exception(
            s,
            actor,
            ExceptionDetails(pupil_id, teacher_id, "aunt", date.today() - timedelta(days=30)),
        )
        head_id = make_account(s, actor, UserRole.HEADTEACHER, "head").id
    with database.write(head_id) as s:  # the headteacher approves (the school's policy)
        head = s.get(User, head_id)
        assert head is not None
        approve_exception(s, head, entry.id, review_on=date.today() + timedelta(days=300))
    with database.write(actor) as s:
        assert [(r.pupil_id, r.adult_id) for r in links_among(s, [pupil_id, teacher_id])] == [
            (pupil_id, teacher_id)
        ]
        advice = [step.advice for step in guidance_for(s, incident_id)]
    assert any(a.startswith("Approved link: Zoë Okafor and Ama Mensah (aunt") for a in advice)
    assert not any(a.startswith("Advise Ama Mensah") for a in advice)


def test_someone_who_cannot_see_the_register_is_not_shown_it(
    database: Database, actor: User
) -> None:
    with database.write(actor) as s:
        office = add_account(s, actor, "Office", "office", UserRole.OFFICE, "temporary harbour 42")
        office.must_change_password = False
    with database.write(office) as s:
        incident = make_incident(s, office, categories=frozenset({Category.PUPIL_STAFF_CONTACT}))
        advice = [step.advice for step in guidance_for(s, incident.id)]
    assert advice[0] == "Ask the DSL to check the exceptions register for an approved link."


# -- A data breach: the ICO's 72 hours ---------------------------------------------------


def test_a_data_breach_shows_the_icos_72_hours_as_a_due_item(
    database: Database, actor: User
) -> None:
    now = datetime(2026, 11, 24, 10, tzinfo=UTC)
    set_clock(lambda: now)
    reported = datetime(2026, 11, 23, 16, 45, tzinfo=UTC)  # told before the DSL saw it
    with database.write(actor) as s:
        incident = make_incident(
            s,
            actor,
            seen_at=now - timedelta(hours=1),
            happened_at=reported - timedelta(hours=3),
            reported_at=reported,
            categories=frozenset({Category.IMAGE_WITHOUT_CONSENT}),
        )
        before = [item.kind for item in due_items(s, now.date())]
        breach = create_escalation(
            s, actor, incident.id, kind=EscalationKind.DPO_DATA_BREACH, escalated_at=now
        )
        items = [item for item in due_items(s, now.date()) if item.kind == "ico"]
    assert "ico" not in before
    [item] = items
    assert item.due_on == date(2026, 11, 26)  # before the due day, from the start
    assert item.days_overdue(now.date()) == -2
    assert "tell the ICO by 26/11/2026 16:45" in item.what
    assert item.incident_id == incident.id and item.record_id == breach.id
    with database.write(actor) as s:
        update_escalation(
            s, actor, breach.id, status=EscalationStatus.CLOSED_NFA, outcome="DPO: reported."
        )
        assert [i for i in due_items(s, now.date()) if i.kind == "ico"] == []


@pytest.mark.parametrize(
    "kind",
    [
        EscalationKind.CEOP,
        EscalationKind.IWF_REPORT_REMOVE,
        EscalationKind.ACT,
        EscalationKind.TRUE_VISION,
        EscalationKind.EARLY_HELP_MASH,
    ],
)
def test_the_new_outside_routes_count_as_escalating_a_safeguarding_concern(
    database: Database, actor: User, kind: EscalationKind
) -> None:
    with database.write(actor) as s:
        incident = make_incident(s, actor, safeguarding_concern=True)
        escalation = create_escalation(
            s, actor, incident.id, kind=kind, escalated_at=datetime.now(UTC)
        )
        update_escalation(
            s, actor, escalation.id, status=EscalationStatus.CLOSED_NFA, outcome="Done."
        )
        incident_id = incident.id
    with database.write(actor) as s:
        stored = s.get(Incident, incident_id)
        assert stored is not None
        closed = replace(
            details_of(stored),
            status=IncidentStatus.CLOSED,
            outcome=IncidentOutcome.HANDED_TO_OTHER_AGENCY,
            outcome_rationale=f"Reported to {kind.label}.",
        )
        # No "why was this never escalated?" question: it was.
        update_incident(s, actor, incident_id, closed, expected_version=stored.version)
