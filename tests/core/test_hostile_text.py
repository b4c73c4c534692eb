"""Hostile text: every service call either stores the text exactly or refuses it clearly."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.core.actors import SYSTEM
from app.core.db import Database
from app.core.errors import ValidationError
from app.core.models import ChronologyEntry, Incident, Person, User
from app.core.services.chronology import add_note
from app.core.services.incidents import create_incident
from app.core.services.lookups import get_incident
from app.core.services.people import create_person, get_person
from tests.factories import incident_details, person_details

HOSTILE_PIECES = [
    "&",
    "<",
    ">",
    "'",
    '"',
    "<b>bold</b>",
    "&amp;",
    "%",
    "_",
    "\\",
    "\x00",
    "\x1b[31m",
    "\u202e",
    "\ufeff",
    "Łukasz",
    "Zoë",
    "Nguyễn",
    "Şükrü",
    "Ольга",
    "Siobhán O'Neill",
    "王秀英",
    "محمد",
    "🙂",
    "👩🏽‍🏫",
    "\r\n",
    "\t",
    " ",
    "'; DROP TABLE person; --",
]
hostile_text = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(HOSTILE_PIECES), max_size=12).map("".join),
    st.builds(lambda n, c: c * n, st.integers(90, 110), st.sampled_from(["a", "é", "🙂"])),
)
huge_text = st.just("x" * 1_000_000)
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _counts(database: Database) -> tuple[int, int, int]:
    with database.read(SYSTEM) as s:
        return (
            s.scalar(select(func.count(Person.id))) or 0,
            s.scalar(select(func.count(Incident.id))) or 0,
            s.scalar(select(func.count(ChronologyEntry.id))) or 0,
        )


@SETTINGS
@given(given_name=st.one_of(hostile_text, huge_text), address=hostile_text)
def test_person_names_and_addresses(
    database: Database, actor: User, given_name: str, address: str
) -> None:
    before = _counts(database)
    try:
        with database.write(actor) as s:
            person_id = create_person(
                s, actor, person_details(given_name=given_name, address=address)
            ).id
    except ValidationError as exc:
        assert exc.field in {"given_name", "address"} and exc.message
        assert _counts(database) == before
        return
    with database.read(actor) as s:
        stored = get_person(s, person_id)
        assert (stored.given_name, stored.address) == (given_name, address)


@SETTINGS
@given(summary=st.one_of(hostile_text, huge_text), handle=hostile_text, note=hostile_text)
def test_incident_text_and_notes(
    database: Database, actor: User, summary: str, handle: str, note: str
) -> None:
    before = _counts(database)
    try:
        with database.write(actor) as s:
            incident = create_incident(
                s, actor, replace(incident_details(), summary=summary, account_handle=handle)
            )
            incident_id = incident.id
            note_id = add_note(s, actor, incident_id, note).id
    except ValidationError as exc:
        assert exc.field in {"summary", "account_handle", "note"} and exc.message
        assert _counts(database) == before  # the whole unit of work was rolled back
        return
    with database.read(actor) as s:
        stored = get_incident(s, incident_id)
        assert (stored.summary, stored.account_handle) == (summary, handle)
        entry = s.get(ChronologyEntry, note_id)
        assert entry is not None and entry.text == note
