"""`footprint casefile`: the same case file as the window, password-protected from a file,
pictures by their number, the export on the trail; plain words for every refusal."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from app.cli import main
from app.core.db import Database
from app.core.models import AuditEntry, User
from app.core.services.evidence import add_evidence_description, add_evidence_file
from app.core.services.involvements import add_involvement
from app.core.vocab import InvolvementRole, PersonKind
from tests.factories import make_incident, make_person


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (30, 20), "green").save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def reference(database: Database, actor: User) -> str:
    with database.write(actor) as s:
        incident = make_incident(s, actor, summary="Posted by Kai Brennan-Ó Dálaigh.")
        kai = make_person(
            s, actor, kind=PersonKind.PUPIL, given_name="Kai", family_name="Brennan-Ó Dálaigh"
        )
        add_involvement(s, actor, incident.id, kai.id, InvolvementRole.POSTER)
        teacher = make_person(s, actor, kind=PersonKind.STAFF, given_name="Ruth", job_title="TA")
        add_involvement(s, actor, incident.id, teacher.id, InvolvementRole.TARGET)
        add_evidence_file(s, actor, incident.id, "shot.png", _png())
        add_evidence_description(s, actor, incident.id, "A described post.")
        return incident.reference


def test_the_command_writes_a_protected_agency_copy_and_records_it(
    database: Database,
    actor: User,
    db_url: str,
    reference: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "case.pdf"
    secret = tmp_path / "password.txt"
    secret.write_text("pencil harbour 42\n", encoding="utf-8")
    args = ["--database", db_url, "casefile", "--incident", reference.lower()]
    args += ["--variant", "agency", "--out", str(out), "--recipient", "LADO, Elmshire"]
    assert main([*args, "--password-file", str(secret), "--picture", "1"]) == 0
    said = capsys.readouterr().out
    assert f"Case file of {reference}" in said and "password-protected" in said
    if os.name == "posix":
        assert out.stat().st_mode & 0o077 == 0  # the user's alone
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    assert reader.is_encrypted and reader.decrypt("pencil harbour 42")
    text = " ".join(page.extract_text() for page in reader.pages)
    # The only pupil is the one it is about (no pupil is its target): named; staff by role.
    assert "Kai Brennan-Ó Dálaigh" in text and "Ruth" not in text and "TA" in text
    assert sum(len(page.images) for page in reader.pages) == 1
    with database.read(actor) as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "export")).one()
    detail = json.loads(entry.changes)
    assert detail["recipient"] == "LADO, Elmshire" and detail["encrypted"] is True
    assert "pencil" not in entry.changes


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--picture", "2"], "E2 has no picture"),
        (["--picture", "7"], "has no evidence item E7"),
        (["--password-file", "/no/such/file"], "can't be read"),
    ],
)
def test_refusals_are_plain_and_write_nothing(
    db_url: str,
    reference: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    words: str,
) -> None:
    out = tmp_path / "case.pdf"
    args = ["--database", db_url, "casefile", "--incident", reference, "--variant", "full"]
    assert main([*args, "--out", str(out), "--recipient", "File", *extra]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == [] or not out.exists()
    assert not any(p.name.startswith(".footprint-") for p in tmp_path.iterdir())
