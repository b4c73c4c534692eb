"""A long table laid out a page at a time: every cell wrapped to its column beforehand,
so each row's height is known, each page gets exactly the rows that fit, under the header
row repeated at its top.

Why not one reportlab `LongTable`: wrapping thousands of Paragraphs, and splitting the
table again at every page, costs seconds per thousand rows. Cells here are plain strings
(drawn as given: never parsed as markup, so nothing needs escaping), wrapped with the
font's own widths.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from reportlab.lib import colors
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, PageBreak, Table, TableStyle

from app.documents.base import FONT, FONT_BOLD

SIZE = 8.0
LEADING = 9.6
PADDING = 3.0
#: A cell is cut at this many lines (a row must fit on a page); the cut says so.
MAX_LINES = 30
SHORTENED = "… (shortened here)"


def wrap(text: str, width: float, *, font: str = FONT, size: float = SIZE) -> list[str]:
    """`text` as lines no wider than `width` points: at spaces where it can, and through a
    word (a link, a long reference) wider than the column."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        for line in simpleSplit(paragraph, font, size, width) or [""]:
            while stringWidth(line, font, size) > width and len(line) > 1:
                cut = len(line) - 1
                while cut > 1 and stringWidth(line[:cut], font, size) > width:
                    cut -= 1
                lines.append(line[:cut])
                line = line[cut:]
            lines.append(line)
    return lines


def _cell(text: str, width: float, font: str) -> list[str]:
    lines = wrap(text, width - 2 * PADDING, font=font)
    if len(lines) > MAX_LINES:
        lines = [*lines[: MAX_LINES - 1], SHORTENED]
    return lines


def _height(cells: Sequence[list[str]]) -> float:
    return max(len(lines) for lines in cells) * LEADING + 2 * PADDING


def paged_tables(
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    widths: Sequence[float],
    *,
    page_height: float,
) -> Iterator[Flowable]:
    """Tables of `rows` (strings), one a page, each under `header`, with a page break
    between them; the first starts at the top of a page `page_height` high (the frame)."""
    head = [_cell(text, width, FONT_BOLD) for text, width in zip(header, widths, strict=True)]
    head_height = _height(head)
    batch: list[list[list[str]]] = []
    heights: list[float] = []
    used = head_height
    first = True
    for row in rows:
        cells = [_cell(text, width, FONT) for text, width in zip(row, widths, strict=True)]
        height = _height(cells)
        if batch and used + height > page_height:
            if not first:
                yield PageBreak()
            yield _table(head, head_height, batch, heights, widths)
            first = False
            batch, heights, used = [], [], head_height
        batch.append(cells)
        heights.append(height)
        used += height
    if batch:
        if not first:
            yield PageBreak()
        yield _table(head, head_height, batch, heights, widths)


def _table(
    head: list[list[str]],
    head_height: float,
    rows: list[list[list[str]]],
    heights: list[float],
    widths: Sequence[float],
) -> Table:
    data = [["\n".join(lines) for lines in row] for row in [head, *rows]]
    # repeatRows: should a row still not fit (it never should), the rest goes on, under
    # the header, on the next page.
    table = Table(
        data,
        colWidths=list(widths),
        rowHeights=[head_height, *heights],
        repeatRows=1,
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, SIZE, LEADING),
                ("FONT", (0, 0), (-1, 0), FONT_BOLD, SIZE, LEADING),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), PADDING),
                ("BOTTOMPADDING", (0, 0), (-1, -1), PADDING),
                ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.88, 0.88, 0.88)),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.Color(0.6, 0.6, 0.6)),
            ]
        )
    )
    return table
