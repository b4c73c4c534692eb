"""Real files from an invented school, Kestrel Vale Primary, written for the tests with
the CTF writer and the csv module, as its MIS would export them:

- september.xml: the CTF of 04/09/2026, eight pupils in the BS7666 address layout;
- september-classes.csv: the class list (UPN, names, Reg Group), as a CTF carries none;
- spring.xml: the CTF of 11/01/2027 in the AddressLines layout: Kacper Wiśniewski has
  left, Мирослава Коваленко's NC year is now 2, and Imran Rahman has moved house;
- spring-contacts.csv: a SIMS-style report of pupils and contacts (one row a contact):
  Yusuf Rahman has moved from 4 Rowan to 4 Birch, and a court order now stops Daniel
  Bright's contact with Noah (a CTF carries no court orders: docs/ctf-format-findings.md).

The families: the O'Connor siblings share both parents; Zoë Lefèvre's step-father has no
parental responsibility (both adults live at her address: AddressAsPupil); the Rahman
siblings share a mother at home and a father who lives elsewhere; Noah's father lives
apart, his grandmother has no parental responsibility; Мирослава's names are Cyrillic
(preferred names in Latin letters)."""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from app.core.mis_import.ctf_write import write_ctf
from app.core.mis_import.records import ContactRecord, LinkRecord, Position, PupilRecord
from app.core.mis_import.upn import make_upn

SCHOOL = ("873", "2461", "Kestrel Vale Primary School")
SOURCE_SCHOOL = "873/2461 Kestrel Vale Primary School"
SEPTEMBER_STAMP = datetime(2026, 9, 4, 9, 12)
SPRING_STAMP = datetime(2027, 1, 11, 8, 30)

HOME_OCONNOR = ("14 Larch Way\nHeadingley\nLeeds", "LS6 2QT")
HOME_LEFEVRE = ("Rose Cottage\nChurch Lane\nLeeds", "LS16 9AA")
HOME_RAHMAN = ("3 Beck Side\nLeeds", "LS12 4PE")
IMRAN_THEN = ("Flat 3\n22 Mill Street\nBradford", "BD1 4AB")
IMRAN_NOW = ("7 Canal Wharf\nShipley", "BD18 3JR")
HOME_KOVALENKO = ("41 Victoria Road\nLeeds", "LS11 5EF")
HOME_WISNIEWSKI = ("9 Orchard Grove\nKirkstall\nLeeds", "LS5 3DL")
HOME_BRIGHT = ("2 Fern Bank\nLeeds", "LS8 1QQ")
DANIEL_HOME = ("66 Harehills Lane\nLeeds", "LS9 6JT")
GRACE_HOME = ("10 Fern Bank\nLeeds", "LS8 1QR")


def upn(n: int) -> str:
    """Pupil n's UPN (valid check letter, issued by this school)."""
    return make_upn(SCHOOL[0], SCHOOL[1], n, year=16)


@dataclass(frozen=True)
class Pupil:
    n: int
    given: str
    family: str
    born: date
    year: str
    home: tuple[str, str]
    klass: str
    preferred: tuple[str, str] = ("", "")


PUPILS = (
    Pupil(1, "Amelia", "O'Connor", date(2016, 4, 12), "5", HOME_OCONNOR, "5 Oak"),
    Pupil(2, "Finn", "O'Connor", date(2018, 1, 30), "3", HOME_OCONNOR, "3 Ash"),
    Pupil(3, "Zoë", "Lefèvre", date(2015, 10, 5), "6", HOME_LEFEVRE, "6 Elm"),
    Pupil(4, "Yusuf", "Rahman", date(2017, 2, 14), "4", HOME_RAHMAN, "4 Rowan"),
    Pupil(5, "Aisha", "Rahman", date(2019, 6, 1), "2", HOME_RAHMAN, "2 Hazel"),
    Pupil(
        6,
        "Мирослава",
        "Коваленко",
        date(2020, 3, 9),
        "1",
        HOME_KOVALENKO,
        "1 Willow",
        ("Mira", "Kovalenko"),
    ),
    Pupil(7, "Kacper", "Wiśniewski", date(2015, 11, 23), "6", HOME_WISNIEWSKI, "6 Elm"),
    Pupil(8, "Noah", "Bright-Adeyemi", date(2016, 6, 20), "5", HOME_BRIGHT, "5 Oak"),
)


@dataclass(frozen=True)
class Contact:
    key: str
    title: str
    given: str
    family: str
    home: tuple[str, str]
    phone: str


CONTACTS = (
    Contact("siobhan", "Mrs", "Siobhán", "O'Connor", HOME_OCONNOR, "07700 900111"),
    Contact("declan", "Mr", "Declan", "O'Connor", HOME_OCONNOR, "07700 900112"),
    Contact("helene", "Mme", "Hélène", "Lefèvre", HOME_LEFEVRE, "07700 900131"),
    Contact("gareth", "Mr", "Gareth", "Pryce", HOME_LEFEVRE, "07700 900132"),
    Contact("nasreen", "Mrs", "Nasreen", "Rahman", HOME_RAHMAN, "07700 900141"),
    Contact("imran", "Mr", "Imran", "Rahman", IMRAN_THEN, "07700 900142"),
    Contact("olena", "Mrs", "Олена", "Коваленко", HOME_KOVALENKO, "07700 900161"),
    Contact("agnieszka", "Mrs", "Agnieszka", "Wiśniewska", HOME_WISNIEWSKI, "07700 900171"),
    Contact("tomasz", "Mr", "Tomasz", "Wiśniewski", HOME_WISNIEWSKI, "07700 900172"),
    Contact("funmi", "Ms", "Funmi", "Bright-Adeyemi", HOME_BRIGHT, "07700 900181"),
    Contact("daniel", "Mr", "Daniel", "Bright", DANIEL_HOME, "07700 900182"),
    Contact("grace", "Mrs", "Grace", "Bright", GRACE_HOME, "07700 900183"),
)

#: (pupil, contact, CTF relationship code, words, parental responsibility, priority)
LINKS = (
    (1, "siobhan", "PAM", "Mother", True, 1),
    (1, "declan", "PAF", "Father", True, 2),
    (2, "siobhan", "PAM", "Mother", True, 1),
    (2, "declan", "PAF", "Father", True, 2),
    (3, "helene", "PAM", "Mother", True, 1),
    (3, "gareth", "STF", "Step-father", False, 2),
    (4, "nasreen", "PAM", "Mother", True, 1),
    (4, "imran", "PAF", "Father", True, 2),
    (5, "nasreen", "PAM", "Mother", True, 1),
    (5, "imran", "PAF", "Father", True, 2),
    (6, "olena", "PAM", "Mother", True, 1),
    (7, "agnieszka", "PAM", "Mother", True, 1),
    (7, "tomasz", "PAF", "Father", True, 2),
    (8, "funmi", "PAM", "Mother", True, 1),
    (8, "daniel", "PAF", "Father", True, 2),
    (8, "grace", "GRM", "Grandmother", False, 3),
)
#: Contacts written with <AddressAsPupil>true</AddressAsPupil>.
AS_PUPIL = ("helene", "gareth")
LEAVER = 7  # Kacper Wiśniewski, absent from the spring files
YEAR_CHANGED = (6, "1", "2")  # Мирослава: NC year 1 → 2 in spring
CLASS_MOVE = (4, "4 Rowan", "4 Birch")  # Yusuf Rahman, in the spring CSV
COURT_ORDER = (8, "daniel", "Prohibited steps order")  # Daniel Bright → Noah


def _pupils(spring: bool) -> list[Pupil]:
    pupils = [p for p in PUPILS if not (spring and p.n == LEAVER)]
    if spring:
        n, _, now = YEAR_CHANGED
        pupils = [replace(p, year=now) if p.n == n else p for p in pupils]
    return pupils


def _contacts(spring: bool) -> list[Contact]:
    gone = {key for n, key, *_ in LINKS if n == LEAVER} if spring else set()
    contacts = [c for c in CONTACTS if c.key not in gone]
    if spring:
        contacts = [replace(c, home=IMRAN_NOW) if c.key == "imran" else c for c in contacts]
    return contacts


def _write_ctf(path: Path, *, spring: bool) -> Path:
    pupils = _pupils(spring)
    here = {p.n for p in pupils}
    write_ctf(
        path,
        pupils=[
            PupilRecord(
                key=upn(p.n),
                given_name=p.given,
                family_name=p.family,
                position=Position(),
                upn=upn(p.n),
                preferred_given_name=p.preferred[0],
                preferred_family_name=p.preferred[1],
                date_of_birth=p.born,
                year_group=p.year,
                address=p.home[0],
                postcode=p.home[1],
            )
            for p in pupils
        ],
        contacts=[
            ContactRecord(
                key=c.key,
                given_name=c.given,
                family_name=c.family,
                position=Position(),
                title=c.title,
                address=c.home[0],
                postcode=c.home[1],
                phone=c.phone,
            )
            for c in _contacts(spring)
        ],
        links=[
            LinkRecord(
                pupil_key=upn(n),
                contact_key=key,
                position=Position(),
                relationship_code=code,
                parental_responsibility=pr,
                priority=priority,
            )
            for n, key, code, _, pr, priority in LINKS
            if n in here
        ],
        version="25.0" if spring else "24.0",
        source=SCHOOL,
        address_layout="lines" if spring else "bs7666",
        sex_tag="Sex" if spring else "Gender",
        when=SPRING_STAMP if spring else SEPTEMBER_STAMP,
        as_pupil=AS_PUPIL,
    )
    return path


def september_ctf(folder: Path) -> Path:
    return _write_ctf(folder / "september.xml", spring=False)


def spring_ctf(folder: Path) -> Path:
    return _write_ctf(folder / "spring.xml", spring=True)


def _write_csv(path: Path, rows: list[list[str]], *, encoding: str = "utf-8-sig") -> Path:
    # Excel's "CSV UTF-8": a byte order mark and CRLF line ends.
    with path.open("w", encoding=encoding, newline="") as out:
        csv.writer(out, lineterminator="\r\n").writerows(rows)
    return path


def september_classes_csv(folder: Path) -> Path:
    rows = [["UPN", "Legal Surname", "Legal Forename", "Reg Group"]]
    rows += [[upn(p.n), p.family, p.given, p.klass] for p in PUPILS]
    return _write_csv(folder / "september-classes.csv", rows)


SPRING_HEADINGS = [
    "UPN",
    "Legal Surname",
    "Legal Forename",
    "Reg Group",
    "Contact Surname",
    "Contact Forename",
    "Contact Relationship",
    "Parental Responsibility",
    "Court Order",
    "Contact Address Line 1",
    "Contact Address Line 2",
    "Contact Address Line 3",
    "Contact Postcode",
]


def spring_contacts_csv(folder: Path) -> Path:
    """One row per contact of each pupil on roll in spring, in priority order."""
    contacts = {c.key: c for c in _contacts(True)}
    rows = [list(SPRING_HEADINGS)]
    for p in _pupils(True):
        klass = CLASS_MOVE[2] if p.n == CLASS_MOVE[0] else p.klass
        for n, key, _, words, pr, _ in LINKS:
            if n != p.n:
                continue
            c = contacts[key]
            order = COURT_ORDER[2] if (n, key) == COURT_ORDER[:2] else "No"
            lines = [*c.home[0].split("\n"), "", ""][:3]
            pupil = [upn(p.n), p.family, p.given, klass]
            contact = [c.family, c.given, words, "Yes" if pr else "No", order]
            rows.append([*pupil, *contact, *lines, c.home[1]])
    return _write_csv(folder / "spring-contacts.csv", rows)


def name_of(n: int) -> str:
    pupil = next(p for p in PUPILS if p.n == n)
    return f"{pupil.given} {pupil.family}"
