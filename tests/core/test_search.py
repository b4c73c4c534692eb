"""Search-as-you-type: folded, prefix matching, kept current by the services, injection-proof."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.core.actors import SYSTEM
from app.core.db import Database
from app.core.models import User
from app.core.services.incident_queries import IncidentFilter, count_incidents, find_incidents
from app.core.services.incidents import details_of, update_incident
from app.core.services.involvements import add_involvement, withdraw_involvement
from app.core.services.lookups import get_incident
from app.core.services.people import update_person
from app.core.services.search_index import fold, tokens
from app.core.vocab import InvolvementRole
from tests.factories import make_incident, make_person, person_details


def _found(database: Database, text: str) -> list[str]:
    with database.read(SYSTEM) as s:
        return [r.reference for r in find_incidents(s, IncidentFilter(text=text))]


def test_folding_handles_letters_unicode_does_not_decompose() -> None:
    assert fold("Łukasz Şükrü Zoë Nguyễn Ørsted Straße") == "lukasz sukru zoe nguyen orsted strasse"
    assert tokens("@y6_banter https://x.com/Ölga?id=7") == [
        "y6",
        "banter",
        "https",
        "x",
        "com",
        "olga",
        "id",
        "7",
    ]


def test_names_are_found_by_prefix_with_or_without_accents(database: Database, actor: User) -> None:
    with database.write(actor) as s:
        incident = make_incident(s, actor)
        poster = make_person(s, actor, given_name="Łukasz", family_name="Wiśniewski")
        add_involvement(s, actor, incident.id, poster.id, InvolvementRole.POSTER)
        ref = incident.reference
    for typed in ("Łuk", "luk", "LUKASZ wis", "wiśn", ref, ref[-4:], "sm-20"):
        assert _found(database, typed) == [ref], typed
    assert _found(database, "lukasz nobody") == []


def test_the_index_follows_edits_renames_and_removals(database: Database, actor: User) -> None:
    with database.write(actor) as s:
        incident = make_incident(s, actor)
        person = make_person(s, actor, given_name="Ольга", family_name="Смирнова")
        involvement = add_involvement(s, actor, incident.id, person.id, InvolvementRole.TARGET)
        ids = incident.id, person.id, involvement.id, incident.reference
    assert _found(database, "ольга") == [ids[3]]
    with database.write(actor) as s:
        update_person(
            s,
            actor,
            ids[1],
            person_details(given_name="Olga", family_name="Smirnova"),
            expected_version=1,
        )
    assert _found(database, "ольга") == []
    assert _found(database, "olga smir") == [ids[3]]
    with database.write(actor) as s:
        incident = get_incident(s, ids[0])
        update_incident(
            s,
            actor,
            ids[0],
            replace(details_of(incident), summary="Fake account"),
            expected_version=incident.version,
        )
    assert _found(database, "fake acc") == [ids[3]]
    assert _found(database, "complaint") == []
    with database.write(actor) as s:
        withdraw_involvement(s, actor, ids[2], "Wrong person")
    assert _found(database, "olga") == []


@pytest.mark.parametrize(
    "typed",
    [
        '"',
        "'",
        "*",
        "a AND",
        "OR b",
        "NEAR(a b)",
        "body:x",
        "(",
        ")",
        "^",
        "-",
        "a:*",
        "\\",
        "'; DROP TABLE incident; --",
        "%",
        "_",
        "!!!",
        "   ",
    ],
)
def test_any_typing_is_safe_and_never_an_error(database: Database, actor: User, typed: str) -> None:
    with database.write(actor) as s:
        make_incident(s, actor, summary="Post in the PTA group AND a photo (near the gate)")
    with database.read(actor) as s:
        count = count_incidents(s, IncidentFilter(text=typed))
        rows = find_incidents(s, IncidentFilter(text=typed))
    assert count == len(rows)
    if not tokens(typed):
        assert typed.strip() == "" or count == 0


def test_typing_a_reference_narrows_by_reference(database: Database, actor: User) -> None:
    with database.write(actor) as s:
        refs = [make_incident(s, actor).reference for _ in range(12)]
    year = refs[0].split("-")[1]
    assert _found(database, "sm") == list(reversed(refs))  # newest seen first
    assert _found(database, f"SM-{year}-001") == [refs[11], refs[10], refs[9]]
    assert _found(database, f"sm-{year}-0012") == [refs[11]]
    assert _found(database, "sm-1999") == []
    assert _found(database, refs[3][-4:]) == [refs[3]]  # the number alone still finds it
