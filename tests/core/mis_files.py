"""Import files for the service tests, built from records (the readers are tested on real
files elsewhere): a small school in September, and the same school in the spring."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from app.core.mis_import.records import (
    ContactRecord,
    ImportFile,
    LinkRecord,
    Position,
    PupilRecord,
)

# (upn, given, family, dob, year, class)
_PUPILS = [
    ("A100000000001", "Amara", "Okafor", date(2016, 3, 2), "5", "5 Oak"),
    ("A100000000002", "Tobi", "Okafor", date(2018, 6, 11), "3", "3 Ash"),
    ("A100000000003", "Lily", "Chen", date(2016, 1, 20), "5", "5 Oak"),
    ("A100000000004", "Jack", "Hughes", date(2015, 5, 5), "6", "6 Yew"),
    ("A100000000005", "Zoë", "Dubois", date(2020, 10, 1), "R", "Robins"),
    ("A100000000006", "Łukasz", "Nowak", date(2017, 2, 14), "4", "4 Elm"),
]
# (mis id, title, given, family, address, postcode)
_CONTACTS = [
    ("101", "Mrs", "Grace", "Okafor", "12 Oak Road\nMorden", "SM4 5AB"),
    ("102", "Mr", "David", "Okafor", "12 Oak Road\nMorden", "SM4 5AB"),
    ("103", "Ms", "Wei", "Chen", "4 Birch Lane\nMorden", "SM4 6CD"),
    ("104", "Mrs", "Sarah", "Hughes", "9 Mill Street\nMitcham", "CR4 3EF"),
    ("105", "Mr", "Mark", "Hughes", "9 Mill Street\nMitcham", "CR4 3EF"),
    ("106", "Ms", "Claire", "Dubois", "1 Rue Court\nMorden", "SM4 7GH"),
    ("107", "Mrs", "Anne", "Dubois", "22 High Street\nSutton", "SM1 1AA"),
    ("108", "Mrs", "Marta", "Nowak", "5 Park View\nMorden", "SM4 8JK"),
]
# (pupil upn suffix, contact id, relationship, PR, priority)
_LINKS = [
    ("1", "101", "Mother", True, 1),
    ("1", "102", "Father", True, 2),
    ("2", "101", "Mother", True, 1),
    ("2", "102", "Father", True, 2),
    ("3", "103", "Mother", True, 1),
    ("4", "104", "Mother", True, 1),
    ("4", "105", "Father", True, 2),
    ("5", "106", "Mother", True, 1),
    ("5", "107", "Grandmother", False, 2),
    ("6", "108", "Mother", True, 1),
]


def upn(n: int) -> str:
    return f"A10000000000{n}"


def september() -> ImportFile:
    """Six pupils (two siblings sharing both parents), eight contacts (a grandmother
    without parental responsibility), ten links. The file says David Okafor may be
    contacted about Amara (no_contact False, as a CSV's column would)."""
    pupils = [
        PupilRecord(
            key=u,
            given_name=g,
            family_name=f,
            position=Position(line=10 * i),
            upn=u,
            date_of_birth=dob,
            year_group=y,
            class_name=c,
        )
        for i, (u, g, f, dob, y, c) in enumerate(_PUPILS, start=1)
    ]
    contacts = [
        ContactRecord(
            key=f"mis:{m}",
            given_name=g,
            family_name=f,
            position=Position(line=100 + i),
            mis_id=m,
            title=t,
            address=a,
            postcode=p,
            phone=f"07700 900{m}",
        )
        for i, (m, t, g, f, a, p) in enumerate(_CONTACTS, start=1)
    ]
    links = [
        LinkRecord(
            pupil_key=upn(int(n)),
            contact_key=f"mis:{m}",
            position=Position(line=200 + i),
            relationship=r,
            parental_responsibility=pr,
            priority=pri,
            no_contact=False if (n, m) == ("1", "102") else None,
        )
        for i, (n, m, r, pr, pri) in enumerate(_LINKS, start=1)
    ]
    return ImportFile(
        source="ctf",
        file_name="september.xml",
        sha256="a" * 64,
        pupils=pupils,
        contacts=contacts,
        links=links,
        schema_version="23.0",
        source_school="380/2093 Oakfield Primary",
        file_date="2026-09-04T09:12:00",
    )


def spring() -> ImportFile:
    """The same school later: Jack Hughes has left (and his parents with him), Lily Chen
    moved class, Grace Okafor moved house, and a court order now stops David Okafor's
    contact with Amara."""
    first = september()
    pupils = [p for p in first.pupils if p.upn != upn(4)]
    pupils = [replace(p, class_name="5 Yew") if p.upn == upn(3) else p for p in pupils]
    contacts = [c for c in first.contacts if c.mis_id not in ("104", "105")]
    contacts = [
        replace(c, address="3 Elm Close\nMitcham", postcode="CR4 2AA") if c.mis_id == "101" else c
        for c in contacts
    ]
    links = []
    for link in first.links:
        if link.pupil_key == upn(4):
            continue
        if (link.pupil_key, link.contact_key) == (upn(1), "mis:102"):
            link = replace(link, no_contact=True, no_contact_reason="Court order")
        links.append(link)
    return replace(
        first,
        file_name="spring.xml",
        sha256="b" * 64,
        pupils=pupils,
        contacts=contacts,
        links=links,
        file_date="2027-01-10T09:00:00",
    )
