"""`footprint import ctf|csv`: the preview as text (counts first, then each part, refused
rows with their lines), applied only with --apply, never while possible matches wait for
a decision (unless --new-for-suggestions), only for an account that may import, and every
refusal a plain sentence with its exit code. The readers and the service are the fakes of
tests/ui/mis_import_fakes.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher

from app.cli import main
from app.core.security import passwords
from app.core.services.accounts import create_first_account
from app.core.services.users import get_user
from app.core.startup import open_log
from app.core.vocab import UserRole
from tests.factories import make_account
from tests.ui.mis_import_fakes import FakeImports, install


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch) -> FakeImports:
    return install(monkeypatch)


@pytest.fixture
def log_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'footprint.sqlite3'}"
    open_log(url).database.dispose()
    return url


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "oakfield-autumn.xml"
    path.write_text("<CTfile/>", encoding="utf-8")
    return path


def test_the_preview_is_printed_and_nothing_is_applied_without_apply(
    fakes: FakeImports, log_url: str, export: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", "ctf", str(export), "--database", log_url]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:3] == [
        "oakfield-autumn.xml: a Common Transfer File from 380/2093 Oakfield Primary "
        "(version 23.0), made 04/09/2026 09:12",
        "This import adds 2 pupils and 1 parent or contact; changes the details of 1 pupil; "
        "marks 1 pupil as left; adds 1 family link; changes 1 family link; ends 1 family "
        "link. 240 people are unchanged and 1 row is refused.",
        "Read as the whole school: anyone the MIS kept who is not in it is marked as left.",
    ]
    text = "\n".join(out)
    assert "New people (3):\n  - Chidi Okafor (pupil, line 40)" in text
    assert "Changed (1):\n  - Aoife Ó Briain (pupil, line 102) [on 2 incidents]\n" in text
    assert "      Class: 5B → 6H\n      Year group: 5 → 6" in text
    assert "Leavers (1):\n  - Kacper Wiśniewski (pupil) [on 1 incident]" in text
    assert (
        "  - Siobhán Ó Briain → Aoife Ó Briain: NO CONTACT from now on (Court order) "
        "[on 2 incidents]" in text
    )
    assert "Refused rows (1):\n  - Line 120 (UPN X1234…): the UPN's check letter is wrong" in text
    assert "In Footprint, not in the file (left unchanged) (1):\n  - Pat Typed-by-hand" in text
    assert out[-1] == "Nothing was changed: run again with --apply to make these changes."
    assert fakes.previews == [(True, {})] and fakes.applied == []


def test_apply_is_refused_while_matches_wait_unless_they_are_added_as_new(
    fakes: FakeImports, log_url: str, export: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", "ctf", str(export), "--apply", "--database", log_url]) == 1
    err = capsys.readouterr().err
    assert err == (
        "footprint import: 1 possible match needs a decision, so nothing was applied. Answer "
        "them in the window (People → Import from MIS…), or run again with "
        "--new-for-suggestions to add it as a new person.\n"
    )
    assert fakes.applied == []
    args = ["import", "ctf", str(export), "--apply", "--new-for-suggestions", "--partial"]
    assert main([*args, "--database", log_url]) == 0
    out = capsys.readouterr().out
    assert "Read as part of the school: nobody is marked as left." in out
    assert out.rstrip().endswith(
        "Applied (import 1): the import adds 2 pupils and 1 parent "
        "or contact; changes the details of 1 pupil; adds 1 family "
        "link; changes 1 family link; ends 1 family link."
    )
    assert [p.whole_school for p in fakes.applied] == [False]


def test_a_csv_is_read_with_its_saved_mapping_and_an_unknown_one_is_refused(
    fakes: FakeImports, log_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "pupils.csv"
    path.write_text("UPN,Legal Surname,First\n", encoding="utf-8")
    args = ["import", "csv", str(path), "--database", log_url]
    assert main([*args, "--mapping", "SIMS pupils"]) == 2
    assert capsys.readouterr().err == (
        "footprint import: There is no saved mapping called “SIMS pupils”.\n"
    )
    fakes.save_mapping(None, None, "SIMS pupils", "pupils", {"given_name": "First"})
    assert main([*args, "--mapping", "SIMS pupils"]) == 0
    assert fakes.read_columns == [{"given_name": "First"}]
    assert fakes.previews == [(False, {})]  # a CSV is not the whole school unless said
    assert "read with the mapping “SIMS pupils”" in capsys.readouterr().out


def test_a_file_that_can_t_be_read_is_a_sentence(
    fakes: FakeImports, log_url: str, export: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fakes.read_error = "oakfield-autumn.xml is not a Common Transfer File (line 1)."
    assert main(["import", "ctf", str(export), "--database", log_url]) == 1
    captured = capsys.readouterr()
    assert captured.err == (
        "footprint import: oakfield-autumn.xml is not a Common Transfer File (line 1).\n"
    )
    assert captured.out == "" and fakes.previews == []
    assert main(["import", "ctf", str(export.with_name("gone.xml")), "--database", log_url]) == 2
    assert "gone.xml is not a file that can be read." in capsys.readouterr().err


def test_an_account_that_may_not_import_is_refused(
    fakes: FakeImports,
    log_url: str,
    export: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", lambda: cheap)
    log = open_log(log_url)
    with log.database.write(log.user_id) as s:
        dsl = create_first_account(s, "Ada Okafor", "aokafor", "river lantern orchard")
        make_account(s, get_user(s, dsl.id), UserRole.OFFICE, "office", "Olu Office")
    log.database.dispose()
    monkeypatch.setenv("FOOTPRINT_PASSWORD", "temporary harbour 42")
    args = ["import", "ctf", str(export), "--apply", "--database", log_url, "--user", "office"]
    assert main(args) == 2
    assert capsys.readouterr().err == (
        "footprint import: this account may not import people from the MIS: the DSL or a "
        "deputy DSL does that.\n"
    )
    assert fakes.read == [] and fakes.applied == []
