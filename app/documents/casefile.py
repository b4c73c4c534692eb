"""The case file of one incident: its facts, the people and their parts, the whole
timeline oldest first (corrections beside what they correct), requests, escalations,
decisions, letters and evidence with their SHA-256 fingerprints. Everything arrives as
worded text (`casefile_content`); this module lays it out and escapes it."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Image,
    KeepTogether,
    LongTable,
    Paragraph,
    Spacer,
    TableStyle,
)

from app.documents.base import (
    FONT_BOLD,
    PAGE_WIDTH,
    DocumentInfo,
    FootprintDocument,
    Letterhead,
    escape,
    styles,
)
from app.documents.casefile_content import CaseEvidence, CaseFileContent
from app.documents.letterhead import LETTERHEAD_HEIGHT
from app.documents.timeline_rows import TimelineRow

WIDTH = PAGE_WIDTH - 40 * mm
THUMBNAIL_BOX = (120 * mm, 100 * mm)
_RULE = colors.Color(0.6, 0.6, 0.6)
_SHADE = colors.Color(0.9, 0.9, 0.9)


def case_file_info(content: CaseFileContent, school_name: str) -> DocumentInfo:
    """Title and footer with no name in them: the reference identifies the record."""
    return DocumentInfo(
        title=f"Case file {content.reference}",
        subject=content.variant,
        footer=f"{school_name} · Case file {content.reference} · {content.marking}",
    )


class CaseFileDocument(FootprintDocument):
    """One incident's case file on the school's letterhead."""

    def __init__(self, letterhead: Letterhead, content: CaseFileContent) -> None:
        super().__init__(letterhead, case_file_info(content, letterhead.school_name))
        self.content = content

    def story(self) -> list[Flowable]:
        return [Spacer(1, LETTERHEAD_HEIGHT + 4 * mm), *case_file_story(self.content)]

    def render(self) -> bytes:
        with binary_images():
            return super().render()


@contextmanager
def binary_images() -> Iterator[None]:
    """Pictures stored as binary streams, not ASCII85 text: reportlab encodes ASCII85 in
    pure Python (a second for fifty screenshots) and the file grows by a quarter. The
    setting is reportlab's global one, restored afterwards; a letter drawn at the same
    moment on another thread would only store its logo the same way (a valid PDF)."""
    from reportlab import rl_config

    before = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = before


def _styles() -> dict[str, ParagraphStyle]:
    s = styles()
    cell = ParagraphStyle("cell", parent=s["body"], fontSize=8.5, leading=10.5, spaceAfter=0)
    return {
        **s,
        "cell": cell,
        "cell_bold": ParagraphStyle("cell_bold", parent=cell, fontName=FONT_BOLD),
        "cell_small": ParagraphStyle("cell_small", parent=cell, fontSize=7.5, leading=9),
        "amend": ParagraphStyle(
            "amend", parent=cell, leftIndent=6, textColor=colors.Color(0.2, 0.2, 0.2)
        ),
        "section": ParagraphStyle(
            "section",
            parent=s["heading"],
            fontSize=12,
            spaceBefore=10,
            spaceAfter=5,
        ),
        "marking": ParagraphStyle("marking", parent=s["small"], fontName=FONT_BOLD),
        "band": ParagraphStyle(
            "band",
            parent=cell,
            fontName=FONT_BOLD,
            backColor=_SHADE,
            borderPadding=(2, 3, 2, 3),
            spaceAfter=3,
        ),
        "details": ParagraphStyle("details", parent=cell, leftIndent=3, leading=11.5),
    }


def case_file_story(content: CaseFileContent) -> list[Flowable]:
    """The case file's flowables (also used inside a transfer bundle)."""
    s = _styles()
    story: list[Flowable] = [
        Paragraph(escape(content.marking), s["marking"]),
        Paragraph(escape(f"Case file {content.reference}"), s["title"]),
        Paragraph(escape(content.variant), s["heading"]),
    ]
    story += [Paragraph(escape(line), s["small"]) for line in content.preface]
    story += _table_section("The incident", _pairs(content.facts, s), s)
    if content.people:
        rows = [[p.name, p.kind, p.role, p.detail] for p in content.people]
        people = _table(["Name", "Who", "Part", "Details"], rows, [50, 28, 32, 60], s)
        story += _table_section("People and their part", people, s)
    chronology = _chronology(content, s)
    story += [*_table_section("Chronology (oldest first)", chronology[0], s), *chronology[1:]]
    requests = [
        _block(
            f"To {r.addressee} · {r.method} · {r.outcome}",
            [("Sent", r.sent), ("Deadline", r.deadline), ("Reply", r.reply), ("Notes", r.notes)],
            s,
        )
        for r in content.requests
    ]
    story += _block_section("Deletion requests and replies", requests, s)
    escalations = [
        _block(
            f"{e.route} · {e.escalated} · {e.status}",
            [
                ("Reference", e.reference or "none recorded"),
                ("Contact", e.contact),
                ("Outcome", e.outcome),
                ("Notes", e.notes),
                ("Next follow-up", e.follow_up),
            ],
            s,
        )
        for e in content.escalations
    ]
    story += _block_section("Escalations", escalations, s)
    if content.decisions:
        rows = [[d.when, d.who, d.decision, d.reason] for d in content.decisions]
        decisions = _table(["When", "Who", "Decision", "Reason"], rows, [26, 28, 36, 80], s)
        story += _table_section("Decisions and their reasons", decisions, s)
    letters = [
        _block(
            f"{letter.date} · {letter.title} · to {letter.addressee}",
            [
                ("Made by", f"{letter.made_by} ({_pages(letter.pages)})"),
                ("SHA-256", letter.sha256),
                ("Withdrawn", letter.withdrawn),
            ],
            s,
        )
        for letter in content.letters
    ]
    story += _block_section("Letters sent", letters, s)
    evidence = [_evidence(item, s) for item in content.evidence]
    if not evidence:
        evidence = [[Paragraph("No evidence is recorded.", s["cell"])]]
    story += _block_section("Evidence", evidence, s)
    return story


def _pages(count: int) -> str:
    return f"{count} page{'s' if count != 1 else ''}"


def _table_section(title: str, table: Flowable, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    """A heading, never alone at the foot of a page, then a table that may run on."""
    return [CondPageBreak(30 * mm), Paragraph(escape(title), s["section"]), table]


def _block_section(
    title: str, blocks: Sequence[list[Flowable]], s: dict[str, ParagraphStyle]
) -> list[Flowable]:
    """A heading kept with the first of its blocks; each block kept whole."""
    if not blocks:
        return []
    heading = Paragraph(escape(title), s["section"])
    return [KeepTogether([heading, *blocks[0]]), *(KeepTogether(b) for b in blocks[1:])]


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def _pairs(pairs: Sequence[tuple[str, str]], s: dict[str, ParagraphStyle]) -> Flowable:
    rows = [[_p(label, s["cell_bold"]), _p(value, s["cell"])] for label, value in pairs if value]
    table = LongTable(rows, colWidths=[38 * mm, WIDTH - 38 * mm])
    table.setStyle(_grid(header=False))
    return table


def _table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths_mm: Sequence[float],
    s: dict[str, ParagraphStyle],
) -> Flowable:
    scale = WIDTH / (sum(widths_mm) * mm)
    data = [[_p(h, s["cell_bold"]) for h in header]]
    data += [[_p(cell, s["cell"]) for cell in row] for row in rows]
    table = LongTable(data, colWidths=[w * mm * scale for w in widths_mm], repeatRows=1)
    table.setStyle(_grid(header=True))
    return table


def _grid(*, header: bool) -> TableStyle:
    style = [
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, _RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        style += [
            ("BACKGROUND", (0, 0), (-1, 0), _SHADE),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ]
    return TableStyle(style)


def _chronology(content: CaseFileContent, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    if not content.chronology:
        return [Paragraph("Nothing is recorded on the timeline.", s["cell"])]
    rows: list[Flowable] = [
        TimelineRow(["When"], [("Who · what", 8.5)], [_p("Entry", s["cell_bold"])], header=True)
    ]
    for entry in content.chronology:
        when = entry.occurred.split(" ", 1)
        if entry.recorded and entry.recorded != entry.occurred:
            when.append(f"(written {entry.recorded})")
        text = [_p(entry.text, s["cell"])]
        text += [
            Paragraph(
                f"<i>Corrected {escape(a.recorded)} by {escape(a.author)}:</i> {escape(a.text)}",
                s["amend"],
            )
            for a in entry.amendments
        ]
        rows.append(TimelineRow(when, [(entry.author, 8.5), (entry.kind, 7.5)], text))
    return rows


def _block(
    title: str, lines: Sequence[tuple[str, str]], s: dict[str, ParagraphStyle]
) -> list[Flowable]:
    """A record (a request, a letter …): its title on a shaded band, then its details."""
    body = "<br/>".join(
        f"<b>{escape(label)}:</b> {escape(value)}" for label, value in lines if value
    )
    out: list[Flowable] = [_p(title, s["band"])]
    if body:
        out.append(Paragraph(body, s["details"]))
    return [*out, Spacer(1, 2 * mm)]


def _evidence(item: CaseEvidence, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    heading = " · ".join(
        part for part in (f"E{item.number}", item.kind, item.media_type, item.size) if part
    )
    block = _block(
        heading,
        [
            ("Description", item.description),
            ("File name", item.file_name),
            ("SHA-256", item.sha256),
            ("Captured", item.captured),
            ("Added", item.added),
            ("Note", item.note),
        ],
        s,
    )
    picture = _thumbnail(item.thumbnail) if item.thumbnail is not None else None
    if picture is None:
        return block
    return [*block[:-1], Spacer(1, 1 * mm), picture, Spacer(1, 3 * mm)]


def _thumbnail(data: bytes) -> Flowable | None:
    try:
        width, height = ImageReader(io.BytesIO(data)).getSize()
    except Exception:  # an unreadable picture leaves the item listed without it
        return None
    scale = min(THUMBNAIL_BOX[0] / width, THUMBNAIL_BOX[1] / height, 1.0)
    return Image(io.BytesIO(data), width * scale, height * scale, hAlign="LEFT")
