"""Drawing the school's letterhead at the top of a first page."""

from __future__ import annotations

import io

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from app.documents.base import FONT, FONT_BOLD, MARGIN, PAGE_HEIGHT, PAGE_WIDTH, Letterhead

LETTERHEAD_HEIGHT = 30 * mm
LOGO_BOX = 24 * mm


def draw_letterhead(canvas: Canvas, head: Letterhead) -> None:
    """Logo (if any, and readable) at the left; name, address and contacts at the right."""
    top = PAGE_HEIGHT - MARGIN
    canvas.saveState()
    if head.logo:
        try:
            image = ImageReader(io.BytesIO(head.logo))
            width, height = image.getSize()
            scale = min(LOGO_BOX / width, LOGO_BOX / height)
            canvas.drawImage(
                image, MARGIN, top - height * scale, width * scale, height * scale, mask="auto"
            )
        except Exception:  # a damaged logo must never stop a letter being printed
            pass
    right = PAGE_WIDTH - MARGIN
    canvas.setFont(FONT_BOLD, 13)
    canvas.drawRightString(right, top - 5 * mm, head.school_name)
    canvas.setFont(FONT, 8.5)
    y = top - 10 * mm
    for line in [*head.address_lines, head.contact_line]:
        if line:
            canvas.drawRightString(right, y, line)
            y -= 3.8 * mm
    canvas.setLineWidth(0.6)
    canvas.line(MARGIN, top - LETTERHEAD_HEIGHT, right, top - LETTERHEAD_HEIGHT)
    canvas.restoreState()
