"""Child protection files sent to a pupil's next school, and the receipt that came back."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models.base import Base, Created, Updated, VocabType, Withdrawable
from app.core.vocab import TransferMethod


class CpFileTransfer(Created, Updated, Withdrawable, Base):
    """One child protection file sent for a pupil who left: where, how, by whom, what it
    held (its fingerprints), when it is due by (KCSIE: five school days) and when its
    receipt was confirmed. Confirming receipt is a change on the trail; a transfer made
    in error is withdrawn with the reason, never deleted."""

    __tablename__ = "cp_file_transfer"
    __table_args__ = (Index("ix_cp_file_transfer_pupil_id", "pupil_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    destination_school: Mapped[str]
    # The receiving school's DSL, and how to reach them, as the DSL typed them.
    destination_dsl: Mapped[str] = mapped_column(default="")
    destination_contact: Mapped[str] = mapped_column(default="")
    # The day the pupil left: the five school days are counted from it.
    left_on: Mapped[date]
    due_on: Mapped[date]
    sent_on: Mapped[date]
    method: Mapped[TransferMethod] = mapped_column(VocabType(TransferMethod))
    # e.g. the secure system's name, or the recorded-delivery number.
    method_note: Mapped[str] = mapped_column(default="")
    sent_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    incident_count: Mapped[int] = mapped_column(Integer)
    page_count: Mapped[int] = mapped_column(Integer)
    # The file as saved, and the records it holds (printed on the receipt slip: a file
    # can't carry its own fingerprint).
    bundle_sha256: Mapped[str] = mapped_column(String(64))
    contents_sha256: Mapped[str] = mapped_column(String(64))
    encrypted: Mapped[bool] = mapped_column(Boolean, default=False)
    receipt_confirmed_on: Mapped[date | None]
    # Who signed the receipt at the receiving school, as on the returned slip.
    receipt_confirmed_by: Mapped[str] = mapped_column(default="")
    receipt_note: Mapped[str] = mapped_column(default="")
