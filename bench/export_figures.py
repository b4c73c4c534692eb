"""Issue 17's figures: the inspection list as CSV for the whole log (streamed: the traced
peak must not grow with the rows), and a subject access request for the person in the
most incidents (at most 40): the review, then the pack. Importing registers them."""

from __future__ import annotations

import statistics
import time
import tracemalloc

from sqlalchemy import func, select

from app.core.actors import SYSTEM
from app.core.clock import today_london
from app.core.models import Involvement, User
from app.core.services.incident_queries import IncidentFilter
from app.core.services.inspection_list import ExportFormat, write_inspection_list
from app.core.services.subject_access import create_request
from app.core.services.subject_access_pack import make_pack, review_pack
from app.core.subject_access_data import PackDecisions
from bench.figures import Bench, Measurement, figure

#: The subject access figure's person: the one in the most incidents, up to this many.
SAR_INCIDENTS = 40


class _Sink:
    """Counts the bytes written (the file itself is not what is measured)."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        return len(data)


@figure("Inspection list: CSV of every incident, streamed (one run; traced peak in details)")
def inspection_csv(bench: Bench) -> Measurement:
    sink = _Sink()
    with bench.database.read(SYSTEM) as session:
        tracemalloc.start()
        started = time.perf_counter()
        try:
            facts = write_inspection_list(
                session, IncidentFilter(include_withdrawn=True), sink, ExportFormat.CSV
            )
            seconds = time.perf_counter() - started
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    return Measurement(
        seconds,
        "s",
        note=f"{facts.rows:,} rows, {sink.size / 1e6:.1f} MB; traced peak {peak / 1e6:.1f} MB "
        "(under tracing, which slows it)",
        details={"rows": facts.rows, "peak_mb": peak / 1e6},
    )


@figure("Subject access: review and pack for the person in most incidents (≤40, median)")
def subject_access(bench: Bench) -> Measurement:
    with bench.database.write(SYSTEM) as session:
        counted = session.execute(
            select(Involvement.person_id, func.count(func.distinct(Involvement.incident_id)))
            .group_by(Involvement.person_id)
            .having(func.count(func.distinct(Involvement.incident_id)) <= SAR_INCIDENTS)
            .order_by(func.count(func.distinct(Involvement.incident_id)).desc())
            .limit(1)
        ).first()
        user_id = session.scalar(select(func.min(User.id)))
        if counted is None or user_id is None:
            return Measurement(0.0, "s", note="no one is involved in an incident")
        person_id, incidents = counted
        request_id = create_request(
            session,
            session.get(User, user_id),  # type: ignore[arg-type]
            person_id,
            requester_name="Bench requester",
            requester_relationship="themselves",
            received_on=today_london(),
        ).id
    times, pages = [], 0
    for _ in range(max(1, min(bench.runs, 3))):
        started = time.perf_counter()
        with bench.database.write(user_id) as session:
            review_pack(session, request_id)
        with bench.database.write(user_id) as session:
            made = make_pack(session, session.get(User, user_id), request_id, PackDecisions())  # type: ignore[arg-type]
        times.append(time.perf_counter() - started)
        pages = made.pages
    return Measurement(
        statistics.median(times),
        "s",
        note=f"target ≤ 5 s; {incidents} incidents, {pages} pages",
    )
