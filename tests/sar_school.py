"""A small school for subject access tests: a pupil (the data subject) in one incident with
other pupils, a parent, staff and an outsider named in every kind of record; an incident
that only mentions her; one that has nothing to do with her. Every name is fictional."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from PIL import Image
from sqlalchemy.orm import Session

from app.core.models import User
from app.core.services.chronology import add_note
from app.core.services.deletion_requests import create_request as create_deletion_request
from app.core.services.escalations import create_escalation
from app.core.services.evidence import add_evidence_description, add_evidence_file
from app.core.services.involvements import add_involvement
from app.core.services.people import link_parent
from app.core.services.school import SchoolDetails, save_settings
from app.core.vocab import (
    DeletionMethod,
    EscalationKind,
    InvolvementRole,
    PersonKind,
)
from tests.factories import make_incident, make_person

SEEN = datetime(2026, 10, 5, 9, 30, tzinfo=UTC)
#: Names that must never reach a pack unless the DSL keeps them (given and family apart).
THIRD_PARTY_NAMES = (
    "Zoë",
    "Łukasiewicz",
    "Siobhán",
    "O'Neill",
    "Whitlock-Ng",
    "Tomasz",
    "Kowalczyk",
    "Reyes",
    "zoe_l_2014",
)


def png(width: int = 40, height: int = 30, colour: str = "navy") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


@dataclass(frozen=True)
class SarSchool:
    subject: int
    poster: int
    mother: int
    teacher: int
    outsider: int
    involved: str
    mentioned: str
    mentioned_in_timeline: str
    unrelated: str
    image: int


def build_sar_school(session: Session, actor: User) -> SarSchool:
    save_settings(session, actor, SchoolDetails(name="Kestrel Vale & Co Primary"))
    subject = make_person(
        session,
        actor,
        kind=PersonKind.PUPIL,
        given_name="Amara",
        family_name="Osei",
        year_group="5",
        date_of_birth=date(2015, 3, 14),
        notes="Lives with her mother, Siobhán O'Neill, & <grandmother>.",
    )
    poster = make_person(
        session, actor, kind=PersonKind.PUPIL, given_name="Zoë", family_name="Łukasiewicz"
    )
    mother = make_person(session, actor, given_name="Siobhán", family_name="O'Neill")
    teacher = make_person(
        session, actor, kind=PersonKind.STAFF, given_name="Grace", family_name="Whitlock-Ng"
    )
    outsider = make_person(
        session, actor, kind=PersonKind.THIRD_PARTY, given_name="Tomasz", family_name="Kowalczyk"
    )
    link_parent(session, actor, mother.id, subject.id, relationship_label="Mother")

    involved = make_incident(
        session,
        actor,
        happened_at=None,
        seen_at=SEEN,
        summary="Zoë Łukasiewicz posted a photo of Amara Osei; Mrs Whitlock-Ng saw it & "
        "told Siobhán O'Neill <by phone>.",
        url="https://example.com/zoe_l_2014/posts/1",
        account_handle="@zoe_l_2014",
    )
    add_involvement(session, actor, involved.id, subject.id, InvolvementRole.TARGET)
    add_involvement(
        session,
        actor,
        involved.id,
        poster.id,
        InvolvementRole.POSTER,
        notes="Zoë's second post this term.",
    )
    add_involvement(session, actor, involved.id, teacher.id, InvolvementRole.WITNESS)
    add_note(
        session,
        actor,
        involved.id,
        "Spoke to Amara; she said Tomasz Kowalczyk shared it first.",
        occurred_at=SEEN + timedelta(hours=1),
    )
    create_escalation(
        session,
        actor,
        involved.id,
        kind=EscalationKind.POLICE_NON_EMERGENCY,
        escalated_at=SEEN + timedelta(hours=2),
        reference_number="CR/555/26",
        contact="PC Hannah Reyes",
        notes="Officer will speak to Zoë's family.",
    )
    create_deletion_request(
        session,
        actor,
        involved.id,
        addressee_id=poster.id,
        method=DeletionMethod.EMAIL,
        sent_at=SEEN + timedelta(hours=3),
    )
    image = add_evidence_file(
        session, actor, involved.id, "zoe-post.png", png(), description="Screenshot of the post"
    )
    add_evidence_description(session, actor, involved.id, "A video was seen, not kept")

    mentioned = make_incident(
        session,
        actor,
        happened_at=None,
        seen_at=SEEN + timedelta(days=3),
        summary="Tomasz Kowalczyk said Amara Osei was upset about the group chat.",
    )
    add_involvement(session, actor, mentioned.id, outsider.id, InvolvementRole.POSTER)
    in_timeline = make_incident(
        session,
        actor,
        happened_at=None,
        seen_at=SEEN + timedelta(days=4),
        summary="A parent complained about the trip.",
    )
    add_note(session, actor, in_timeline.id, "Checked with Amara Osei's class teacher.")
    add_note(session, actor, in_timeline.id, "Nothing more to do.")
    unrelated = make_incident(
        session,
        actor,
        happened_at=None,
        seen_at=SEEN + timedelta(days=5),
        summary="Grace Whitlock-Ng reported a fake account.",
    )
    return SarSchool(
        subject=subject.id,
        poster=poster.id,
        mother=mother.id,
        teacher=teacher.id,
        outsider=outsider.id,
        involved=involved.reference,
        mentioned=mentioned.reference,
        mentioned_in_timeline=in_timeline.reference,
        unrelated=unrelated.reference,
        image=image.id,
    )
