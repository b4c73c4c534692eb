"""The Retention review, driven as the DSL would: what is due and why, a legal hold that
stops disposal, keeping a record longer, disposing of one (confirmed with a tick), the
backups that still hold it; a deputy sees the review but can't dispose; the incident
window shows the rule, and what is left once disposed of."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox, QTreeWidget, QTreeWidgetItem
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app.core.actors import SYSTEM
from app.core.backups import create_backup
from app.core.db import Database
from app.core.models import Incident, LegalHold, RetentionDecision, RetentionDisposal, User
from app.core.vocab import UserRole
from app.ui.main_window import RETENTION, MainWindow
from app.ui.retention_dialogs import DisposeDialog, HoldDialog, KeepDialog
from tests.core.retention_scene import Scene, build_scene
from tests.factories import make_account
from tests.ui.helpers import type_text, when_modal


@pytest.fixture
def scene(database: Database, actor: User) -> Scene:
    return build_scene(database, actor)


def _count(database: Database, model: type) -> int:
    with database.read(SYSTEM) as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def _top(tree: QTreeWidget, row: int = 0) -> QTreeWidgetItem:
    item = tree.topLevelItem(row)
    assert item is not None
    return item


def _choose(tree: QTreeWidget, reference: str) -> None:
    (item,) = tree.findItems(reference, Qt.MatchFlag.MatchExactly, 0)
    tree.setCurrentItem(item)


def test_the_dsl_reviews_holds_keeps_and_disposes(
    qtbot: QtBot,
    window: MainWindow,
    database: Database,
    actor: User,
    scene: Scene,
    tmp_path: Path,
) -> None:
    window.go(RETENTION)
    page = window.retention
    assert page is not None and window.nav.item(RETENTION).text() == "Retention review"
    assert page.due.topLevelItemCount() == 1  # the kept incident is open: never due
    row = _top(page.due)
    assert row.text(0) == scene.disposed_reference and row.text(3) == "10/10/2025"
    assert "6 years after closing (10/10/2019)" in row.text(4)
    assert "youngest pupil involved is 25" in page.periods.text()
    earlier = create_backup(database.file) if database.file else None

    # A legal hold on it: shown, and disposal is refused with its name.
    _choose(page.due, scene.disposed_reference)

    def place(dialog: HoldDialog) -> None:
        assert dialog.references.text() == scene.disposed_reference
        type_text(dialog.name, "Independent inquiry")
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()

    when_modal(place, kind=HoldDialog)
    qtbot.mouseClick(page.place_button, Qt.MouseButton.LeftButton)
    assert _top(page.due).text(5) == "Independent inquiry"
    assert _top(page.hold_list).text(3) == "In place"
    _choose(page.due, scene.disposed_reference)
    qtbot.mouseClick(page.dispose_button, Qt.MouseButton.LeftButton)
    assert "under the legal hold “Independent inquiry”" in page.message.text()
    assert _count(database, RetentionDisposal) == 0

    # Lifted by the DSL, with the reason.
    page.hold_list.setCurrentItem(_top(page.hold_list))

    def lift(box: QInputDialog) -> None:
        box.setTextValue("The inquiry has reported")
        box.accept()

    when_modal(lift, kind=QInputDialog)
    qtbot.mouseClick(page.lift_button, Qt.MouseButton.LeftButton)
    assert _top(page.hold_list).text(3).endswith("The inquiry has reported")
    assert _top(page.due).text(5) == ""

    # Disposal: the dialog says what goes and what stays; nothing happens until ticked.
    said: list[str] = []

    def delete_backups(box: QMessageBox) -> None:
        said.append(box.text())
        box.button(QMessageBox.StandardButton.Yes).click()

    def confirm(dialog: DisposeDialog) -> None:
        said.append(dialog.summary.text())
        assert not dialog.dispose_button.isEnabled()
        dialog.understood.click()
        assert dialog.dispose_button.isEnabled()
        dialog.dispose_button.click()
        if earlier is not None:  # then: the backups that still hold it
            when_modal(delete_backups, kind=QMessageBox, tries=3000)

    _choose(page.due, scene.disposed_reference)
    when_modal(confirm, kind=DisposeDialog)
    qtbot.mouseClick(page.dispose_button, Qt.MouseButton.LeftButton)
    # 15 written in 2019, and the hold placed and lifted today.
    assert "17 timeline entries" in said[0] and "2 letters" in said[0]
    assert f"{scene.canaries['pupil']} Ashdown (pupil)" in said[0]  # named before erasing
    assert "Keira Ollerton — on another incident" in said[0]
    assert _count(database, RetentionDisposal) == 1
    assert page.due.topLevelItemCount() == 0
    record = _top(page.disposal_list)
    assert record.text(0) == scene.disposed_reference
    assert "4 people unlinked, 3 of them erased" in record.text(4)
    assert f"Disposed of {scene.disposed_reference}" in page.message.text()
    if earlier is not None:
        assert earlier.path.name in said[1]
        assert "deleted 1 earlier backup(s)" in page.message.text()
        assert not earlier.path.exists()

    # The incident window: what is left, and that it can't be changed.
    window.open_incident(scene.disposed_id)
    editor = window.editors[scene.disposed_id]
    assert editor.banner.isVisible() and "Disposed of on" in editor.banner.text()
    assert not editor.save_button.isEnabled()
    assert editor.form.summary.toPlainText().startswith("Disposed of on ")
    assert editor.timeline.list.topLevelItemCount() == 0
    assert {_top(editor.people.list, i).text(0) for i in range(2)} == {""}
    editor.close()


def test_keeping_it_longer_takes_it_off_the_list(
    qtbot: QtBot, window: MainWindow, database: Database, scene: Scene
) -> None:
    window.go(RETENTION)
    page = window.retention
    assert page is not None
    _choose(page.due, scene.disposed_reference)

    def keep(dialog: KeepDialog) -> None:
        dialog.reason.setFocus()
        type_text(dialog.reason, "A sibling's case is still open")
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()

    when_modal(keep, kind=KeepDialog)
    qtbot.mouseClick(page.keep_button, Qt.MouseButton.LeftButton)
    assert page.due.topLevelItemCount() == 0
    assert _count(database, RetentionDecision) == 1
    # The incident window says so in its small print.
    window.open_incident(scene.disposed_id)
    editor = window.editors[scene.disposed_id]
    assert "Kept until" in editor.form.retention.text()
    assert "A sibling's case is still open" in editor.form.retention.text()
    assert editor.save_button.isEnabled()
    editor.close()


def test_a_deputy_reviews_and_holds_but_cannot_dispose(
    qtbot: QtBot, database: Database, actor: User, scene: Scene, qsettings: QSettings
) -> None:
    with database.write(actor) as s:
        deputy = make_account(s, actor, UserRole.DEPUTY_DSL, "deputy")
        head = make_account(s, actor, UserRole.HEADTEACHER, "head")
    for account, sees in ((deputy, True), (head, False)):
        main = MainWindow(database, account.id, qsettings)
        qtbot.addWidget(main)
        assert (RETENTION in main.allowed_pages) is sees
        if not sees:
            assert main.nav.item(RETENTION).isHidden()
            continue
        main.go(RETENTION)
        page = main.retention
        assert page is not None and page.due.topLevelItemCount() == 1
        for hidden in (page.dispose_button, page.keep_button, page.lift_button):
            assert hidden.isHidden()
        assert not page.place_button.isHidden()
        # Even asked directly, the service refuses.
        page.due.setCurrentItem(_top(page.due))
        page.dispose_selected()
        assert "can't dispose of records" in page.message.text()
    with database.read(actor) as s:
        assert s.scalar(select(func.count()).select_from(LegalHold)) == 0
        incident = s.get(Incident, scene.disposed_id)
        assert incident is not None and incident.disposed_at is None
