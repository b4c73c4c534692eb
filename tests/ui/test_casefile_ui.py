"""Ctrl+E in the incident window: the DSL chooses the agency copy, who is named, a picture
and a password typed twice, saves it, and finds the export on the timeline and the
trail; a headteacher has no such button and the shortcut does nothing."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

from PIL import Image
from pypdf import PdfReader
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.core.db import Database
from app.core.models import AuditEntry, User
from app.core.services.evidence import add_evidence_file
from app.core.services.involvements import add_involvement
from app.core.vocab import InvolvementRole, PersonKind, UserRole
from app.ui.incidents.casefile_dialog import CaseFileDialog
from app.ui.main_window import MainWindow
from tests.factories import make_account, make_incident, make_person
from tests.ui.helpers import press, type_text, when_modal


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 40), "navy").save(out, "PNG")
    return out.getvalue()


def test_the_dsl_saves_a_protected_agency_copy_with_ctrl_e(
    qtbot: QtBot, window: MainWindow, database: Database, actor: User, tmp_path: Path
) -> None:
    with database.write(actor) as s:
        incident = make_incident(s, actor, summary="Noor Haddad posted about Ali Şahin & Co.")
        noor = make_person(s, actor, kind=PersonKind.PUPIL, given_name="Noor", family_name="Haddad")
        ali = make_person(s, actor, kind=PersonKind.PUPIL, given_name="Ali", family_name="Şahin")
        add_involvement(s, actor, incident.id, noor.id, InvolvementRole.POSTER)
        add_involvement(s, actor, incident.id, ali.id, InvolvementRole.TARGET)
        shot = add_evidence_file(s, actor, incident.id, "post.png", _png())
        incident_id, reference, shot_id = incident.id, incident.reference, shot.id
    window.open_incident(incident_id)
    editor = window.editors[incident_id]
    qtbot.waitExposed(editor)
    assert editor.case_file_button.isVisibleTo(editor)
    target = tmp_path / "for police.pdf"
    offered: list[str] = []
    seen: dict[str, object] = {}

    def in_dialog(dialog: CaseFileDialog) -> None:
        assert dialog.agency.isChecked()
        people = {
            dialog.people.item(r).data(Qt.ItemDataRole.UserRole): dialog.people.item(r)
            for r in range(dialog.people.count())
        }
        assert people[ali.id].checkState() == Qt.CheckState.Checked  # the child it is about
        assert people[noor.id].checkState() == Qt.CheckState.Unchecked
        dialog.pictures.item(0).setCheckState(Qt.CheckState.Checked)
        type_text(dialog.recipient, "PC Łucja Smith, Thames Valley Police")
        dialog.protect.setChecked(True)
        type_text(dialog.password, "blue harbour 27")
        type_text(dialog.password_again, "blue harbour 72")

        def where(_parent: QWidget, suggested: str) -> Path:
            offered.append(suggested)
            return target

        dialog.choose_save_path = where
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        # Mistyped: said beside the second box, nothing asked or saved.
        seen["mismatch"] = dialog.errors.message_for("password_again")
        assert not offered and not target.exists()
        dialog.password_again.clear()
        type_text(dialog.password_again, "blue harbour 27")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    when_modal(in_dialog, kind=CaseFileDialog)
    press(editor.tabs, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)

    assert seen["mismatch"] == "The two passwords are not the same."
    assert offered == [f"{reference} case file (agency).pdf"]
    assert target.exists()
    if os.name == "posix":
        assert target.stat().st_mode & 0o077 == 0
    reader = PdfReader(io.BytesIO(target.read_bytes()))
    assert reader.is_encrypted and reader.decrypt("blue harbour 27")
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Pupil B posted about Ali Şahin & Co." in text and "Haddad" not in text
    assert sum(len(page.images) for page in reader.pages) == 1
    assert f"Saved {target.name}" in editor.message.text()
    tree = editor.timeline.list
    timeline = [
        " ".join(item.text(c) for c in range(tree.columnCount()))
        for i in range(tree.topLevelItemCount())
        if (item := tree.topLevelItem(i)) is not None
    ]
    with database.read(actor) as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "export")).one()
    detail = json.loads(entry.changes)
    assert detail["recipient"] == "PC Łucja Smith, Thames Valley Police"
    assert detail["encrypted"] is True and detail["pictures"] == [shot_id]
    assert "harbour" not in entry.changes
    assert any("Case file (agency copy) exported for PC Łucja Smith" in t for t in timeline)
    editor.discard_and_close()


def test_a_headteacher_has_no_case_file_export(
    qtbot: QtBot, database: Database, actor: User, qsettings: QSettings
) -> None:
    with database.write(actor) as s:
        head = make_account(s, actor, UserRole.HEADTEACHER, "head", "Ms Head")
        incident_id = make_incident(s, actor).id
    window = MainWindow(database, head.id, qsettings)
    qtbot.addWidget(window)
    window.open_incident(incident_id)
    editor = window.editors[incident_id]
    assert not editor.case_file_button.isVisibleTo(editor)
    press(editor.tabs, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert not editor.findChildren(CaseFileDialog)
    editor.discard_and_close()
    window.close()
