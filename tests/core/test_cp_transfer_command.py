"""`footprint transfer`: make a pupil's file (a name that matches several pupils is listed,
never guessed), list it as awaiting receipt, confirm the receipt; plain words throughout."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.cli import main
from app.core.db import Database
from app.core.models import User
from app.core.services.involvements import add_involvement
from app.core.vocab import InvolvementRole, PersonKind
from tests.factories import make_incident, make_person


@pytest.fixture
def pupils(database: Database, actor: User) -> None:
    with database.write(actor) as s:
        incident = make_incident(s, actor)
        for given in ("Amara", "Amari"):
            pupil = make_person(
                s, actor, kind=PersonKind.PUPIL, given_name=given, family_name="Ndiaye"
            )
            add_involvement(s, actor, incident.id, pupil.id, InvolvementRole.TARGET)


def test_make_list_and_confirm_from_the_command_line(
    db_url: str, pupils: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "file.pdf"
    make = ["--database", db_url, "transfer", "make", "--school", "Harbour Academy"]
    make += ["--method", "recorded_post", "--out", str(out)]
    assert main([*make, "--pupil", "Ndiaye"]) == 2
    err = capsys.readouterr().err
    assert "matches more than one pupil" in err and "Amara Ndiaye" in err and "Amari" in err
    assert not out.exists()
    assert main([*make, "--pupil", "Amara Ndiaye"]) == 0
    said = capsys.readouterr().out
    assert "Child protection file of Amara Ndiaye" in said and "Transfer 1" in said
    assert "Receipt slip" in PdfReader(io.BytesIO(out.read_bytes())).pages[-1].extract_text()
    assert main(["--database", db_url, "transfer", "list"]) == 0
    assert "awaiting receipt" in capsys.readouterr().out
    confirm = ["--database", db_url, "transfer", "confirm", "--transfer", "1", "--by", "Ms Roe"]
    assert main([*confirm, "--received-on", "31/02/2026"]) == 2
    assert "is not a date" in capsys.readouterr().err
    assert main(confirm) == 0
    assert main(confirm) == 2
    assert "already confirmed" in capsys.readouterr().err
    assert main(["--database", db_url, "transfer", "list"]) == 0
    assert "received" in capsys.readouterr().out
