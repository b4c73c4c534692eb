"""The import from the MIS, as the DSL uses it: opened from the People page (not offered
to office staff), a CTF previewed with its counts and sections, a CSV's columns mapped
(guesses, samples, a required field left out), suggestions answered and the whole-school
answer changed (each previewed again), applied (and the People page refreshed), cancelled
while reading, and a file that can't be read — all with the readers and the service
replaced by the fakes in mis_import_fakes."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.core.db import Database
from app.core.mis_import.plan import LinkPlan, PersonPlan
from app.core.mis_import.records import Position
from app.core.models import User
from app.core.vocab import PersonKind, UserRole
from app.ui.main_window import PEOPLE, MainWindow
from app.ui.mis_import.dialog import FILE, MAPPING, PREVIEW, STOPPED, ImportDialog
from app.ui.mis_import.preview_step import PreviewStep
from app.ui.people.cp_transfer_dialog import LeaversOffer
from app.ui.people.directory import PeoplePage
from tests.factories import make_account
from tests.ui.helpers import when_modal
from tests.ui.mis_import_fakes import FakeImports, ctf_file, install, plan_for

SUMMARY = (
    "This import adds 2 pupils and 1 parent or contact; changes the details of 1 pupil; "
    "marks 1 pupil as left; adds 1 family link; changes 1 family link; ends 1 family link. "
    "240 people are unchanged and 1 row is refused."
)


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch) -> FakeImports:
    return install(monkeypatch)


def _people(window: MainWindow) -> PeoplePage:
    window.go(PEOPLE)
    assert isinstance(window.people, PeoplePage)
    return window.people


def _dialog(qtbot: QtBot, window: MainWindow, path: str) -> ImportDialog:
    dialog = ImportDialog(window.context, parent=_people(window))
    qtbot.addWidget(dialog)
    dialog.choose_file = lambda _parent: Path(path)
    dialog.show()
    qtbot.mouseClick(dialog.file_step.browse, Qt.MouseButton.LeftButton)
    return dialog


def _answer(*steps: Callable[[QMessageBox], object]) -> None:
    """Answer the message boxes that come up, one after the other."""
    if not steps:
        return

    def act(box: QMessageBox) -> None:
        _answer(*steps[1:])
        steps[0](box)

    when_modal(act, kind=QMessageBox)


def _press(
    button: QMessageBox.StandardButton, seen: list[str] | None = None
) -> Callable[[QMessageBox], object]:
    """Note the box's text in `seen`, then press `button`."""

    def act(box: QMessageBox) -> None:
        if seen is not None:
            seen.append(box.text())
        box.button(button).click()

    return act


def _child(item: QTreeWidgetItem | None, index: int) -> QTreeWidgetItem:
    assert item is not None
    child = item.child(index)
    assert child is not None
    return child


def _top(tree: QTreeWidget, index: int = 0) -> QTreeWidgetItem:
    item = tree.topLevelItem(index)
    assert item is not None
    return item


def _texts(step: PreviewStep, tree_name: str) -> list[str]:
    tree = next(t for t in step.findChildren(QWidget) if t.accessibleName() == tree_name)
    items = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]  # type: ignore[attr-defined]
    return [" | ".join(item.text(c) for c in range(item.columnCount())) for item in items]


def test_the_dsl_opens_the_import_from_the_people_page_office_staff_do_not_see_it(
    qtbot: QtBot, window: MainWindow, database: Database, actor: User
) -> None:
    people = _people(window)
    assert people.import_button.isVisibleTo(people)
    assert people.import_button.text() == "Import from MIS…"
    seen: list[str] = []

    def close(dialog: ImportDialog) -> None:
        seen.append(dialog.windowTitle())
        dialog.reject()

    when_modal(close, kind=ImportDialog)
    qtbot.mouseClick(people.import_button, Qt.MouseButton.LeftButton)
    assert seen == ["Import from the MIS — Footprint"]

    with database.write(actor) as s:
        office = make_account(s, actor, UserRole.OFFICE, "office", "Olu Office")
    office_window = MainWindow(database, office.id, window.settings)
    qtbot.addWidget(office_window)
    office_people = _people(office_window)
    assert not office_people.import_button.isVisibleTo(office_people)
    assert office_people.add.isVisibleTo(office_people)  # they still add people by hand


def test_a_ctf_is_previewed_with_its_counts_and_every_section(
    qtbot: QtBot, window: MainWindow, fakes: FakeImports
) -> None:
    dialog = _dialog(qtbot, window, "/school/oakfield-autumn.xml")
    assert dialog.file_step.source == "ctf" and dialog.next.isEnabled()
    qtbot.mouseClick(dialog.next, Qt.MouseButton.LeftButton)
    assert fakes.read == [Path("/school/oakfield-autumn.xml")]
    assert fakes.previews == [(True, {})]  # a full CTF: the whole school
    assert dialog.pages.currentIndex() == PREVIEW
    step = dialog.preview_step
    assert step.summary.text() == SUMMARY
    assert step.file.text() == (
        "oakfield-autumn.xml: a Common Transfer File from 380/2093 Oakfield Primary "
        "(version 23.0), made 04/09/2026 09:12"
    )
    assert step.whole_school.isChecked()
    assert step.tab_titles() == [
        "New people (3)",
        "Changed (1)",
        "Leavers (1)",
        "Family links (3)",
        "Suggestions (1)",
        "Refused rows (1)",
        "Warnings (1)",
        "Not in the file (1)",
    ]
    assert _texts(step, "New people") == [
        "Chidi Okafor | Pupil | line 40 | ",
        "Ngozi Okafor | Parent/carer | line 61 | ",
        "Zofia Nowak | Pupil | line 88 | ",
    ]
    changed = step.changed.topLevelItem(0)
    assert changed is not None and changed.text(3) == "on 2 incidents"
    assert [changed.child(i).text(0) for i in range(changed.childCount())] == [  # type: ignore[union-attr]
        "Class: 5B → 6H",
        "Year group: 5 → 6",
    ]
    assert _texts(step, "Leavers") == ["Kacper Wiśniewski | Pupil |  | on 1 incident"]
    links = step.links
    added, changed_links, ended = (links.topLevelItem(i) for i in range(3))
    assert [g.text(0) for g in (added, changed_links, ended)] == [  # type: ignore[union-attr]
        "Added (1)",
        "Changed (1)",
        "Ended (1)",
    ]
    court = _child(changed_links, 0)
    assert court.text(2) == "No contact from now on (Court order)"
    assert not court.icon(2).isNull()  # an icon and words, not colour alone
    assert _texts(step, "Refused rows") == [
        "Line 120 | UPN X1234… | the UPN's check letter is wrong"
    ]
    assert _texts(step, "Not in the file") == ["Pat Typed-by-hand | Parent/carer |  | "]
    assert dialog.apply_button.isEnabled()
    dialog.grab().save("/tmp/i15_preview.png")
    step.show_tab(step.links)
    dialog.grab().save("/tmp/i15_preview_links.png")
    step.show_tab(step.changed)
    dialog.grab().save("/tmp/i15_preview_changed.png")


def test_a_csv_s_columns_are_mapped_with_guesses_and_samples_and_a_required_one_blocks(
    qtbot: QtBot, window: MainWindow, fakes: FakeImports
) -> None:
    dialog = _dialog(qtbot, window, "/school/pupils.csv")
    assert dialog.file_step.source == "csv"
    qtbot.mouseClick(dialog.next, Qt.MouseButton.LeftButton)
    assert dialog.pages.currentIndex() == MAPPING
    mapping = dialog.mapping_step
    assert mapping.heading_for("family_name") == "Legal Surname"
    assert mapping.heading_for("class_name") == "Reg Group"
    assert mapping.heading_for("given_name") == ""  # "First" isn't a known heading
    assert mapping.combo(mapping.row_of("given_name")).currentText() == "(not in this file)"
    assert mapping.sample_text("family_name") == "Okafor, Nowak, Ó Briain"
    assert mapping.sample_text("date_of_birth") == "03/02/2016, 11/09/2015, 21/07/2016"
    assert mapping.sample_text("year_group") == ""
    assert not dialog.next.isEnabled()
    assert mapping.missing.isVisibleTo(dialog)
    assert "Forename" in mapping.missing.text()
    dialog.grab().save("/tmp/i15_mapping_missing.png")

    forename = mapping.combo(mapping.row_of("given_name"))
    forename.setCurrentIndex(forename.findText("First"))
    assert mapping.sample_text("given_name") == "Chidi, Zofia, Aoife"
    assert dialog.next.isEnabled() and not mapping.missing.isVisibleTo(dialog)
    mapping.save_name.setText("SIMS pupils")
    qtbot.mouseClick(mapping.save, Qt.MouseButton.LeftButton)
    assert [(m.name, m.kind, m.columns["given_name"]) for m in fakes.saved] == [
        ("SIMS pupils", "pupils", "First")
    ]
    dialog.grab().save("/tmp/i15_mapping.png")
    qtbot.mouseClick(dialog.next, Qt.MouseButton.LeftButton)
    assert fakes.read_columns[-1]["given_name"] == "First"
    assert fakes.previews == [(False, {})]  # a CSV is not the whole school until ticked
    assert dialog.pages.currentIndex() == PREVIEW
    assert not dialog.preview_step.whole_school.isChecked()
    assert "read with the mapping “SIMS pupils”" in dialog.preview_step.file.text()
    # Back keeps the columns chosen.
    qtbot.mouseClick(dialog.back, Qt.MouseButton.LeftButton)
    assert dialog.pages.currentIndex() == MAPPING
    assert mapping.heading_for("given_name") == "First"


def test_a_saved_mapping_is_offered_and_chosen(
    qtbot: QtBot, window: MainWindow, fakes: FakeImports
) -> None:
    fakes.save_mapping(None, None, "Arbor export", "pupils", {"given_name": "First"})
    dialog = _dialog(qtbot, window, "/school/pupils.csv")
    qtbot.mouseClick(dialog.next, Qt.MouseButton.LeftButton)
    mapping = dialog.mapping_step
    mapping.choose_saved("Arbor export")
    assert mapping.heading_for("given_name") == "First"
    assert mapping.heading_for("family_name") == ""  # the saved mapping, not the guesses
    assert not dialog.next.isEnabled()


def test_answering_a_suggestion_and_the_whole_school_question_previews_again(
    qtbot: QtBot, window: MainWindow, fakes: FakeImports
) -> None:
    dialog = _dialog(qtbot, window, "/school/oakfield-autumn.xml")
    qtbot.mouseClick(dialog.next, Qt.MouseButton.LeftButton)
    step = dialog.preview_step
    step.show_tab(step.suggestions)
    assert _texts(step, "Suggestions") == [
        "Zofia Nowak (line 88) | Zofia Nowak | same name and date of birth | "
        "A different person (added as new) | on 1 incident"
    ]
    assert not step.same.isEnabled()
    step.suggestions.setCurrentItem(_top(step.suggestions))
    qtbot.mouseClick(step.same, Qt.MouseButton.LeftButton)
    assert fakes.previews[-1] == (True, {"pupil:B223456789012": 12})
    assert _texts(step, "Suggestions")[0].split(" | ")[3] == "Same person as Zofia Nowak"
    assert step.tab_titles()[:2] == ["New people (2)", "Changed (2)"]

    step.whole_school.click()
    assert fakes.previews[-1] == (False, {"pupil:B223456789012": 12})
    assert step.tab_titles()[2] == "Leavers (0)"
    assert "marks" not in step.summary.text()

    step.suggestions.setCurrentItem(_top(step.suggestions))
    qtbot.mouseClick(step.different, Qt.MouseButton.LeftButton)
    assert fakes.previews[-1] == (False, {})
    assert len(fakes.previews) == 4


def test_a_partial_ctf_is_not_taken_for_the_whole_school(
    qtbot: QtBot, window: MainWindow, fakes: FakeImports
) -> None:
    fakes.partial = True
    dialog = _dialog(qtbot, window, "/school/year6.xml")
    qtbot.mouseClick(dialog.next, Qt.MouseButton.LeftButton)
    assert fakes.previews == [(False, {})]
    assert not dialog.preview_step.whole_school.isChecked()
    assert dialog.preview_step.file.text().endswith(
        "; it says it holds only some of the school's pupils"
    )


def test_applying_confirms_applies_refreshes_people_and_closes(
    qtbot: QtBot, window: MainWindow, fakes: FakeImports
) -> None:
    dialog = _dialog(qtbot, window, "/school/oakfield-autumn.xml")
    qtbot.mouseClick(dialog.next, Qt.MouseButton.LeftButton)
    asked: list[str] = []
    told: list[str] = []
    refreshed: list[bool] = []
    window.context.data_changed.connect(lambda: refreshed.append(True))
    offered: list[str] = []

    def told_then_offered(box: QMessageBox) -> None:
        def close(offer: LeaversOffer) -> None:  # leavers on incidents: their CP file
            offered.extend(offer.list.item(i).text() for i in range(offer.list.count()))
            offer.reject()

        when_modal(close, kind=LeaversOffer)
        _press(QMessageBox.StandardButton.Ok, told)(box)

    _answer(_press(QMessageBox.StandardButton.Yes, asked), told_then_offered)
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert asked == [
        "Apply this import? It adds 2 pupils and 1 parent or contact; changes the details of "
        "1 pupil; marks 1 pupil as left; adds 1 family link; changes 1 family link; ends 1 "
        "family link. 1 possible match is added as a new person. It can be undone only by "
        "importing the earlier file again."
    ]
    assert len(fakes.applied) == 1 and fakes.applied[0].whole_school
    assert told[0].startswith("Imported. The import adds 2 pupils")
    assert offered == ["Kacper Wiśniewski — on 1 incident"]
    assert refreshed == [True]
    assert dialog.result() == ImportDialog.DialogCode.Accepted


def test_a_conflict_previews_again_and_no_is_nothing(
    qtbot: QtBot, window: MainWindow, fakes: FakeImports
) -> None:
    dialog = _dialog(qtbot, window, "/school/oakfield-autumn.xml")
    qtbot.mouseClick(dialog.next, Qt.MouseButton.LeftButton)
    _answer(_press(QMessageBox.StandardButton.No))
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert fakes.applied == [] and len(fakes.previews) == 1
    fakes.conflict_once = True
    told: list[str] = []
    _answer(_press(QMessageBox.StandardButton.Yes), _press(QMessageBox.StandardButton.Ok, told))
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert told[0].startswith("The log changed since this preview, so nothing was applied.")
    assert fakes.applied == [] and len(fakes.previews) == 2
    assert dialog.isVisible() and dialog.pages.currentIndex() == PREVIEW


def test_cancel_while_reading_leaves_the_window_usable_and_nothing_previewed(
    qtbot: QtBot, window: MainWindow, fakes: FakeImports
) -> None:
    fakes.slow = True
    dialog = _dialog(qtbot, window, "/school/oakfield-autumn.xml")
    seen: list[int] = []

    def cancel(progress: QProgressDialog) -> None:
        qtbot.waitUntil(lambda: progress.value() > 0, timeout=3000)  # the bar moves
        seen.append(progress.value())
        cancel_button = next(b for b in progress.findChildren(QPushButton) if b.text() == "Cancel")
        qtbot.mouseClick(cancel_button, Qt.MouseButton.LeftButton)

    when_modal(cancel, kind=QProgressDialog)
    qtbot.mouseClick(dialog.next, Qt.MouseButton.LeftButton)
    assert seen and seen[0] > 0
    assert fakes.previews == []
    assert dialog.controller.plan is None
    assert dialog.pages.currentIndex() == FILE
    assert dialog.message.text() == STOPPED and dialog.next.isEnabled()
    fakes.slow = False
    qtbot.mouseClick(dialog.next, Qt.MouseButton.LeftButton)
    assert dialog.pages.currentIndex() == PREVIEW and len(fakes.previews) == 1


def test_a_file_that_can_t_be_read_is_explained_and_kept(
    qtbot: QtBot, window: MainWindow, fakes: FakeImports
) -> None:
    fakes.read_error = "oakfield.xml ends at line 212 before the file is complete: export it again."
    dialog = _dialog(qtbot, window, "/school/oakfield.xml")
    qtbot.mouseClick(dialog.next, Qt.MouseButton.LeftButton)
    assert dialog.message.isVisibleTo(dialog)
    assert dialog.message.text() == fakes.read_error
    assert dialog.pages.currentIndex() == FILE
    assert dialog.file_step.path.text() == "/school/oakfield.xml"
    assert fakes.previews == []


def test_a_whole_school_first_import_previews_quickly(qtbot: QtBot) -> None:
    """2,000 pupils and 4,000 contacts new, 2,000 links: plain items, shown in well under
    a second (no widget per row)."""
    import_file = ctf_file()
    pupils = [
        PersonPlan(f"pupil:{n}", PersonKind.PUPIL, f"Pupil {n}", None, (), 0, Position(line=n))
        for n in range(2000)
    ]
    contacts = [
        PersonPlan(f"contact:{n}", PersonKind.PARENT, f"Parent {n}", None, (), 0, Position(line=n))
        for n in range(4000)
    ]
    links = [LinkPlan(f"Pupil {n}", f"Parent {n}", "Mother") for n in range(2000)]
    plan = replace(
        plan_for(import_file, whole_school=True), added=pupils + contacts, links_added=links
    )
    step = PreviewStep()
    qtbot.addWidget(step)
    step.show()
    started = time.perf_counter()
    step.show_plan(plan, import_file)
    qtbot.wait(1)
    elapsed = time.perf_counter() - started
    assert step.tab_titles()[0] == "New people (6,000)"
    assert step.added.topLevelItemCount() == 6000
    assert elapsed < 1.5, f"the preview took {elapsed:.2f} s to show"
