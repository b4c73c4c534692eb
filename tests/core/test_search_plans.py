"""How a search's page is fetched changes nothing the DSL sees: every plan (`SearchPlan`)
gives the same incidents in the same order, page after page, as sorting every match
(the way the list fetched them before plans existed)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.core.db import Database
from app.core.models import Incident, User
from app.core.services import search_plan
from app.core.services.incident_queries import (
    IncidentFilter,
    IncidentSort,
    PageCursor,
    find_incidents,
)
from app.core.services.incidents import withdraw_incident
from app.core.services.involvements import add_involvement
from app.core.services.search_index import SearchPlan
from app.core.vocab import InvolvementRole
from tests.factories import make_incident, make_person

#: Short words, longer ones, accents typed or not, references whole and in part, two
#: words, digits, nothing at all.
TYPED = [
    "w",
    "wi",
    "Wiś",
    "wisniewski",
    "łuk",
    "lukasz wis",
    "zoë",
    "zoe",
    "k",
    "ko",
    "s",
    "sm",
    "sm-2",
    "SM-2026-00",
    "face",
    "2026",
    "zzzz",
]
ORDERS = [
    (IncidentSort.SEEN_AT, True, False),
    (IncidentSort.SEEN_AT, False, False),
    (IncidentSort.SEEN_AT, True, True),
    (IncidentSort.REFERENCE, True, False),
    (IncidentSort.PLATFORM, False, False),
]


@pytest.fixture
def seeded(database: Database, actor: User) -> list[str]:
    """A synthetic log of 400 incidents with accented names, a few withdrawn; the
    reference of the incident whose poster is Łukasz Wiśniewski."""
    from bench.synthetic import build_synthetic_log

    build_synthetic_log(database, actor.id, incidents=400, people=150, seed=7)
    with database.write(actor) as s:
        poster = make_person(s, actor, given_name="Łukasz", family_name="Wiśniewski")
        target = make_person(s, actor, given_name="Zoë", family_name="Kowalska")
        incident = make_incident(s, actor, summary="Fake account on Facebook")
        add_involvement(s, actor, incident.id, poster.id, InvolvementRole.POSTER)
        add_involvement(s, actor, incident.id, target.id, InvolvementRole.TARGET)
        for incident_id in list(s.scalars(select(Incident.id).order_by(Incident.id).limit(8))):
            withdraw_incident(s, actor, incident_id, "Recorded in error.")
        reference = incident.reference
    return [reference]


def _all_pages(
    database: Database, actor: User, text: str, sort: IncidentSort, desc: bool, withdrawn: bool
) -> list[int]:
    flt = IncidentFilter(text=text, include_withdrawn=withdrawn)
    ids: list[int] = []
    after: PageCursor | None = None
    while True:
        with database.read(actor) as s:
            page = find_incidents(s, flt, sort=sort, descending=desc, limit=90, after=after)
        ids += [row.id for row in page]
        if len(page) < 90:
            return ids
        after = page[-1].cursor


def test_every_plan_finds_the_same_rows_in_the_same_order(
    database: Database, actor: User, seeded: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    results: dict[SearchPlan, dict[tuple[object, ...], list[int]]] = {}
    for plan in SearchPlan:
        monkeypatch.setattr(search_plan, "choose_plan", lambda *_a, _p=plan, **_k: _p)
        results[plan] = {
            (text, *order): _all_pages(database, actor, text, *order)
            for text in [*TYPED, seeded[0], seeded[0].lower()]
            for order in ORDERS
        }
    before = results[SearchPlan.SORT]  # the matches fetched and sorted, as before plans
    assert before[("wisniewski", *ORDERS[0])], "the seeded names are found at all"
    assert before[("zoe", *ORDERS[0])] == before[("zoë", *ORDERS[0])]
    assert len(before[("s", *ORDERS[0])]) > 300
    assert before[("zzzz", *ORDERS[0])] == []
    for plan in (SearchPlan.WALK, SearchPlan.CHECK):
        for key, ids in before.items():
            assert results[plan][key] == ids, (plan, key)


def test_the_plan_follows_how_many_match(
    database: Database, actor: User, seeded: list[str]
) -> None:
    # 100,000 incidents: fewer than 1,000 matches are sorted, 19,000 or more checked.
    assert search_plan.choose_plan(990, 100_000) is SearchPlan.SORT
    assert search_plan.choose_plan(1_100, 100_000) is SearchPlan.WALK
    assert search_plan.choose_plan(18_000, 100_000) is SearchPlan.WALK
    assert search_plan.choose_plan(19_000, 100_000) is SearchPlan.CHECK
    with database.read(actor) as s:
        if s.get_bind().dialect.name != "sqlite":
            return
        # Every document holds its reference, "sm-…": "s" matches all ~400.
        assert search_plan.plan_for(s, "s") is SearchPlan.WALK
        assert search_plan.plan_for(s, "zzzz") is SearchPlan.SORT
        assert search_plan.reference_plan(s, "SM-2") is SearchPlan.WALK
        assert search_plan.reference_plan(s, seeded[0]) is SearchPlan.SORT
