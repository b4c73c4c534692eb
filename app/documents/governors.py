"""The governors' termly summary: a cover, key figures, breakdowns, requests, escalations,
the trend over four terms (chart and table), open items and the DSL's commentary.

It receives a `GovernorsReport` of counts and labels only; nothing here could print a
name because nothing here is given one. Charts are reportlab graphics in black and greys,
so they read the same on a greyscale printer.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    LongTable,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.core.reports import TREND_LABELS, GovernorsReport
from app.core.rules.suppression import (
    COMBINED_PREFIX,
    SMALL,
    SUPPRESSED,
    Row,
    RowGroup,
    merge_small,
    merge_small_within,
    shown,
)
from app.documents.base import (
    FONT,
    FONT_BOLD,
    MARGIN,
    PAGE_WIDTH,
    DocumentInfo,
    FootprintDocument,
    Letterhead,
    escape,
    register_fonts,
)

#: Greys a printer keeps apart, darkest first; the last is white with a black outline.
GREYS = [colors.Color(g, g, g) for g in (0.0, 0.3, 0.55, 0.78, 1.0)]
WIDTH = 170 * mm
#: Every table is this wide (the page's text is WIDTH).
TABLE_WIDTH = 160 * mm


def long_date(value: object) -> str:
    return f"{value.day} {value:%B %Y}"  # type: ignore[attr-defined]


#: Room for the footer's text on the left ("Page 99 of 99" keeps its place on the right).
FOOTER_ROOM = PAGE_WIDTH - 2 * MARGIN - 30 * mm


def footer_text(school_name: str, term_title: str) -> str:
    """The footer, whole on one line: the school's name is left out when it would not fit
    (it heads the first page), rather than the line being cut short."""
    register_fonts()
    for parts in (
        [school_name, term_title, "Summary for governors", "Anonymised"],
        [term_title, "Summary for governors", "Anonymised"],
    ):
        text = " · ".join(part for part in parts if part)
        if stringWidth(text, FONT, 8) <= FOOTER_ROOM:
            return text
    return "Summary for governors · Anonymised"


class GovernorsReportDocument(FootprintDocument):
    def __init__(self, letterhead: Letterhead, report: GovernorsReport) -> None:
        super().__init__(
            letterhead,
            DocumentInfo(
                title=f"Social media incidents: {report.term_title}",
                subject="Termly summary for governors (anonymised)",
                footer=footer_text(report.school_name, report.term_title),
            ),
        )
        self.report = report
        self.in_progress = report.produced_on < report.period_end
        # A report's section heading is never left at the foot of a page.
        self.styles = {
            **self.styles,
            "heading": ParagraphStyle(
                "section", parent=self.styles["heading"], keepWithNext=1, spaceBefore=10
            ),
        }

    # -- helpers ------------------------------------------------------------------------
    def _p(self, text: str, style: str = "body") -> Paragraph:
        return Paragraph(escape(text), self.styles[style])

    def _facts(self, rows: Sequence[tuple[str, str]]) -> Table:
        """A two-column table of labels and values, both wrapping inside their cells."""
        style = ParagraphStyle("fact", fontName=FONT, fontSize=9.5, leading=11.4)
        table = Table(
            [[Paragraph(escape(a), style), Paragraph(escape(b), style)] for a, b in rows],
            colWidths=[45 * mm, 115 * mm],
            hAlign="LEFT",
        )
        table.setStyle(
            TableStyle(
                [
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.Color(0.6, 0.6, 0.6)),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        return table

    def _table(
        self,
        header: Sequence[str] | None,
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        long: bool = False,
        size: float = 9.5,
        group_rows: Sequence[int] = (),
    ) -> Table:
        """A plain table (text is drawn as given, never parsed as markup); long ones are
        LongTables, split across pages with the header repeated. `group_rows` (indices in
        `rows`) are a group's heading with its subtotal, in bold; the other rows are then
        indented under them."""
        head_style = ParagraphStyle(
            "tablehead", fontName=FONT_BOLD, fontSize=size, leading=size * 1.2
        )
        numbers = ParagraphStyle("tablehead-number", parent=head_style, alignment=TA_RIGHT)
        header_cells = [
            Paragraph(escape(text), head_style if column == 0 else numbers)
            for column, text in enumerate(header or [])
        ]
        label_style = ParagraphStyle("tablelabel", fontName=FONT, fontSize=size, leading=size * 1.2)
        member_style = ParagraphStyle("tablemember", parent=label_style, leftIndent=4 * mm)
        group_style = ParagraphStyle("tablegroup", parent=head_style)

        def label(n: int, text: str) -> Paragraph:
            chosen = group_style if n in group_rows else member_style if group_rows else label_style
            return Paragraph(escape(text), chosen)

        # The first column wraps (long labels such as a combined row never spill over the
        # numbers); the figures are plain strings.
        data = ([header_cells] if header else []) + [
            [label(n, r[0]), *r[1:]] for n, r in enumerate(rows)
        ]
        kind = LongTable if long else Table
        table = kind(data, colWidths=list(widths), repeatRows=1 if header else 0, hAlign="LEFT")
        style = [
            ("FONT", (0, 0), (-1, -1), FONT, size),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.Color(0.6, 0.6, 0.6)),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        if header:
            style += [
                ("FONT", (0, 0), (-1, 0), FONT_BOLD, size),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.88, 0.88, 0.88)),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
            ]
        offset = 1 if header else 0
        for n in group_rows:
            style += [
                ("FONT", (1, n + offset), (-1, n + offset), FONT_BOLD, size),
                ("TOPPADDING", (0, n + offset), (-1, n + offset), 6),
            ]
        table.setStyle(TableStyle(style))
        return table

    def _counts(
        self,
        title: str,
        rows: Sequence[Row],
        note: str = "",
        *,
        additive: bool = True,
        unit: str = "Incidents",
        heading: bool = True,
        column: str = "",
    ) -> list[Flowable]:
        """A breakdown table. For a group whose rows add up to a printed total, small
        counts are merged (so no small figure can be worked out from the total); for one
        that doesn't add up (categories), they read "fewer than 3"."""
        r = self.report
        head = [self._p(title, "heading")] if heading else []
        if additive:
            shown_rows, too_small = merge_small(rows, r.suppress)
            if too_small:
                return [*head, self._p("Fewer than 3 in all, so not broken down.")]
        else:
            shown_rows = [row for row in rows if row.count]
        if not shown_rows:
            return [*head, self._p("None in this period.")]
        table = self._table(
            [column or title, unit],
            [[row.label, r.show(row.count)] for row in shown_rows],
            [120 * mm, 40 * mm],
            long=len(shown_rows) > 20,
        )
        parts: list[Flowable] = [*head, table]
        notes = [note] if note else []
        if any(row.label.startswith(COMBINED_PREFIX) for row in shown_rows):
            notes.append(
                "Rows with small numbers are combined, so that no small figure can be worked "
                "out from the total."
            )
        if notes:
            parts += [Spacer(1, 1.5 * mm), self._p(" ".join(notes), "small")]
        return [KeepTogether(parts)] if len(shown_rows) <= 20 else parts

    # -- the story ------------------------------------------------------------------------
    def story(self) -> list[Flowable]:
        r = self.report
        story: list[Flowable] = [Spacer(1, 32 * mm)]
        story += self._cover()
        story.append(PageBreak())
        story += self._key_figures()
        if r.incidents:
            story += self._counts(
                "Category",
                r.by_category,
                "An incident can be in more than one category, so these can add up to more "
                "than the number of incidents.",
                additive=False,
            )
            story.append(self._bar_chart(r.by_category))
            if r.by_prejudice_type:  # the analysis Ofsted looks for
                story += self._counts(
                    "Type of prejudice",
                    r.by_prejudice_type,
                    "Prejudice-based incidents by the prejudice they showed (one type each).",
                )
            story += self._counts("Platform", r.by_platform)
            story += self._counts(
                "Who posted",
                r.by_poster,
                "An incident with posters of two kinds counts under both.",
            )
            if r.by_year_group:
                story += self._counts(
                    "Pupils' year groups",
                    r.by_year_group,
                    "Incidents by the year group of the pupils involved, as it was when each "
                    "was added to the incident; an incident involving pupils of two year groups "
                    "counts under both.",
                    column="Year group",
                    additive=False,
                )
            story += self._counts("Severity", r.by_severity)
        story += self._requests()
        story += self._escalations()
        story += self._trend()
        story += self._open_items()
        story += self._mentions()
        story += self._commentary()
        story += self._checkpoint()
        return story

    def _checkpoint(self) -> list[Flowable]:
        """The audit trail's checkpoint, for the clerk's copy (see the README)."""
        if not self.report.checkpoint:
            return []
        return [
            KeepTogether(
                [
                    self._p("Audit checkpoint", "heading"),
                    self._p(
                        f"Checkpoint {self.report.checkpoint}: the newest entry of the "
                        "log's audit trail when this report was made. The clerk keeps this "
                        "copy: given later to Footprint's check of the trail, it proves that "
                        "nothing recorded before the report has been changed or removed."
                    ),
                ]
            )
        ]

    def _cover(self) -> list[Flowable]:
        r = self.report
        s = self.styles
        suppression = (
            "Counts of 1 or 2 are shown as “fewer than 3”, so that no child can be "
            "identified from a small figure."
            if r.suppress
            else "Small counts are shown exactly (suppression was turned off for this copy): "
            "take care that no child can be identified from a small figure."
        )
        period = (
            f"{long_date(r.period_start)} to {long_date(r.period_end)}"
            if not self.in_progress
            else f"{long_date(r.period_start)} to date: the term is still in progress, so "
            "figures may change"
        )
        return [
            Paragraph("Social media incidents", s["title"]),
            Paragraph("Termly summary for governors", s["heading"]),
            Spacer(1, 6 * mm),
            self._facts(
                [
                    ("School", r.school_name),
                    ("Term", r.term_title),
                    ("Period covered", period),
                    ("Produced", long_date(r.produced_on)),
                ]
            ),
            Spacer(1, 4 * mm),
            self._p(
                "The period runs from the first day of term to the day before the next term "
                "begins, so incidents seen in the holiday are included."
            ),
            Spacer(1, 8 * mm),
            Paragraph("This report is anonymised.", s["heading"]),
            self._p(
                "It is made from counts and categories only: no names, no descriptions of "
                f"incidents, no links, account names or evidence. {suppression} The "
                "commentary at the end is written by the Designated Safeguarding Lead."
            ),
            self._p(
                "The row-level spreadsheet (CSV) that can accompany this report is for the "
                "clerk's analysis, not for publication: it lists incidents one by one and "
                "does not hide small numbers."
            ),
        ]

    def _key_figures(self) -> list[Flowable]:
        r = self.report
        rows = [
            ["Incidents recorded", r.show(r.incidents)],
            ["Safeguarding concerns raised", r.show(r.safeguarding)],
            ["Deletion requests sent", r.show(r.requests_sent)],
            ["Requests that ended with the post removed", r.show(r.requests[0].count)],
            ["Escalations to other bodies or procedures", r.show(r.escalations_total)],
        ]
        parts: list[Flowable] = [
            self._p("Key figures", "heading"),
            self._table(["", "This period"], rows, [120 * mm, 40 * mm]),
        ]
        if not r.incidents:
            parts.append(Spacer(1, 3 * mm))
            parts.append(self._p("There were no social media incidents recorded in this period."))
        return parts

    def _requests(self) -> list[Flowable]:
        r = self.report
        title = "Deletion requests"
        if not r.requests_sent:
            return [
                self._p(title, "heading"),
                self._p("No deletion requests were sent in this period."),
            ]
        # The section's heading goes in the table's KeepTogether: a heading before a
        # KeepTogether is not kept with it, and was left alone at the foot of a page.
        parts = self._counts(
            title,
            r.requests,
            f"Of the {r.show(r.requests_sent)} requests sent in the period (requests the "
            "school withdrew are not counted).",
            unit="Requests",
            column="Outcome",
        )
        if r.suppress and 0 < r.removals_timed < SMALL:
            text = (
                "Times to removal aren't shown: fewer than 3 removals have the day they were "
                "checked recorded."
            )
        elif r.removals_timed:
            text = (
                "School days from the first request to the post being checked as removed: "
                f"median {_days(r.removal_days_median)}, longest "
                f"{_days(r.removal_days_longest)} (over {r.removals_timed:,} removals)."
            )
        else:
            text = (
                "No removal had the day it was checked recorded, so the time to removal "
                "can't be given."
            )
        return [*parts, Spacer(1, 2 * mm), self._p(text)]

    def _escalations(self) -> list[Flowable]:
        r = self.report
        if not r.escalations_total:
            return [
                self._p("Escalations", "heading"),
                self._p("No escalations were made in this period."),
            ]
        return [
            CondPageBreak(40 * mm),
            *self._grouped_counts(
                "Escalations by where they went", r.escalation_groups, unit="Escalations"
            ),
            *self._counts(
                "Escalations by outcome so far",
                r.escalations_by_status,
                unit="Escalations",
                column="Outcome",
            ),
        ]

    def _grouped_counts(self, title: str, groups: Sequence[RowGroup], unit: str) -> list[Flowable]:
        """A breakdown in groups, each with its subtotal: small counts are combined only
        within a group, never across (see `merge_small_within`)."""
        r = self.report
        head = self._p(title, "heading")
        shown_groups, too_small = merge_small_within(groups, r.suppress)
        if too_small:
            return [
                head,
                self._p(
                    "Not broken down: fewer than 3 escalations went by one kind of route, and "
                    "routes of different kinds (outside the school and the school's own) are "
                    "never combined."
                ),
            ]
        if not shown_groups:
            return [head, self._p("None in this period.")]
        rows: list[list[str]] = []
        group_rows: list[int] = []
        for group in shown_groups:
            group_rows.append(len(rows))
            rows.append([group.label, r.show(group.total)])
            rows += [[row.label, r.show(row.count)] for row in group.rows]
        table = self._table(
            ["Where they went", unit],
            rows,
            [120 * mm, 40 * mm],
            long=len(rows) > 20,
            group_rows=group_rows,
        )
        notes = [
            "Each group's total is in bold. Referrals outside the school, reports online and "
            "the school's own procedures are counted apart."
        ]
        if any(row.label.startswith(COMBINED_PREFIX) for g in shown_groups for row in g.rows):
            notes.append(
                "Rows with small numbers are combined within their group, so that no small "
                "figure can be worked out from the total."
            )
        parts: list[Flowable] = [
            head,
            table,
            Spacer(1, 1.5 * mm),
            self._p(" ".join(notes), "small"),
        ]
        return [KeepTogether(parts)] if len(rows) <= 20 else parts

    def _mentions(self) -> list[Flowable]:
        """Praise and positive mentions: recorded in the log, but not incidents."""
        r = self.report
        if not r.mentions:
            text = "No praise or positive mentions of the school were recorded in this period."
        else:
            text = (
                f"Praise or positive mentions of the school recorded in this period: "
                f"{r.show(r.mentions)}. They are not incidents, so no figure above counts them."
            )
        return [KeepTogether([self._p("Mentions of the school", "heading"), self._p(text)])]

    def _trend(self) -> list[Flowable]:
        r = self.report
        titles = [t.title for t in r.trend]
        rows = [
            [label, *[r.show(t.values()[i]) for t in r.trend]]
            for i, label in enumerate(TREND_LABELS)
        ]
        # Four figure columns of 25 mm: "fewer than 3" fits in each.
        widths = [60 * mm] + [(TABLE_WIDTH - 60 * mm) / len(titles)] * len(titles)
        note = " Bars for counts shown as “fewer than 3” are not drawn." if r.suppress else ""
        return [
            CondPageBreak(120 * mm),
            self._p(
                f"Trend over the last {len(titles)} terms" if len(titles) > 1 else "Trend",
                "heading",
            ),
            self._trend_chart(),
            self._table(["", *titles], rows, widths),
            Spacer(1, 1.5 * mm),
            self._p(
                "Each term's figures cover its period (term and following holiday)." + note,
                "small",
            ),
        ]

    def _open_items(self) -> list[Flowable]:
        r = self.report
        rows = [
            [
                "Incidents open now"
                if self.in_progress
                else "Incidents still open at the end of the period",
                r.show(r.open_incidents_at_end),
            ],
            [
                "Deletion requests sent by then and still waiting (as recorded today)",
                r.show(r.requests_waiting),
            ],
            [
                "Escalations made by then and not yet actioned (as recorded today)",
                r.show(r.escalations_open),
            ],
        ]
        return [
            KeepTogether(
                [
                    self._p("Open items", "heading"),
                    self._table(["", "Number"], rows, [135 * mm, 25 * mm]),
                ]
            )
        ]

    def _commentary(self) -> list[Flowable]:
        text = self.report.commentary.strip()
        parts: list[Flowable] = [
            self._p("Commentary from the Designated Safeguarding Lead", "heading")
        ]
        if not text:
            return [*parts, self._p("No commentary was added for this term.")]
        paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
        return parts + [self._p(p) for p in paragraphs]

    # -- charts ---------------------------------------------------------------------------
    def _bar_chart(self, rows: Sequence[Row]) -> Drawing:
        """Incidents by category, longest bar first; suppressed counts are not drawn."""
        r = self.report
        ordered = chart_rows(rows, r.suppress)
        height = 14 * len(ordered) + 30
        drawing = Drawing(WIDTH, height)
        chart = HorizontalBarChart()
        # Room for the longest label (within reason), so none runs past the margin; a
        # label longer still is shortened here (the table above has it whole).
        widest = max((stringWidth(row.label, FONT, 8) for row in ordered), default=0)
        left = min(max(62 * mm, widest + 8), 90 * mm)
        chart.x, chart.y = left, 10
        chart.width, chart.height = WIDTH - left - 30, height - 20
        values = [0 if r.show(row.count) == SUPPRESSED else row.count for row in ordered]
        chart.data = [list(reversed(values))]
        chart.categoryAxis.categoryNames = [
            _fit(row.label, left - 8, 8) for row in reversed(ordered)
        ]
        chart.categoryAxis.labels.fontName = FONT
        chart.categoryAxis.labels.fontSize = 8
        chart.categoryAxis.labels.boxAnchor = "e"
        _whole_numbers(chart.valueAxis, max(values, default=0))
        chart.valueAxis.labels.fontName = FONT
        chart.valueAxis.labels.fontSize = 7.5
        chart.bars[0].fillColor = GREYS[1]
        chart.bars[0].strokeColor = colors.black
        # Only counts above zero are listed, so a zero bar is a suppressed count.
        chart.barLabelFormat = lambda value: "<3" if value == 0 else f"{value:g}"
        chart.barLabels.fontName = FONT
        chart.barLabels.fontSize = 7.5
        chart.barLabels.nudge = 8
        drawing.add(chart)
        return drawing

    def _trend_chart(self) -> Drawing:
        r = self.report
        drawing = Drawing(WIDTH, 70 * mm)
        chart = VerticalBarChart()
        chart.x, chart.y = 12 * mm, 14 * mm
        chart.width, chart.height = WIDTH - 88 * mm, 52 * mm
        chart.data = [
            [0 if r.show(t.values()[i]) == SUPPRESSED else t.values()[i] for t in r.trend]
            for i in range(len(TREND_LABELS))
        ]
        chart.categoryAxis.categoryNames = [t.title.replace(" term ", "\n") for t in r.trend]
        chart.categoryAxis.labels.fontName = FONT
        chart.categoryAxis.labels.fontSize = 7.5
        _whole_numbers(chart.valueAxis, max((max(row) for row in chart.data), default=0))
        chart.valueAxis.labels.fontName = FONT
        chart.valueAxis.labels.fontSize = 7.5
        chart.groupSpacing = 8
        for i, grey in enumerate(GREYS):
            chart.bars[i].fillColor = grey
            chart.bars[i].strokeColor = colors.black
            chart.bars[i].strokeWidth = 0.4
        drawing.add(chart)
        legend = Legend()
        legend.x, legend.y = WIDTH - 68 * mm, 62 * mm
        legend.fontName = FONT
        legend.fontSize = 7.5
        legend.alignment = "right"
        legend.columnMaximum = 5
        legend.strokeColor = colors.black
        legend.strokeWidth = 0.4
        legend.colorNamePairs = list(zip(GREYS, TREND_LABELS, strict=True))
        drawing.add(legend)
        if not any(any(series) for series in chart.data):
            drawing.add(
                String(
                    chart.x + 10,
                    chart.y + 20,
                    "No incidents in these terms.",
                    fontName=FONT,
                    fontSize=9,
                )
            )
        return drawing


def chart_rows(rows: Sequence[Row], suppress: bool) -> list[Row]:
    """Bars, largest first by the figure as printed (small ones all alike), then in the
    usual order, so the chart can't tell a suppressed 2 from a suppressed 1."""
    position = {row.label: n for n, row in enumerate(rows)}

    def printed(row: Row) -> int:
        return 0 if shown(row.count, suppress) == SUPPRESSED else row.count

    return sorted(
        (row for row in rows if row.count), key=lambda row: (-printed(row), position[row.label])
    )


def _whole_numbers(axis: object, largest: int) -> None:
    """Counts are whole: ticks at 0, a round step, up to just above the largest."""
    top = max(largest, 4)
    step = max(1, round(top / 5))
    for nice in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000):
        if nice >= top / 6:
            step = nice
            break
    axis.valueMin = 0  # type: ignore[attr-defined]
    axis.valueStep = step  # type: ignore[attr-defined]
    axis.valueMax = step * -(-top // step)  # type: ignore[attr-defined]
    axis.labelTextFormat = "{:,.0f}".format  # type: ignore[attr-defined]


def _days(value: float | int | None) -> str:
    if value is None:
        return "—"
    number = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{number} school day" + ("" if value == 1 else "s")


def _fit(label: str, width: float, size: float) -> str:
    """`label`, shortened with an ellipsis if it is wider than `width` points."""
    if stringWidth(label, FONT, size) <= width:
        return label
    while label and stringWidth(label + "…", FONT, size) > width:
        label = label[:-1]
    return label.rstrip() + "…"
