"""Every start checks the log before trusting it: a missing, empty or damaged log where
one existed is never taken for a new school (the latest backup is offered), a log that
disappears or is replaced while open stops taking saves, and the files Footprint makes
are the user's alone."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from app.core.actors import SYSTEM
from app.core.backups import create_backup
from app.core.errors import DatabaseError, LogLost
from app.core.services.users import get_user
from app.core.startup import open_log
from tests.factories import make_incident


def _new_log(folder: Path) -> Path:
    path = folder / "school" / "footprint.sqlite3"
    log = open_log(f"sqlite:///{path}")
    with log.database.write(log.user_id) as s:
        make_incident(s, get_user(s, log.user_id))
    log.database.dispose()
    return path


def test_a_new_log_and_its_companions_are_private(tmp_path: Path) -> None:
    path = tmp_path / "new" / "footprint.sqlite3"
    log = open_log(f"sqlite:///{path}")
    try:
        with log.database.write(log.user_id) as s:
            make_incident(s, get_user(s, log.user_id))
        for member in (path, Path(f"{path}-wal"), Path(f"{path}.audit-head")):
            assert stat.S_IMODE(member.stat().st_mode) == 0o600, member.name
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    finally:
        log.database.dispose()


def test_an_older_log_readable_by_others_is_made_private(tmp_path: Path) -> None:
    path = _new_log(tmp_path)
    os.chmod(path, 0o644)
    open_log(f"sqlite:///{path}").database.dispose()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize("what", ["deleted", "emptied"])
def test_a_lost_log_is_never_a_new_school(tmp_path: Path, what: str) -> None:
    path = _new_log(tmp_path)
    backup = create_backup(path)
    if what == "deleted":
        path.unlink()
    else:
        path.write_bytes(b"")
    with pytest.raises(LogLost, match=r"is missing or empty\. The latest backup is from") as lost:
        open_log(f"sqlite:///{path}")
    assert lost.value.backup == backup
    assert not path.exists() or path.stat().st_size == 0  # nothing was made in its place


def test_a_lost_log_without_backups_is_still_not_a_new_school(tmp_path: Path) -> None:
    path = _new_log(tmp_path)  # its outside copy shows a log existed here
    path.unlink()
    with pytest.raises(LogLost, match="There is no backup of it"):
        open_log(f"sqlite:///{path}")


def test_a_damaged_log_is_not_written_to(tmp_path: Path) -> None:
    path = _new_log(tmp_path)
    data = bytearray(path.read_bytes())
    for offset in range(4096, len(data), 509):
        data[offset] ^= 0x5A
    path.write_bytes(bytes(data))
    with pytest.raises(LogLost, match="damaged") as lost:
        open_log(f"sqlite:///{path}")
    assert lost.value.backup is None
    assert path.read_bytes() == bytes(data)


def test_a_log_deleted_or_replaced_while_open_stops_taking_saves(tmp_path: Path) -> None:
    path = _new_log(tmp_path)
    log = open_log(f"sqlite:///{path}")
    try:
        path.unlink()  # as a clean-up tool or a careless copy would
        with (
            pytest.raises(DatabaseError, match="has gone, or was replaced"),
            log.database.write(SYSTEM) as s,
        ):
            make_incident(s, get_user(s, log.user_id))
    finally:
        log.database.dispose()
