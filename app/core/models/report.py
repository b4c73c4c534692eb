"""What the DSL writes for the governors' report (each save kept; the newest is used)."""

from __future__ import annotations

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models.base import Base, Created


class ReportCommentary(Created, Base):
    """The commentary for one term's report, as saved at one time."""

    __tablename__ = "report_commentary"
    __table_args__ = (Index("ix_report_commentary_term_key", "term_key", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    term_key: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
