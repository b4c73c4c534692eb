"""What an MIS file holds, as plain records: pupils, their contacts and the links between
them, staff, and the rows refused with the reason and where they are in the file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

#: Called now and then while a file is read: (done, total) in any unit (bytes, rows).
Progress = Callable[[int, int], None]
#: Asked now and then while a file is read: True stops the work (`ImportCancelled`).
Cancelled = Callable[[], bool]


class ImportFileError(Exception):
    """The file can't be read as an import at all (not a CTF, truncated, hostile, too big,
    not text): `message` is a sentence for the DSL naming the file position."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ImportCancelled(Exception):
    """The user pressed Cancel while the file was being read or matched."""


@dataclass(frozen=True)
class Position:
    """Where a record is in its file: a line (XML) or a row (CSV, counting the heading
    row as row 1, as a spreadsheet does)."""

    line: int | None = None
    row: int | None = None

    def __str__(self) -> str:
        if self.row is not None:
            return f"row {self.row}"
        if self.line is not None:
            return f"line {self.line}"
        return "somewhere in the file"


@dataclass(frozen=True)
class PupilRecord:
    """A pupil as the file has them. `key` identifies them within the file (their UPN,
    else the MIS id, else the position)."""

    key: str
    given_name: str
    family_name: str
    position: Position
    upn: str | None = None
    mis_id: str | None = None
    preferred_given_name: str = ""
    preferred_family_name: str = ""
    date_of_birth: date | None = None
    # One of app.core.vocab.YEAR_GROUPS, or None when the file doesn't say.
    year_group: str | None = None
    class_name: str | None = None
    # The address as letter lines joined by "\n" (without the postcode).
    address: str = ""
    postcode: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class ContactRecord:
    """A parent, carer or other contact. A CTF repeats a parent under each of their
    children: the reader merges them (same MIS id, else same name and address) into one
    record, so `key` identifies the person within the file."""

    key: str
    given_name: str
    family_name: str
    position: Position
    mis_id: str | None = None
    title: str = ""
    address: str = ""
    postcode: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class LinkRecord:
    """A contact's link to a pupil, as the file has it."""

    pupil_key: str
    contact_key: str
    position: Position
    # In words ("Mother", "Foster carer"); the code the file used, if any ("PAM").
    relationship: str = ""
    relationship_code: str = ""
    # None: the file doesn't say.
    parental_responsibility: bool | None = None
    # 1 is contacted first; None: the file doesn't say.
    priority: int | None = None
    # True: the file says no contact (a court order or restriction); False: the file
    # says there is none; None: the file is silent (a CTF always is), so an import
    # never lifts a restriction set in Footprint.
    no_contact: bool | None = None
    # The file's words for the restriction ("Court order"), if any.
    no_contact_reason: str = ""


@dataclass(frozen=True)
class StaffRecord:
    """A member of staff from a staff export."""

    key: str
    given_name: str
    family_name: str
    position: Position
    mis_id: str | None = None
    title: str = ""
    job_title: str = ""
    email: str = ""


@dataclass(frozen=True)
class Refusal:
    """A row (or pupil element) that can't be imported, and why, in a DSL's words."""

    position: Position
    reason: str
    # Who it seems to be, to find the row in the MIS ("UPN A123…, Smith"); may be empty.
    who: str = ""
    # The UPN and MIS id the row carries, where they could be read (not part of what
    # the row's refusal *is*, so two refusals compare by where and why).
    keys: tuple[str, ...] = field(default=(), compare=False)

    def __str__(self) -> str:
        who = f" ({self.who})" if self.who else ""
        return f"{str(self.position).capitalize()}{who}: {self.reason}"


@dataclass
class ImportFile:
    """Everything read from one file, checked and ready to be matched against the log."""

    # "ctf" or "csv"
    source: str
    file_name: str
    sha256: str
    pupils: list[PupilRecord] = field(default_factory=list)
    contacts: list[ContactRecord] = field(default_factory=list)
    links: list[LinkRecord] = field(default_factory=list)
    staff: list[StaffRecord] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    # Things to know that don't stop the import ("LA code 999 is not a known LA").
    warnings: list[str] = field(default_factory=list)
    # What the file says about itself (CTF header): "23.0", "380/2093 Oakfield Primary",
    # "2026-09-04T09:12:00"; and whether it says it is partial (a CTF's qualifier).
    schema_version: str = ""
    source_school: str = ""
    file_date: str = ""
    says_partial: bool = False
    # The saved CSV mapping used, if any.
    mapping_name: str = ""

    @property
    def refused_keys(self) -> set[str]:
        """The UPNs and MIS ids of refused rows: nobody holding one is marked as left."""
        return {key for refusal in self.refused for key in refusal.keys}
