"""The command line's safety net turns anything a subcommand raises into a sentence and an
exit code, and logs an unexpected failure's traceback without its message."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from app.commands.safety import run_safely
from app.core.errors import NotFound

SECRET = "Zoë Nguyễn posted about Łukasz"


def _raise(exc: BaseException) -> int:
    raise exc


@pytest.fixture(autouse=True)
def _own_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("FOOTPRINT_DEBUG", raising=False)


def _technical_log(tmp_path: Path) -> str:
    return "".join(p.read_text() for p in (tmp_path / "state").rglob("footprint.log"))


def test_an_unexpected_failure_is_a_sentence_and_a_log_entry_without_its_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_safely(lambda: _raise(RuntimeError(SECRET)), "letter") == 1
    said = capsys.readouterr()
    assert said.out == ""
    assert said.err.startswith("footprint: something unexpected went wrong")
    assert "nothing was changed" in said.err and "footprint.log" in said.err
    assert SECRET not in said.err and "Traceback" not in said.err
    logged = _technical_log(tmp_path)
    assert "footprint letter failed: builtins.RuntimeError" in logged
    assert "test_cli_safety_net.py" in logged and SECRET not in logged


@pytest.mark.parametrize(
    ("exc", "code", "words"),
    [
        (NotFound("There is no incident SM-2026-0042."), 2, "There is no incident SM-2026-0042."),
        (KeyboardInterrupt(), 130, "Stopped."),
        (PermissionError(13, "Permission denied", "/tmp/x/letter.pdf"), 1, "/tmp/x/letter.pdf"),
        (
            OperationalError("INSERT …", {}, Exception("database or disk is full")),
            1,
            "The disk holding the log is full",
        ),
        (
            OperationalError("SELECT …", {}, Exception("disk I/O error")),
            1,
            "a disk error",
        ),
    ],
)
def test_known_failures_are_explained(
    exc: BaseException, code: int, words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_safely(lambda: _raise(exc), "report") == code
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_developers_can_see_the_real_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FOOTPRINT_DEBUG", "1")
    assert run_safely(lambda: _raise(RuntimeError("boom")), "demo") == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and "RuntimeError: boom" in err
    assert err.rstrip().splitlines()[-1].startswith("footprint: something unexpected")
