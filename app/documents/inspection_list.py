"""The inspection list as a landscape PDF: a first page saying what the list holds (the
filter, how many incidents) with the prejudice-based incidents summarised by type, then
the table of referrals and their resolution, its header row at the top of every page."""

from __future__ import annotations

from collections.abc import Iterable

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table, TableStyle

from app.core.inspection import COLUMNS, InspectionHeading, InspectionRow
from app.documents.base import (
    FONT,
    FONT_BOLD,
    FOOTER_HEIGHT,
    MARGIN,
    DocumentInfo,
    FootprintDocument,
    Letterhead,
    escape,
)
from app.documents.paged_table import paged_tables

TITLE = "List of referrals and their resolution"
PAGE = landscape(A4)
#: Column widths (mm), 257 in all: the landscape page less its margins.
WIDTHS_MM = (24, 20, 20, 34, 16, 20, 24, 42, 57)


def _date(value: object) -> str:
    return f"{value:%d/%m/%Y}"


class InspectionListDocument(FootprintDocument):
    """The list for an inspector; rows arrive as plain data, already in words."""

    pagesize = PAGE

    def __init__(
        self, letterhead: Letterhead, heading: InspectionHeading, rows: Iterable[InspectionRow]
    ) -> None:
        super().__init__(
            letterhead,
            DocumentInfo(
                title=TITLE,
                subject="Social media incidents: inspection list",
                footer=f"{TITLE} · produced {_date(heading.produced_on)}",
            ),
        )
        self.heading = heading
        self.rows = rows
        #: Incident rows printed in the last rendering.
        self.row_count = 0

    def _p(self, text: str, style: str = "body") -> Paragraph:
        return Paragraph(escape(text), self.styles[style])

    def story(self) -> list[Flowable]:
        h = self.heading
        noun = "incident" if h.total == 1 else "incidents"
        story: list[Flowable] = [
            Spacer(1, 32 * mm),
            self._p(TITLE, "title"),
            self._p(
                f"Social media incidents recorded by {h.school_name or 'the school'}, "
                f"as at {_date(h.produced_on)}: {h.total:,} {noun}.",
            ),
            self._p("What the list holds", "heading"),
            *[self._p(line, "small") for line in h.filter_lines],
            Spacer(1, 4 * mm),
            *self._prejudice(),
            Spacer(1, 4 * mm),
            self._p(
                "“Referred to” lists each escalation (to the police, children's social care, "
                "the LADO, a platform, the school's own procedures…) with its reference and "
                "where it stands. “Resolution” is the reason recorded when the incident was "
                "closed; an incident still open says so.",
                "small",
            ),
        ]
        widths = [w * mm for w in WIDTHS_MM]
        frame_height = PAGE[1] - 2 * MARGIN - FOOTER_HEIGHT / 2
        self.row_count = 0
        tables = list(paged_tables(COLUMNS, self._cells(), widths, page_height=frame_height - 1))
        if tables:
            story += [PageBreak(), *tables]
        else:
            story += [Spacer(1, 4 * mm), self._p("No incident matches this filter.", "heading")]
        return story

    def _cells(self) -> Iterable[tuple[str, ...]]:
        for row in self.rows:
            self.row_count += 1
            yield row.cells()

    def _prejudice(self) -> list[Flowable]:
        h = self.heading
        parts: list[Flowable] = [self._p("Prejudice-based incidents: summary by type", "heading")]
        if not h.prejudice_total:
            return [*parts, self._p("None among the incidents listed.")]
        data = [["Type", "Incidents"]]
        data += [[c.label, f"{c.count:,}"] for c in h.prejudice]
        data.append(["All prejudice-based incidents", f"{h.prejudice_total:,}"])
        table = Table(data, colWidths=[90 * mm, 30 * mm], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), FONT, 9.5),
                    ("FONT", (0, 0), (-1, 0), FONT_BOLD, 9.5),
                    ("FONT", (0, -1), (-1, -1), FONT_BOLD, 9.5),
                    ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.88, 0.88, 0.88)),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                    ("LINEBELOW", (0, 1), (-1, -2), 0.25, colors.Color(0.6, 0.6, 0.6)),
                    ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
                ]
            )
        )
        note = self._p(
            "Incidents recorded in the category “Prejudice-based”, each counted once under "
            "the type of prejudice recorded for it.",
            "small",
        )
        return [*parts, table, Spacer(1, 1.5 * mm), note]
