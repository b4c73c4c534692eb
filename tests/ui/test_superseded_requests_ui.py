"""The incident window shows a request closed as superseded with its own outcome, and
offers nothing that would turn it into a second removal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pytestqt.qtbot import QtBot

from app.core.clock import set_clock
from app.core.db import Database
from app.core.models import User
from app.core.services.deletion_requests import (
    create_request,
    record_outcome,
    send_second_request,
)
from app.core.services.involvements import add_involvement
from app.core.services.terms import ensure_default_terms
from app.core.vocab import DeletionMethod, DeletionOutcome, InvolvementRole
from app.ui.context import AppContext
from app.ui.incidents.casework_panel import CaseworkPanel
from tests.factories import make_incident, make_person

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
THURSDAY = MONDAY + timedelta(days=3)


def test_a_superseded_request_keeps_its_outcome_and_its_actions_go(
    qtbot: QtBot, database: Database, actor: User
) -> None:
    set_clock(lambda: THURSDAY + timedelta(days=1))
    with database.write(actor) as s:
        ensure_default_terms(s, actor)
        incident = make_incident(s, actor, seen_at=MONDAY - timedelta(days=1), happened_at=None)
        poster = make_person(s, actor)
        add_involvement(s, actor, incident.id, poster.id, InvolvementRole.POSTER)
        first = create_request(
            s,
            actor,
            incident.id,
            addressee_id=poster.id,
            method=DeletionMethod.EMAIL,
            sent_at=MONDAY,
        )
        second = send_second_request(
            s, actor, first.id, method=DeletionMethod.EMAIL, sent_at=THURSDAY
        )
        record_outcome(
            s, actor, second.id, DeletionOutcome.REMOVED, verified_at=THURSDAY + timedelta(hours=3)
        )
        incident_id = incident.id
    panel = CaseworkPanel(AppContext(database, actor.id))
    qtbot.addWidget(panel)
    panel.show_incident(incident_id)
    first_item, second_item = (panel.request_list.topLevelItem(i) for i in range(2))
    assert first_item is not None and second_item is not None
    assert first_item.text(5) == (
        "No reply — superseded: the post was removed after another request"
    )
    assert second_item.text(5) == "Removed, checked 26/11/2026 12:00"
    panel.request_list.setCurrentItem(first_item)
    for button in (panel.removed, panel.outcome, panel.second, panel.letter):
        assert not button.isEnabled(), button.text()
