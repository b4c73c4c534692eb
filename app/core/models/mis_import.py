"""Imports from the school's MIS (a Common Transfer File or a CSV export), and the CSV
column mappings a school has saved."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models.base import Base, Created, Updated


class MisImport(Created, Base):
    """One import that was applied: which file (by fingerprint), what it said it was, and
    what it changed (counts); who applied it and when are `created_by`/`created_at`."""

    __tablename__ = "mis_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    # "ctf" or "csv".
    source: Mapped[str] = mapped_column(String(10))
    # The file's name without its folder, and its SHA-256.
    file_name: Mapped[str] = mapped_column(default="")
    file_sha256: Mapped[str] = mapped_column(String(64))
    # What the file says about itself: the CTF's version, source school and date.
    schema_version: Mapped[str] = mapped_column(default="")
    source_school: Mapped[str] = mapped_column(default="")
    file_date: Mapped[str] = mapped_column(default="")
    # The saved CSV mapping used, if any.
    mapping_name: Mapped[str] = mapped_column(default="")
    # Whether the DSL said the file is the whole school (so people not in it have left).
    whole_school: Mapped[bool] = mapped_column(default=False)
    # What it changed, as JSON: {"pupils added": 3, ...}.
    counts: Mapped[str] = mapped_column(Text, default="{}")


class CsvMapping(Created, Updated, Base):
    """A school's saved mapping from a CSV export's column headings to Footprint's fields."""

    __tablename__ = "csv_mapping"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    # "pupils" (pupils, with their contacts when the export has them) or "staff".
    kind: Mapped[str] = mapped_column(String(20))
    # JSON: {"family_name": "Legal Surname", ...}
    columns: Mapped[str] = mapped_column(Text, default="{}")
