"""A log with an incident whose retention period is over, written through the services as
a DSL would have in autumn 2019, with a unique string ("canary") in every place a
disposal must erase, and the people around it: some the log keeps, some it doesn't."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta

from PIL import Image, PngImagePlugin
from sqlalchemy.orm import Session

from app.core.clock import LONDON, frozen_at
from app.core.db import Database
from app.core.models import Letter, User
from app.core.services.chronology import add_note
from app.core.services.deletion_requests import create_request, record_outcome
from app.core.services.escalations import create_escalation, update_escalation
from app.core.services.evidence import add_evidence_file
from app.core.services.incidents import details_of, update_incident
from app.core.services.involvements import add_involvement
from app.core.services.lookups import get_incident
from app.core.services.people import link_parent
from app.core.services.school import SchoolDetails, save_settings
from app.core.services.terms import ensure_default_terms
from app.core.vocab import (
    DeletionMethod,
    DeletionOutcome,
    EscalationKind,
    EscalationStatus,
    IncidentOutcome,
    IncidentStatus,
    InvolvementRole,
    PersonKind,
)
from tests.factories import make_incident, make_person

#: When it all happened: a Monday of the autumn term 2019 (10:00 in London).
SEEN = datetime.combine(date(2019, 10, 7), time(10), LONDON).astimezone(UTC)
TERM_KEY = "2019-autumn"

CANARIES = {
    "summary": "Qzsummarycanary",
    "url": "Qzurlcanary",
    "handle": "Qzhandlecanary",
    "note": "Qznotecanary",
    "evidence": "Qzevidencebytescanary",
    "evidence_description": "Qzevidencenamecanary",
    "request": "Qzrequestcanary",
    "post": "Qzpostcanary",
    "reply": "Qzreplycanary",
    "escalation": "Qzescalationcanary",
    "escalation_reference": "Qzcrimerefcanary",
    "escalation_outcome": "Qzoutcomecanary",
    "letter": "Qzletterpdfcanary",
    "pupil": "Qzpupilcanary",
    "parent": "Qzparentcanary",
    "other_parent": "Qzotherparentcanary",
    "rationale": "Qzrationalecanary",
}


def png_with(text: str) -> bytes:
    """A real PNG whose bytes hold `text` (a tEXt chunk is stored uncompressed)."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", text)
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


@dataclass
class Scene:
    """The incident to dispose of, the one kept beside it, and who is who."""

    disposed_id: int = 0
    disposed_reference: str = ""
    kept_id: int = 0
    pupil_id: int = 0  # on the disposed incident only: erased
    parent_id: int = 0  # reported it, and a letter went to them: erased
    other_parent_id: int = 0  # the pupil's other parent, on nothing else: erased
    kept_pupil_id: int = 0  # also on the kept incident: kept
    kept_parent_id: int = 0  # a letter went to them; parent of the kept pupil: kept
    canaries: dict[str, str] = field(default_factory=lambda: dict(CANARIES))


def build_scene(database: Database, actor: User) -> Scene:
    scene = Scene()
    with frozen_at(SEEN + timedelta(days=2)), database.write(actor) as s:
        save_settings(s, actor, SchoolDetails(name="Kestrel Vale Primary School"))
        ensure_default_terms(s, actor, around=SEEN.date())
        _people(s, actor, scene)
        incident = make_incident(
            s,
            actor,
            seen_at=SEEN - timedelta(hours=1),
            happened_at=SEEN - timedelta(hours=3),
            summary=f"A post about a pupil {CANARIES['summary']} & <friends>",
            url=f"https://example.org/{CANARIES['url']}",
            account_handle=f"@{CANARIES['handle']}",
            reported_by_id=scene.parent_id,
        )
        scene.disposed_id, scene.disposed_reference = incident.id, incident.reference
        add_involvement(s, actor, incident.id, scene.pupil_id, InvolvementRole.POSTER)
        add_involvement(s, actor, incident.id, scene.kept_pupil_id, InvolvementRole.TARGET)
        add_note(s, actor, incident.id, f"Spoke to the family: {CANARIES['note']}")
        add_evidence_file(
            s,
            actor,
            incident.id,
            f"shot-{CANARIES['evidence_description']}.png",
            png_with(CANARIES["evidence"]),
        )
        request = create_request(
            s,
            actor,
            incident.id,
            addressee_id=scene.pupil_id,
            method=DeletionMethod.EMAIL,
            sent_at=SEEN,
            notes=f"Asked {CANARIES['request']}",
            post_description=f"your post {CANARIES['post']}",
        )
        record_outcome(
            s,
            actor,
            request.id,
            DeletionOutcome.REMOVED,
            verified_at=SEEN + timedelta(days=1),
            note=f"Removed {CANARIES['reply']}",
        )
        escalation = create_escalation(
            s,
            actor,
            incident.id,
            kind=EscalationKind.POLICE_NON_EMERGENCY,
            escalated_at=SEEN + timedelta(hours=1),
            reference_number=CANARIES["escalation_reference"],
            contact=f"PC {CANARIES['escalation']}",
            notes=f"Rang {CANARIES['escalation']}",
        )
        update_escalation(
            s,
            actor,
            escalation.id,
            status=EscalationStatus.ACTIONED,
            outcome=f"Words of advice {CANARIES['escalation_outcome']}",
        )
        for addressee in (scene.parent_id, scene.kept_parent_id):
            _letter(s, actor, incident.id, addressee)
        kept = make_incident(
            s,
            actor,
            seen_at=SEEN - timedelta(hours=2),
            happened_at=SEEN - timedelta(hours=4),
            summary="Another post about the target",
        )
        scene.kept_id = kept.id
        add_involvement(s, actor, kept.id, scene.kept_pupil_id, InvolvementRole.TARGET)
    with frozen_at(SEEN + timedelta(days=3)), database.write(actor) as s:
        incident = get_incident(s, scene.disposed_id)
        details = replace(
            details_of(incident),
            status=IncidentStatus.CLOSED,
            outcome=IncidentOutcome.POST_REMOVED,
            outcome_rationale=f"Resolved {CANARIES['rationale']}",
        )
        update_incident(s, actor, incident.id, details, expected_version=incident.version)
    return scene


def _people(s: Session, actor: User, scene: Scene) -> None:
    pupil = make_person(
        s,
        actor,
        kind=PersonKind.PUPIL,
        given_name=CANARIES["pupil"],
        family_name="Ashdown",
        year_group="6",
        date_of_birth=date(2008, 5, 1),
    )
    parent = make_person(s, actor, given_name=CANARIES["parent"], family_name="Ashdown")
    other = make_person(s, actor, given_name=CANARIES["other_parent"], family_name="Ashdown")
    kept_pupil = make_person(
        s, actor, kind=PersonKind.PUPIL, given_name="Keira", family_name="Ollerton", year_group="5"
    )
    kept_parent = make_person(s, actor, given_name="Kate", family_name="Ollerton")
    link_parent(s, actor, parent.id, pupil.id)
    link_parent(s, actor, other.id, pupil.id)
    link_parent(s, actor, kept_parent.id, kept_pupil.id)
    scene.pupil_id, scene.parent_id, scene.other_parent_id = pupil.id, parent.id, other.id
    scene.kept_pupil_id, scene.kept_parent_id = kept_pupil.id, kept_parent.id


def _letter(s: Session, actor: User, incident_id: int, addressee_id: int) -> None:
    pdf = f"%PDF-1.4 a letter about {CANARIES['letter']} %%EOF".encode()
    s.add(
        Letter(
            incident_id=incident_id,
            addressee_id=addressee_id,
            template_key="parent_information",
            template_title="Information",
            subject="A post",
            letter_date=SEEN.date(),
            pdf=pdf,
            sha256=hashlib.sha256(pdf).hexdigest(),
            size_bytes=len(pdf),
            created_by_id=actor.id,
        )
    )
    s.flush()
