"""From "please delete this post" to closing: a DSL works a request and an escalation in
the incident window while the clock moves on; the dashboard, the navigation and the
timeline follow."""

from __future__ import annotations

from datetime import UTC, date, datetime

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QInputDialog, QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.core.clock import set_clock
from app.core.db import Database
from app.core.models import DeletionRequest, Escalation, Incident, User
from app.core.services.chronology import list_chronology
from app.core.services.involvements import add_involvement
from app.core.services.terms import ensure_default_terms
from app.core.vocab import (
    Category,
    ChronologyKind,
    DeletionMethod,
    DeletionOutcome,
    EscalationKind,
    IncidentOutcome,
    IncidentStatus,
    InvolvementRole,
)
from app.ui.incidents.casework_dialogs import EscalationDialog, OutcomeDialog, RequestDialog
from app.ui.incidents.editor import IncidentEditor
from app.ui.main_window import MainWindow
from tests.factories import make_incident, make_person
from tests.ui.helpers import press, when_modal

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
FRIDAY = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def _guidance_button(editor: IncidentEditor, advice_starts: str) -> QPushButton:
    grid = editor.casework.guidance
    for row in range(grid.rowCount()):
        label, button = grid.itemAtPosition(row, 0), grid.itemAtPosition(row, 1)
        if label and button:
            advice = label.widget()
            assert isinstance(advice, QLabel)
            if advice.text().startswith(advice_starts):
                widget = button.widget()
                assert isinstance(widget, QPushButton)
                return widget
    raise AssertionError(f"no guidance step starting {advice_starts!r}")


def _open(qtbot: QtBot, window: MainWindow, incident_id: int) -> IncidentEditor:
    window.open_incident(incident_id)
    editor = window.editors[incident_id]
    qtbot.waitExposed(editor)
    editor.tabs.setCurrentWidget(editor.casework)
    return editor


def test_request_overdue_escalate_removed_closed(
    qtbot: QtBot, database: Database, actor: User, qsettings: QSettings
) -> None:
    set_clock(lambda: MONDAY)
    with database.write(actor) as s:
        ensure_default_terms(s, actor)
        incident = make_incident(
            s,
            actor,
            seen_at=datetime(2026, 11, 20, 15, tzinfo=UTC),
            happened_at=None,
            categories=frozenset({Category.BULLYING}),
        )
        poster = make_person(s, actor)
        add_involvement(s, actor, incident.id, poster.id, InvolvementRole.POSTER)
        incident_id = incident.id
    window = MainWindow(database, actor.id, qsettings)
    qtbot.addWidget(window)
    window.show()
    assert window.nav.item(0).text() == "Dashboard" and window.notice.isHidden()

    # -- Monday: the guidance suggests asking the parent; one click opens the request -----
    editor = _open(qtbot, window, incident_id)

    def send(dialog: QWidget) -> None:
        assert isinstance(dialog, RequestDialog)
        assert dialog.addressee.currentText() == "Siobhán O'Neill"
        # A posted letter: delivered by Thursday (three working days), two school days on.
        assert dialog.deadline.value() == date(2026, 11, 30)
        dialog.method.set_value(DeletionMethod.EMAIL)  # emailed: two school days from today
        assert dialog.deadline.value() == date(2026, 11, 25)
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()

    when_modal(send, kind=RequestDialog)
    qtbot.mouseClick(_guidance_button(editor, "Ask Siobhán O'Neill"), Qt.MouseButton.LeftButton)
    with database.read(actor) as s:
        request = s.scalars(select(DeletionRequest)).one()
        assert (request.deadline, request.outcome) == (date(2026, 11, 25), DeletionOutcome.PENDING)
    assert editor.casework.request_list.topLevelItemCount() == 1
    # The request went: the incident is no longer "new", in the form as on record.
    assert editor.form.status.value() is IncidentStatus.AWAITING_REMOVAL
    assert not editor.is_dirty()
    editor.close()

    # -- Friday: the deadline has passed ---------------------------------------------------
    set_clock(lambda: FRIDAY)
    press(window, Qt.Key.Key_F5)
    assert window.nav.item(0).text() == "Dashboard (1 due)"
    dashboard = window.dashboard
    assert dashboard is not None
    [due] = dashboard.due_items
    assert due.what == "Deletion request to Siobhán O'Neill: deadline passed"
    due_row = dashboard.due.topLevelItem(0)
    assert due_row is not None and due_row.text(1) == "2 days"
    assert dashboard.overdue.text().startswith("1\n")

    # -- open it from the dashboard; escalate to the platform with its reference ----------
    dashboard.due.itemActivated.emit(dashboard.due.topLevelItem(0), 0)
    editor = window.editors[incident_id]
    editor.tabs.setCurrentWidget(editor.casework)

    def escalate_with_reference(dialog: QWidget) -> None:
        assert isinstance(dialog, EscalationDialog)
        assert dialog.kind.value() is EscalationKind.PLATFORM_REPORT
        dialog.reference.setText("FB-5531-2207")
        dialog.save()

    when_modal(escalate_with_reference, kind=EscalationDialog)
    qtbot.mouseClick(
        _guidance_button(editor, "Or report the post to the platform"), Qt.MouseButton.LeftButton
    )
    with database.read(actor) as s:
        escalation = s.scalars(select(Escalation)).one()
        assert escalation.reference_number == "FB-5531-2207"
        assert s.get(Incident, incident_id).status is IncidentStatus.ESCALATED  # type: ignore[union-attr]
    assert editor.form.status.value() is IncidentStatus.ESCALATED

    # -- the post comes down: mark the request removed -----------------------------------
    def removed(dialog: QWidget) -> None:
        assert isinstance(dialog, OutcomeDialog)
        assert dialog.outcome.value() is DeletionOutcome.REMOVED
        dialog.save()

    when_modal(removed, kind=OutcomeDialog)
    qtbot.mouseClick(editor.casework.removed, Qt.MouseButton.LeftButton)
    with database.read(actor) as s:
        assert s.scalars(select(DeletionRequest)).one().outcome is DeletionOutcome.REMOVED

    # -- close it: the platform report is still open, so Footprint asks why ---------------
    editor.tabs.setCurrentWidget(editor.form)
    editor.form.status.set_value(IncidentStatus.CLOSED)
    editor.form.outcome.set_value(IncidentOutcome.POST_REMOVED)
    qtbot.keyClicks(editor.form.outcome_rationale, "The parent removed the post.")

    def confirm(dialog: QWidget) -> None:
        assert isinstance(dialog, QInputDialog)
        assert "Report to the platform (open)" in dialog.labelText()
        dialog.setTextValue("The post is down; the platform report no longer matters.")
        dialog.accept()

    when_modal(confirm, kind=QInputDialog)
    press(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    with database.read(actor) as s:
        assert s.get(Incident, incident_id).status is IncidentStatus.CLOSED  # type: ignore[union-attr]
        timeline = list(reversed(list_chronology(s, incident_id)))  # oldest first
    assert window.nav.item(0).text() == "Dashboard"
    kinds = [entry.kind for entry in timeline]
    expected = [
        ChronologyKind.CREATED,
        ChronologyKind.PERSON_ADDED,
        ChronologyKind.DELETION_REQUEST,
        ChronologyKind.STATUS_CHANGED,  # new → awaiting removal: the request was sent
        ChronologyKind.ESCALATION,
        ChronologyKind.STATUS_CHANGED,  # → escalated: the platform report is open
        ChronologyKind.DELETION_REQUEST,
        ChronologyKind.CLOSED_WITH_OPEN_ITEMS,
        ChronologyKind.STATUS_CHANGED,
    ]
    assert [k for k in kinds if k in set(expected)] == expected
    texts = [entry.text for entry in timeline]
    assert any("deadline 25/11/2026" in t for t in texts)
    assert any("FB-5531-2207" in t for t in texts)
    assert any("pending → removed" in t for t in texts)
    changes = [t for t in texts if t.startswith("Status changed")]
    assert changes == [
        "Status changed from New to Awaiting removal: a request to delete the post is "
        "waiting for a reply.",
        "Status changed from Awaiting removal to Escalated: an escalation is open.",
        "Status changed from Escalated to Closed.",
    ]


def test_overdue_work_is_announced_at_start(
    qtbot: QtBot, database: Database, actor: User, qsettings: QSettings
) -> None:
    set_clock(lambda: MONDAY)
    with database.write(actor) as s:
        ensure_default_terms(s, actor)
        incident = make_incident(
            s, actor, seen_at=datetime(2026, 11, 20, 15, tzinfo=UTC), happened_at=None
        )
        poster = make_person(s, actor)
        add_involvement(s, actor, incident.id, poster.id, InvolvementRole.POSTER)
        from app.core.services.deletion_requests import create_request
        from app.core.vocab import DeletionMethod

        create_request(
            s,
            actor,
            incident.id,
            addressee_id=poster.id,
            method=DeletionMethod.EMAIL,
            sent_at=MONDAY,
        )
    set_clock(lambda: FRIDAY)
    window = MainWindow(database, actor.id, qsettings)
    qtbot.addWidget(window)
    window.show()
    assert window.notice.isVisible()
    assert window.notice.text.text().startswith("1 thing is due or overdue")
    qtbot.mouseClick(window.notice.dismiss, Qt.MouseButton.LeftButton)
    assert window.notice.isHidden()
    assert window.isVisible()  # non-modal: the window was usable all along
