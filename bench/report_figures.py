"""Issue 6's figures: the governors' report and its CSV for a term of 10,000 incidents.
Importing registers them.

The synthetic log spreads its incidents over four years, so the "term" measured here is
the span holding its newest 10,000 live incidents at 100,000 (real terms hold fewer): a
tenth of the log's live incidents, at most 10,000, so a smaller log's term is as busy
for its size, never a day's worth.
"""

from __future__ import annotations

import statistics
import time

from sqlalchemy import func, select

from app.core.actors import SYSTEM
from app.core.clock import LONDON, today_london
from app.core.models import Incident
from app.core.rules.school_days import Term
from app.core.services.governors import build_report
from app.core.services.governors_rows import anonymised_rows, rows_csv
from app.core.services.letter_values import letterhead
from app.core.services.school import find_settings
from app.core.vocab import TermName
from app.documents.base import Letterhead
from app.documents.governors import GovernorsReportDocument
from bench.figures import Bench, Measurement, figure

TERM_INCIDENTS = 10_000


def term_size(live: int) -> int:
    """How many live incidents the busy term holds: a tenth of the log's, at most 10,000."""
    return max(1, min(TERM_INCIDENTS, live // 10))


def _busy_term(bench: Bench) -> Term:
    """From the day of the newest Nth live incident (withdrawn ones aren't counted, as the
    report doesn't count them) to today."""
    live = Incident.withdrawn_at.is_(None)
    with bench.database.read(SYSTEM) as session:
        count = session.scalar(select(func.count()).select_from(Incident).where(live)) or 0
        seen = session.scalars(
            select(Incident.seen_at)
            .where(live)
            .order_by(Incident.seen_at.desc())
            .offset(term_size(count) - 1)
            .limit(1)
        ).first()
    start = seen.astimezone(LONDON).date() if seen else today_london()
    end = max(start, today_london())
    return Term(start.year, TermName.AUTUMN, start, end)


def _timed(bench: Bench, work: object) -> list[float]:
    times = []
    for _ in range(max(1, bench.runs)):
        with bench.database.read(SYSTEM) as session:
            started = time.perf_counter()
            work(session)  # type: ignore[operator]
            times.append(time.perf_counter() - started)
    return times


@figure("Governors' report: a busy term (10,000 incidents at 100k), figures and PDF (median)")
def governors_report(bench: Bench) -> Measurement:
    term = _busy_term(bench)
    counted: list[int] = []

    def make(session: object) -> None:
        report = build_report(session, term)  # type: ignore[arg-type]
        settings = find_settings(session)  # type: ignore[arg-type]
        head = letterhead(settings) if settings else Letterhead("Bench School")
        GovernorsReportDocument(head, report).render()
        counted.append(report.incidents)

    times = _timed(bench, make)
    return Measurement(
        statistics.median(times), "s", note=f"target ≤ 2 s; {counted[-1]:,} incidents"
    )


@figure("Governors' report: anonymised CSV for the same term (median)")
def governors_csv(bench: Bench) -> Measurement:
    term = _busy_term(bench)
    rows: list[int] = []

    def export(session: object) -> None:
        data = anonymised_rows(session, term)  # type: ignore[arg-type]
        rows_csv(data)
        rows.append(len(data))

    times = _timed(bench, export)
    return Measurement(statistics.median(times), "s", note=f"target ≤ 1 s; {rows[-1]:,} rows")
