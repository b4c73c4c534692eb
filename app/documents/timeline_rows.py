"""A timeline entry laid out as a row: when and who in two narrow columns of plain text,
the entry itself (and its corrections) wrapped beside them. Drawn directly rather than
as a table: a table measures its paragraphs again when it splits and when it draws, which
made a 200-entry timeline slow; a row measures its paragraphs once."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.platypus import Flowable, Paragraph

from app.documents.base import FONT, FONT_BOLD

WHEN_WIDTH = 27 * mm
WHO_WIDTH = 33 * mm
PAD = 2.5
_RULE = colors.Color(0.6, 0.6, 0.6)


class TimelineRow(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """One entry: `when` and `who` lines at the left, `body` paragraphs at the right."""

    def __init__(
        self,
        when: Sequence[str],
        who: Sequence[tuple[str, float]],
        body: Sequence[Paragraph],
        *,
        header: bool = False,
    ) -> None:
        super().__init__()
        self.when = list(when)
        self.who = list(who)
        self.body = list(body)
        self.header = header
        self._heights: list[float] = []
        self._left: list[tuple[float, float, str, float]] = []

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        room = available_width - WHEN_WIDTH - WHO_WIDTH
        self._heights = [p.wrap(room - 2 * PAD, available_height)[1] for p in self.body]
        self._left = self._left_lines()
        left = max((y for _, y, _, _ in self._left), default=0.0)
        self.height = max(sum(self._heights), left) + 2 * PAD
        return self.width, self.height

    def _left_lines(self) -> list[tuple[float, float, str, float]]:
        """(x, depth below the top, text, size) of each plain line at the left."""
        font = FONT_BOLD if self.header else FONT
        lines: list[tuple[float, float, str, float]] = []
        depth = 0.0
        for text in self.when:
            for part in simpleSplit(text, font, 8.5, WHEN_WIDTH - 2 * PAD) or [""]:
                depth += 10.5
                lines.append((PAD, depth, part, 8.5))
        depth = 0.0
        for text, size in self.who:
            for part in simpleSplit(text, font, size, WHO_WIDTH - 2 * PAD) or [""]:
                depth += size + 2
                lines.append((WHEN_WIDTH + PAD, depth, part, size))
        return lines

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        """Run over a page: the paragraphs that fit here, the rest (and the left column
        again, marked as continued) on the next."""
        self.wrap(available_width, available_height)
        room = available_height - 2 * PAD
        used = 0.0
        for index, (paragraph, height) in enumerate(zip(self.body, self._heights, strict=True)):
            if used + height <= room:
                used += height
                continue
            parts = paragraph.split(available_width - WHEN_WIDTH - WHO_WIDTH - 2 * PAD, room - used)
            if not parts and index == 0:
                return []
            head = [*self.body[:index], *parts[:1]]
            tail = [*parts[1:], *self.body[index + 1 :]] if parts else self.body[index:]
            if not head:
                return []
            continued = [*self.when[:2], "(continued)"]
            return [
                TimelineRow(self.when, self.who, head),
                TimelineRow(continued, [], tail),
            ]
        return []  # the text fits but the left column doesn't: the whole row moves on

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        if self.header:
            canvas.setFillColor(colors.Color(0.9, 0.9, 0.9))
            canvas.rect(0, 0, self.width, self.height, stroke=0, fill=1)
            canvas.setFillColor(colors.black)
        font = FONT_BOLD if self.header else FONT
        for x, depth, text, size in self._left:
            canvas.setFont(font, size)
            canvas.drawString(x, self.height - PAD - depth + 2.5, text)
        y = self.height - PAD
        for paragraph, height in zip(self.body, self._heights, strict=True):
            y -= height
            paragraph.drawOn(canvas, WHEN_WIDTH + WHO_WIDTH + PAD, y)
        canvas.setStrokeColor(colors.black if self.header else _RULE)
        canvas.setLineWidth(0.8 if self.header else 0.25)
        canvas.line(0, 0, self.width, 0)
        canvas.restoreState()
