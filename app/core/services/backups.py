"""Backups as the DSL sees them: what there is, and putting one back (on the trail)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.core.audit import Action, Record, record_look
from app.core.backups import Backup
from app.core.permissions import Permission, requires


@requires(Permission.SETTINGS)
def record_restore(
    session: Session, restored: Backup, previous: Backup | None, *, asked_by: str | None
) -> None:
    """The log was put back to a backup: which backup, who asked (their user name, as the
    accounts may differ in the restored log), and where the state it replaced was kept —
    on the restored log's own trail."""
    record_look(
        session,
        Action.RESTORE,
        Record.LOG,
        None,
        backup=restored.path.name,
        made_at=restored.made_at.isoformat(),
        checkpoint=restored.checkpoint,
        replaced_state_kept_as=previous.path.name if previous else None,
        asked_by=asked_by,
    )


@requires(Permission.SETTINGS)
def record_backup(session: Session, made: Backup) -> None:
    """A backup asked for by the DSL ("Back up now", `footprint backup create --user`)."""
    record_look(session, Action.BACKUP, Record.LOG, None, backup=made.path.name)


@requires(Permission.MANAGE_EVIDENCE)
def record_backups_removed(session: Session, evidence_id: int, removed: list[str]) -> None:
    """Backups that still held a destroyed file were deleted at the DSL's word (the file
    names only: what they held is gone with them)."""
    record_look(
        session,
        Action.BACKUP,
        Record.EVIDENCE,
        evidence_id,
        removed_because_they_held_the_destroyed_file=removed,
    )


@requires(Permission.DISPOSE_RECORDS)
def record_disposed_backups_removed(
    session: Session, removed: list[str], kept_as: str, references: list[str]
) -> None:
    """Backups that still held disposed records were deleted at the DSL's word, after a
    new backup was made (the file names only: what they held is gone with them)."""
    record_look(
        session,
        Action.BACKUP,
        Record.LOG,
        None,
        removed_because_they_held_disposed_records=removed,
        new_backup=kept_as,
        disposed=references,
    )
