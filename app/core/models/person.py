"""People in (and around) the school community, and parent–child links."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models.base import Base, Created, Updated, VocabType, Withdrawable
from app.core.vocab import PersonKind


class Person(Created, Updated, Withdrawable, Base):
    """A pupil, parent/carer, member of staff, governor, volunteer, contractor or third party."""

    __tablename__ = "person"
    __table_args__ = (
        Index("ix_person_family_given", "family_name", "given_name"),
        Index("ix_person_kind", "kind"),
        Index("ix_person_search_name", "search_name"),
        Index("ix_person_upn", "upn"),
        Index("ix_person_mis_id", "mis_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PersonKind] = mapped_column(VocabType(PersonKind))
    given_name: Mapped[str]
    family_name: Mapped[str] = mapped_column(default="")
    # Title for letters ("Mrs", "Mx", "Dr"); optional.
    title: Mapped[str] = mapped_column(default="")
    # Pupils
    year_group: Mapped[str | None] = mapped_column(String(4))
    class_name: Mapped[str | None]
    date_of_birth: Mapped[date | None]
    # Parents/carers: the postal address letters go to.
    address: Mapped[str] = mapped_column(default="")
    postcode: Mapped[str] = mapped_column(default="")
    email: Mapped[str] = mapped_column(default="")
    phone: Mapped[str] = mapped_column(default="")
    # Staff and others: their role at the school; third parties: who they are.
    job_title: Mapped[str] = mapped_column(default="")
    notes: Mapped[str] = mapped_column(default="")
    # The name folded for searching (app.core.folding), kept by the people service.
    search_name: Mapped[str] = mapped_column(default="", server_default="")
    # From the MIS: a pupil's unique pupil number; the MIS's own id of a contact or
    # member of staff where its export has one; the names the person goes by.
    upn: Mapped[str | None] = mapped_column(String(13))
    mis_id: Mapped[str | None] = mapped_column(String(64))
    preferred_given_name: Mapped[str] = mapped_column(default="", server_default="")
    preferred_family_name: Mapped[str] = mapped_column(default="", server_default="")
    # The import that first brought (or matched) this person: the MIS keeps them now.
    mis_import_id: Mapped[int | None] = mapped_column(ForeignKey("mis_import.id"))
    # A leaver: no longer at the school (never deleted; they stay on their incidents).
    left_on: Mapped[date | None]

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


class ParentChildLink(Created, Withdrawable, Base):
    """A parent/carer's link to a pupil; `receives_letters` says whether letters go to them."""

    __tablename__ = "parent_child_link"
    __table_args__ = (
        Index("ix_parent_child_link_parent_id", "parent_id"),
        Index("ix_parent_child_link_child_id", "child_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    child_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    relationship_label: Mapped[str] = mapped_column(default="")
    receives_letters: Mapped[bool] = mapped_column(default=True)
    # No contact: a court order or the school's own restriction. No letter about the
    # pupil ever goes to this parent, whatever `receives_letters` says.
    no_contact: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Why, in words ("Court order (from the MIS import of 04/09/2026)"); empty if unknown.
    no_contact_reason: Mapped[str] = mapped_column(default="", server_default="")
    # From the MIS: parental responsibility (None: not known, typed by hand) and the
    # contact's priority for this pupil (1 is contacted first).
    parental_responsibility: Mapped[bool | None]
    priority: Mapped[int | None]
    # The import that made the link, if any.
    mis_import_id: Mapped[int | None] = mapped_column(ForeignKey("mis_import.id"))
    # A link the MIS no longer has ends (and is withdrawn, so nothing current sees it)
    # rather than being deleted: history keeps who was linked when.
    ended_on: Mapped[date | None]

    parent: Mapped[Person] = relationship(foreign_keys=[parent_id])
    child: Mapped[Person] = relationship(foreign_keys=[child_id])
