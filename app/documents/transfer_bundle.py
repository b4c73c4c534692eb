"""A child protection file for a pupil's next school: a cover page with an index of the
incidents (and the page each starts on), every incident as a case file, and a receipt
slip the receiving DSL signs and sends back. Laid out twice: the first pass finds the
pages, the second prints them in the index and on the slip."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table, TableStyle

from app.documents.base import (
    FONT,
    DocumentInfo,
    FootprintDocument,
    Letterhead,
    escape,
    styles,
)
from app.documents.casefile import WIDTH, binary_images, case_file_story
from app.documents.casefile_content import ReceiptSlip, TransferBundleContent
from app.documents.letterhead import LETTERHEAD_HEIGHT

_RULE = colors.Color(0.6, 0.6, 0.6)


class _PageMark(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """Takes no room; notes the page it lands on."""

    def __init__(self, key: str, pages: dict[str, int]) -> None:
        super().__init__()
        self.key = key
        self.pages = pages

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.pages[self.key] = self.canv.getPageNumber()


class TransferBundleDocument(FootprintDocument):
    """The whole bundle; `page_count` after `render` is the number of pages."""

    def __init__(self, letterhead: Letterhead, content: TransferBundleContent) -> None:
        super().__init__(
            letterhead,
            # The pupil is named inside, never in the file's properties.
            DocumentInfo(
                title="Child protection file",
                subject="Confidential: for the designated safeguarding lead",
                footer=f"{letterhead.school_name} · Child protection file · CONFIDENTIAL",
            ),
        )
        self.content = content
        self._pages: dict[str, int] = {}
        self._found: dict[str, int] = {}
        self._total = 0

    def render(self) -> bytes:
        with binary_images():
            super().render()  # to find the pages
            self._found, self._total = dict(self._pages), self.page_count
            self._pages = {}
            return super().render()

    def story(self) -> list[Flowable]:
        c, s = self.content, self.styles
        story: list[Flowable] = [Spacer(1, LETTERHEAD_HEIGHT + 4 * mm)]
        story.append(Paragraph(escape(c.title), s["title"]))
        story.append(Paragraph(escape(c.notice), s["body"]))
        story.append(_pairs(c.cover_lines))
        story.append(Spacer(1, 4 * mm))
        story.append(Paragraph("Contents", s["heading"]))
        rows = [["", "Incident", "Page"]]
        for number, title in enumerate(c.index_titles, start=1):
            rows.append([str(number), title, self._page(f"case{number}")])
        rows.append(["", "Receipt slip (to sign and return)", self._page("receipt")])
        story.append(_index(rows))
        for number, case_file in enumerate(c.case_files, start=1):
            story += [PageBreak(), _PageMark(f"case{number}", self._pages)]
            story += case_file_story(case_file)
        if c.receipt is not None:
            story += [PageBreak(), _PageMark("receipt", self._pages)]
            story += receipt_story(c.receipt, self._total, self)
        return story

    def _page(self, key: str) -> str:
        return str(self._found.get(key, "")) or "—"


def _pairs(pairs: tuple[tuple[str, str], ...]) -> Table:
    cell = styles()["small"]
    rows = [
        [Paragraph(f"<b>{escape(label)}</b>", cell), Paragraph(escape(value), cell)]
        for label, value in pairs
        if value
    ]
    table = Table(rows, colWidths=[45 * mm, WIDTH - 45 * mm])
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, _RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _index(rows: list[list[str]]) -> Table:
    cell = styles()["small"]
    data = [[Paragraph(escape(text), cell) for text in row] for row in rows]
    table = Table(data, colWidths=[10 * mm, WIDTH - 30 * mm, 20 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, _RULE),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONT", (0, 0), (-1, -1), FONT, 8.5),
            ]
        )
    )
    return table


def receipt_story(slip: ReceiptSlip, total_pages: int, doc: FootprintDocument) -> list[Flowable]:
    """The slip: what was sent, then lines for the receiving DSL to fill in and sign."""
    s = doc.styles
    pages = f"{slip.pages_line} ({total_pages} pages in all)" if total_pages else slip.pages_line
    facts = (
        ("Pupil", slip.pupil_name),
        ("Date of birth", slip.date_of_birth),
        ("UPN", slip.upn or "Not known"),
        ("Sent by", slip.sending_school),
        ("Sent to", slip.receiving_school),
        ("Sent on", slip.sent_on),
        ("What was sent", pages),
        ("Reference", slip.sha256_line),
    )
    story: list[Flowable] = [
        Paragraph("Receipt slip — child protection file", s["title"]),
        Paragraph(
            "To the designated safeguarding lead at the receiving school: please check that "
            "you have the whole file, then sign this slip and return it to the sending school "
            "as soon as you can. Keeping a child safe depends on knowing the file arrived.",
            s["body"],
        ),
        _pairs(facts),
        Spacer(1, 6 * mm),
        Paragraph(
            "I confirm that I have received the child protection file described above.",
            s["body"],
        ),
        Spacer(1, 4 * mm),
    ]
    lines = [[label, ""] for label in ("Name", "Role", "School", "Signature", "Date")]
    table = Table(lines, colWidths=[30 * mm, WIDTH - 30 * mm], rowHeights=12 * mm)
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (1, 0), (1, -1), 0.6, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("FONT", (0, 0), (-1, -1), FONT, 10),
            ]
        )
    )
    story += [table, Spacer(1, 8 * mm)]
    story.append(Paragraph(f"<b>Please return to:</b> {escape(slip.return_to)}", s["body"]))
    return story
