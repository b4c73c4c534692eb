"""The demonstration school's pupils and their families arrive as a real school's do: the
builder writes them into a Common Transfer File (and their classes into a CSV report, as
a CTF carries no class), and Footprint imports both through the MIS import service."""

from __future__ import annotations

import csv
import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.mis_import.csv_files import guess_columns, read_csv, sniff_csv
from app.core.mis_import.ctf import read_ctf
from app.core.mis_import.ctf_write import write_ctf
from app.core.mis_import.records import ContactRecord, LinkRecord, Position, PupilRecord
from app.core.mis_import.upn import make_upn
from app.core.models import ParentChildLink, Person, User
from app.core.services.mis_import import apply_import, preview_import

#: The demo school's (invented) local authority and establishment numbers.
LA, ESTAB = "999", "2093"
#: What each carer is in the CTF's code list.
_CODES = {
    "Mother": "PAM",
    "Father": "PAF",
    "Stepfather": "STF",
    "Grandmother (kinship carer)": "GRM",
}


@dataclass
class FamilyRecords:
    """Pupils, carers and links drawn by the community builder, waiting to be imported."""

    pupils: list[PupilRecord] = field(default_factory=list)
    contacts: list[ContactRecord] = field(default_factory=list)
    links: list[LinkRecord] = field(default_factory=list)
    classes: dict[str, str] = field(default_factory=dict)  # UPN → class

    def pupil(
        self,
        rng: random.Random,
        given: str,
        family: str,
        dob: date,
        year_group: str,
        class_name: str,
    ) -> str:
        """Add a pupil; their UPN (the key of their links)."""
        upn = make_upn(LA, ESTAB, len(self.pupils) + 1, year=dob.year % 100)
        self.pupils.append(
            PupilRecord(
                key=upn,
                given_name=given,
                family_name=family,
                position=Position(),
                upn=upn,
                date_of_birth=dob,
                year_group=year_group,
            )
        )
        self.classes[upn] = class_name
        return upn

    def carer(self, contact: ContactRecord) -> str:
        """Add a carer; their key."""
        self.contacts.append(contact)
        return contact.key

    def link(self, upn: str, carer_key: str, label: str, priority: int, letters: bool) -> None:
        """Link a carer to a pupil; a step-parent without parental responsibility gets no
        letters (as the MIS's "Responsibility: false" means)."""
        self.links.append(
            LinkRecord(
                pupil_key=upn,
                contact_key=carer_key,
                position=Position(),
                relationship_code=_CODES.get(label, "OTH"),
                parental_responsibility=letters,
                priority=priority,
            )
        )


def import_families(
    session: Session, actor: User, records: FamilyRecords
) -> tuple[dict[str, int], dict[int, list[int]]]:
    """Import the families as a CTF and then their classes as a CSV; the pupils' ids by
    UPN and, for each pupil id, their carers' ids (in the MIS's priority order). The
    files are invented data, written to a private temporary folder and removed."""
    with tempfile.TemporaryDirectory(prefix="footprint-demo-") as folder:
        ctf = Path(folder) / "demo-school.xml"
        write_ctf(
            ctf,
            pupils=records.pupils,
            contacts=records.contacts,
            links=records.links,
            source=(LA, ESTAB, "Kestrel Vale Primary School"),
        )
        _import(session, actor, lambda: read_ctf(ctf), whole_school=True)
        classes = Path(folder) / "classes.csv"
        with classes.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["UPN", "Legal Surname", "Legal Forename", "Reg Group"])
            for pupil in records.pupils:
                upn = pupil.upn or ""
                writer.writerow([upn, pupil.family_name, pupil.given_name, records.classes[upn]])
        columns = guess_columns(sniff_csv(classes).headers, "pupils")
        _import(session, actor, lambda: read_csv(classes, columns, "pupils"), whole_school=False)
    ids = {
        str(upn): person_id
        for upn, person_id in session.execute(
            select(Person.upn, Person.id).where(Person.upn.is_not(None))
        )
    }
    carers: dict[int, list[int]] = {}
    for child_id, parent_id in session.execute(
        select(ParentChildLink.child_id, ParentChildLink.parent_id)
        .where(ParentChildLink.withdrawn_at.is_(None))
        .order_by(ParentChildLink.priority, ParentChildLink.id)
    ):
        carers.setdefault(child_id, []).append(parent_id)
    return ids, carers


def _import(session: Session, actor: User, read: Callable[..., object], whole_school: bool) -> None:
    import_file = read()
    plan = preview_import(session, import_file, whole_school=whole_school)  # type: ignore[arg-type]
    if plan.refused or plan.suggestions:
        raise RuntimeError(f"the demo's own import was refused: {plan.refused[:3]}")
    apply_import(session, actor, import_file, plan)  # type: ignore[arg-type]
