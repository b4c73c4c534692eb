"""Stand-ins for the MIS readers and the import service, for the window's and the command
line's tests: realistic ImportFile and Plan objects, and a record of what was asked.

(The readers and the service were written alongside the window; once they are merged a
few tests can use the real ones. Everything that fakes them is here, in one place.)"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from app.core.errors import Conflict
from app.core.mis_import import csv_files, ctf
from app.core.mis_import.csv_files import CsvField, CsvSample
from app.core.mis_import.plan import FieldChange, LinkPlan, PersonPlan, Plan, Suggestion
from app.core.mis_import.records import (
    ContactRecord,
    ImportCancelled,
    ImportFile,
    ImportFileError,
    LinkRecord,
    Position,
    PupilRecord,
    Refusal,
)
from app.core.services import mis_import as service
from app.core.services.mis_import import ImportResult, SavedMapping
from app.core.vocab import PersonKind

PUPIL_FIELDS = [
    CsvField("upn", "UPN"),
    CsvField("family_name", "Surname", required=True),
    CsvField("given_name", "Forename", required=True),
    CsvField("date_of_birth", "Date of birth"),
    CsvField("year_group", "Year group"),
    CsvField("class_name", "Class"),
    CsvField("contact_family_name", "Contact's surname"),
    CsvField("contact_relationship", "Contact's relationship"),
]
STAFF_FIELDS = [
    CsvField("family_name", "Surname", required=True),
    CsvField("given_name", "Forename", required=True),
    CsvField("job_title", "Role"),
    CsvField("email", "Email"),
]
HEADERS = ["UPN", "Legal Surname", "First", "DOB", "Reg Group", "Contact Surname", "Relationship"]
ROWS = [
    ["A123456789012", "Okafor", "Chidi", "03/02/2016", "5B", "Okafor", "Mother"],
    ["B223456789012", "Nowak", "Zofia", "11/09/2015", "6H", "Nowak", "Father"],
    ["C323456789012", "Ó Briain", "Aoife", "", "5B", "Ó Briain", "Carer"],
    ["D423456789012", "Şahin", "Emre", "21/07/2016", "5B", "Şahin", "Mother"],
]
# "First" is not a heading the guesser knows: the forename must be chosen by hand.
GUESSES = {
    "upn": "UPN",
    "family_name": "Legal Surname",
    "date_of_birth": "DOB",
    "class_name": "Reg Group",
    "contact_family_name": "Contact Surname",
    "contact_relationship": "Relationship",
}


def ctf_file(name: str = "oakfield-autumn.xml", *, partial: bool = False) -> ImportFile:
    """A CTF as the reader would give it: two pupils, a mother, a refused pupil, a warning."""
    chidi = PupilRecord(
        key="A123456789012",
        given_name="Chidi",
        family_name="Okafor",
        position=Position(line=40),
        upn="A123456789012",
        date_of_birth=date(2016, 2, 3),
        year_group="5",
        class_name="5B",
    )
    zofia = replace(
        chidi,
        key="B223456789012",
        given_name="Zofia",
        family_name="Nowak",
        upn="B223456789012",
        position=Position(line=88),
    )
    mother = ContactRecord(
        key="mis:9001", given_name="Ngozi", family_name="Okafor", position=Position(line=61)
    )
    return ImportFile(
        source="ctf",
        file_name=name,
        sha256="ab" * 32,
        pupils=[chidi, zofia],
        contacts=[mother],
        links=[LinkRecord("A123456789012", "mis:9001", Position(line=61), "Mother")],
        refused=[Refusal(Position(line=120), "the UPN's check letter is wrong", "UPN X1234…")],
        warnings=["Pupil at line 130 has year group X (no year group): left without one."],
        schema_version="23.0",
        source_school="380/2093 Oakfield Primary",
        file_date="2026-09-04T09:12:00",
        says_partial=partial,
    )


def csv_file(mapping_name: str = "") -> ImportFile:
    return replace(
        ctf_file("pupils.csv"),
        source="csv",
        schema_version="",
        source_school="",
        file_date="",
        mapping_name=mapping_name,
    )


def plan_for(
    import_file: ImportFile, *, whole_school: bool, decisions: dict[str, int] | None = None
) -> Plan:
    """What the service would preview: Zofia may be the Zofia typed by hand (a suggestion);
    the whole school leaves out Kacper, who has left; Ngozi's link gains a court order."""
    decisions = dict(decisions or {})
    added = [
        PersonPlan(
            "pupil:A123456789012", PersonKind.PUPIL, "Chidi Okafor", None, (), 0, Position(line=40)
        ),
        PersonPlan(
            "contact:mis:9001", PersonKind.PARENT, "Ngozi Okafor", None, (), 0, Position(line=61)
        ),
    ]
    changed = [
        PersonPlan(
            "pupil:C323456789012",
            PersonKind.PUPIL,
            "Aoife Ó Briain",
            7,
            (
                FieldChange("class_name", "Class", "5B", "6H"),
                FieldChange("year_group", "Year group", "5", "6"),
            ),
            on_incidents=2,
            position=Position(line=102),
        )
    ]
    zofia = "pupil:B223456789012"
    if decisions.get(zofia) == 12:
        changed.append(
            PersonPlan(
                zofia,
                PersonKind.PUPIL,
                "Zofia Nowak",
                12,
                (FieldChange("upn", "UPN", "", "B223456789012"),),
                1,
            )
        )
    else:
        added.append(
            PersonPlan(zofia, PersonKind.PUPIL, "Zofia Nowak", None, (), 0, Position(line=88))
        )
    left = (
        [PersonPlan("", PersonKind.PUPIL, "Kacper Wiśniewski", 9, on_incidents=1)]
        if whole_school
        else []
    )
    return Plan(
        file_name=import_file.file_name,
        sha256=import_file.sha256,
        source=import_file.source,
        whole_school=whole_school,
        added=added,
        changed=changed,
        left=left,
        unchanged=240,
        links_added=[
            LinkPlan("Chidi Okafor", "Ngozi Okafor", "Mother, parental responsibility, priority 1")
        ],
        links_changed=[
            LinkPlan(
                "Aoife Ó Briain",
                "Siobhán Ó Briain",
                "",
                link_id=4,
                changes=(FieldChange("no_contact", "No contact", "No", "Yes (Court order)"),),
                adds_no_contact=True,
                on_incidents=2,
            )
        ],
        links_ended=[LinkPlan("Kacper Wiśniewski", "Marek Wiśniewski", "Father", link_id=5)],
        suggestions=[
            Suggestion(
                zofia, "Zofia Nowak (line 88)", 12, "Zofia Nowak", "same name and date of birth", 1
            )
        ],
        refused=list(import_file.refused),
        warnings=list(import_file.warnings),
        not_in_file=[PersonPlan("", PersonKind.PARENT, "Pat Typed-by-hand", 15)],
        decisions=decisions,
        fingerprint="f" * 16,
    )


@dataclass
class FakeImports:
    """The fakes in place, and what the window or the command line asked of them."""

    read: list[Path] = field(default_factory=list)
    read_columns: list[dict[str, str]] = field(default_factory=list)
    previews: list[tuple[bool, dict[str, int]]] = field(default_factory=list)
    applied: list[Plan] = field(default_factory=list)
    saved: list[SavedMapping] = field(default_factory=list)
    #: Set to make the next read fail, be slow (until cancelled), or apply conflict once.
    read_error: str | None = None
    slow: bool = False
    conflict_once: bool = False
    partial: bool = False

    def read_ctf(self, path: Path, *, progress: Any = None, cancelled: Any = None) -> ImportFile:
        self.read.append(path)
        self._work(progress, cancelled)
        return ctf_file(path.name, partial=self.partial)

    def read_csv(self, path: Path, columns: dict[str, str], kind: str, **kw: Any) -> ImportFile:
        self.read.append(path)
        self.read_columns.append(dict(columns))
        self._work(kw.get("progress"), kw.get("cancelled"))
        return csv_file(kw.get("mapping_name", ""))

    def _work(self, progress: Any, cancelled: Any) -> None:
        if self.read_error is not None:
            raise ImportFileError(self.read_error)
        steps = 400 if self.slow else 4
        for done in range(steps):
            if cancelled is not None and cancelled():
                raise ImportCancelled
            if progress is not None:
                progress(done, steps)
            if self.slow:
                time.sleep(0.01)

    def preview(self, _session: Any, import_file: ImportFile, **kw: Any) -> Plan:
        decisions = dict(kw.get("decisions") or {})
        self.previews.append((kw["whole_school"], decisions))
        return plan_for(import_file, whole_school=kw["whole_school"], decisions=decisions)

    def apply(
        self, _session: Any, _actor: Any, _import_file: ImportFile, plan: Plan
    ) -> ImportResult:
        if self.conflict_once:
            self.conflict_once = False
            raise Conflict("The log changed since the preview.")
        self.applied.append(plan)
        return ImportResult(import_id=1, counts=plan.counts())

    def list_mappings(self, _session: Any, kind: str | None = None) -> list[SavedMapping]:
        return [m for m in self.saved if kind is None or m.kind == kind]

    def get_mapping(self, _session: Any, name: str) -> SavedMapping:
        from app.core.errors import NotFound

        for mapping in self.saved:
            if mapping.name == name:
                return mapping
        raise NotFound(f"There is no saved mapping called “{name}”.")

    def save_mapping(
        self, _session: Any, _actor: Any, name: str, kind: str, columns: dict[str, str]
    ) -> SavedMapping:
        mapping = SavedMapping(name, kind, dict(columns))
        self.saved = [m for m in self.saved if m.name != name] + [mapping]
        return mapping


def install(monkeypatch: pytest.MonkeyPatch) -> FakeImports:
    """Put the fakes where the window and the command line reach the readers and service."""
    fakes = FakeImports()
    monkeypatch.setattr(ctf, "read_ctf", fakes.read_ctf)
    monkeypatch.setattr(csv_files, "read_csv", fakes.read_csv)
    monkeypatch.setattr(
        csv_files, "fields_for", lambda kind: PUPIL_FIELDS if kind == "pupils" else STAFF_FIELDS
    )
    monkeypatch.setattr(
        csv_files, "sniff_csv", lambda _path: CsvSample(HEADERS, ROWS, "utf-8-sig", ",")
    )
    monkeypatch.setattr(csv_files, "guess_columns", lambda _headers, _kind: dict(GUESSES))
    monkeypatch.setattr(service, "preview_import", fakes.preview)
    monkeypatch.setattr(service, "apply_import", fakes.apply)
    monkeypatch.setattr(service, "list_mappings", fakes.list_mappings)
    monkeypatch.setattr(service, "get_mapping", fakes.get_mapping)
    monkeypatch.setattr(service, "save_mapping", fakes.save_mapping)
    return fakes
