"""Destroying a stored image, and the backups made before that still hold it: the DSL is
told which, and may delete them; a new backup (without the image) is made at once, and
the deletion is on the trail. Declining keeps them."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.core.backups import backup_folder, backups_holding, create_backup, list_backups
from app.core.db import Database
from app.core.models import AuditEntry, User
from app.core.services.evidence import add_evidence_file, destroy_evidence_content
from app.ui.backups_page import offer_to_remove_backups_holding
from app.ui.context import AppContext
from tests.core.test_evidence_and_chronology import PNG
from tests.factories import make_incident
from tests.ui.helpers import when_modal


@pytest.fixture
def log_file(database: Database) -> Path:
    if database.file is None:
        pytest.skip("Footprint keeps backups of a SQLite log only")
    return database.file


def _destroyed_after_two_backups(database: Database, actor: User, log_file: Path) -> int:
    with database.write(actor) as s:
        incident = make_incident(s, actor)
        evidence_id = add_evidence_file(s, actor, incident.id, "shot.png", PNG).id
    create_backup(log_file)
    create_backup(log_file)
    with database.write(actor) as s:
        destroy_evidence_content(s, actor, evidence_id, "An image that must not be kept")
    database.scrub_freed_space()
    return evidence_id


SHA = hashlib.sha256(PNG).hexdigest()


def test_the_backups_holding_a_destroyed_image_are_deleted_at_the_dsls_word(
    qtbot: QtBot, database: Database, actor: User, log_file: Path
) -> None:
    evidence_id = _destroyed_after_two_backups(database, actor, log_file)
    before = list_backups(backup_folder(log_file))
    assert len(backups_holding(log_file, SHA, None).files) == 2
    parent = QWidget()
    qtbot.addWidget(parent)
    said: list[str] = []

    def answer(box: QMessageBox) -> None:
        said.append(box.text())
        box.button(QMessageBox.StandardButton.Yes).click()

    when_modal(answer, kind=QMessageBox)
    offer_to_remove_backups_holding(parent, AppContext(database, actor.id), evidence_id, SHA)
    assert "2 backup(s) made before it was destroyed still hold the image" in said[0]
    assert all(b.path.name in said[0] for b in before)
    after = list_backups(backup_folder(log_file))
    assert len(after) == 1  # a new one, without the image (it may take a freed name)
    assert after[0].manifest["sha256"] not in {b.manifest["sha256"] for b in before}
    assert not backups_holding(log_file, SHA, None).files
    assert all(b.path.exists() == (b.path == after[0].path) for b in before)
    with database.read(actor) as s:
        last = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
        assert last.action == "backup" and last.record_id == evidence_id
        assert before[0].path.name in last.changes


def test_declining_keeps_them(
    qtbot: QtBot, database: Database, actor: User, log_file: Path
) -> None:
    evidence_id = _destroyed_after_two_backups(database, actor, log_file)
    parent = QWidget()
    qtbot.addWidget(parent)
    when_modal(lambda box: box.button(QMessageBox.StandardButton.No).click(), kind=QMessageBox)
    offer_to_remove_backups_holding(parent, AppContext(database, actor.id), evidence_id, SHA)
    assert len(backups_holding(log_file, SHA, None).files) == 2
