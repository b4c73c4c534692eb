"""Reading a CSV export from the MIS (or the school's own spreadsheet): its encoding and
dialect, a guess at which column is which, and its rows as plain records.

(Interface stub: the implementation replaces each `NotImplementedError`.)"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.core.mis_import.records import Cancelled, ImportFile, Progress

#: The kinds of CSV import: pupils (with their contacts when the export has them), staff.
KINDS = ("pupils", "staff")


@dataclass(frozen=True)
class CsvField:
    """A Footprint field a CSV column can fill."""

    key: str  # "family_name", "contact_relationship", ...
    label: str  # "Surname", "Contact's relationship", ...
    required: bool = False


@dataclass(frozen=True)
class CsvSample:
    """The start of a CSV file: what the mapping screen shows."""

    headers: list[str]
    rows: list[list[str]]  # the first rows after the headings (up to 20)
    encoding: str  # "utf-8-sig", "utf-8", "cp1252"
    delimiter: str


def fields_for(kind: str) -> list[CsvField]:
    """The fields a CSV of this kind can fill, in the order the mapping screen lists them."""
    raise NotImplementedError


def sniff_csv(path: Path) -> CsvSample:
    """The headings and first rows of a CSV file; `ImportFileError` if it isn't one."""
    raise NotImplementedError


def guess_columns(headers: list[str], kind: str) -> dict[str, str]:
    """field key → heading, guessed from the headings' usual names in MIS exports."""
    raise NotImplementedError


def read_csv(
    path: Path,
    columns: dict[str, str],
    kind: str,
    *,
    mapping_name: str = "",
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ImportFile:
    """The records of a CSV file read with `columns` (field key → heading)."""
    raise NotImplementedError
