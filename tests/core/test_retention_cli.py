"""`footprint retention list|dispose`: what is due, what disposal would erase (nothing
done without --yes), the DSL's account alone, a hold refused, the backups replaced at
--delete-old-backups, and plain messages (never a traceback) when something is wrong."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.cli import main
from app.core.actors import SYSTEM
from app.core.backups import create_backup
from app.core.db import Database
from app.core.models import RetentionDisposal, User
from app.core.services.accounts import add_account, change_own_password, create_first_account
from app.core.services.legal_holds import place_hold
from app.core.vocab import UserRole
from tests.core.retention_scene import Scene, build_scene


@pytest.fixture
def scene(database: Database, actor: User) -> Scene:
    return build_scene(database, actor)


def _disposals(database: Database) -> int:
    with database.read(SYSTEM) as s:
        return s.scalar(select(func.count()).select_from(RetentionDisposal)) or 0


def test_list_shows_what_is_due_and_why(
    db_url: str, scene: Scene, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["retention", "list", "--database", db_url]) == 0
    out = capsys.readouterr().out
    assert "Due for review: 1" in out
    assert f"{scene.disposed_reference}  review date 10/10/2025" in out
    assert "Kept 6 years after closing (10/10/2019)" in out
    assert "Disposals: 0" in out


def test_dispose_says_what_it_would_erase_and_does_nothing_without_yes(
    db_url: str, database: Database, scene: Scene, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["retention", "dispose", "--database", db_url, "--incident", scene.disposed_reference]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "15 timeline entries" in out and "2 letters" in out
    assert f"{scene.canaries['pupil']} Ashdown, pupil: erased" in out
    assert "Keira Ollerton, pupil: kept (on another incident)" in out
    assert "Nothing was done: add --yes" in out
    assert _disposals(database) == 0


def test_only_the_dsls_account_disposes_and_old_backups_go_on_request(
    db_url: str,
    database: Database,
    scene: Scene,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with database.write(SYSTEM) as s:
        dsl = create_first_account(s, "Ada Okafor", "aokafor", "river lantern orchard")
    with database.write(dsl) as s:
        deputy = add_account(s, dsl, "Dev Puty", "dputy", UserRole.DEPUTY_DSL, "harbour lamp 42")
    with database.write(deputy) as s:
        change_own_password(s, deputy, "harbour lamp 42", "quiet meadow lantern")
    args = ["retention", "dispose", "--database", db_url, "--incident", scene.disposed_reference]
    monkeypatch.setenv("FOOTPRINT_PASSWORD", "quiet meadow lantern")
    assert main([*args, "--yes", "--user", "dputy"]) == 2
    assert "can't dispose of records" in capsys.readouterr().err
    assert _disposals(database) == 0
    before = create_backup(database.file) if database.file else None
    monkeypatch.setenv("FOOTPRINT_PASSWORD", "river lantern orchard")
    assert main([*args, "--yes", "--delete-old-backups", "--user", "aokafor"]) == 0
    out = capsys.readouterr().out
    assert f"Disposed of {scene.disposed_reference}." in out
    assert _disposals(database) == 1
    if before is not None:
        assert "then deleted 1 earlier backup(s) that held it" in out
        assert not before.path.exists()
    else:
        assert "PostgreSQL log's backups are its server's" in out
    assert main(["audit", "verify", "--database", db_url, "--user", "aokafor"]) == 0


def test_a_hold_or_a_wrong_reference_is_said_plainly(
    db_url: str, database: Database, actor: User, scene: Scene, capsys: pytest.CaptureFixture[str]
) -> None:
    with database.write(actor) as s:
        place_hold(s, actor, "Inquiry", "", references=[scene.disposed_reference])
    args = ["retention", "dispose", "--database", db_url, "--yes", "--incident"]
    assert main([*args, scene.disposed_reference]) == 2
    captured = capsys.readouterr()
    assert "under the legal hold “Inquiry”" in captured.err and captured.out == ""
    assert "nothing was disposed of" in captured.err and "Traceback" not in captured.err
    assert main([*args, "SM-1999-0001"]) == 2
    captured = capsys.readouterr()
    assert "There is no incident SM-1999-0001." in captured.err
    assert "Traceback" not in captured.err + captured.out
    assert _disposals(database) == 0
