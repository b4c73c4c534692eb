"""A letter to a parent or carer on the school's letterhead, addressed for a DL window
envelope, with a signature block. The words come filled in from a template."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Image, KeepTogether, Paragraph, Spacer

from app.documents.base import (
    FONT,
    FONT_BOLD,
    MARGIN,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    DocumentInfo,
    FootprintDocument,
    Letterhead,
    escape,
    register_fonts,
)

# A DL window envelope's window sits about 20 mm from the left and 45–90 mm from the top
# of an A4 sheet folded in three; the address block is drawn inside that box, under the
# "Private and confidential" marking (the first address line 59 mm down, the seventh by
# 87 mm).
ADDRESS_TOP = 50 * mm
ADDRESS_WIDTH = 85 * mm
ADDRESS_HEIGHT = 36 * mm


#: On every letter, above the addressee: only they should open it.
CONFIDENTIAL = "Private and confidential — addressee only"


@dataclass(frozen=True)
class LetterContent:
    """Everything printed on one letter (plain text; escaping happens here)."""

    letter_date: date
    reference: str
    addressee_name: str
    address_lines: Sequence[str]
    salutation: str
    subject: str
    paragraphs: Sequence[str]
    signatory_name: str
    signatory_title: str
    closing: str = "Yours sincerely,"
    signature_image: bytes | None = None
    #: The PDF's title (no names: it is the template's title, never the subject line).
    title: str = "Letter"
    #: Printed in the window in place of an address ("By hand"), when not posted.
    delivery_note: str = ""
    #: Printed above the addressee, so it shows through the envelope's window.
    marking: str = CONFIDENTIAL


#: Lines that fit the window at 10.5 pt: the name and up to six address lines.
WINDOW_LINES = 7


def fit_address(name: str, address: Sequence[str]) -> list[str]:
    """The address block's lines, never more than the window holds: long lines wrap, and
    if there are still too many, middle lines are joined with commas, so the name and the
    postcode (the last line) always show. Without an address, the name alone (a letter
    that is posted is refused before it gets here when there is no address)."""
    register_fonts()
    given = [line.strip() for line in address if line.strip()]
    if not given:
        return simpleSplit(name, FONT, 10.5, ADDRESS_WIDTH)[:WINDOW_LINES] or [""]
    while True:
        lines = [
            part
            for line in [name, *given]
            for part in simpleSplit(line, FONT, 10.5, ADDRESS_WIDTH) or [""]
        ]
        if len(lines) <= WINDOW_LINES or len(given) < 3:
            return lines[: WINDOW_LINES - 1] + lines[-1:] if len(lines) > WINDOW_LINES else lines
        # Join the two shortest neighbouring middle lines (never the postcode).
        pairs = range(len(given) - 2)
        at = min(pairs, key=lambda i: len(given[i]) + len(given[i + 1]))
        given[at : at + 2] = [f"{given[at]}, {given[at + 1]}"]


class LetterDocument(FootprintDocument):
    """One letter: address window, date and reference, subject, body, signature."""

    def __init__(self, letterhead: Letterhead, content: LetterContent) -> None:
        super().__init__(
            letterhead,
            # No names in the metadata: a file's properties are shown by every viewer and
            # mail client, and the subject line names the child.
            DocumentInfo(
                title=content.title,
                subject=f"Our reference {content.reference}",
                footer=f"{letterhead.school_name} · Our reference {content.reference}",
            ),
        )
        self.content = content

    def draw_first_page(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        super().draw_first_page(canvas, doc)
        c = self.content
        canvas.saveState()
        if c.marking:  # below the letterhead's rule, inside the window
            canvas.setFont(FONT_BOLD, 8.5)
            canvas.drawString(MARGIN, PAGE_HEIGHT - ADDRESS_TOP - 4 * mm, c.marking)
        canvas.setFont(FONT, 10.5)
        first_line = PAGE_HEIGHT - ADDRESS_TOP - 9 * mm
        y = first_line
        lines = fit_address(c.addressee_name, c.address_lines)
        if c.delivery_note:
            lines = [*lines[: WINDOW_LINES - 1], c.delivery_note]
        for line in lines:
            canvas.drawString(MARGIN, y, line)  # drawn as text: nothing is interpreted
            y -= 4.6 * mm
        right = PAGE_WIDTH - MARGIN
        canvas.drawRightString(right, first_line, f"{c.letter_date.day} {c.letter_date:%B %Y}")
        canvas.setFont(FONT, 9)
        canvas.drawRightString(right, first_line - 5 * mm, f"Our reference: {c.reference}")
        canvas.restoreState()

    def story(self) -> list[Flowable]:
        c, s = self.content, self.styles
        top_space = ADDRESS_TOP + ADDRESS_HEIGHT - MARGIN + 6 * mm
        story: list[Flowable] = [Spacer(1, top_space)]
        story.append(Paragraph(escape(c.salutation), s["body"]))
        story.append(Paragraph(escape(c.subject), s["heading"]))
        story.extend(Paragraph(escape(p), s["body"]) for p in c.paragraphs if p.strip())
        signature: list[Flowable] = [Paragraph(escape(c.closing), s["body"])]
        if c.signature_image:
            try:
                reader = ImageReader(io.BytesIO(c.signature_image))
                width, height = reader.getSize()
                scale = min(50 * mm / width, 18 * mm / height)
                signature.append(
                    Image(
                        io.BytesIO(c.signature_image), width * scale, height * scale, hAlign="LEFT"
                    )
                )
            except Exception:  # an unreadable signature leaves room to sign by hand
                signature.append(Spacer(1, 16 * mm))
        else:
            signature.append(Spacer(1, 16 * mm))
        signature.append(Paragraph(escape(c.signatory_name), s["address"]))
        signature.append(Paragraph(escape(c.signatory_title), s["address"]))
        story.append(KeepTogether(signature))
        return story
