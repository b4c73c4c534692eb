"""Issue 5's figures: making letters on the large log, and (issue 16) what the DSL waits
for: a letter made, stored and committed, and a batch of 100 committed. Importing
registers them.

The batch is also made in a session that is rolled back, as its baseline: a rolled-back
batch must leave the log and its trail's outside copy as they were (the audit group's
verify, run last, checks it).
"""

from __future__ import annotations

import statistics
import time

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.actors import SYSTEM
from app.core.models import Incident, Involvement, ParentChildLink, User
from app.core.services.letter_recipients import recipients
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
TEMPLATE = "child_involved"


def _letter_jobs(session: Session, count: int) -> list[tuple[int, int]]:
    """(incident, parent) pairs a letter can be made for: a parent offered a letter about
    a pupil involved in a live incident (withdrawn incidents, withdrawn involvements and
    'no contact' links are refused by the service, so they are skipped here)."""
    rows = session.execute(
        select(Involvement.incident_id, ParentChildLink.parent_id)
        .join(ParentChildLink, ParentChildLink.child_id == Involvement.person_id)
        .join(Incident, Incident.id == Involvement.incident_id)
        .where(
            Incident.withdrawn_at.is_(None),
            Involvement.withdrawn_at.is_(None),
            ParentChildLink.no_contact.is_(False),
        )
        .order_by(Involvement.id)
        .limit(count * 3)
    )
    jobs: list[tuple[int, int]] = []
    offered: dict[int, set[int]] = {}
    for incident_id, parent_id in rows:
        if incident_id not in offered:
            found = recipients(session, incident_id, TEMPLATE)
            offered[incident_id] = {r.person_id for r in found}
        if parent_id in offered[incident_id] and (incident_id, parent_id) not in jobs:
            jobs.append((incident_id, parent_id))
            if len(jobs) == count:
                break
    return jobs


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
            prepare_letters(session, incident_id, TEMPLATE, [parent_id])
        times.append(time.perf_counter() - start)
    return Measurement(statistics.median(times), "s", note=f"target ≤ 0.05 s; {len(times)} letters")


@figure("Letters: one letter made, stored and committed (median; baseline filled and rendered)")
def one_letter_committed(bench: Bench) -> Measurement:
    """What the DSL waits for after pressing Make: the letter filled, rendered, stored
    with its timeline entry and committed; against filling and rendering it alone."""
    _ensure_settings(bench)
    with bench.database.read(SYSTEM) as session:
        jobs = _letter_jobs(session, 10)
        actor = session.scalars(select(User).order_by(User.id)).first()
    assert actor is not None and jobs
    made, prepared = [], []
    for incident_id, parent_id in jobs:
        start = time.perf_counter()
        with bench.database.write(SYSTEM) as session:
            prepare_letters(session, incident_id, TEMPLATE, [parent_id])
        prepared.append(time.perf_counter() - start)
        start = time.perf_counter()
        with bench.database.write(actor) as session:
            make_letters(session, actor, incident_id, TEMPLATE, [parent_id])
        made.append(time.perf_counter() - start)
    return Measurement(
        statistics.median(made),
        "s",
        baseline=statistics.median(prepared),
        note=f"target ≤ 0.05 s; {len(made)} letters, each committed",
    )


@figure("Letters: 100 letters made, stored and committed (baseline: the same, rolled back)")
def hundred_letters(bench: Bench) -> Measurement:
    """A batch of 100 letters (one per incident and parent) committed in one transaction,
    a new batch each run; against a batch made and stored in a session rolled back."""
    _ensure_settings(bench)
    runs = max(1, min(bench.runs, 3))
    with bench.database.read(SYSTEM) as session:
        jobs = _letter_jobs(session, 100 * (runs + 1))
        actor = session.scalars(select(User).order_by(User.id)).first()
    assert actor is not None and jobs
    size = max(1, len(jobs) // (runs + 1))
    batches = [jobs[i * size : (i + 1) * size] for i in range(runs + 1)]
    committed, rolled_back = [], []
    for batch in batches[1:]:
        with bench.database.read(actor) as session:  # rolled back: the log is left unchanged
            start = time.perf_counter()
            for incident_id, parent_id in batches[0]:
                make_letters(session, actor, incident_id, TEMPLATE, [parent_id])
            session.flush()
            rolled_back.append(time.perf_counter() - start)
        start = time.perf_counter()
        with bench.database.write(actor) as session:
            for incident_id, parent_id in batch:
                make_letters(session, actor, incident_id, TEMPLATE, [parent_id])
        committed.append(time.perf_counter() - start)
    note = f"target ≤ 3 s; batches of {size} letters, {len(committed)} committed"
    return Measurement(
        statistics.median(committed), "s", baseline=statistics.median(rolled_back), note=note
    )
