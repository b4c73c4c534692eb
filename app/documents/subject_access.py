"""The subject access pack: who it is about and who asked, how to read it (names replaced
by roles, images listed), then each section's records as labelled lines. It receives the
pack already redacted; the metadata names no one."""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Image,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.core.subject_access_data import PackItem, SubjectAccessPack
from app.documents.base import (
    FONT,
    FONT_BOLD,
    DocumentInfo,
    FootprintDocument,
    Letterhead,
    escape,
)
from app.documents.paged_table import wrap

TITLE = "Subject access request: the information held"
SIZE, LEADING, PAD = 9.0, 11.5, 2.0
WIDTH = 170 * mm
IMAGE_BOX = (120 * mm, 110 * mm)


def _date(value: object) -> str:
    return f"{value:%d/%m/%Y}"


class SubjectAccessDocument(FootprintDocument):
    """The pack sent to the requester (the redaction log is never part of it)."""

    def __init__(self, letterhead: Letterhead, pack: SubjectAccessPack) -> None:
        super().__init__(
            letterhead,
            DocumentInfo(
                title="Subject access response",
                subject="Information held in the school's social media incident log",
                footer=f"Subject access response · produced {_date(pack.produced_on)}",
            ),
        )
        self.pack = pack
        base = self.styles["body"]
        self.cell = ParagraphStyle("sar-cell", parent=base, fontSize=9, leading=11.5, spaceAfter=0)
        self.item = ParagraphStyle(
            "sar-item",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=9.5,
            spaceBefore=6,
            spaceAfter=3,
            keepWithNext=1,
        )
        self.section = ParagraphStyle(
            "sar-section", parent=self.styles["heading"], fontSize=13, spaceBefore=8, keepWithNext=1
        )
        # Headings are kept with what follows them (reportlab keeps the group on a page);
        # a record's lines may then run on over a page break, between two lines.
        self.small = ParagraphStyle("sar-intro", parent=self.styles["small"], keepWithNext=1)

    def _p(self, text: str, style: str = "body") -> Paragraph:
        return Paragraph(escape(text), self.styles[style])

    def story(self) -> list[Flowable]:
        p = self.pack
        facts = [
            ("About", p.subject_name),
            ("Asked for by", f"{p.requester_name} ({p.requester_relationship})"),
            ("Request received", _date(p.received_on)),
            ("Pack produced", _date(p.produced_on)),
        ]
        story: list[Flowable] = [
            Spacer(1, 32 * mm),
            self._p(TITLE, "title"),
            self._table([(a, b) for a, b in facts], label_width=40 * mm),
            Spacer(1, 5 * mm),
            self._p(
                f"This is the information that {p.school_name or 'the school'} holds about "
                f"{p.subject_name} in its log of social media incidents: their details, the "
                "incidents they were part of, and other records that name them."
            ),
            self._p(
                "Other people's names have been replaced by their role, such as “[another "
                "pupil]”, “[parent/carer]” or “[member of staff]”, to protect their privacy. "
                "Evidence such as screenshots is listed; an image is shown only where the "
                "school has decided it can be."
            ),
        ]
        for section in p.sections:
            head: list[Flowable] = [Paragraph(escape(section.title), self.section)]
            if section.intro:
                head.append(Paragraph(escape(section.intro), self.small))
            story.append(CondPageBreak(40 * mm))
            for item in section.items:
                # The section's heading and introduction go with its first record.
                story += [*head, *self._item(item)]
                head = []
            story += head  # a section with no records still has its heading
        return story

    def _table(self, rows: list[tuple[str, str]], *, label_width: float = 48 * mm) -> Table:
        """Labels and values as plain strings wrapped to their column (drawn as given,
        never parsed as markup; far quicker than a Paragraph per cell)."""
        widths = (label_width, WIDTH - label_width)
        data, heights = [], []
        for label, value in rows:
            cells = [
                wrap(label, widths[0] - 2 * PAD, font=FONT_BOLD, size=SIZE),
                wrap(value, widths[1] - 2 * PAD, font=FONT, size=SIZE),
            ]
            data.append(["\n".join(lines) for lines in cells])
            heights.append(max(len(lines) for lines in cells) * LEADING + 2 * PAD)
        table = Table(data, colWidths=list(widths), rowHeights=heights, hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), FONT, SIZE, LEADING),
                    ("FONT", (0, 0), (0, -1), FONT_BOLD, SIZE, LEADING),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.Color(0.7, 0.7, 0.7)),
                    ("TOPPADDING", (0, 0), (-1, -1), PAD),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), PAD),
                    ("LEFTPADDING", (0, 0), (-1, -1), PAD),
                    ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
                ]
            )
        )
        return table

    def _item(self, item: PackItem) -> list[Flowable]:
        heading = Paragraph(escape(item.heading), self.item)
        rows = [(line.label, line.value) for line in item.lines]
        parts: list[Flowable] = [heading]
        if rows:
            parts.append(self._table(rows))
        if item.image is not None:
            parts += [Spacer(1, 2 * mm), _picture(item.image, self.cell)]
        return parts


def _picture(data: bytes, style: ParagraphStyle) -> Flowable:
    """The image, scaled into its box; a file that can't be drawn says so instead."""
    try:
        width, height = ImageReader(io.BytesIO(data)).getSize()
        scale = min(IMAGE_BOX[0] / width, IMAGE_BOX[1] / height, 1.0)
        return Image(io.BytesIO(data), width * scale, height * scale, hAlign="LEFT")
    except Exception:  # a damaged file must not stop the pack; the DSL sees the note
        return Paragraph("(The image could not be shown: the file could not be read.)", style)
