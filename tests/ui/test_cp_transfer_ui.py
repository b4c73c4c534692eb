"""Child protection file transfer in the window: from People for a pupil (the file saved
privately, the transfer listed as awaiting receipt), on the dashboard until the slip comes
back (double-click to confirm receipt), and offered for leavers after an MIS import."""

from __future__ import annotations

import io
import os
from datetime import date
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem
from pytestqt.qtbot import QtBot

from app.core.db import Database
from app.core.mis_import.plan import PersonPlan
from app.core.models import User
from app.core.services.cp_transfer import list_transfers
from app.core.services.involvements import add_involvement
from app.core.vocab import InvolvementRole, PersonKind
from app.ui.main_window import DASHBOARD, PEOPLE, MainWindow
from app.ui.mis_import.dialog import ImportDialog
from app.ui.people.cp_transfer_dialog import LeaversOffer, ReceiptDialog, TransferDialog
from app.ui.people.directory import PeoplePage
from tests.factories import make_incident, make_person
from tests.ui.helpers import type_text, when_modal


def _pupil(database: Database, actor: User) -> int:
    with database.write(actor) as s:
        pupil = make_person(
            s, actor, kind=PersonKind.PUPIL, given_name="Şükrü", family_name="Ó Briain",
            date_of_birth=date(2015, 9, 1),
        )  # fmt: skip
        incident = make_incident(s, actor, summary="Messages to Şükrü")
        add_involvement(s, actor, incident.id, pupil.id, InvolvementRole.TARGET)
        return pupil.id


def _choose(page: PeoplePage, person_id: int) -> None:
    for row in range(page.list.topLevelItemCount()):
        item = page.list.topLevelItem(row)
        assert item is not None
        if item.data(0, Qt.ItemDataRole.UserRole).id == person_id:
            page.list.setCurrentItem(item)
            return
    raise AssertionError("person not listed")


def test_the_dsl_sends_a_pupil_s_file_and_confirms_its_receipt(
    qtbot: QtBot, window: MainWindow, database: Database, actor: User, tmp_path: Path
) -> None:
    pupil_id = _pupil(database, actor)
    window.go(PEOPLE)
    page = window.people
    assert isinstance(page, PeoplePage)
    page.refresh()
    _choose(page, pupil_id)
    assert page.transfer.isVisibleTo(page) and page.transfer.isEnabled()
    target = tmp_path / "cp file.pdf"

    def in_dialog(dialog: TransferDialog) -> None:
        assert dialog.incidents.count() == 1
        type_text(dialog.school, "Harbour Academy")
        type_text(dialog.dsl, "Ms Ngozi Adeyemi")
        dialog.choose_save_path = lambda _parent, _name: target
        qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
        assert target.exists(), dialog.general.text()
        assert "Saved cp file.pdf" in dialog.general.text()
        history = dialog.history.topLevelItem(0)
        assert history is not None
        assert "Awaiting receipt" in history.text(3)
        dialog.history.setCurrentItem(history)

        def in_receipt(receipt: ReceiptDialog) -> None:
            assert receipt.confirmed_by.text() == "Ms Ngozi Adeyemi"
            receipt.save()

        when_modal(in_receipt, kind=ReceiptDialog)
        qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
        received = dialog.history.topLevelItem(0)
        assert received is not None and "Received" in received.text(3)
        dialog.reject()

    when_modal(in_dialog, kind=TransferDialog)
    qtbot.mouseClick(page.transfer, Qt.MouseButton.LeftButton)

    if os.name == "posix":
        assert target.stat().st_mode & 0o077 == 0
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(target.read_bytes())).pages)
    assert "Şükrü Ó Briain" in text and "Receipt slip" in text
    with database.read(actor) as s:
        [row] = list_transfers(s, pupil_id)
    assert row.destination_school == "Harbour Academy" and row.receipt_confirmed_on is not None


def test_the_dashboard_lists_the_clock_and_confirms_receipt(
    qtbot: QtBot, window: MainWindow, database: Database, actor: User, tmp_path: Path
) -> None:
    from app.core.clock import today_london
    from app.core.services.cp_transfer import TransferDetails, make_transfer
    from app.core.vocab import TransferMethod

    pupil_id = _pupil(database, actor)
    with database.write(actor) as s:
        make_transfer(
            s,
            actor,
            TransferDetails(
                pupil_id, "Harbour Academy", "Mr Bello", "", today_london(), today_london(),
                TransferMethod.RECORDED_POST,
            ),
        )  # fmt: skip
    window.context.announce()
    window.go(DASHBOARD)
    board = window.dashboard
    assert board is not None
    rows = [_item(board.due, i) for i in range(board.due.topLevelItemCount())]
    [row] = [r for r in rows if r.text(2) == "File transfer"]
    assert "Şükrü Ó Briain" in row.text(3) and "confirm it arrived" in row.text(3)

    def in_receipt(receipt: ReceiptDialog) -> None:
        receipt.confirmed_by.clear()
        receipt.save()  # refused: who signed is needed
        assert receipt.errors.message_for("confirmed_by")
        type_text(receipt.confirmed_by, "Mr Bello")
        receipt.save()

    when_modal(in_receipt, kind=ReceiptDialog)
    board.due.itemActivated.emit(row, 0)
    rows = [_item(board.due, i) for i in range(board.due.topLevelItemCount())]
    assert not [r for r in rows if r.text(2) == "File transfer"]


def test_an_import_offers_a_file_for_leavers_on_incidents(
    qtbot: QtBot, window: MainWindow, database: Database, actor: User
) -> None:
    pupil_id = _pupil(database, actor)
    window.go(PEOPLE)
    dialog = ImportDialog(window.context, parent=window.people)
    qtbot.addWidget(dialog)
    left = [
        PersonPlan("", PersonKind.PUPIL, "Şükrü Ó Briain", pupil_id, on_incidents=1),
        PersonPlan("", PersonKind.PUPIL, "Never involved", 999, on_incidents=0),
        PersonPlan("", PersonKind.PARENT, "A parent", 998, on_incidents=2),
    ]
    seen: list[str] = []

    def in_offer(offer: LeaversOffer) -> None:
        seen.extend(offer.list.item(i).text() for i in range(offer.list.count()))

        def in_transfer(transfer: TransferDialog) -> None:
            seen.append(transfer.windowTitle())
            transfer.reject()

        when_modal(in_transfer, kind=TransferDialog)
        qtbot.mouseClick(offer.transfer_button, Qt.MouseButton.LeftButton)
        offer.reject()

    when_modal(in_offer, kind=LeaversOffer)
    dialog._offer_transfers(left)
    assert seen == [
        "Şükrü Ó Briain — on 1 incident",
        "Child protection file — Şükrü Ó Briain",
    ]


def _item(tree: QTreeWidget, row: int) -> QTreeWidgetItem:
    item = tree.topLevelItem(row)
    assert item is not None
    return item
