"""A synthetic log at scale, written with bulk inserts.

The services take milliseconds per record, which is right for a DSL typing but far too slow
for 100,000 incidents, so this writes rows with SQLAlchemy Core executemany in chunks. Every
value is one the services could have written: vocabulary values, timezone-aware UTC times,
the acting user, version 1, unique SM-YYYY-NNNN references and matching reference counters
(so the app carries on numbering), and a rebuilt search index. `write_full_trail` then
puts every row on the audit trail, as a log kept by the app would have it.
"""

from __future__ import annotations

import itertools
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from app.core.actors import SYSTEM
from app.core.audit.baseline import write_baseline
from app.core.clock import LONDON, utc_now
from app.core.db import Database
from app.core.demo.names import HERITAGES
from app.core.demo.scenarios import EVENTS_BY_MONTH, RATIONALES, SCENARIOS
from app.core.errors import Conflict
from app.core.models import (
    Base,
    ChronologyEntry,
    DeletionRequest,
    Escalation,
    Incident,
    IncidentCategory,
    Involvement,
    ParentChildLink,
    Person,
    ReferenceCounter,
)
from app.core.services import search_index
from app.core.services.people import searchable_name
from app.core.services.references import format_reference
from app.core.vocab import (
    Category,
    IncidentOutcome,
    IncidentStatus,
    Platform,
    PrejudiceType,
    Severity,
)

CHUNK = 5_000
_NOT_WITHDRAWN = {"withdrawn_at": None, "withdrawn_reason": None, "withdrawn_by_id": None}
_UNCHANGED = {"updated_at": None, "version": 1, "updated_by_id": None} | _NOT_WITHDRAWN
_TABLES_WITH_IDS = ("person", "parent_child_link", "incident", "involvement",
                    "chronology_entry", "deletion_request", "escalation")  # fmt: skip
YEARS_OF_HISTORY = 4
St = IncidentStatus
_PLATFORMS = (
    (Platform.WHATSAPP, "parent_chat", 20),
    (Platform.FACEBOOK, "public_page", 22),
    (Platform.INSTAGRAM, "public_page", 10),
    (Platform.TIKTOK, "public_page", 12),
    (Platform.SNAPCHAT, "private_group", 10),
    (Platform.X, "public_page", 6),
    (Platform.YOUTUBE, "public_page", 4),
    (Platform.MUMSNET, "public_page", 3),
    (Platform.DISCORD, "private_group", 4),
    (Platform.ROBLOX, "direct_message", 4),
    (Platform.OTHER, "public_page", 5),
)
_KINDS = (("pupil", 40), ("parent", 48), ("staff", 6), ("third_party", 5), ("volunteer", 1))
# Recent incidents are still being worked; older ones are mostly closed.
_RECENT_STATUSES = (
    (St.NEW, 20),
    (St.IN_PROGRESS, 30),
    (St.AWAITING_REMOVAL, 20),
    (St.ESCALATED, 10),
    (St.MONITORING, 10),
    (St.CLOSED, 10),
)
_OLD_STATUSES = ((St.CLOSED, 94), (St.MONITORING, 3), (St.ESCALATED, 2), (St.AWAITING_REMOVAL, 1))


@dataclass
class SyntheticLog:
    """What was written, and how long it took."""

    incidents: int
    people: int
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    index_seconds: float = 0.0
    #: The audit trail written afterwards (`write_full_trail`), if it was.
    trail_entries: int = 0
    trail_seconds: float = 0.0
    #: When it was built (UTC, ISO), and whether this run reused it from the cache.
    built_at: str = ""
    reused: bool = False


def build_synthetic_log(
    database: Database,
    user_id: int,
    *,
    incidents: int,
    seed: int = 1,
    people: int | None = None,
    days: int = 365 * YEARS_OF_HISTORY,
    progress: Callable[[str], None] | None = None,
) -> SyntheticLog:
    """Fill an empty log with `incidents` incidents (and people, involvements, categories,
    chronology, deletion requests and escalations); Conflict if the log is not empty."""
    say = progress or (lambda _message: None)
    started = time.perf_counter()
    with database.read(SYSTEM) as session:
        if session.scalar(select(func.count()).select_from(Incident)) or session.scalar(
            select(func.count()).select_from(Person)
        ):
            raise Conflict("The bench needs an empty log: this one already has records.")
    writer = _Writer(random.Random(seed), user_id, utc_now(), days)
    log = SyntheticLog(incidents=incidents, people=people or max(60, incidents // 5))
    with database.write(SYSTEM) as session:
        writer.people(session, log.people)
    say(f"{log.people:,} people written")
    seen = writer.seen_times(incidents)
    for start in range(0, incidents, CHUNK):
        with database.write(SYSTEM) as session:
            writer.incidents(session, seen[start : start + CHUNK])
        say(f"{min(start + CHUNK, incidents):,} incidents written")
    with database.write(SYSTEM) as session:
        writer.finish(session)
    index_started = time.perf_counter()
    with database.write(SYSTEM) as session:
        search_index.rebuild(session)
    log.index_seconds = time.perf_counter() - index_started
    if database.engine.dialect.name == "postgresql":
        # Autovacuum would gather statistics within a minute of a bulk load; without them
        # the planner guesses. SQLite is left alone: the app never runs ANALYZE there.
        with database.write(SYSTEM) as session:
            session.execute(text("ANALYZE"))
    log.rows = writer.rows
    log.seconds = time.perf_counter() - started
    log.built_at = utc_now().isoformat(timespec="seconds")
    return log


def write_full_trail(database: Database, log: SyntheticLog) -> None:
    """Put every row of the synthetic log on its audit trail (one baseline entry each,
    chained as the app chains them), and move the trail's outside copy to its end: a log
    the app had kept for years would hold its whole trail (about 970,000 entries at
    100,000 incidents), which the backup, its check and the quick check read through."""
    started = time.perf_counter()
    with database.engine.begin() as connection:
        log.trail_entries = write_baseline(connection)
    database.recorder.follow_head()
    log.trail_seconds = time.perf_counter() - started


class _Writer:
    """Generates and inserts the rows, chunk by chunk."""

    def __init__(self, rng: random.Random, user_id: int, now: datetime, days: int) -> None:
        self.days = days
        self.rng = rng
        self.user_id = user_id
        self.now = now
        # Explicit primary keys, so child rows can point at parents without RETURNING.
        self.ids: defaultdict[str, Iterator[int]] = defaultdict(lambda: itertools.count(1))
        self.rows: dict[str, int] = {}
        self.pupils: list[int] = []
        self.adults: list[int] = []
        self.last_number: dict[int, int] = {}

    def _insert(self, session: Session, model: type[Base], rows: list[dict[str, Any]]) -> None:
        for start in range(0, len(rows), CHUNK):
            session.execute(insert(model), rows[start : start + CHUNK])
        name = model.__tablename__
        self.rows[name] = self.rows.get(name, 0) + len(rows)

    def people(self, session: Session, count: int) -> None:
        rng, created = self.rng, self.now - timedelta(days=365 * YEARS_OF_HISTORY + 30)
        kinds = [kind for kind, _ in _KINDS]
        weights = [weight for _, weight in _KINDS]
        rows, links = [], []
        born = self.now.year - 5
        for _ in range(count):
            person_id = next(self.ids["person"])
            kind = rng.choices(kinds, weights=weights)[0]
            heritage = rng.choices(HERITAGES, weights=[h.weight for h in HERITAGES])[0]
            female = rng.random() < 0.5
            family = rng.choice(heritage.surnames).split("/")[-1 if female else 0]
            pupil = kind == "pupil"
            year = rng.randint(0, 6)
            given = rng.choice(heritage.girls if female else heritage.boys)
            rows.append(
                {
                    "id": person_id,
                    "kind": kind,
                    "given_name": given,
                    "family_name": family,
                    "search_name": searchable_name(given, family),
                    "title": "" if pupil else ("Ms" if female else "Mr"),
                    "year_group": ("R123456"[year]) if pupil else None,
                    "class_name": f"{'R123456'[year]} {'AB'[rng.randint(0, 1)]}" if pupil else None,
                    "date_of_birth": date(born - year, rng.randint(1, 12), 1) if pupil else None,
                    "address": "" if pupil else f"{rng.randint(1, 200)} Larch Avenue\nElmford",
                    "postcode": "" if pupil else f"EF{rng.randint(1, 9)} {rng.randint(1, 9)}AB",
                    "email": "",
                    "phone": "",
                    "job_title": "Teaching assistant" if kind == "staff" else "",
                    "notes": "",
                    "created_at": created,
                    "created_by_id": self.user_id,
                    "version": 1,
                }
            )
            (self.pupils if pupil else self.adults).append(person_id)
        parents = [r["id"] for r in rows if r["kind"] == "parent"]
        for child in self.pupils:
            for parent in rng.sample(parents, min(len(parents), rng.randint(1, 2))):
                links.append(
                    {
                        "id": next(self.ids["parent_child_link"]),
                        "parent_id": parent,
                        "child_id": child,
                        "relationship_label": "Parent",
                        "receives_letters": True,
                        "created_at": created,
                        "created_by_id": self.user_id,
                    }
                )
        self._insert(session, Person, rows)
        self._insert(session, ParentChildLink, links)

    def seen_times(self, count: int) -> list[datetime]:
        """When each incident was seen, oldest first (ids and references follow this order)."""
        span = self.days * 86_400
        seconds = sorted(self.rng.randrange(3_600, span) for _ in range(count))
        return [(self.now - timedelta(seconds=s)).replace(microsecond=0) for s in reversed(seconds)]

    def incidents(self, session: Session, seen_times: Iterable[datetime]) -> None:
        names = ("incident", "category", "involvement", "chronology", "request", "escalation")
        tables: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
        for seen in seen_times:
            self._incident(seen, tables)
        self._insert(session, Incident, tables["incident"])
        self._insert(session, IncidentCategory, tables["category"])
        self._insert(session, Involvement, tables["involvement"])
        self._insert(session, ChronologyEntry, tables["chronology"])
        self._insert(session, DeletionRequest, tables["request"])
        self._insert(session, Escalation, tables["escalation"])

    def _incident(self, seen: datetime, out: dict[str, list[dict[str, Any]]]) -> None:
        rng, user = self.rng, self.user_id
        incident_id = next(self.ids["incident"])
        year = seen.astimezone(LONDON).year
        number = self.last_number.get(year, 0) + 1
        self.last_number[year] = number
        recorded = min(seen + timedelta(minutes=rng.randint(10, 600)), self.now)
        recent = self.now - seen < timedelta(days=60)
        statuses, weights = zip(*(_RECENT_STATUSES if recent else _OLD_STATUSES), strict=True)
        status = rng.choices(statuses, weights=weights)[0]
        platform, audience, _ = rng.choices(_PLATFORMS, weights=[p[2] for p in _PLATFORMS])[0]
        scenario = rng.choice(SCENARIOS)
        events = EVENTS_BY_MONTH[seen.astimezone(LONDON).month]
        summary = rng.choice(scenario.summaries).format(
            year=f"Year {rng.randint(1, 6)}", event=rng.choice(events)
        )
        closed = status is St.CLOSED
        outcome = rng.choice(scenario.outcomes) if closed else None
        closed_at = min(recorded + timedelta(days=rng.randint(1, 40)), self.now) if closed else None
        withdrawn = rng.random() < 0.005
        out["incident"].append(
            {
                "id": incident_id,
                "reference": format_reference(year, number),
                "happened_at": seen - timedelta(hours=rng.randint(0, 30)),
                "seen_at": seen,
                "reported_at": recorded,
                "reported_by_id": None,
                "platform": platform,
                "platform_other": "Nextdoor" if platform is Platform.OTHER else "",
                "audience": audience,
                "url": "",
                "account_handle": "",
                "still_live": not closed,
                "summary": summary,
                "severity": rng.choices(list(Severity), weights=(40, 40, 15, 5))[0],
                "safeguarding_concern": rng.random() < 0.1,
                "parent_informed": None,
                "parent_informed_at": None,
                "parent_not_informed_reason": "",
                "parent_informed_by": "",
                "prejudice_type": None,
                "status": status,
                "outcome": outcome,
                "outcome_rationale": RATIONALES[outcome] if outcome is not None else "",
                "closed_at": closed_at,
                "created_at": recorded,
                "created_by_id": user,
                "updated_at": closed_at,
                "version": 1,
                "updated_by_id": user if closed else None,
                "withdrawn_at": recorded if withdrawn else None,
                "withdrawn_reason": "Recorded in error." if withdrawn else None,
                "withdrawn_by_id": user if withdrawn else None,
            }
        )
        categories = rng.sample(list(Category), rng.randint(1, 3))
        if Category.PREJUDICE_BASED in categories:  # its type is required (not from rng:
            # the rest of the log stays as it was for a seed)
            types = list(PrejudiceType)
            out["incident"][-1]["prejudice_type"] = types[incident_id % len(types)]
        for category in categories:
            out["category"].append(
                {
                    "incident_id": incident_id,
                    "category": category,
                    "created_at": recorded,
                    "created_by_id": user,
                }
            )
        self._involvements(incident_id, recorded, out["involvement"])
        self._chronology(incident_id, recorded, status, closed_at, out["chronology"])
        if status is St.AWAITING_REMOVAL or (closed and rng.random() < 0.3):
            out["request"].append(self._request(incident_id, recorded, pending=not closed))
        if status is St.ESCALATED or outcome is IncidentOutcome.HANDED_TO_OTHER_AGENCY:
            out["escalation"].append(self._escalation(incident_id, recorded, open_=not closed))

    def _involvements(self, incident_id: int, when: datetime, out: list[dict[str, Any]]) -> None:
        rng = self.rng
        poster = rng.choice(self.pupils if rng.random() < 0.4 else self.adults)
        roles = [(poster, "poster"), (rng.choice(self.pupils or self.adults), "target")]
        if rng.random() < 0.5:
            roles.append((rng.choice(self.adults), "reporter"))
        for person_id, role in roles:
            out.append(
                {
                    "id": next(self.ids["involvement"]),
                    "incident_id": incident_id,
                    "person_id": person_id,
                    "role": role,
                    "notes": "",
                    "created_at": when,
                    "created_by_id": self.user_id,
                }
                | _NOT_WITHDRAWN
            )

    def _chronology(
        self,
        incident_id: int,
        recorded: datetime,
        status: IncidentStatus,
        closed_at: datetime | None,
        out: list[dict[str, Any]],
    ) -> None:
        note_at = min(recorded + timedelta(hours=self.rng.randint(1, 48)), self.now)
        entries = [
            ("created", recorded, "Incident recorded."),
            ("note", note_at, "Screenshots received by email and checked against the post."),
        ]
        if status is not St.NEW:
            entries.append(("status_changed", note_at, f"Status changed to {status.label}."))
        if closed_at is not None and self.rng.random() < 0.5:
            entries.append(("updated", closed_at, "Changed: Outcome; Rationale."))
        for kind, when, text_ in entries:
            out.append(
                {
                    "id": next(self.ids["chronology_entry"]),
                    "incident_id": incident_id,
                    "kind": kind,
                    "occurred_at": when,
                    "text": text_,
                    "amends_id": None,
                    "created_at": when,
                    "created_by_id": self.user_id,
                }
            )

    def _request(self, incident_id: int, recorded: datetime, *, pending: bool) -> dict[str, Any]:
        sent = min(recorded + timedelta(hours=self.rng.randint(2, 48)), self.now)
        return {
            "id": next(self.ids["deletion_request"]),
            "incident_id": incident_id,
            "addressee_id": self.rng.choice(self.adults),
            "method": "letter",
            "sent_at": sent,
            "deadline": sent.astimezone(LONDON).date() + timedelta(days=self.rng.randint(3, 5)),
            "reply_received_at": None if pending else sent + timedelta(days=1),
            "reply_summary": "" if pending else "Replied to confirm the post is deleted.",
            "outcome": "pending" if pending else "removed",
            "removal_verified_at": None,
            "notes": "",
            "follow_up_of_id": None,
            "created_at": sent,
            "created_by_id": self.user_id,
        } | _UNCHANGED

    def _escalation(self, incident_id: int, recorded: datetime, *, open_: bool) -> dict[str, Any]:
        when = min(recorded + timedelta(hours=self.rng.randint(2, 72)), self.now)
        return {
            "id": next(self.ids["escalation"]),
            "incident_id": incident_id,
            "kind": self.rng.choice(("platform_report", "posh", "police_non_emergency")),
            "escalated_at": when,
            "reference_number": f"REF-{incident_id}",
            "contact": "",
            "status": "open" if open_ else "actioned",
            "outcome": "" if open_ else "Case taken over by the agency.",
            "next_follow_up_on": when.astimezone(LONDON).date() + timedelta(days=7)
            if open_
            else None,
            "created_at": when,
            "created_by_id": self.user_id,
        } | _UNCHANGED

    def finish(self, session: Session) -> None:
        """Reference counters to match, and (PostgreSQL) sequences past the explicit ids."""
        counters = [{"year": y, "last_number": n} for y, n in sorted(self.last_number.items())]
        self._insert(session, ReferenceCounter, counters)
        if session.get_bind().dialect.name == "postgresql":
            for table in _TABLES_WITH_IDS:
                session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
                    )
                )
