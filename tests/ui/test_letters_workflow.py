"""Letters as the DSL and the headteacher make them: from a deletion request and from the
incident's Letters tab, previewed, printed (to a PDF file through QPrinter, as a printer
would get them), saved, reprinted, and the wording edited in Settings → Letters."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app.core.actors import SYSTEM
from app.core.clock import set_clock
from app.core.db import Database
from app.core.letter_templates import default_templates
from app.core.models import Letter, LetterTemplateVersion, Person, SchoolSettings, User
from app.core.services.chronology import list_chronology
from app.core.services.deletion_requests import create_request, list_requests
from app.core.services.incidents import withdraw_incident
from app.core.services.involvements import add_involvement
from app.core.services.letter_recipients import recipients
from app.core.services.letter_records import letter_pdf, list_letters
from app.core.services.letter_wording import current_templates
from app.core.services.letters import make_letters
from app.core.services.lookups import get_incident
from app.core.services.people import link_parent
from app.core.services.platforms import minimum_age
from app.core.services.school import SchoolDetails, save_settings
from app.core.services.terms import ensure_default_terms
from app.core.vocab import (
    ChronologyKind,
    DeletionMethod,
    InvolvementRole,
    LetterDelivery,
    LetterSigner,
    PersonKind,
    Platform,
)
from app.ui.context import AppContext
from app.ui.incidents.casework_dialogs import RequestDialog
from app.ui.incidents.editor import IncidentEditor
from app.ui.letters.letter_dialog import LetterDialog
from app.ui.main_window import LETTERS, SETTINGS, MainWindow
from app.ui.people.directory import PeoplePage
from tests.factories import make_incident, make_person
from tests.ui.helpers import press, type_text, when_modal

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


@pytest.fixture
def case(database: Database, actor: User) -> dict[str, int]:
    """A pupil who posted, both parents on record, and a request sent to the pupil."""
    set_clock(lambda: MONDAY)
    with database.write(actor) as s:
        save_settings(
            s,
            actor,
            SchoolDetails(
                name="St Mary's & St John's C of E <Primary>",
                address="1 Church Lane\nElmford",
                headteacher_name="Mrs Siobhán O'Neill",
            ),
        )
        ensure_default_terms(s, actor)
        incident = make_incident(s, actor, seen_at=MONDAY - timedelta(days=1), happened_at=None)
        pupil = make_person(
            s, actor, kind=PersonKind.PUPIL, given_name="Zoë", family_name="Şükrü", year_group="4"
        )
        mother = make_person(
            s, actor, title="Mrs", given_name="Ольга", family_name="Şükrü", address="2 Elm Row"
        )
        father = make_person(
            s, actor, title="Mr", given_name="Łukasz", family_name="Şükrü", address="9 Oak Road"
        )
        link_parent(s, actor, mother.id, pupil.id)
        link_parent(s, actor, father.id, pupil.id)
        add_involvement(s, actor, incident.id, pupil.id, InvolvementRole.POSTER)
        request = create_request(
            s,
            actor,
            incident.id,
            addressee_id=pupil.id,
            method=DeletionMethod.LETTER,
            sent_at=MONDAY,
        )
        return {
            "incident": incident.id,
            "mother": mother.id,
            "father": father.id,
            "request": request.id,
        }


def window_context(database: Database, actor: User) -> AppContext:
    return AppContext(database, actor.id)


def _open(qtbot: QtBot, window: MainWindow, incident_id: int) -> IncidentEditor:
    window.open_incident(incident_id)
    editor = window.editors[incident_id]
    qtbot.waitExposed(editor)
    return editor


def test_both_parents_letters_print_as_one_job_and_go_on_record(
    qtbot: QtBot,
    window: MainWindow,
    database: Database,
    case: dict[str, int],
    tmp_path: Path,
) -> None:
    editor = _open(qtbot, window, case["incident"])
    editor.tabs.setCurrentWidget(editor.casework)
    request_item = editor.casework.request_list.topLevelItem(0)
    assert request_item is not None
    editor.casework.request_list.setCurrentItem(request_item)
    assert editor.casework.letter.isEnabled()
    printed = tmp_path / "printed.pdf"
    seen: dict[str, object] = {}

    def in_dialog(dialog: QWidget) -> None:
        assert isinstance(dialog, LetterDialog)
        seen["template"] = dialog.template.currentText()
        seen["ticked"] = sorted(dialog.chosen_ids())
        seen["pages"] = [label.accessibleName() for label in dialog.preview.page_labels]
        seen["notes"] = dialog.notes.text()
        dialog.choose_printer = lambda _parent: _pdf_printer(printed)
        press(dialog.people, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)

    when_modal(in_dialog, kind=LetterDialog)
    qtbot.mouseClick(editor.casework.letter, Qt.MouseButton.LeftButton)

    # The request's template, and both parents of the pupil who posted, ticked for them.
    assert seen["template"] == "Request to remove a post"
    assert seen["ticked"] == sorted([case["mother"], case["father"]])
    assert seen["pages"] == ["Letter 1, page 1 of 1", "Letter 2, page 1 of 1"]
    assert seen["notes"] == "2 letters, 2 pages."
    # One print job holding both letters.
    assert len(PdfReader(io.BytesIO(printed.read_bytes())).pages) == 2
    with database.read(SYSTEM) as s:
        letters = list(s.scalars(select(Letter).order_by(Letter.id)))
        by_addressee = {letter.addressee_id: letter for letter in letters}
        assert sorted(by_addressee) == sorted([case["mother"], case["father"]])
        assert all(letter.deletion_request_id == case["request"] for letter in letters)
        stored = letter_pdf(s, by_addressee[case["mother"]].id)
        timeline = list_chronology(s, case["incident"])
    reader = PdfReader(io.BytesIO(stored))
    text = " ".join(reader.pages[0].extract_text().split())
    for expected in (
        "St Mary's & St John's C of E <Primary>",
        "Mrs Ольга Şükrü",
        "Dear Mrs Şükrü,",
        "Mrs Siobhán O'Neill",
        "30 November 2026",  # the request's deadline (posted: from delivery)
    ):
        assert expected in text, expected
    assert [e.kind for e in timeline].count(ChronologyKind.LETTER) == 2
    # The incident window shows them on its Letters tab and on the timeline.
    assert editor.letters.tree.topLevelItemCount() == 2
    assert any("Letter “Request to remove a post”" in r.text for r in timeline)


def test_save_as_pdf_then_reprint_from_the_letters_page(
    qtbot: QtBot,
    window: MainWindow,
    database: Database,
    case: dict[str, int],
    tmp_path: Path,
) -> None:
    editor = _open(qtbot, window, case["incident"])
    editor.tabs.setCurrentWidget(editor.letters)
    assert "No letters yet" in editor.letters.empty.text()
    saved = tmp_path / "letter.pdf"
    offered: list[str] = []

    def in_dialog(dialog: QWidget) -> None:
        assert isinstance(dialog, LetterDialog)
        dialog.template.setCurrentIndex(dialog.template.findData("child_involved"))
        # Only the mother gets this one: untick the father.
        for row in range(dialog.people.count()):
            item = dialog.people.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == case["father"]:
                item.setCheckState(Qt.CheckState.Unchecked)
        dialog.update_preview()
        assert len(dialog.preview.page_labels) == 1

        def where(_parent: QWidget, suggested: str) -> Path:
            offered.append(suggested)
            return saved

        dialog.choose_save_path = where
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    when_modal(in_dialog, kind=LetterDialog)
    qtbot.mouseClick(editor.letters.new_button, Qt.MouseButton.LeftButton)

    assert offered == ["SM-2026-0001 Your child was involved in an incident online.pdf"]
    with database.read(SYSTEM) as s:
        [row] = list_letters(s, case["incident"])
        assert saved.read_bytes() == letter_pdf(s, row.id)
    assert row.addressee_name == "Mrs Ольга Şükrü"
    assert (
        "An incident on social media involving Zoë Şükrü"
        in PdfReader(io.BytesIO(saved.read_bytes())).pages[0].extract_text()
    )

    # A week on, the Letters page reprints the stored letter with Ctrl+P.
    editor.close()
    window.go(LETTERS)
    letters = window.letters
    assert letters is not None
    assert letters.tree.topLevelItemCount() == 1
    reprinted = tmp_path / "reprint.pdf"
    letters.choose_printer = lambda _parent: _pdf_printer(reprinted)
    press(letters.tree, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert len(PdfReader(io.BytesIO(reprinted.read_bytes())).pages) == 1
    assert letters.status.text() == "Reprinted the letter to Mrs Ольга Şükrü."
    with database.read(SYSTEM) as s:
        assert s.scalar(select(func.count()).select_from(Letter)) == 1  # nothing new made


def test_a_letter_that_cannot_be_filled_says_why_and_nothing_is_stored(
    qtbot: QtBot, window: MainWindow, database: Database, actor: User, case: dict[str, int]
) -> None:
    with database.write(actor) as s:
        adult = make_person(s, actor, given_name="Dara", family_name="Kelly")
        add_involvement(s, actor, case["incident"], adult.id, InvolvementRole.WITNESS)
    dialog = LetterDialog(window.context, case["incident"], "SM-2026-0001")
    qtbot.addWidget(dialog)
    dialog.template.setCurrentIndex(dialog.template.findData("child_involved"))
    for row in range(dialog.people.count()):
        item = dialog.people.item(row)
        wanted = item.data(Qt.ItemDataRole.UserRole) == adult.id
        item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)
    dialog.update_preview()
    assert "Dara Kelly is not the parent or carer of a pupil" in dialog.message.text()
    assert not dialog.print_button.isEnabled() and not dialog.save_button.isEnabled()
    dialog.print_letters()  # Ctrl+P does nothing either
    with database.read(actor) as s:
        assert s.scalar(select(func.count()).select_from(Letter)) == 0


def test_the_school_edits_a_template_in_settings(
    qtbot: QtBot, window: MainWindow, database: Database, case: dict[str, int]
) -> None:
    window.go(SETTINGS)
    assert window.settings_page is not None
    editor = window.settings_page.letters
    for row in range(editor.templates.count()):
        if editor.templates.item(row).data(Qt.ItemDataRole.UserRole) == "child_involved":
            editor.templates.setCurrentRow(row)
    assert editor.key == "child_involved"
    assert "An incident on social media involving" in editor.subject.text()

    # A misspelt placeholder is named, with the likely one, before anything is saved.
    editor.subject.selectAll()
    editor.subject.setFocus()
    type_text(editor.subject, "Über {child_nme}")
    editor.update_preview()
    error = editor.errors.message_for("subject")
    assert "Unknown placeholder {child_nme}. Did you mean {child_name}?" in error
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    with database.read(SYSTEM) as s:
        assert s.scalar(select(func.count()).select_from(LetterTemplateVersion)) == 0

    # The placeholder list puts a correct one where the cursor is.
    editor.subject.setFocus()
    editor.subject.setText("Über ")
    editor.subject.end(False)
    item = next(
        editor.placeholders.item(i)
        for i in range(editor.placeholders.count())
        if editor.placeholders.item(i).data(Qt.ItemDataRole.UserRole) == "child_name"
    )
    editor.insert_placeholder(item)
    assert editor.subject.text() == "Über {child_name}"
    editor.update_preview()
    assert editor.preview.page_labels and not editor.errors.message_for("subject")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    with database.read(SYSTEM) as s:
        assert current_templates(s)["child_involved"].subject == "Über {child_name}"
    assert "(the school's wording)" in editor.templates.currentItem().text()

    # Restore the default (after a confirmation).
    when_modal(
        lambda box: box.button(QMessageBox.StandardButton.Yes).click(),
        kind=QMessageBox,
    )
    qtbot.mouseClick(editor.restore_button, Qt.MouseButton.LeftButton)
    with database.read(SYSTEM) as s:
        assert current_templates(s)["child_involved"] == default_templates()["child_involved"]
    assert editor.subject.text() == default_templates()["child_involved"].subject


def test_an_svg_logo_becomes_a_png_on_the_letterhead(
    qtbot: QtBot, window: MainWindow, database: Database, case: dict[str, int], tmp_path: Path
) -> None:
    svg = tmp_path / "crest.svg"
    svg.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60">'
        '<rect width="120" height="60" fill="#204080"/></svg>',
        encoding="utf-8",
    )
    settings_page = window.settings_page
    assert settings_page is not None
    picture = settings_page.letterhead.logo
    assert picture.use_file(svg)
    with database.read(SYSTEM) as s:
        settings = s.scalars(select(SchoolSettings)).one()
        assert settings.logo is not None and settings.logo.startswith(b"\x89PNG")
        assert settings.logo_media_type == "image/png"
    broken = tmp_path / "broken.svg"
    broken.write_text("<svg this is not", encoding="utf-8")
    assert not picture.use_file(broken)
    assert "not an SVG picture" in settings_page.letterhead.errors.message_for("logo")
    with database.read(SYSTEM) as s:  # the good logo is kept
        assert s.scalars(select(SchoolSettings)).one().logo is not None
    dialog = LetterDialog(window.context, case["incident"], "SM-2026-0001")
    qtbot.addWidget(dialog)
    assert len(dialog.preview.page_labels) == 2  # both parents
    assert all(b"/Subtype /Image" in pdf for pdf in dialog.letters)  # the logo is drawn


def test_unsaved_incident_changes_are_saved_before_a_letter(
    qtbot: QtBot, window: MainWindow, database: Database, case: dict[str, int]
) -> None:
    editor = _open(qtbot, window, case["incident"])
    editor.form.summary.setPlainText("Corrected summary before the letter.")
    answers: list[str] = []

    def save_first(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        answers.append(box.text())
        box.button(QMessageBox.StandardButton.Save).click()
        when_modal(lambda d: d.reject(), kind=LetterDialog)

    when_modal(save_first, kind=QMessageBox)
    press(editor.tabs, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert answers and "Letters are made from what is saved" in answers[0]
    assert not editor.is_dirty()
    with database.read(SYSTEM) as s:
        assert get_incident(s, case["incident"]).summary == "Corrected summary before the letter."


def _ink(pdf: Path) -> float:
    """How much of the first printed page is dark (0 for a blank page)."""
    from app.ui.letters.pdf_pages import PdfFile

    image = PdfFile(pdf.read_bytes()).page(0, 30)
    dark = sum(
        1
        for y in range(0, image.height(), 2)
        for x in range(0, image.width(), 2)
        if image.pixelColor(x, y).lightness() < 128
    )
    return dark / ((image.width() // 2) * (image.height() // 2))


def test_a_printer_that_fails_keeps_nothing_on_record_and_a_good_one_prints_ink(
    qtbot: QtBot, window: MainWindow, database: Database, case: dict[str, int], tmp_path: Path
) -> None:
    dialog = LetterDialog(
        window.context, case["incident"], "SM-2026-0001", request_id=case["request"]
    )
    qtbot.addWidget(dialog)
    dialog.choose_printer = lambda _parent: _pdf_printer(tmp_path / "missing" / "x.pdf")
    dialog.print_letters()
    assert "nothing was kept on record" in dialog.message.text()
    with database.read(SYSTEM) as s:
        assert s.scalar(select(func.count()).select_from(Letter)) == 0
    # Trying again with a working printer makes each letter once.
    printed = tmp_path / "printed.pdf"
    dialog.choose_printer = lambda _parent: _pdf_printer(printed)
    dialog.print_letters()
    with database.read(SYSTEM) as s:
        assert s.scalar(select(func.count()).select_from(Letter)) == 2
    assert _ink(printed) > 0.002  # text on the page, not a blank sheet


def test_saving_never_replaces_an_earlier_batch(
    qtbot: QtBot, window: MainWindow, database: Database, case: dict[str, int], tmp_path: Path
) -> None:
    (tmp_path / "letters (1 of 2).pdf").write_bytes(b"an earlier letter")
    dialog = LetterDialog(
        window.context, case["incident"], "SM-2026-0001", request_id=case["request"]
    )
    qtbot.addWidget(dialog)
    dialog.choose_save_path = lambda _parent, _suggested: tmp_path / "letters.pdf"
    dialog.save_letters()
    assert "letters (1 of 2).pdf already exists" in dialog.message.text()
    assert (tmp_path / "letters (1 of 2).pdf").read_bytes() == b"an earlier letter"
    with database.read(SYSTEM) as s:
        assert s.scalar(select(func.count()).select_from(Letter)) == 0


def test_changing_the_letter_ticks_its_usual_addressees(
    qtbot: QtBot, window: MainWindow, database: Database, actor: User, case: dict[str, int]
) -> None:
    with database.write(actor) as s:
        target = make_person(s, actor, kind=PersonKind.PUPIL, given_name="Tam", year_group="4")
        carer = make_person(s, actor, given_name="Carer", address="3 Ash Way")
        link_parent(s, actor, carer.id, target.id)
        add_involvement(s, actor, case["incident"], target.id, InvolvementRole.TARGET)
    dialog = LetterDialog(window.context, case["incident"], "SM-2026-0001")
    qtbot.addWidget(dialog)
    dialog.template.setCurrentIndex(dialog.template.findData("request_removal"))
    assert sorted(dialog.chosen_ids()) == sorted([case["mother"], case["father"]])
    dialog.template.setCurrentIndex(dialog.template.findData("child_involved"))
    assert sorted(dialog.chosen_ids()) == sorted([case["mother"], case["father"], carer.id])
    dialog.template.setCurrentIndex(dialog.template.findData("underage_use"))
    assert carer.id not in dialog.chosen_ids()  # the target's family isn't told of "use"
    for row in range(dialog.people.count()):
        dialog.people.item(row).setCheckState(Qt.CheckState.Unchecked)
    dialog.update_preview()
    assert "letters," not in dialog.notes.text() and not dialog.print_button.isEnabled()


def test_a_withdrawn_incident_offers_no_new_letter_and_letters_can_be_withdrawn(
    qtbot: QtBot, window: MainWindow, database: Database, actor: User, case: dict[str, int]
) -> None:
    with database.write(actor) as s:
        [letter] = make_letters(s, actor, case["incident"], "request_removal", [case["mother"]])
    editor = _open(qtbot, window, case["incident"])
    editor.tabs.setCurrentWidget(editor.letters)
    letter_item = editor.letters.tree.topLevelItem(0)
    assert letter_item is not None
    editor.letters.tree.setCurrentItem(letter_item)

    def give_reason(box: QWidget) -> None:
        assert isinstance(box, QInputDialog)
        box.setTextValue("Sent to the wrong parent")
        box.accept()

    when_modal(give_reason, kind=QInputDialog)
    qtbot.mouseClick(editor.letters.withdraw_button, Qt.MouseButton.LeftButton)
    assert editor.letters.tree.topLevelItemCount() == 0
    timeline = editor.timeline.list
    items = [timeline.topLevelItem(i) for i in range(timeline.topLevelItemCount())]
    entries = [item.text(3) for item in items if item is not None]
    assert any("withdrawn: Sent to the wrong parent" in entry for entry in entries)
    with database.write(actor) as s:
        withdraw_incident(s, actor, case["incident"], "Recorded twice")
    editor.close()
    editor = _open(qtbot, window, case["incident"])
    assert not editor.letters.new_button.isEnabled()
    editor.letters.tree.setCurrentItem(None)  # type: ignore[call-overload]  # Qt takes None
    editor.letters._enable()  # choosing a row must not switch "New letter" back on
    assert not editor.letters.new_button.isEnabled()
    with database.read(actor) as s:
        withdrawn = s.get(Letter, letter.id)
        assert withdrawn is not None and withdrawn.withdrawn_reason == "Sent to the wrong parent"


def test_a_letter_without_an_address_is_handed_over_and_signed_by_the_chair(
    qtbot: QtBot, window: MainWindow, database: Database, actor: User, case: dict[str, int]
) -> None:
    with database.write(actor) as s:
        settings = s.scalars(select(SchoolSettings)).one()
        settings.chair_of_governors_name = "Dr Priya Shah"
        mother = s.get(Person, case["mother"])
        assert mother is not None
        mother.address = ""
    dialog = LetterDialog(window.context, case["incident"], "SM-2026-0001")
    qtbot.addWidget(dialog)
    dialog.template.setCurrentIndex(dialog.template.findData("child_involved"))
    for row in range(dialog.people.count()):
        item = dialog.people.item(row)
        wanted = item.data(Qt.ItemDataRole.UserRole) == case["mother"]
        item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)
    dialog.update_preview()
    # By post (the default), a letter with no address is refused in plain words.
    assert "There is no postal address for Mrs Ольга Şükrü" in dialog.message.text()
    assert not dialog.print_button.isEnabled()
    dialog.delivery.set_value(LetterDelivery.HAND)
    dialog.signer.set_value(LetterSigner.CHAIR_OF_GOVERNORS)
    dialog.update_preview()
    assert dialog.message.isHidden() and dialog.save_button.isEnabled()
    text = " ".join(PdfReader(io.BytesIO(dialog.letters[0])).pages[0].extract_text().split())
    assert "Mrs Ольга Şükrü By hand" in text and "on record" not in text
    assert "Dr Priya Shah Chair of Governors" in text


def test_a_request_records_how_the_letter_describes_the_post(
    qtbot: QtBot, database: Database, actor: User, case: dict[str, int]
) -> None:
    with database.read(actor) as s:
        [row] = list_requests(s, case["incident"])
    dialog = RequestDialog(
        window_context(database, actor), case["incident"], [(row.addressee_id, "Zoë Şükrü")]
    )
    qtbot.addWidget(dialog)
    dialog.post_description.setText("a comment under the Year 4 class video on 12 November")
    dialog.method.set_value(DeletionMethod.EMAIL)
    dialog.save()
    with database.read(actor) as s:
        newest = list_requests(s, case["incident"])[-1]
    assert newest.post_description == "a comment under the Year 4 class video on 12 November"


def test_the_school_corrects_a_platforms_minimum_age_in_settings(
    qtbot: QtBot, window: MainWindow, database: Database, actor: User, case: dict[str, int]
) -> None:
    window.go(SETTINGS)
    assert window.settings_page is not None
    editor = window.settings_page.platforms
    assert editor.ages[Platform.WHATSAPP].value() == 13
    assert editor.ages[Platform.ROBLOX].text() == "None stated"
    editor.ages[Platform.WHATSAPP].setValue(16)
    editor.notes[Platform.WHATSAPP].setText("Checked with the platform")
    assert editor.save()
    with database.read(actor) as s:
        assert minimum_age(s, Platform.WHATSAPP) == 16
        assert minimum_age(s, Platform.ROBLOX) is None


def test_people_records_a_no_contact_parent_and_no_letter_is_offered_to_them(
    qtbot: QtBot, database: Database, actor: User, case: dict[str, int]
) -> None:
    page = PeoplePage(AppContext(database, actor.id))
    qtbot.addWidget(page)
    page.show_person(case["father"])
    assert page.links.topLevelItemCount() == 1 and page.no_contact.isEnabled()
    link = page.links.topLevelItem(0)
    assert link is not None
    page.links.setCurrentItem(link)
    when_modal(lambda box: box.button(QMessageBox.StandardButton.Yes).click(), kind=QMessageBox)
    page.no_contact.click()
    item = page.links.topLevelItem(0)
    assert item is not None and item.text(2) == "No contact — no letters"
    with database.read(actor) as s:
        offered = recipients(s, case["incident"], "request_removal")
    assert {r.person_id for r in offered} == {case["mother"]}
