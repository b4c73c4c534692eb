"""Bad input in the request and escalation dialogs: a clear message beside the field, the
dialog stays open with what was typed, nothing is saved. And term dates are editable."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app.core.actors import SYSTEM
from app.core.clock import set_clock
from app.core.db import Database
from app.core.models import DeletionRequest, Escalation, User
from app.core.services.chronology import list_chronology
from app.core.services.deletion_requests import create_request, list_requests
from app.core.services.escalations import create_escalation, list_escalations
from app.core.services.involvements import add_involvement
from app.core.services.terms import ensure_default_terms, list_terms
from app.core.vocab import (
    ChronologyKind,
    DeletionMethod,
    EscalationKind,
    EscalationStatus,
    InvolvementRole,
    TermName,
)
from app.ui.context import AppContext
from app.ui.incidents.casework_dialogs import (
    AddReferenceDialog,
    EscalationDialog,
    EscalationUpdateDialog,
    ReplyDialog,
)
from app.ui.incidents.casework_panel import CaseworkPanel
from app.ui.terms_editor import TermDialog
from tests.factories import make_incident, make_person
from tests.ui.helpers import when_modal

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def incident_id(database: Database, actor: User) -> int:
    set_clock(lambda: MONDAY)
    with database.write(actor) as s:
        ensure_default_terms(s, actor)
        incident = make_incident(
            s, actor, seen_at=datetime(2026, 11, 20, tzinfo=UTC), happened_at=None
        )
        poster = make_person(s, actor)
        add_involvement(s, actor, incident.id, poster.id, InvolvementRole.POSTER)
        create_request(
            s,
            actor,
            incident.id,
            addressee_id=poster.id,
            method=DeletionMethod.EMAIL,
            sent_at=MONDAY,
        )
        return incident.id


def _count(database: Database, model: type[Escalation]) -> int:
    with database.read(SYSTEM) as s:
        return int(s.scalar(select(func.count(model.id))) or 0)


def test_a_reference_not_given_yet_is_added_later(
    qtbot: QtBot, database: Database, actor: User, incident_id: int
) -> None:
    context = AppContext(database, actor.id)
    dialog = EscalationDialog(context, incident_id, kind=EscalationKind.POSH)
    qtbot.addWidget(dialog)
    assert "add it later" in dialog.reference.placeholderText()
    qtbot.keyClicks(dialog.contact, "Helpline adviser, Tuesday call")
    qtbot.keyClicks(dialog.notes, "Adviser will ask the platform; case number to follow")
    dialog.save()
    assert dialog.result() == 1  # saved: no case number is made up
    with database.read(actor) as s:
        [row] = list_escalations(s, incident_id)
    assert (row.reference_number, row.reference_due_on) == ("", date(2026, 11, 25))
    assert row.notes == "Adviser will ask the platform; case number to follow"
    assert row.outcome == ""  # notes are notes, not what came back

    panel = CaseworkPanel(context)
    qtbot.addWidget(panel)
    panel.show_incident(incident_id)
    item = panel.escalation_list.topLevelItem(0)
    assert item is not None
    assert item.text(2) == "Not given yet (add by 25/11/2026)"
    assert item.text(5) == "" and item.text(6).startswith("Adviser will ask")
    assert panel.add_reference.isEnabled()

    def add(dialog: QWidget) -> None:
        assert isinstance(dialog, AddReferenceDialog)
        qtbot.keyClicks(dialog.reference, "POSH-2026-0412")
        dialog.save()

    when_modal(add, kind=AddReferenceDialog)
    qtbot.mouseClick(panel.add_reference, Qt.MouseButton.LeftButton)
    item = panel.escalation_list.topLevelItem(0)
    assert item is not None and item.text(2) == "POSH-2026-0412"
    assert not panel.add_reference.isEnabled()
    with database.read(actor) as s:
        entries = list_chronology(s, incident_id)
    added = [e for e in entries if e.kind is ChronologyKind.REFERENCE_ADDED]
    assert len(added) == 1 and "helpline case number POSH-2026-0412 added" in added[0].text
    first = next(e for e in entries if e.kind is ChronologyKind.ESCALATION)
    assert "not given yet" in first.text  # the entry of the time stays as it was


def test_an_escalation_outcome_is_offered_as_it_exists_for_that_route(
    qtbot: QtBot, database: Database, actor: User, incident_id: int
) -> None:
    with database.write(actor) as s:
        create_escalation(
            s,
            actor,
            incident_id,
            kind=EscalationKind.PLATFORM_REPORT,
            escalated_at=MONDAY,
            next_follow_up_on=date(2026, 11, 30),
        )
        [row] = list_escalations(s, incident_id)
    dialog = EscalationUpdateDialog(AppContext(database, actor.id), row)
    qtbot.addWidget(dialog)
    offered = [dialog.status.itemText(i) for i in range(dialog.status.count())]
    assert "Actioned" in offered and "Not actioned (declined)" in offered
    assert "Police took no further action" not in offered
    assert not dialog.follow_up_row.isHidden()
    dialog.status.set_value(EscalationStatus.ACTIONED)
    assert dialog.follow_up_row.isHidden()  # an outcome needs no follow-up
    qtbot.keyClicks(dialog.outcome, "Account suspended by the platform")
    dialog.save()
    assert dialog.result() == 1
    with database.read(actor) as s:
        [row] = list_escalations(s, incident_id)
    assert row.status is EscalationStatus.ACTIONED and not row.is_open


def test_a_follow_up_date_in_the_past(
    qtbot: QtBot, database: Database, actor: User, incident_id: int
) -> None:
    dialog = EscalationDialog(
        AppContext(database, actor.id), incident_id, kind=EscalationKind.PLATFORM_REPORT
    )
    qtbot.addWidget(dialog)
    dialog.follow_up.set_value(date(2026, 11, 2))
    dialog.save()
    assert dialog.errors.message_for("next_follow_up_on") == (
        "The follow-up date can't be in the past."
    )
    assert _count(database, Escalation) == 0


def test_a_reply_dated_before_sending(
    qtbot: QtBot, database: Database, actor: User, incident_id: int
) -> None:
    with database.read(actor) as s:
        [request] = list_requests(s, incident_id)
    dialog = ReplyDialog(AppContext(database, actor.id), request)
    qtbot.addWidget(dialog)
    dialog.reply_at.set_value(datetime(2026, 11, 22, 12, tzinfo=UTC))
    qtbot.keyClicks(dialog.summary, "Said it was only a joke")
    dialog.save()
    assert dialog.errors.message_for("reply_at") == (
        "The reply can't have come before the request was sent."
    )
    assert dialog.summary.toPlainText() == "Said it was only a joke"
    with database.read(actor) as s:
        assert s.scalars(select(DeletionRequest)).one().reply_received_at is None


def test_term_dates_are_changed_in_settings(
    qtbot: QtBot, database: Database, actor: User, incident_id: int
) -> None:
    context = AppContext(database, actor.id)
    with database.read(actor) as s:
        autumn = next(
            t for t in list_terms(s) if (t.academic_year, t.name) == (2026, TermName.AUTUMN)
        )
    dialog = TermDialog(context, autumn)
    qtbot.addWidget(dialog)
    dialog.ends_on.set_value(date(2026, 8, 1))
    dialog.save()
    assert dialog.errors.message_for("ends_on") == "The term must end after it starts."
    dialog.ends_on.set_value(date(2026, 12, 16))
    dialog.half_start.set_value(date(2026, 10, 19))
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    with database.read(actor) as s:
        changed = next(
            t for t in list_terms(s) if (t.academic_year, t.name) == (2026, TermName.AUTUMN)
        )
    assert (changed.ends_on, changed.half_term_starts_on) == (
        date(2026, 12, 16),
        date(2026, 10, 19),
    )


def test_a_drafted_request_is_marked_sent_and_then_counts(
    qtbot: QtBot, database: Database, actor: User, incident_id: int
) -> None:

    from app.ui.incidents.casework_dialogs import MarkSentDialog
    from app.ui.incidents.casework_panel import CaseworkPanel
    from tests.ui.helpers import when_modal

    with database.write(actor) as s:
        [existing] = list_requests(s, incident_id)
        create_request(
            s,
            actor,
            incident_id,
            addressee_id=existing.addressee_id,
            method=DeletionMethod.EMAIL,  # two school days from sending
            sent_at=None,
        )
    panel = CaseworkPanel(AppContext(database, actor.id))
    qtbot.addWidget(panel)
    panel.show_incident(incident_id)
    draft_item = panel.request_list.topLevelItem(1)
    assert draft_item is not None
    panel.request_list.setCurrentItem(draft_item)
    assert panel.mark_sent.isEnabled() and not panel.reply.isEnabled()
    assert not panel.removed.isEnabled()

    def sent(dialog: QWidget) -> None:
        assert isinstance(dialog, MarkSentDialog)
        assert dialog.deadline.value() == date(2026, 11, 25)
        dialog.save()

    when_modal(sent, kind=MarkSentDialog)
    panel.mark_sent.click()
    with database.read(actor) as s:
        draft = list_requests(s, incident_id)[1]
    assert draft.sent_at is not None and draft.deadline == date(2026, 11, 25)
