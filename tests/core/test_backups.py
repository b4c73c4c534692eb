"""Backups a school can use: made while the log is open, private to the user, verified
before they count, rotated (7 daily, 4 weekly, 12 monthly), and restored after the log
is damaged or lost — with every record back and the audit trail intact."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.core.actors import SYSTEM
from app.core.audit import verify
from app.core.backups import create_backup, list_backups, restore_backup, verify_backup
from app.core.backups.store import KEEP_DAILY, KEEP_MONTHLY, KEEP_WEEKLY, backup_folder, prune
from app.core.errors import DatabaseError
from app.core.models import Incident
from app.core.services.users import get_user
from app.core.startup import open_log
from tests.factories import make_incident


@pytest.fixture
def log_path(tmp_path: Path) -> Path:
    """A SQLite log with a few incidents, closed."""
    path = tmp_path / "school" / "footprint.sqlite3"
    log = open_log(f"sqlite:///{path}")
    with log.database.write(log.user_id) as s:
        actor = get_user(s, log.user_id)
        for number in range(3):
            make_incident(s, actor, summary=f"Incident {number}")
    log.database.dispose()
    return path


def _incidents(path: Path) -> int:
    log = open_log(f"sqlite:///{path}")
    try:
        with log.database.read(SYSTEM) as s:
            count = int(s.scalar(select(func.count(Incident.id))) or 0)
            result = verify(s, log.database.audit_head)
        assert result.ok, result.problems
        return count
    finally:
        log.database.dispose()


def test_a_backup_is_private_verified_and_described(log_path: Path) -> None:
    backup = create_backup(log_path)
    assert backup.path.parent == backup_folder(log_path) == log_path.parent / "backups"
    assert stat.S_IMODE(backup.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(backup.manifest_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(backup.path.parent.stat().st_mode) == 0o700
    assert backup.records["incident"] == 3 and backup.records["audit_entry"] > 0
    assert backup.checkpoint.count(" ") == 3 and backup.manifest["schema_revision"]
    assert verify_backup(backup).ok
    assert list_backups(backup.path.parent) == [backup]


def test_a_backup_made_while_footprint_is_writing_holds_what_was_saved(tmp_path: Path) -> None:
    path = tmp_path / "footprint.sqlite3"
    log = open_log(f"sqlite:///{path}")
    try:
        with log.database.write(log.user_id) as s:
            make_incident(s, get_user(s, log.user_id), summary="Saved a moment ago")
        backup = create_backup(path)  # the log is open, its last save still in the WAL
    finally:
        log.database.dispose()
    assert backup.records["incident"] == 1


def test_a_changed_or_damaged_backup_is_found(log_path: Path) -> None:
    backup = create_backup(log_path)
    data = bytearray(backup.path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    backup.path.write_bytes(bytes(data))
    check = verify_backup(backup)
    assert not check.ok and "has changed since it was made" in check.problems[0]
    with pytest.raises(DatabaseError, match="can't be restored"):
        restore_backup(log_path, backup, None)


def test_rotation_keeps_seven_days_four_weeks_and_twelve_months(log_path: Path) -> None:
    start = datetime(2025, 1, 6, 7, 0, tzinfo=UTC)
    made = [create_backup(log_path, now=start + timedelta(days=day)) for day in range(0, 420, 3)]
    folder = made[0].path.parent
    kept = list_backups(folder)
    assert kept[0].path == made[-1].path  # the newest is always kept
    assert len(kept) <= KEEP_DAILY + KEEP_WEEKLY + KEEP_MONTHLY
    months = {(b.made_at.year, b.made_at.month) for b in kept}
    assert len(months) >= KEEP_MONTHLY
    newest = kept[0].made_at
    assert sum(1 for b in kept if newest - b.made_at < timedelta(days=7)) >= 3
    assert prune(folder) == []  # nothing more to remove


@pytest.mark.parametrize("damage", ["flipped bytes", "cut short", "deleted"])
def test_the_restore_drill(log_path: Path, damage: str) -> None:
    backup = create_backup(log_path)
    data = log_path.read_bytes()
    if damage == "flipped bytes":
        damaged = bytearray(data)
        for offset in range(4096, len(damaged), 997):
            damaged[offset] ^= 0x5A
        log_path.write_bytes(bytes(damaged))
    elif damage == "cut short":
        log_path.write_bytes(data[: len(data) // 3])
    else:
        log_path.unlink()
    head = Path(f"{log_path}.audit-head")
    restored = restore_backup(log_path, backup, head)
    assert restored.backup == backup
    assert restored.previous is None  # the damaged log didn't open, so there was nothing to keep
    assert stat.S_IMODE(os.stat(log_path).st_mode) == 0o600
    assert _incidents(log_path) == 3  # every record back, and the trail verifies


def test_a_restore_first_keeps_the_log_as_it_was(log_path: Path) -> None:
    backup = create_backup(log_path, now=datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
    log = open_log(f"sqlite:///{log_path}")
    with log.database.write(log.user_id) as s:
        make_incident(s, get_user(s, log.user_id), summary="After the backup")
    log.database.dispose()
    restored = restore_backup(log_path, backup, Path(f"{log_path}.audit-head"))
    assert restored.previous is not None and restored.previous.records["incident"] == 4
    assert verify_backup(restored.previous).ok  # the later state, kept and sound
    assert _incidents(log_path) == 3


def test_backups_from_the_command_line(
    log_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.cli import main

    url = f"sqlite:///{log_path}"
    assert main(["backup", "list", "--database", url]) == 0
    assert "No backups in" in capsys.readouterr().out
    assert main(["backup", "create", "--database", url]) == 0
    said = capsys.readouterr().out
    assert said.startswith("Backed up to ") and "3 incidents; checked" in said
    assert main(["backup", "list", "--database", url]) == 0
    listed = capsys.readouterr().out
    assert listed.count("footprint-") == 1 and "checkpoint" in listed
    assert main(["backup", "verify", "--database", url]) == 0
    assert capsys.readouterr().out.startswith("ok ")

    (backup,) = list_backups(backup_folder(log_path))
    log_path.write_bytes(b"")  # the log is lost
    monkeypatch.delenv("FOOTPRINT_PASSWORD", raising=False)
    assert main(["backup", "restore", backup.path.name, "--database", url]) == 0
    assert "Restored the backup" in capsys.readouterr().out
    assert _incidents(log_path) == 3
    log = open_log(url)
    with log.database.read(SYSTEM) as s:
        from app.core.models import AuditEntry

        newest = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    log.database.dispose()
    assert (newest.action, newest.table_name) == ("restore", "log")
    assert backup.path.name in newest.changes

    assert main(["backup", "verify", "nonsense.sqlite3", "--database", url]) == 2
    assert "is not a Footprint backup" in capsys.readouterr().err


def test_two_backups_in_one_second_are_both_kept(log_path: Path) -> None:
    moment = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    first, second = (create_backup(log_path, now=moment) for _ in range(2))
    assert first.path != second.path
    assert {b.path for b in list_backups(first.path.parent)} == {first.path, second.path}
    assert verify_backup(first).ok and verify_backup(second).ok
