"""A DSL records, finds, corrects and closes an incident with keyboard and mouse; the
database is checked after each step."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication, QInputDialog, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app.core.actors import SYSTEM
from app.core.db import Database
from app.core.models import Incident, User
from app.core.services.chronology import list_chronology
from app.core.services.evidence import list_evidence
from app.core.services.involvements import list_involvements
from app.core.vocab import (
    Category,
    ChronologyKind,
    IncidentOutcome,
    IncidentStatus,
    InvolvementRole,
    PersonKind,
    Platform,
)
from app.ui.incidents.editor import IncidentEditor
from app.ui.main_window import MainWindow
from app.ui.people.picker import PersonPicker
from tests.factories import make_person
from tests.ui.helpers import make_active, press, type_text, when_modal

CTRL = Qt.KeyboardModifier.ControlModifier


def _pick(qtbot: QtBot, typed: str, role: InvolvementRole) -> None:
    def act(dialog: QWidget) -> None:
        assert isinstance(dialog, PersonPicker)
        type_text(dialog.search, typed)
        dialog.refresh()
        dialog.role.set_value(role)
        qtbot.keyClick(dialog.search, Qt.Key.Key_Return)

    when_modal(act, kind=PersonPicker)


def _tick(qtbot: QtBot, editor: IncidentEditor, category: Category) -> None:
    """Click the category's check box, as a DSL would."""
    categories = editor.form.categories
    [item] = categories.findItems(category.label, Qt.MatchFlag.MatchExactly)
    categories.scrollToItem(item)
    rect = categories.visualItemRect(item)
    box = rect.topLeft() + QPoint(rect.height() // 2 + 2, rect.height() // 2)
    qtbot.mouseClick(categories.viewport(), Qt.MouseButton.LeftButton, pos=box)
    assert item.checkState() == Qt.CheckState.Checked, f"{category.label} not ticked"


def _text_colour(widget: QWidget) -> str:
    return widget.palette().color(QPalette.ColorRole.WindowText).name()


def _count(database: Database, model: type[Incident]) -> int:
    with database.read(SYSTEM) as s:
        return int(s.scalar(select(func.count(model.id))) or 0)


def test_record_find_correct_and_close(
    qtbot: QtBot, window: MainWindow, database: Database, actor: User
) -> None:
    with database.write(actor) as s:
        make_person(s, actor, given_name="Łukasz", family_name="Wiśniewski")
        make_person(
            s,
            actor,
            kind=PersonKind.PUPIL,
            given_name="Zoë",
            family_name="Okafor",
            year_group="4",
            class_name="4 Ash",
        )

    # -- Ctrl+N, type the incident -----------------------------------------------------
    press(window, Qt.Key.Key_N, CTRL)
    editor = window.editors[None]
    qtbot.waitExposed(editor)
    make_active(editor)
    form = editor.form
    qtbot.keyClicks(form.summary, "Parent posted a photo of Year 4 with an insulting caption.")
    form.platform.setFocus()
    qtbot.keyClicks(form.platform, "Instagram")
    assert form.platform.value() is Platform.INSTAGRAM
    qtbot.keyClicks(form.url, "https://www.instagram.com/p/Cx1/")
    qtbot.keyClicks(form.account_handle, "@hollybank_mum")
    _tick(qtbot, editor, Category.RUDE_OR_INSULTING)
    _tick(qtbot, editor, Category.IMAGE_WITHOUT_CONSENT)
    form.safeguarding_concern.setFocus()
    qtbot.keyClick(form.safeguarding_concern, Qt.Key.Key_Space)

    # -- two people in different roles -------------------------------------------------
    editor.tabs.setCurrentWidget(editor.people)
    _pick(qtbot, "łuk", InvolvementRole.POSTER)
    qtbot.mouseClick(editor.people.add_button, Qt.MouseButton.LeftButton)
    _pick(qtbot, "zoe", InvolvementRole.TARGET)
    qtbot.mouseClick(editor.people.add_button, Qt.MouseButton.LeftButton)
    assert editor.people.list.topLevelItemCount() == 2

    # -- a screenshot pasted as evidence, and a note -------------------------------------
    editor.tabs.setCurrentWidget(editor.evidence)
    image = QImage(120, 80, QImage.Format.Format_RGB32)
    image.fill(QColor("darkorange"))
    QApplication.clipboard().setImage(image)
    qtbot.mouseClick(editor.evidence.paste, Qt.MouseButton.LeftButton)
    assert editor.evidence.list.topLevelItemCount() == 1
    editor.tabs.setCurrentWidget(editor.timeline)
    type_text(editor.timeline.note, "Phoned Mr Wiśniewski; he will take it down today.")
    assert _count(database, Incident) == 0  # nothing is stored before Save

    # -- Ctrl+S ------------------------------------------------------------------------
    press(editor, Qt.Key.Key_S, CTRL)
    assert editor.message.text().startswith("Saved"), editor.message.text()
    # A confirmation is in the ordinary text colour; red is kept for refusals.
    assert _text_colour(editor.message) == _text_colour(editor.form)
    with database.read(actor) as s:
        [incident] = s.scalars(select(Incident)).all()
        assert incident.category_set == {Category.RUDE_OR_INSULTING, Category.IMAGE_WITHOUT_CONSENT}
        assert incident.platform is Platform.INSTAGRAM and incident.safeguarding_concern
        assert incident.account_handle == "@hollybank_mum"
        people = [(r.person_name, r.role) for r in list_involvements(s, incident.id)]
        assert people == [
            ("Łukasz Wiśniewski", InvolvementRole.POSTER),
            ("Zoë Okafor", InvolvementRole.TARGET),
        ]
        [evidence] = list_evidence(s, incident.id)
        assert evidence.media_type == "image/png"
        notes = [r for r in list_chronology(s, incident.id) if r.kind is ChronologyKind.NOTE]
        assert [n.text for n in notes] == ["Phoned Mr Wiśniewski; he will take it down today."]
        reference, incident_id = incident.reference, incident.id
    assert editor.windowTitle().startswith(reference)
    editor.close()

    # -- find it by typing part of the poster's name ---------------------------------------
    press(window, Qt.Key.Key_F, CTRL)
    type_text(window.incident_view.search, "wiśn")
    qtbot.waitUntil(lambda: window.incident_view.count.text() == "1 incident", timeout=2000)
    table = window.incident_view.table
    assert table.model().index(0, 0).data().startswith(reference)
    assert "Łukasz Wiśniewski" in table.model().index(0, 4).data()
    qtbot.keyClicks(window.incident_view.search, "xyz")
    qtbot.waitUntil(lambda: window.incident_view.count.text() == "0 incidents", timeout=2000)
    window.incident_view.search.clear()
    qtbot.keyClicks(window.incident_view.search, "okafor")
    qtbot.waitUntil(lambda: window.incident_view.count.text() == "1 incident", timeout=2000)

    # -- reopen it (Enter), correct the note -------------------------------------------
    table.setFocus()
    table.setCurrentIndex(table.model().index(0, 0))
    qtbot.keyClick(table, Qt.Key.Key_Return)
    editor = window.editors[incident_id]
    qtbot.waitExposed(editor)
    make_active(editor)
    editor.tabs.setCurrentWidget(editor.timeline)
    items = editor.timeline.list
    shown = [items.topLevelItem(i) for i in range(items.topLevelItemCount())]
    note_item = next(item for item in shown if item is not None and item.text(2) == "Note")
    items.setCurrentItem(note_item)

    def correct(dialog: QWidget) -> None:
        assert isinstance(dialog, QInputDialog)
        dialog.setTextValue("Phoned Mrs Wiśniewska; she will take it down today.")
        dialog.accept()

    when_modal(correct, kind=QInputDialog)
    qtbot.mouseClick(editor.timeline.correct, Qt.MouseButton.LeftButton)
    press(editor, Qt.Key.Key_S, CTRL)
    with database.read(actor) as s:
        rows = list_chronology(s, incident_id)
        original = next(r for r in rows if r.kind is ChronologyKind.NOTE)
        amendment = next(r for r in rows if r.kind is ChronologyKind.AMENDMENT)
        assert original.text == "Phoned Mr Wiśniewski; he will take it down today."
        assert amendment.amends_id == original.id
        assert amendment.text == "Phoned Mrs Wiśniewska; she will take it down today."

    # -- closing needs an outcome and a rationale --------------------------------------------
    editor.tabs.setCurrentWidget(editor.form)
    editor.form.status.set_value(IncidentStatus.CLOSED)
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.form.errors.message_for("outcome") == (
        "Choose the outcome before closing the incident."
    )
    with database.read(actor) as s:
        assert s.get(Incident, incident_id).status is IncidentStatus.NEW  # type: ignore[union-attr]
    editor.form.outcome.set_value(IncidentOutcome.POST_REMOVED)
    qtbot.keyClicks(editor.form.outcome_rationale, "Removed the same day; checked at 16:00.")

    # A safeguarding concern that was never escalated: Footprint asks for the decision.
    def decide(dialog: QWidget) -> None:
        assert isinstance(dialog, QInputDialog)
        assert "never escalated" in dialog.labelText()
        dialog.setTextValue("Talked it through with the deputy DSL: handled in school.")
        dialog.accept()

    when_modal(decide, kind=QInputDialog)
    press(editor, Qt.Key.Key_S, CTRL)
    with database.read(actor) as s:
        decision = next(
            r
            for r in list_chronology(s, incident_id)
            if r.kind is ChronologyKind.NO_ESCALATION_DECISION
        )
        assert decision.text.endswith("handled in school.")
        closed = s.get(Incident, incident_id)
        assert closed is not None and closed.status is IncidentStatus.CLOSED
        assert closed.outcome is IncidentOutcome.POST_REMOVED
        assert closed.outcome_rationale == "Removed the same day; checked at 16:00."
        assert closed.closed_at is not None
    assert not editor.is_dirty()
