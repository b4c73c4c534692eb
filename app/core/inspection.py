"""The inspection list as plain data: what the service reads and the CSV and PDF print
(the "list of referrals and their resolution" an inspector asks for on day one). Here,
between the two, so that `app/documents` imports neither services nor models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

#: The columns, in order (the CSV's header row and the PDF table's).
COLUMNS = (
    "Reference",
    "Date seen",
    "Date reported",
    "Categories",
    "Severity",
    "Status",
    "Outcome",
    "Referred to",
    "Resolution",
)


@dataclass(frozen=True, slots=True)
class InspectionRow:
    """One incident of the list, every value already words (dates DD/MM/YYYY)."""

    reference: str
    seen_on: str
    reported_on: str
    categories: str
    severity: str
    status: str
    outcome: str
    referred_to: str
    resolution: str

    def cells(self) -> tuple[str, ...]:
        """The values in the order of COLUMNS."""
        return (
            self.reference,
            self.seen_on,
            self.reported_on,
            self.categories,
            self.severity,
            self.status,
            self.outcome,
            self.referred_to,
            self.resolution,
        )


@dataclass(frozen=True)
class PrejudiceCount:
    """How many prejudice-based incidents of the list were of one type."""

    label: str
    count: int


@dataclass(frozen=True)
class InspectionHeading:
    """What the PDF says above and beside the table."""

    school_name: str
    produced_on: date
    #: The list's filter and order, in words (one line each).
    filter_lines: tuple[str, ...]
    total: int
    prejudice: tuple[PrejudiceCount, ...]
    prejudice_total: int
