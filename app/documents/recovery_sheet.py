"""The recovery sheet: one A4 page holding the encrypted log's recovery key, printed once
and kept in the school safe. It opens the log when every password has been lost.

The key is printed large in a monospaced font, in groups, to be read off paper and typed
back. The school's name and where the log is are printed on the page but never put in
the PDF's metadata (title and author are Footprint's own words), so the file's
properties show nothing of the school, the log or the key.
"""

from __future__ import annotations

import io
import itertools
from datetime import datetime
from functools import cache
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepInFrame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.core.timefmt import to_london
from app.documents.base import (
    FONT,
    FONT_BOLD,
    MARGIN,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    escape,
    register_fonts,
    styles,
)

TITLE = "Footprint recovery sheet"
FOOTER = "Made by Footprint. This sheet holds no pupil's details."
#: The key needs only A–Z and 2–9 (never 0/O or 1/I), all in PDF's standard Courier: no
#: font file is needed, and every viewer and printer has it.
KEY_FONT = "Courier-Bold"
KEY_SIZE = 30
GROUPS_PER_LINE = 4
WIDTH = PAGE_WIDTH - 2 * MARGIN
LABEL_WIDTH = 22 * mm
#: For the characters DejaVu Sans lacks (Chinese, Japanese kana): PDF's standard Chinese
#: font, which the viewer or printer supplies, so no font file is added. Characters
#: neither covers still print as a blank box, never an error.
CJK_FONT = "STSong-Light"
#: Where a long path may break: after a folder separator, or else a space or punctuation.
_BREAK_AFTER = ("\\/", " -_.:")


def recovery_sheet_pdf(
    *, school_name: str, log_location: str, recovery_key: str, made_at: datetime, key_id: str
) -> bytes:
    """The one-page recovery sheet as PDF bytes (the same data gives the same bytes).

    `recovery_key` may be given with or without dashes and spaces; it is printed in groups
    of four. `made_at` must be timezone-aware; it is shown in London time.
    """
    register_fonts()
    _register_cjk()
    groups = key_groups(recovery_key)
    if not groups or not all(char.isascii() for char in "".join(groups)):
        raise ValueError("a recovery key is letters A–Z and digits, in groups of four")
    made = to_london(made_at)  # refuses a naive datetime
    made_text = f"{made.day} {made:%B %Y} at {made:%H:%M}"
    story = _story(school_name, log_location, groups, made_text, key_id)
    return _render(story)


def key_groups(recovery_key: str) -> list[str]:
    """The key's groups of four, as printed (spaces, dashes and case don't matter)."""
    key = "".join(char for char in recovery_key.upper() if char.isalnum())
    return [key[i : i + 4] for i in range(0, len(key), 4)]


def wrap_path(text: str, size: float, width: float) -> list[str]:
    """A long path as lines that fit `width` at `size`, broken after a folder separator
    where one fits (anywhere, if a single name is too long), so nothing runs into the
    margin."""
    lines: list[str] = []
    rest = text.replace("\n", " ")
    while rest:
        if text_width(rest, size) <= width:
            lines.append(rest)
            break
        fit = 1
        while fit < len(rest) and text_width(rest[: fit + 1], size) <= width:
            fit += 1
        # After a folder separator if one comes in the line's second half, else after a
        # space or punctuation there, else wherever the line is full.
        cut = fit
        for breaks in _BREAK_AFTER:
            last = max((i + 1 for i in range(fit) if rest[i] in breaks), default=0)
            if last >= fit // 2:
                cut = last
                break
        lines.append(rest[:cut].rstrip(" "))
        rest = rest[cut:].lstrip(" ")
    return lines or [""]


@cache
def _register_cjk() -> None:
    pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))


def _falls_back(char: str) -> bool:
    """Whether `char` is set in the Chinese font: printable, missing from DejaVu Sans, and
    in the range that font's encoding can carry."""
    register_fonts()
    covered = pdfmetrics.getFont(FONT).face.charToGlyph
    code = ord(char)
    return code <= 0xFFFF and code not in covered and char.isprintable()


def _runs(text: str) -> list[tuple[bool, str]]:
    """`text` in runs, each marked True when it is set in the Chinese font."""
    return [(fallback, "".join(run)) for fallback, run in itertools.groupby(text, _falls_back)]


def markup(text: str) -> str:
    """User text for a Paragraph: escaped, with characters DejaVu Sans lacks in CJK_FONT."""
    _register_cjk()
    return "".join(
        f'<font face="{CJK_FONT}">{escape(run)}</font>' if fallback else escape(run)
        for fallback, run in _runs(text)
    )


def text_width(text: str, size: float, font: str = FONT) -> float:
    """The printed width of plain `text`, counting the Chinese font where it is used."""
    _register_cjk()
    return sum(
        float(pdfmetrics.stringWidth(run, CJK_FONT if fallback else font, size))
        for fallback, run in _runs(text)
    )


# -- the page -------------------------------------------------------------------------------
def _styles() -> dict[str, ParagraphStyle]:
    s = styles()
    body = ParagraphStyle("sheet-body", parent=s["body"], fontSize=10.5, leading=14.5)
    return {
        "title": ParagraphStyle("sheet-title", parent=s["title"], fontSize=22, leading=27),
        "lead": ParagraphStyle("sheet-lead", parent=body, spaceAfter=10),
        "label": ParagraphStyle("sheet-label", parent=body, fontName=FONT_BOLD, spaceAfter=0),
        "value": ParagraphStyle("sheet-value", parent=body, spaceAfter=0),
        "heading": ParagraphStyle(
            "sheet-heading", parent=s["heading"], fontSize=12, spaceBefore=10, spaceAfter=6
        ),
        "boxhead": ParagraphStyle(
            "sheet-boxhead", parent=body, fontName=FONT_BOLD, fontSize=12, alignment=TA_CENTER
        ),
        "key": ParagraphStyle(
            "sheet-key",
            parent=body,
            fontName=KEY_FONT,
            fontSize=KEY_SIZE,
            leading=KEY_SIZE * 1.5,
            alignment=TA_CENTER,
            spaceAfter=0,
        ),
        "boxnote": ParagraphStyle(
            "sheet-boxnote", parent=body, fontSize=9.5, leading=13, alignment=TA_CENTER
        ),
        "small": ParagraphStyle(
            "sheet-small", parent=s["small"], alignment=TA_CENTER, spaceAfter=0
        ),
        "bullet": ParagraphStyle(
            "sheet-bullet", parent=body, leftIndent=6 * mm, bulletIndent=1.5 * mm, spaceAfter=5
        ),
    }


def _story(
    school_name: str, log_location: str, groups: list[str], made: str, key_id: str
) -> list[Flowable]:
    st = _styles()

    def p(text: str, style: str) -> Paragraph:
        return Paragraph(markup(text), st[style])

    def bullet(text: str) -> Paragraph:  # our own words, with <b> where they need it
        return Paragraph(text, st["bullet"], bulletText="•")

    value_width = WIDTH - LABEL_WIDTH
    value = st["value"]
    location = "<br/>".join(
        markup(line) for line in wrap_path(log_location, value.fontSize, value_width)
    )
    details = Table(
        [
            [p("School", "label"), p(school_name, "value")],
            [p("Log", "label"), Paragraph(location, value)],
            [p("Made", "label"), p(made, "value")],
        ],
        colWidths=[LABEL_WIDTH, value_width],
        hAlign="LEFT",
    )
    details.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )

    lines = [
        "-".join(groups[i : i + GROUPS_PER_LINE]) for i in range(0, len(groups), GROUPS_PER_LINE)
    ]
    key_box = Table(
        [
            [p("Recovery key", "boxhead")],
            *([p(line, "key")] for line in lines),
            [
                p(
                    "Type it in as printed, top line first. Spaces, dashes and capitals "
                    "don't matter. It never uses the letters O or I, nor the digits 0 or 1.",
                    "boxnote",
                )
            ],
            [p(f"Key fingerprint: {key_id}", "small")],
        ],
        colWidths=[WIDTH],
    )
    key_box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.5, colors.black),
                ("LEFTPADDING", (0, 0), (-1, -1), 6 * mm),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6 * mm),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (0, 0), 5 * mm),
                ("BOTTOMPADDING", (0, 0), (0, 0), 3 * mm),
                ("TOPPADDING", (0, -2), (0, -2), 4 * mm),
                ("BOTTOMPADDING", (0, -1), (0, -1), 5 * mm),
            ]
        )
    )

    story: list[Flowable] = [
        p(TITLE, "title"),
        p(
            "This sheet holds the recovery key for the school's Footprint log. It is the "
            "only way into the log if every password is lost, so keep it safe and secret.",
            "lead",
        ),
        details,
        Spacer(1, 7 * mm),
        key_box,
        p("Keeping it safe", "heading"),
        bullet(
            "Keep this sheet in the school safe, <b>not</b> with the computer that holds the log."
        ),
        bullet(
            "Anyone holding this sheet and a copy of the log can read every record in it. "
            "Treat it like the safe's own key."
        ),
        bullet("Do not photograph, scan or email it, and do not copy it."),
        p("Using it", "heading"),
        bullet(
            "It opens the log when every password has been lost. On Footprint's sign-in "
            "window, choose <b>“Use the recovery key”</b> and type the key above."
        ),
        bullet(
            "When a new recovery key is made (by the DSL, in Settings → Accounts → "
            "“New recovery key”), this sheet stops working for the log. Shred it then, "
            "and put the new sheet in the safe in its place."
        ),
    ]
    return story


def _draw_footer(canvas: Canvas, doc: BaseDocTemplate) -> None:
    canvas.saveState()
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN, MARGIN + 2 * mm, PAGE_WIDTH - MARGIN, MARGIN + 2 * mm)
    canvas.setFont(FONT, 9)
    canvas.drawCentredString(PAGE_WIDTH / 2, MARGIN - 3 * mm, FOOTER)
    canvas.restoreState()


def _render(story: list[Flowable]) -> bytes:
    """One page, always: an overlong name or path shrinks the page's contents to fit
    rather than spilling a second sheet. Metadata names Footprint only."""
    buffer = io.BytesIO()
    info: dict[str, Any] = {
        "title": TITLE,
        "author": "Footprint",
        "subject": "Recovery key for a Footprint log",
        "creator": "Footprint",
        "keywords": [],
    }
    doc = BaseDocTemplate(
        buffer,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 6 * mm,
        invariant=1,
        **info,
    )
    frame = Frame(
        doc.leftMargin,
        doc.bottomMargin,
        doc.width,
        doc.height,
        id="sheet",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates([PageTemplate(id="sheet", frames=[frame], onPage=_draw_footer)])
    doc.build([KeepInFrame(doc.width, doc.height, story, mode="shrink")])
    return buffer.getvalue()
