"""Subject access through the real window: a request recorded (the person chosen in the
directory), on the dashboard until answered, the review's tables (a name kept with a
reason, an image viewed then included, an item withheld), the pack saved and read back,
and the section offered to the DSL team only."""

from __future__ import annotations

import io
import os
import stat
from datetime import timedelta
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.core.clock import today_london
from app.core.db import Database
from app.core.folding import fold
from app.core.models import User
from app.core.services.subject_access import list_requests, redaction_log
from app.core.vocab import RedactionAction, UserRole
from app.ui.main_window import DASHBOARD, SUBJECT_ACCESS, MainWindow
from app.ui.people.picker import PersonPicker
from app.ui.subject_access.dialogs import NewRequestDialog
from app.ui.subject_access.review import PackReviewDialog
from tests.factories import make_account
from tests.sar_school import THIRD_PARTY_NAMES, build_sar_school
from tests.ui.helpers import type_text, when_modal

SHOTS = os.environ.get("FOOTPRINT_SCREENSHOTS")


def _window(qtbot: QtBot, database: Database, user: User, qsettings: QSettings) -> MainWindow:
    window = MainWindow(database, user.id, qsettings)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_a_request_from_recording_to_the_pack(
    qtbot: QtBot, database: Database, actor: User, qsettings: QSettings, tmp_path: Path
) -> None:
    with database.write(actor) as s:
        school = build_sar_school(s, actor)
        head = make_account(s, actor, UserRole.HEADTEACHER, "head")
    window = _window(qtbot, database, actor, qsettings)
    window.go(SUBJECT_ACCESS)
    page = window.subject_access
    assert page is not None and page.list.topLevelItemCount() == 0

    def choose_amara(picker: PersonPicker) -> None:
        type_text(picker.search, "amara")
        qtbot.waitUntil(lambda: picker.results.count() == 1)
        picker.accept()

    def fill(dialog: NewRequestDialog) -> None:
        when_modal(choose_amara, kind=PersonPicker)
        dialog.person.click()
        type_text(dialog.requester, "Siobhán O'Neill")
        type_text(dialog.relationship, "the pupil's mother")
        dialog.received.set_value(today_london() - timedelta(days=2))
        dialog.buttons.accepted.emit()

    when_modal(fill, kind=NewRequestDialog)
    page.new.click()
    with database.read(actor) as s:
        (row,) = list_requests(s)
    assert row.person_id == school.subject and row.requester_name == "Siobhán O'Neill"
    item = page.list.topLevelItem(0)
    assert item is not None and item.text(0) == "Amara Osei" and item.text(4) == "Open"

    # On the dashboard until answered; its due item opens the request.
    window.go(DASHBOARD)
    board = window.dashboard
    assert board is not None
    (due,) = [d for d in board.due_items if d.kind == "sar"]
    index = board.due_items.index(due)
    due_item = board.due.topLevelItem(index)
    assert due_item is not None and due_item.text(2) == "Subject access"
    if SHOTS:
        window.grab().save(f"{SHOTS}/sar-dashboard.png")
    board._open_due(due_item, 0)
    assert window.stack.currentIndex() == SUBJECT_ACCESS
    assert page.current() is not None and page.current().id == row.id  # type: ignore[union-attr]

    shown: list[PackReviewDialog] = []

    def open_review(dialog: PackReviewDialog) -> None:  # shown, not run modally: driven here
        shown.append(dialog)
        dialog.show()

    page.open_review = open_review  # type: ignore[method-assign]
    page.review.click()
    (review,) = shown
    qtbot.waitExposed(review)
    # Keep the name in the subject's own notes (her mother: the requester).
    keep = next(
        n
        for n, o in enumerate(review.review.occurrences)
        if o.name == "Siobhán O'Neill" and o.location.startswith("Personal details")
    )
    review.names.item(keep, 0).setCheckState(Qt.CheckState.Unchecked)  # type: ignore[union-attr]
    review.choose_file = lambda *a: tmp_path / "pack"
    assert review.make_and_save() is None  # no reason given for the name kept
    assert "Say why the 1 unticked names" in review.message.text()
    type_text(review.keep_reason, "She asked: her own name")

    # The image can be ticked only once viewed here.
    include = review.images.item(0, 0)
    assert include is not None and not include.flags() & Qt.ItemFlag.ItemIsEnabled
    viewed: list[str] = []
    review.show_image = lambda parent, title, content: viewed.append(title)
    review.tabs.setCurrentIndex(1)
    review.images.setCurrentCell(0, 1)
    review.view.click()
    assert viewed and include.flags() & Qt.ItemFlag.ItemIsEnabled
    include.setCheckState(Qt.CheckState.Checked)

    # Withhold the escalation, with the reason typed in its row.
    escalation = next(
        n for n, i in enumerate(review.review.items) if i.key.startswith("escalation:")
    )
    review.items.item(escalation, 0).setCheckState(Qt.CheckState.Checked)  # type: ignore[union-attr]
    review.items.item(escalation, 3).setText("Serious harm: the police asked")  # type: ignore[union-attr]
    if SHOTS:
        review.tabs.setCurrentIndex(0)
        review.grab().save(f"{SHOTS}/sar-review-names.png")
        review.tabs.setCurrentIndex(2)
        review.grab().save(f"{SHOTS}/sar-review-items.png")
    made = review.make_and_save()
    assert made is not None and made.kept == 1 and made.withheld == 1 and made.images == 1
    pdf = tmp_path / "pack.pdf"
    assert stat.S_IMODE(pdf.stat().st_mode) == 0o600
    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "Lives with her mother, Siobhán O'Neill" in text  # the name kept
    body = fold(text.replace("Siobhán O'Neill", ""))
    assert not [name for name in THIRD_PARTY_NAMES if fold(name) in body]
    assert "Escalation: Police" not in text  # the item withheld
    assert sum(len(p.images) for p in reader.pages) == 1
    assert "Saved pack.pdf" in review.message.text()
    with database.read(actor) as s:
        log = redaction_log(s, row.id)
    assert {line.action for line in log} == set(RedactionAction)
    review.close()

    page.refresh()
    page.select_request(row.id)
    assert page.log.isEnabled()
    if SHOTS:
        window.grab().save(f"{SHOTS}/sar-page.png")

    # The headteacher is not offered the section.
    window.close()
    head_window = _window(qtbot, database, head, qsettings)
    assert SUBJECT_ACCESS not in head_window.allowed_pages
    assert head_window.subject_access is None
    head_window.close()
    QApplication.processEvents()
