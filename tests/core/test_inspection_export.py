"""Saving the inspection list: from the command line as from the window, the file is the
user's alone, appears only once the export is on the trail, and never without it."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import stat
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.cli import main
from app.core.db import Database
from app.core.errors import ValidationError
from app.core.models import AuditEntry, User
from app.core.services import inspection_list
from app.core.services.incident_queries import IncidentFilter
from app.core.services.inspection_export import export_inspection_list
from app.core.services.inspection_list import ExportFormat
from app.core.vocab import Category, PrejudiceType
from tests.factories import make_incident

T = TypeVar("T")
SEEN = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def references(database: Database, actor: User) -> list[str]:
    made = []
    with database.write(actor) as s:
        for day in range(4):
            incident = make_incident(
                s,
                actor,
                happened_at=None,
                seen_at=SEEN + timedelta(days=day * 30),
                categories=frozenset(
                    {Category.PREJUDICE_BASED} if day % 2 else {Category.BULLYING}
                ),
                prejudice_type=PrejudiceType.DISABILITY if day % 2 else None,
            )
            made.append(incident.reference)
    return made


def _exports(database: Database) -> list[AuditEntry]:
    with database.read(database_actor(database)) as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.table_name == "inspection_list")))


def database_actor(database: Database) -> int:
    from app.core.actors import SYSTEM

    with database.read(SYSTEM) as s:
        return int(s.scalar(select(func.min(User.id))) or 0)


def test_the_command_writes_the_csv_for_the_filter_given(
    db_url: str, database: Database, references: list[str], tmp_path: Path
) -> None:
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "list.csv"
    args = ["--database", db_url, "inspection", "--format", "csv", "--out", str(out)]
    assert main([*args, "--from", "01/07/2026", "--category", "prejudice_based"]) == 0
    data = out.read_bytes()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    # Seen 10/07 and 08/09 are prejudice-based; 09/08 is bullying; 10/06 is before --from.
    assert [r[0] for r in rows[1:]] == [references[3], references[1]]
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # the user's alone
    assert [p.name for p in out.parent.iterdir()] == ["list.csv"]  # no staged copy left
    (entry,) = _exports(database)
    detail = json.loads(entry.changes)
    assert detail["sha256"] == hashlib.sha256(data).hexdigest() and detail["rows"] == 2
    assert detail["filter"] == {"categories": ["prejudice_based"], "seen_from": "2026-07-01"}
    assert detail["by"] == "command" and detail["format"] == "csv"


def test_the_command_writes_the_pdf(
    db_url: str, database: Database, references: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "list.pdf"
    args = ["--database", db_url, "inspection", "--format", "pdf", "--out", str(out)]
    assert main([*args, "--to", "2026-08-31", "--status", "open"]) == 0
    text = " ".join(p.extract_text() for p in PdfReader(out).pages)
    assert references[0] in text and references[2] in text and references[3] not in text
    assert "Status: open (not closed)" in text and "Seen on or before 31/08/2026" in text
    assert "Disability (disablist) 1" in " ".join(text.split())


def test_the_command_refuses_nonsense_plainly(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    base = ["--database", db_url, "inspection", "--format", "csv"]
    assert main([*base, "--out", str(tmp_path / "no" / "x.csv")]) == 2
    assert "the folder for" in capsys.readouterr().err
    assert main([*base, "--out", str(tmp_path / "x.csv"), "--from", "31/02/2026"]) == 2
    assert "is not a date" in capsys.readouterr().err
    args = [*base, "--out", str(tmp_path / "x.csv"), "--from", "02/02/2026", "--to", "01/02/2026"]
    assert main(args) == 2
    assert "--to is before --from" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def _units(database: Database, actor: User) -> tuple[Any, Any]:
    def read(work: Callable[[Session], T]) -> T:
        with database.read(actor) as s:
            return work(s)

    def write(work: Callable[[Session], T]) -> T:
        with database.write(actor) as s:
            return work(s)

    return read, write


def test_no_file_without_the_trail_and_no_trail_without_the_file(
    database: Database, actor: User, references: list[str], tmp_path: Path
) -> None:
    read, _ = _units(database, actor)
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    out = tmp_path / "list.csv"

    def broken_trail(work: Callable[[Session], T]) -> T:
        raise OSError("disk full")

    with pytest.raises(OSError):
        export_inspection_list(read, broken_trail, out, IncidentFilter(), ExportFormat.CSV, by="t")
    assert not list(tmp_path.iterdir())  # neither the file nor its staged copy

    def failing(*args: object, **kwargs: object) -> object:
        raise OSError("cannot write")

    _, write = _units(database, actor)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(inspection_list, "write_inspection_csv", failing)
        with pytest.raises(OSError):
            export_inspection_list(read, write, out, IncidentFilter(), ExportFormat.CSV, by="t")
    assert not list(tmp_path.iterdir()) and not _exports(database)


def test_a_pdf_of_too_many_rows_is_refused_with_the_way_out(
    database: Database, actor: User, references: list[str], tmp_path: Path
) -> None:
    read, write = _units(database, actor)
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(inspection_list, "PDF_MOST_ROWS", 3)
        with pytest.raises(ValidationError, match="save it as CSV"):
            export_inspection_list(
                read, write, tmp_path / "x.pdf", IncidentFilter(), ExportFormat.PDF, by="t"
            )
    assert not list(tmp_path.iterdir()) and not _exports(database)
