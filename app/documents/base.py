"""The one base for Footprint's PDFs: A4, margins, embedded fonts, the letterhead, and a
"Page x of y" footer. Each document supplies only its story. Documents receive plain
data and never query the database."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any
from xml.sax.saxutils import escape as _xml_escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from app.resources import resource_path

FONT = "FootprintSans"
FONT_BOLD = "FootprintSans-Bold"
FONT_ITALIC = "FootprintSans-Italic"
PAGE_WIDTH, PAGE_HEIGHT = A4
#: Generous enough for office printers that can't print to the edge.
MARGIN = 20 * mm
FOOTER_HEIGHT = 12 * mm


@cache
def register_fonts() -> None:
    """Embed DejaVu Sans (wide coverage: Łukasz, Nguyễn, Ольга …) once per process."""
    for name, filename in (
        (FONT, "DejaVuSans.ttf"),
        (FONT_BOLD, "DejaVuSans-Bold.ttf"),
        (FONT_ITALIC, "DejaVuSans-Oblique.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", filename))))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD
    )


def escape(text: str) -> str:
    """User text made safe for a reportlab Paragraph: &, <, > and quotes print as typed,
    line breaks stay line breaks."""
    escaped = _xml_escape(text, {'"': "&quot;", "'": "&#39;"})
    return escaped.replace("\r\n", "\n").replace("\n", "<br/>")


@cache
def styles() -> dict[str, ParagraphStyle]:
    """The shared stylesheet (readable in greyscale: black text, weight not colour)."""
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=14.5, spaceAfter=7)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8.5, leading=11, spaceAfter=2),
        "heading": ParagraphStyle(
            "heading",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=11.5,
            spaceBefore=4,
            spaceAfter=8,
        ),
        "title": ParagraphStyle(
            "title", parent=body, fontName=FONT_BOLD, fontSize=18, leading=22, spaceAfter=10
        ),
        "address": ParagraphStyle("address", parent=body, spaceAfter=0, leading=13.5),
    }


@dataclass(frozen=True)
class Letterhead:
    """Who the document comes from (printed at the top of the first page)."""

    school_name: str
    address_lines: Sequence[str] = ()
    contact_line: str = ""
    logo: bytes | None = None


@dataclass
class DocumentInfo:
    """Metadata and footer text; `footer` appears bottom-left on every page."""

    title: str
    footer: str = ""
    subject: str = ""


class _NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab ships no type hints
    """Holds pages until the end so each footer can say "Page x of y"."""

    def __init__(self, *args: Any, footer: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: The page's width (A4 portrait, or landscape for a wide table).
        self._width = float(kwargs.get("pagesize", A4)[0])
        self._pages: list[dict[str, Any]] = []
        self._footer = footer

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._draw_footer(total)
            super().showPage()
        super().save()

    def _draw_footer(self, total: int) -> None:
        self.saveState()
        self.setFont(FONT, 8)
        y = MARGIN - 8 * mm
        if self._footer:
            room = self._width - 2 * MARGIN - 30 * mm  # "Page 99 of 99" keeps its place
            footer = self._footer
            while footer and self.stringWidth(footer, FONT, 8) > room:
                footer = footer[:-2] + "…"
            self.drawString(MARGIN, y, footer)
        self.drawRightString(self._width - MARGIN, y, f"Page {self._pageNumber} of {total}")
        self.restoreState()


class FootprintDocument:
    """Base document: subclasses build the story; `render` returns PDF bytes.

    Output is byte-for-byte reproducible (reportlab's invariant mode): rendering the same
    data again gives the same file, which is how a reprint is checked.
    """

    #: A4 portrait; a document of wide tables sets `landscape(A4)`.
    pagesize: tuple[float, float] = A4

    def __init__(self, letterhead: Letterhead, info: DocumentInfo) -> None:
        register_fonts()
        self.letterhead = letterhead
        self.info = info
        self.styles = styles()
        #: Pages in the last rendering.
        self.page_count = 0

    def story(self) -> list[Flowable]:
        raise NotImplementedError

    def render(self) -> bytes:
        """The finished PDF."""
        buffer = io.BytesIO()
        doc = BaseDocTemplate(
            buffer,
            pagesize=self.pagesize,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN + FOOTER_HEIGHT / 2,
            title=self.info.title,
            author=self.letterhead.school_name,
            subject=self.info.subject,
            creator="Footprint",
            invariant=1,
        )
        frame = Frame(
            doc.leftMargin,
            doc.bottomMargin,
            doc.width,
            doc.height,
            id="body",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        doc.addPageTemplates(
            [
                # The letterhead goes on the first page only; later pages follow on.
                PageTemplate(
                    id="first",
                    frames=[frame],
                    onPage=self.draw_first_page,
                    autoNextPageTemplate="later",
                ),
                PageTemplate(id="later", frames=[frame]),
            ]
        )
        footer = self.info.footer
        doc.build(self.story(), canvasmaker=lambda *a, **k: _NumberedCanvas(*a, footer=footer, **k))
        self.page_count = doc.page
        return buffer.getvalue()

    def draw_first_page(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        """Letterhead: logo on the left, the school's name, address and contacts on the
        right; subclasses may draw more (e.g. the address window)."""
        from app.documents.letterhead import draw_letterhead

        draw_letterhead(canvas, self.letterhead, self.pagesize)
