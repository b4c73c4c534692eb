"""Subject access requests, and the redaction log of each pack made for one."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, Integer, String, event
from sqlalchemy.orm import Mapped, Mapper, mapped_column

from app.core.models.base import Base, Created, Updated, UTCDateTime, VocabType, Withdrawable
from app.core.models.chronology import AppendOnlyViolation
from app.core.vocab import RedactionAction, SubjectAccessStatus


class SubjectAccessRequest(Created, Updated, Withdrawable, Base):
    """A request by (or for) a person in the log for the information held about them."""

    __tablename__ = "subject_access_request"
    __table_args__ = (
        Index("ix_subject_access_request_person_id", "person_id"),
        Index("ix_subject_access_request_status_due", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The data subject: whose information is asked for.
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    # Who asked, as they gave their name, and who they are to the data subject
    # ("the pupil's mother", "themselves", "a solicitor acting for the pupil's father").
    requester_name: Mapped[str]
    requester_relationship: Mapped[str]
    received_on: Mapped[date]
    # One calendar month from receipt (rules/subject_access.py), or later when extended.
    due_on: Mapped[date]
    extension_months: Mapped[int] = mapped_column(Integer, default=0)
    extension_reason: Mapped[str] = mapped_column(default="")
    status: Mapped[SubjectAccessStatus] = mapped_column(
        VocabType(SubjectAccessStatus), default=SubjectAccessStatus.OPEN
    )
    responded_on: Mapped[date | None]
    # The last pack made: its fingerprint, pages and when (the pack itself is not kept).
    pack_sha256: Mapped[str | None] = mapped_column(String(64))
    pack_pages: Mapped[int | None] = mapped_column(Integer)
    pack_made_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SubjectAccessRedaction(Created, Base):
    """One line of a pack's redaction log: what was removed (or kept, or withheld, or an
    image included), where, and why. Kept in the log, never sent; append-only, one set of
    lines per pack made (`pack_sha256`)."""

    __tablename__ = "subject_access_redaction"
    __table_args__ = (Index("ix_subject_access_redaction_request_id", "request_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("subject_access_request.id"))
    pack_sha256: Mapped[str] = mapped_column(String(64))
    action: Mapped[RedactionAction] = mapped_column(VocabType(RedactionAction))
    # Where: the record (table and id) and field, and the same in words for the DSL.
    record_table: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int | None] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(40), default="")
    location: Mapped[str]
    # What was found (a name, a whole item), and what the pack shows instead.
    removed: Mapped[str]
    replaced_by: Mapped[str] = mapped_column(default="")
    reason: Mapped[str]


@event.listens_for(SubjectAccessRedaction, "before_update")
@event.listens_for(SubjectAccessRedaction, "before_delete")
def _refuse_changes(
    mapper: Mapper[SubjectAccessRedaction], connection: object, target: object
) -> None:
    raise AppendOnlyViolation("the redaction log is append-only: a new pack adds its own lines")
