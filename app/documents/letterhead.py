"""Drawing the school's letterhead at the top of a first page."""

from __future__ import annotations

import io

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from app.documents.base import FONT, FONT_BOLD, MARGIN, PAGE_HEIGHT, PAGE_WIDTH, Letterhead

LETTERHEAD_HEIGHT = 30 * mm
LOGO_BOX = 24 * mm


def draw_letterhead(
    canvas: Canvas, head: Letterhead, pagesize: tuple[float, float] = (PAGE_WIDTH, PAGE_HEIGHT)
) -> None:
    """Logo (if any, and readable) at the left; name, address and contacts at the right
    (of an A4 page, unless `pagesize` says otherwise: landscape)."""
    page_width, page_height = pagesize
    top = page_height - MARGIN
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
    right = page_width - MARGIN
    room = right - MARGIN - LOGO_BOX - 4 * mm
    size = fitting_size(head.school_name, FONT_BOLD, 13, room, smallest=9)
    names = simpleSplit(head.school_name, FONT_BOLD, size, room)[:3] or [""]
    canvas.setFont(FONT_BOLD, size)
    y = top - 5 * mm
    for name in names:
        canvas.drawRightString(right, y, name)
        y -= size * 1.15
    y = min(top - 10 * mm, y - 1 * mm)
    # As many lines as fit above the rule: the address is joined up if need be, so the
    # contacts (phone, email, website) always show.
    fits = max(1, int((y - (top - LETTERHEAD_HEIGHT + 2 * mm)) // (3.8 * mm)) + 1)
    lines = [line for line in head.address_lines if line.strip()]
    room_for_address = fits - (1 if head.contact_line else 0)
    if room_for_address < 1:
        lines = []
    elif len(lines) > room_for_address:
        keep = room_for_address - 1
        lines = [*lines[:keep], ", ".join(lines[keep:])]
    for line in [*lines, head.contact_line]:
        if line:
            canvas.setFont(FONT, fitting_size(line, FONT, 8.5, room, smallest=5))
            canvas.drawRightString(right, y, line)
            y -= 3.8 * mm
    canvas.setLineWidth(0.6)
    canvas.line(MARGIN, top - LETTERHEAD_HEIGHT, right, top - LETTERHEAD_HEIGHT)
    canvas.restoreState()


def fitting_size(text: str, font: str, size: float, width: float, smallest: float = 6) -> float:
    """The largest size up to `size` at which `text` fits `width` (not below `smallest`)."""
    while size > smallest and stringWidth(text, font, size) > width:
        size -= 0.5
    return size
