"""The list queries: filters, SQL sorting, paging and search."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.core.actors import SYSTEM
from app.core.clock import set_clock
from app.core.db import Database
from app.core.models import User
from app.core.services.incident_queries import (
    IncidentFilter,
    IncidentSort,
    count_incidents,
    find_incidents,
)
from app.core.services.incidents import withdraw_incident
from app.core.services.involvements import add_involvement
from app.core.vocab import Category, IncidentStatus, InvolvementRole, Platform, Severity
from tests.factories import make_incident, make_person


def _seed(database: Database, actor: User) -> dict[str, int]:
    set_clock(lambda: datetime(2026, 11, 20, 12, tzinfo=UTC))
    ids: dict[str, int] = {}
    with database.write(actor) as s:
        poster = make_person(s, actor, given_name="Łukasz", family_name="Wiśniewski")
        ids["a"] = make_incident(
            s,
            actor,
            seen_at=datetime(2026, 11, 1, 9, tzinfo=UTC),
            happened_at=None,
            platform=Platform.TIKTOK,
            severity=Severity.CRITICAL,
            categories=frozenset({Category.BULLYING}),
            safeguarding_concern=True,
            summary="Video mocking a Year 6 pupil.",
            account_handle="@y6_banter",
        ).id
        ids["b"] = make_incident(
            s,
            actor,
            seen_at=datetime(2026, 11, 10, 9, tzinfo=UTC),
            happened_at=None,
            platform=Platform.FACEBOOK,
            severity=Severity.LOW,
            categories=frozenset({Category.COMPLAINT_SHARED, Category.DISREPUTE}),
            url="https://facebook.com/groups/pta/1",
        ).id
        ids["c"] = make_incident(
            s,
            actor,
            seen_at=datetime(2026, 11, 15, 9, tzinfo=UTC),
            happened_at=None,
            platform=Platform.FACEBOOK,
            severity=Severity.HIGH,
            categories=frozenset({Category.AGGRESSIVE}),
            status=IncidentStatus.IN_PROGRESS,
        ).id
        ids["gone"] = make_incident(
            s, actor, seen_at=datetime(2026, 11, 16, tzinfo=UTC), happened_at=None
        ).id
        withdraw_incident(s, actor, ids["gone"], "Duplicate")
        add_involvement(s, actor, ids["b"], poster.id, InvolvementRole.POSTER)
        ids["poster"] = poster.id
    return ids


def _refs(database: Database, flt: IncidentFilter, **kwargs: object) -> list[int]:
    with database.read(SYSTEM) as s:
        return [row.id for row in find_incidents(s, flt, **kwargs)]  # type: ignore[arg-type]


def test_filters_narrow_and_counts_agree(database: Database, actor: User) -> None:
    ids = _seed(database, actor)
    cases = {
        IncidentFilter(): {ids["a"], ids["b"], ids["c"]},
        IncidentFilter(include_withdrawn=True): {ids["a"], ids["b"], ids["c"], ids["gone"]},
        IncidentFilter(platforms=frozenset({Platform.FACEBOOK})): {ids["b"], ids["c"]},
        IncidentFilter(categories=frozenset({Category.DISREPUTE, Category.BULLYING})): {
            ids["a"],
            ids["b"],
        },
        IncidentFilter(severities=frozenset({Severity.HIGH})): {ids["c"]},
        IncidentFilter(statuses=frozenset({IncidentStatus.IN_PROGRESS})): {ids["c"]},
        IncidentFilter(safeguarding_only=True): {ids["a"]},
        IncidentFilter(seen_from=date(2026, 11, 10), seen_to=date(2026, 11, 10)): {ids["b"]},
        IncidentFilter(person_id=ids["poster"]): {ids["b"]},
        IncidentFilter(text="wiśniewski"): {ids["b"]},
        IncidentFilter(text="Y6_BANTER"): {ids["a"]},
        IncidentFilter(text="groups/pta"): {ids["b"]},
        IncidentFilter(text="year mocking"): {ids["a"]},
        IncidentFilter(text="nobody"): set(),
    }
    for flt, expected in cases.items():
        assert set(_refs(database, flt)) == expected, flt
        with database.read(actor) as s:
            assert count_incidents(s, flt) == len(expected), flt


def test_sorting_happens_in_sql_with_severity_by_rank(database: Database, actor: User) -> None:
    ids = _seed(database, actor)
    flt = IncidentFilter()
    assert _refs(database, flt) == [ids["c"], ids["b"], ids["a"]]  # newest seen first
    assert _refs(database, flt, sort=IncidentSort.SEVERITY, descending=True) == [
        ids["a"],
        ids["c"],
        ids["b"],
    ]
    assert _refs(database, flt, sort=IncidentSort.REFERENCE, descending=False) == [
        ids["a"],
        ids["b"],
        ids["c"],
    ]


def test_pages_follow_on_without_overlap(database: Database, actor: User) -> None:
    ids = _seed(database, actor)
    first = _refs(database, IncidentFilter(), limit=2, offset=0)
    second = _refs(database, IncidentFilter(), limit=2, offset=2)
    assert first + second == [ids["c"], ids["b"], ids["a"]]


def test_rows_carry_categories_and_names(database: Database, actor: User) -> None:
    ids = _seed(database, actor)
    with database.read(actor) as s:
        rows = {r.id: r for r in find_incidents(s, IncidentFilter())}
    assert rows[ids["b"]].categories == (Category.COMPLAINT_SHARED, Category.DISREPUTE)
    assert rows[ids["b"]].posters == ("Łukasz Wiśniewski",)
    assert rows[ids["a"]].posters == ()


def test_keyset_pages_match_one_long_query_for_every_sort(database: Database, actor: User) -> None:
    from datetime import timedelta

    from app.core.models import DeletionRequest
    from app.core.vocab import DeletionMethod

    set_clock(lambda: datetime(2026, 11, 20, 12, tzinfo=UTC))
    platforms = list(Platform)
    with database.write(actor) as s:
        people = [
            make_person(s, actor, given_name=n, family_name=f"Family{i % 3}")
            for i, n in enumerate(["Zoë", "Aoife", "Łukasz", "Şükrü"])
        ]
        for i in range(23):
            incident = make_incident(
                s,
                actor,
                happened_at=None,
                seen_at=datetime(2026, 11, 1, tzinfo=UTC) + timedelta(hours=i % 7),  # ties
                platform=platforms[i % len(platforms)],
                platform_other="Bebo" if platforms[i % len(platforms)] is Platform.OTHER else "",
                severity=list(Severity)[i % 4],
                categories=frozenset(list(Category)[i % 5 : i % 5 + 1 + i % 2]),
            )
            if i % 3:
                add_involvement(s, actor, incident.id, people[i % 4].id, InvolvementRole.POSTER)
            if i % 4 == 0:
                s.add(
                    DeletionRequest(
                        incident_id=incident.id,
                        addressee_id=people[0].id,
                        method=DeletionMethod.EMAIL,
                        sent_at=datetime(2026, 11, 2, tzinfo=UTC),
                        deadline=date(2026, 11, 4 + i % 5),
                        created_by_id=actor.id,
                    )
                )
    for sort in IncidentSort:
        for descending in (True, False):
            with database.read(actor) as s:
                whole = [
                    r.id for r in find_incidents(s, sort=sort, descending=descending, limit=1000)
                ]
                paged: list[int] = []
                cursor = None
                while True:
                    page = find_incidents(
                        s, sort=sort, descending=descending, limit=4, after=cursor
                    )
                    if not page:
                        break
                    paged += [r.id for r in page]
                    cursor = page[-1].cursor
            assert len(whole) == 23
            assert paged == whole, (sort, descending)


def test_overdue_only_and_next_action_due(database: Database, actor: User) -> None:
    from app.core.models import DeletionRequest, Escalation
    from app.core.vocab import DeletionMethod, EscalationKind, EscalationStatus

    set_clock(lambda: datetime(2026, 11, 20, 12, tzinfo=UTC))
    with database.write(actor) as s:
        poster = make_person(s, actor)
        late = make_incident(s, actor)
        follow_up_today = make_incident(s, actor)
        fine = make_incident(s, actor)
        answered = make_incident(s, actor)
        due_today = make_incident(s, actor)
        reference_late = make_incident(s, actor)
        for incident, deadline, outcome in [
            (late, date(2026, 11, 19), "pending"),
            (fine, date(2026, 11, 25), "pending"),
            (answered, date(2026, 11, 10), "removed"),
            (due_today, date(2026, 11, 20), "pending"),  # overdue only from tomorrow
        ]:
            s.add(
                DeletionRequest(
                    incident_id=incident.id,
                    addressee_id=poster.id,
                    method=DeletionMethod.LETTER,
                    sent_at=datetime(2026, 11, 5, tzinfo=UTC),
                    deadline=deadline,
                    outcome=outcome,
                    created_by_id=actor.id,
                )
            )
        s.add(
            Escalation(
                incident_id=follow_up_today.id,
                kind=EscalationKind.PLATFORM_REPORT,
                escalated_at=datetime(2026, 11, 6, tzinfo=UTC),
                status=EscalationStatus.OPEN,
                next_follow_up_on=date(2026, 11, 20),
                created_by_id=actor.id,
            )
        )
        s.add(
            Escalation(
                incident_id=fine.id,
                kind=EscalationKind.POSH,
                escalated_at=datetime(2026, 11, 6, tzinfo=UTC),
                status=EscalationStatus.OPEN,
                next_follow_up_on=date(2026, 11, 22),
                created_by_id=actor.id,
            )
        )
        s.add(
            Escalation(
                incident_id=reference_late.id,
                kind=EscalationKind.POLICE_NON_EMERGENCY,
                escalated_at=datetime(2026, 11, 6, tzinfo=UTC),
                status=EscalationStatus.OPEN,
                reference_due_on=date(2026, 11, 18),
                created_by_id=actor.id,
            )
        )
        ids = late.id, follow_up_today.id, fine.id, answered.id, due_today.id, reference_late.id
    with database.read(actor) as s:
        overdue = {r.id for r in find_incidents(s, IncidentFilter(overdue_only=True))}
        assert overdue == {ids[0], ids[1], ids[5]}
        assert count_incidents(s, IncidentFilter(overdue_only=True)) == 3
        page = find_incidents(s)
        # The page's own flags (worked out for its ids) follow the filter's rule exactly.
        assert {r.id for r in page if r.overdue} == overdue
        due = {r.id: r.next_action_due for r in page}
    assert due[ids[0]] == date(2026, 11, 19)
    assert due[ids[1]] == date(2026, 11, 20)
    assert due[ids[2]] == date(2026, 11, 22)  # the earlier of request and follow-up
    assert due[ids[3]] is None
    assert due[ids[4]] == date(2026, 11, 20)
    assert due[ids[5]] == date(2026, 11, 18)


def test_a_capped_count_stops_past_the_cap(database: Database, actor: User) -> None:
    _seed(database, actor)
    with database.read(actor) as s:
        everything = count_incidents(s)
        assert everything == 3
        assert count_incidents(s, cap=2) == 3  # "more than 2"
        assert count_incidents(s, cap=1) == 2
        assert count_incidents(s, cap=everything) == everything


@pytest.mark.parametrize(
    "text",
    [
        " ".join(f"word{n}" for n in range(1_000)),
        "complaint " * 10_000,
        "c" * 100_000,
        '"*^:()-+ AND OR NOT NEAR' * 4_000,
    ],
    ids=["1000-words", "100k-repeated-word", "100k-one-word", "fts5-syntax"],
)
def test_any_search_text_gives_an_answer_not_a_database_error(
    database: Database, actor: User, text: str
) -> None:
    _seed(database, actor)
    with database.read(actor) as s:
        flt = IncidentFilter(text=text)
        assert count_incidents(s, flt) == len(find_incidents(s, flt))
