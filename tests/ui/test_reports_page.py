"""The Reports screen as the DSL uses it: choose a term, type the commentary (and be
warned if it names someone), preview, print (through QPrinter to a PDF file), save the
PDF and export the anonymised rows."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from app.core.clock import set_clock
from app.core.db import Database
from app.core.models import User
from app.core.services.governors_commentary import latest_commentary
from app.core.services.involvements import add_involvement
from app.core.services.school import SchoolDetails, save_settings
from app.core.services.terms import ensure_default_terms
from app.core.vocab import Category, InvolvementRole, PersonKind
from app.ui.main_window import REPORTS, MainWindow
from tests.factories import make_incident, make_person
from tests.ui.helpers import press, type_text, when_modal

#: The tests run as if on this day (in the autumn term of 2026).
TODAY = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _today() -> None:
    set_clock(lambda: TODAY)


def _seed(database: Database, actor: User) -> None:
    with database.write(actor) as s:
        save_settings(s, actor, SchoolDetails(name="Kestrel Vale Primary School"))
        ensure_default_terms(s, actor)
        pupil = make_person(s, actor, kind=PersonKind.PUPIL, given_name="Zoë", family_name="Okafor")
        for n in range(4):
            incident = make_incident(
                s, actor, summary=f"Secret summary {n}", categories=frozenset({Category.BULLYING})
            )
            add_involvement(s, actor, incident.id, pupil.id, InvolvementRole.TARGET)


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


def test_the_dsl_makes_prints_saves_and_exports_the_report(
    qtbot: QtBot, window: MainWindow, database: Database, actor: User, tmp_path: Path
) -> None:
    _seed(database, actor)
    window.go(REPORTS)
    page = window.reports
    assert page is not None
    assert page.term.currentText() == "Autumn term 2026 (in progress)"

    # The commentary is typed; naming a pupil is flagged before anything goes out.
    page.commentary.setFocus()
    type_text(page.commentary, "Zoë Okafor was upset.")
    page.check_commentary()
    assert "It names Zoë Okafor" in page.warnings.text() and page.warnings.isVisible()
    answers: list[str] = []

    def decline(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        answers.append(box.text())
        box.button(QMessageBox.StandardButton.No).click()

    when_modal(decline, kind=QMessageBox)
    page.choose_file = lambda *_: tmp_path / "never.pdf"
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert answers and "It names Zoë Okafor" in answers[0]
    assert not (tmp_path / "never.pdf").exists()

    page.commentary.selectAll()
    type_text(page.commentary, "Bullying reports rose; we ran an assembly & a <parents'> evening.")
    assert not page.check_commentary()
    qtbot.mouseClick(page.preview_button, Qt.MouseButton.LeftButton)
    assert len(page.preview.page_labels) >= 3
    with database.read(actor) as s:  # a preview never saves the commentary
        assert latest_commentary(s, "2026-autumn") == ""

    printed = tmp_path / "printed.pdf"

    def pdf_printer(_parent: QWidget) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        return printer

    page.choose_printer = pdf_printer
    press(page.commentary, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert len(PdfReader(printed).pages) == len(page.preview.page_labels)
    assert page.status.text().startswith("Printed")
    # What went to the printer is kept, and the status says so.
    assert page.status.text().endswith("; the commentary in it is saved for the term.")
    with database.read(actor) as s:
        assert latest_commentary(s, "2026-autumn").startswith("Bullying reports rose")

    saved = tmp_path / "report.pdf"
    page.choose_file = lambda *_: saved
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    text = _text(saved.read_bytes())
    assert "Incidents recorded 4" in text and "Bullying 4" in text
    assert "we ran an assembly & a <parents'> evening." in text
    assert "Secret summary" not in text and "Okafor" not in text

    exported = tmp_path / "rows.csv"
    page.choose_file = lambda *_: exported
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    rows = list(csv.DictReader(io.StringIO(exported.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 4 and {r["Categories"] for r in rows} == {"Bullying"}
    assert page.status.text() == "Saved rows.csv."


def test_small_counts_follow_the_suppression_choice(
    qtbot: QtBot, window: MainWindow, database: Database, actor: User, tmp_path: Path
) -> None:
    with database.write(actor) as s:
        save_settings(s, actor, SchoolDetails(name="Kestrel Vale Primary School"))
        ensure_default_terms(s, actor)
        make_incident(s, actor, categories=frozenset({Category.BULLYING}))
    window.go(REPORTS)
    page = window.reports
    assert page is not None
    saved = tmp_path / "report.pdf"
    page.choose_file = lambda *_: saved
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert "Incidents recorded fewer than 3" in _text(saved.read_bytes())
    page.suppress.setChecked(False)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    text = _text(saved.read_bytes())
    assert "Incidents recorded 1" in text and "suppression was turned off" in text


def test_typed_commentary_survives_a_change_of_term_and_reports_are_never_stale(
    qtbot: QtBot, window: MainWindow, database: Database, actor: User, tmp_path: Path
) -> None:
    _seed(database, actor)
    window.go(REPORTS)
    page = window.reports
    assert page is not None
    page.commentary.setFocus()
    type_text(page.commentary, "Draft for autumn")
    page.term.setCurrentIndex(1)
    assert page.commentary.toPlainText() == ""
    page.term.setCurrentIndex(0)
    assert page.commentary.toPlainText() == "Draft for autumn"

    saved = tmp_path / "report.pdf"
    page.choose_file = lambda *_: saved
    qtbot.mouseClick(page.preview_button, Qt.MouseButton.LeftButton)
    with database.write(actor) as s:  # recorded on another screen after the preview
        make_incident(s, actor, categories=frozenset({Category.BULLYING}))
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert "Incidents recorded 5" in _text(saved.read_bytes())


def test_the_report_pages_render_with_ink_on_them(
    qtbot: QtBot, window: MainWindow, database: Database, actor: User
) -> None:
    _seed(database, actor)
    window.go(REPORTS)
    page = window.reports
    assert page is not None
    page.make_preview()
    labels = page.preview.page_labels
    assert len(labels) >= 3
    for label in labels:
        image = label.pixmap().toImage()
        dark = sum(
            1
            for y in range(0, image.height(), 4)
            for x in range(0, image.width(), 4)
            if image.pixelColor(x, y).lightness() < 100
        )
        assert dark > 20, label.accessibleName()


def test_preview_never_saves_the_commentary_and_saving_it_is_a_button(
    qtbot: QtBot, window: MainWindow, database: Database, actor: User, tmp_path: Path
) -> None:
    _seed(database, actor)
    window.go(REPORTS)
    page = window.reports
    assert page is not None

    def saved() -> str:
        with database.read(actor) as s:
            return latest_commentary(s, "2026-autumn")

    page.commentary.setFocus()
    type_text(page.commentary, "A quieter half term.")
    qtbot.mouseClick(page.preview_button, Qt.MouseButton.LeftButton)
    assert len(page.preview.page_labels) >= 3
    assert saved() == ""
    assert "The commentary is not saved: press Save commentary to keep it." in page.status.text()
    # The preview shows the commentary as typed, unsaved.
    assert page.commentary_unsaved()

    # Cancelling the save dialog keeps nothing either.
    page.choose_file = lambda *_: None
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert saved() == ""

    assert page.save_commentary_button.isVisible() and page.save_commentary_button.isEnabled()
    qtbot.mouseClick(page.save_commentary_button, Qt.MouseButton.LeftButton)
    assert saved() == "A quieter half term."
    assert page.status.text() == "The commentary for Autumn term 2026 is saved."
    assert not page.commentary_unsaved()

    # A later edit, previewed, leaves the saved version as it was.
    page.commentary.selectAll()
    type_text(page.commentary, "A quieter half term, then a busy December.")
    qtbot.mouseClick(page.preview_button, Qt.MouseButton.LeftButton)
    assert saved() == "A quieter half term."
    assert "not saved" in page.status.text()
    # The draft survives a change of term (in memory, still unsaved).
    page.term.setCurrentIndex(1)
    page.term.setCurrentIndex(0)
    assert page.commentary.toPlainText() == "A quieter half term, then a busy December."
    assert saved() == "A quieter half term."
