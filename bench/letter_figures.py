"""Issue 5's figures: making letters on the large log. Importing registers them.

Letters are made in a session that is rolled back, so the bench's log is left as it was.
"""

from __future__ import annotations

import statistics
import time

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.actors import SYSTEM
from app.core.models import Involvement, ParentChildLink, User
from app.core.services.letters import make_letters, prepare_letters
from app.core.services.school import SchoolDetails, find_settings, save_settings
from bench.figures import Bench, Measurement, figure

SCHOOL = SchoolDetails(
    name="Bench Primary School",
    address="1 Bench Lane\nBenchford\nBF1 1AA",
    phone="01632 960000",
    headteacher_name="Ms Łucja Nguyễn-O'Brien",
    complaints_url="https://bench.example.org/complaints",
)


def _letter_jobs(session: Session, count: int) -> list[tuple[int, int]]:
    """(incident, parent) pairs: a parent of a pupil involved in the incident."""
    rows = session.execute(
        select(Involvement.incident_id, ParentChildLink.parent_id)
        .join(ParentChildLink, ParentChildLink.child_id == Involvement.person_id)
        .order_by(Involvement.id)
        .limit(count)
    )
    return [(incident_id, parent_id) for incident_id, parent_id in rows]


def _ensure_settings(bench: Bench) -> None:
    with bench.database.write(SYSTEM) as session:
        if find_settings(session) is None:
            actor = session.scalars(select(User).order_by(User.id)).first()
            assert actor is not None
            save_settings(session, actor, SCHOOL)


@figure("Letters: one letter, filled and rendered (median)")
def one_letter(bench: Bench) -> Measurement:
    _ensure_settings(bench)
    with bench.database.read(SYSTEM) as session:
        jobs = _letter_jobs(session, 20)
    times = []
    for incident_id, parent_id in jobs:
        start = time.perf_counter()
        with bench.database.write(SYSTEM) as session:  # the preview is on the trail
            prepare_letters(session, incident_id, "child_involved", [parent_id])
        times.append(time.perf_counter() - start)
    return Measurement(statistics.median(times), "s", note=f"target ≤ 0.05 s; {len(times)} letters")


@figure("Letters: 100 letters made and stored in one batch")
def hundred_letters(bench: Bench) -> Measurement:
    _ensure_settings(bench)
    with bench.database.read(SYSTEM) as session:
        jobs = _letter_jobs(session, 100)
        actor = session.scalars(select(User).order_by(User.id)).first()
    assert actor is not None and jobs
    times = []
    for _ in range(max(1, min(bench.runs, 3))):
        with bench.database.read(actor) as session:  # rolled back: the log is left unchanged
            start = time.perf_counter()
            for incident_id, parent_id in jobs:
                make_letters(session, actor, incident_id, "child_involved", [parent_id])
            session.flush()
            times.append(time.perf_counter() - start)
    note = f"target ≤ 3 s; {len(jobs)} letters stored, then rolled back"
    return Measurement(statistics.median(times), "s", note=note)
