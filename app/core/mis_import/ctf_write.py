"""Writing a Common Transfer File in the layout real MIS suppliers use (see
docs/ctf-format-findings.md): for the tests, the benchmark and the demonstration school.
A parent is written under each of their children, as a MIS does."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from datetime import datetime
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape

from app.core.mis_import.records import ContactRecord, LinkRecord, PupilRecord

__all__ = ["write_ctf"]

_NUMBERED = re.compile(r"^(\d+[A-Za-z]?)\s+(.+)$")
_YEAR_CODES = {"N": "N2"}


def write_ctf(
    path_or_file: Path | str | IO[str],
    *,
    pupils: Iterable[PupilRecord],
    contacts: Iterable[ContactRecord],
    links: Iterable[LinkRecord],
    version: str = "25.0",
    qualifier: str = "full",
    source: tuple[str, str, str] = ("380", "2093", "Oakfield Primary"),
    address_layout: str = "bs7666",
    sex_tag: str = "Sex",
    when: datetime | None = None,
    as_pupil: Collection[str] = (),
    version_tag: str = "CTFversion",
) -> None:
    """Write the pupils with their contacts as a CTF (UTF-8). Contacts whose key is in
    `as_pupil` are written with <AddressAsPupil>true</AddressAsPupil>."""
    by_key = {c.key: c for c in contacts}
    links_of: dict[str, list[LinkRecord]] = {}
    for link in links:
        links_of.setdefault(link.pupil_key, []).append(link)
    stamp = (when or datetime(2026, 9, 4, 9, 12)).strftime("%Y-%m-%dT%H:%M:%S")
    la, estab, school = source

    def write(out: IO[str]) -> None:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<CTfile>\n  <Header>\n')
        out.write("    <DocumentName>Common Transfer File</DocumentName>\n")
        out.write(f"    <{version_tag}>{escape(version)}</{version_tag}>\n")
        out.write(f"    <DateTime>{stamp}</DateTime>\n")
        out.write(f"    <DocumentQualifier>{escape(qualifier)}</DocumentQualifier>\n")
        out.write("    <SupplierID>Footprint tests</SupplierID>\n    <SourceSchool>\n")
        out.write(f"      <LEA>{escape(la)}</LEA>\n      <Estab>{escape(estab)}</Estab>\n")
        out.write(f"      <SchoolName>{escape(school)}</SchoolName>\n")
        out.write("      <AcademicYear>2026</AcademicYear>\n    </SourceSchool>\n")
        out.write("  </Header>\n  <CTFpupilData>\n")
        for pupil in pupils:
            out.write(
                _pupil(
                    pupil, links_of.get(pupil.key, []), by_key, address_layout, sex_tag, as_pupil
                )
            )
        out.write("  </CTFpupilData>\n</CTfile>\n")

    if isinstance(path_or_file, (str, Path)):
        with open(path_or_file, "w", encoding="utf-8", newline="\n") as out:
            write(out)
    else:
        write(path_or_file)


def _el(indent: int, tag: str, value: str | None) -> str:
    if not value:
        return ""
    return f"{' ' * indent}<{tag}>{escape(value)}</{tag}>\n"


def _pupil(
    p: PupilRecord,
    links: list[LinkRecord],
    contacts: dict[str, ContactRecord],
    layout: str,
    sex_tag: str,
    as_pupil: Collection[str],
) -> str:
    parts = ["    <Pupil>\n", _el(6, "UPN", p.upn), _el(6, "Surname", p.family_name)]
    parts += [_el(6, "Forename", p.given_name)]
    if p.date_of_birth is not None:
        parts.append(_el(6, "DOB", p.date_of_birth.isoformat()))
    parts += [_el(6, sex_tag, "F" if sum(map(ord, p.key)) % 2 else "M"), "      <BasicDetails>\n"]
    parts += [_el(8, "PreferredSurname", p.preferred_family_name)]
    parts += [_el(8, "PreferredForename", p.preferred_given_name)]
    if p.year_group:
        parts.append(_el(8, "NCyearActual", _YEAR_CODES.get(p.year_group, p.year_group)))
    parts += ["        <MedicalFlag>false</MedicalFlag>\n", "      </BasicDetails>\n"]
    parts += [_address(6, p.address, p.postcode, layout), _phones(6, p.phone, "H")]
    parts.append(_el(6, "Email", p.email))
    if links:
        parts.append("      <Contacts>\n")
        for link in sorted(links, key=lambda k: k.priority or 99):
            c = contacts[link.contact_key]
            parts += ["        <Contact>\n", _el(10, "Order", str(link.priority or ""))]
            parts += [_el(10, "Title", c.title), _el(10, "Surname", c.family_name)]
            parts += [_el(10, "Forename", c.given_name)]
            code = link.relationship_code or link.relationship
            parts.append(_el(10, "Relationship", code))
            if link.parental_responsibility is not None:
                pr = "true" if link.parental_responsibility else "false"
                parts.append(_el(10, "Responsibility", pr))
            if c.key in as_pupil:
                parts.append("          <Address><AddressAsPupil>true</AddressAsPupil></Address>\n")
            else:
                parts.append(_address(10, c.address, c.postcode, layout))
            parts += [_phones(10, c.phone, "M"), _el(10, "Email", c.email)]
            parts.append("        </Contact>\n")
        parts.append("      </Contacts>\n")
    parts.append("    </Pupil>\n")
    return "".join(parts)


def _phones(indent: int, number: str, kind: str) -> str:
    if not number:
        return ""
    pad = " " * indent
    return (
        f"{pad}<Phones>\n{pad}  <Phone>\n{_el(indent + 4, 'TelephoneType', kind)}"
        f"{_el(indent + 4, 'PhoneNo', number)}{pad}  </Phone>\n{pad}</Phones>\n"
    )


def _address(indent: int, address: str, postcode: str, layout: str) -> str:
    if not address and not postcode:
        return ""
    pad = " " * indent
    lines = [line for line in address.split("\n") if line]
    if layout == "lines":
        inner = "".join(_el(indent + 4, f"AddressLine{n}", v) for n, v in enumerate(lines, 1))
        block = f"{pad}  <AddressLines>\n{inner}{pad}  </AddressLines>\n"
    else:
        block = f"{pad}  <BS7666Address>\n{_bs7666(indent + 4, lines)}{pad}  </BS7666Address>\n"
    return f"{pad}<Address>\n{block}{_el(indent + 2, 'PostCode', postcode)}{pad}</Address>\n"


def _bs7666(indent: int, lines: list[str]) -> str:
    """Letter lines split back into BS7666 parts: anything above the numbered street line
    is the SAON, the line after it the locality (when two remain) and the last the town."""
    at = next((i for i, line in enumerate(lines) if _NUMBERED.match(line)), None)
    if at is None:
        saon, paon, street, rest = "", lines[0] if lines else "", "", lines[1:]
    else:
        match = _NUMBERED.match(lines[at])
        assert match is not None
        saon, paon, street = ", ".join(lines[:at]), match.group(1), match.group(2)
        rest = lines[at + 1 :]
    locality = rest[0] if len(rest) > 1 else ""
    town = rest[-1] if rest else ""
    return "".join(
        _el(indent, tag, value)
        for tag, value in (
            ("SAON", saon),
            ("PAON", paon),
            ("Street", street),
            ("Locality", locality),
            ("Town", town),
            ("PostTown", town),
        )
    )
