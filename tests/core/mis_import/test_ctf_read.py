"""Reading a Common Transfer File: every optional element present and absent, three
schema versions' spellings, both address layouts, contacts merged across siblings, and
the pupils refused with their line and reason."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.core.mis_import.ctf import read_ctf
from app.core.mis_import.records import (
    ContactRecord,
    ImportCancelled,
    ImportFile,
    LinkRecord,
    Position,
    PupilRecord,
    Refusal,
)
from app.core.mis_import.upn import make_upn
from tests.core.mis_import.ctf_texts import FULL_PUPIL, UPN1, UPN2, UPN3, pupil, write

TODAY = date(2026, 9, 4)


def read(path: Path) -> ImportFile:
    return read_ctf(path, today=TODAY)


def test_every_optional_element_present(tmp_path: Path) -> None:
    path = write(tmp_path, FULL_PUPIL, version_tag="CTFVersion", version="23.0")
    got = read(path)
    assert (got.source, got.file_name, got.schema_version) == ("ctf", "school.xml", "23.0")
    assert got.source_school == "380/2093 Oakfield Primary"
    assert (got.file_date, got.says_partial) == ("2026-09-04T09:12:00", False)
    assert got.refused == []
    assert got.pupils == [
        PupilRecord(
            key=UPN1,
            given_name="Siobhán",
            family_name="Ó Súilleabháin",
            position=Position(line=16),
            upn=UPN1,
            preferred_given_name="Shiv",
            preferred_family_name="O'Sullivan",
            date_of_birth=date(2015, 10, 2),
            year_group="6",
            class_name="6K",
            address="Flat 3\n12 Larch Avenue\nUpper Elmford\nElmford\nElmshire",
            postcode="EF1 2AB",
            phone="01632 960001",
            email="siobhan@example.org",
        )
    ]
    assert got.contacts == [
        ContactRecord(
            key="name:aoife o sullivan|ef1 2ab",
            given_name="Aoife",
            family_name="O'Sullivan",
            position=Position(line=55),
            title="Mrs",
            address="Flat 3\n12 Larch Avenue\nUpper Elmford\nElmford\nElmshire",
            postcode="EF1 2AB",
            phone="07700 900002",
            email="aoife@example.org",
        ),
        ContactRecord(
            key="name:darragh byrne|ef3 9zz",
            given_name="Darragh",
            family_name="Byrne",
            position=Position(line=69),
            title="Mr",
            address="Rose Cottage\nQuarry Hill\nElmford",
            postcode="EF3 9ZZ",
        ),
    ]
    assert got.links == [
        LinkRecord(
            UPN1, "name:aoife o sullivan|ef1 2ab", Position(line=55), "Mother", "PAM", True, 1, None
        ),
        LinkRecord(
            UPN1,
            "name:darragh byrne|ef3 9zz",
            Position(line=69),
            "Step-father",
            "STF",
            False,
            2,
            None,
        ),
    ]
    assert got.warnings == [
        "Some telephone numbers have a type Footprint doesn't know (Q): the numbers are "
        "read all the same."
    ]
    assert len(got.sha256) == 64
    assert got.sha256 == __import__("hashlib").sha256(path.read_bytes()).hexdigest()


def test_every_optional_element_absent(tmp_path: Path) -> None:
    got = read(write(tmp_path, pupil(), version="19.0"))
    assert got.pupils == [
        PupilRecord(
            key=UPN1,
            given_name="Maisie",
            family_name="Ashworth",
            position=Position(line=16),
            upn=UPN1,
            date_of_birth=date(2017, 3, 14),
        )
    ]
    assert (got.contacts, got.links, got.refused, got.warnings) == ([], [], [], [])
    assert got.schema_version == "19.0"


@pytest.mark.parametrize(
    ("version_tag", "version", "qualifier", "partial"),
    [
        ("CTFversion", "19.0", "full", False),
        ("CTFVersion", "23.0", "partial", True),
        ("ctfversion", "25.0", "Partial", True),
    ],
)
def test_header_spellings(
    tmp_path: Path, version_tag: str, version: str, qualifier: str, partial: bool
) -> None:
    got = read(
        write(tmp_path, pupil(), version_tag=version_tag, version=version, qualifier=qualifier)
    )
    assert (got.schema_version, got.says_partial) == (version, partial)
    assert got.source_school == "380/2093 Oakfield Primary"


def test_address_lines_layout_gender_and_sex(tmp_path: Path) -> None:
    lines = (
        "      <Sex>M</Sex>\n      <Address>\n        <AddressLines>\n"
        "          <AddressLine1>Flat 2, Marlowe Court</AddressLine1>\n"
        "          <AddressLine2>7 Tanners Row</AddressLine2>\n"
        "          <AddressLine3>Elmford</AddressLine3>\n"
        "        </AddressLines>\n        <Postcode>EF4 1QQ</Postcode>\n"
        "        <Country>France</Country>\n      </Address>\n"
    )
    got = read(write(tmp_path, pupil(extra=lines)))
    assert got.pupils[0].address == "Flat 2, Marlowe Court\n7 Tanners Row\nElmford\nFrance"
    assert got.pupils[0].postcode == "EF4 1QQ"


def test_bs7666_parts_directly_under_address(tmp_path: Path) -> None:
    lines = (
        "      <Address><PAON>4</PAON><Street>Cowslip Lane</Street><Town>Elmford</Town>"
        "<PostTown>ELMFORD</PostTown><POSTCODE>ef2 3cd</POSTCODE></Address>\n"
    )
    got = read(write(tmp_path, pupil(extra=lines)))
    assert (got.pupils[0].address, got.pupils[0].postcode) == (
        "4 Cowslip Lane\nElmford",
        "EF2 3CD",
    )


def _contact(surname: str, forename: str, extra: str = "", order: str = "1") -> str:
    return (
        f"        <Contact><Order>{order}</Order><Surname>{surname}</Surname>"
        f"<Forename>{forename}</Forename><Relationship>PAM</Relationship>"
        f"<Responsibility>true</Responsibility>{extra}</Contact>\n"
    )


def _address(postcode: str = "EF1 1AA") -> str:
    return (
        "<Address><BS7666Address><PAON>9</PAON><Street>Linnet Close</Street>"
        f"<Town>Elmford</Town></BS7666Address><PostCode>{postcode}</PostCode></Address>"
    )


def test_a_parent_of_siblings_is_one_contact_with_two_links(tmp_path: Path) -> None:
    as_pupil = "<Address><AddressAsPupil>true</AddressAsPupil></Address>"
    home = "      " + _address() + "\n"
    mum_own = _contact("Nowak", "Zofia", _address())
    mum_as_pupil = _contact("NOWAK", "zofia", as_pupil)
    body = pupil(
        UPN1, "Nowak", "Lena", extra=home + "      <Contacts>\n" + mum_own + "      </Contacts>\n"
    )
    body += pupil(
        UPN2,
        "Nowak",
        "Kacper",
        extra=home + "      <Contacts>\n" + mum_as_pupil + "      </Contacts>\n",
    )
    got = read(write(tmp_path, body))
    assert [c.key for c in got.contacts] == ["name:zofia nowak|ef1 1aa"]
    assert got.contacts[0].position == Position(line=23)
    assert [(k.pupil_key, k.contact_key, k.position.line) for k in got.links] == [
        (UPN1, "name:zofia nowak|ef1 1aa", 23),
        (UPN2, "name:zofia nowak|ef1 1aa", 33),
    ]
    assert all(k.no_contact is None for k in got.links)


def test_same_name_at_another_address_is_another_person(tmp_path: Path) -> None:
    body = pupil(
        UPN1,
        extra="      <Contacts>\n" + _contact("Smith", "Anne", _address()) + "      </Contacts>\n",
    )
    body += pupil(
        UPN2,
        extra="      <Contacts>\n"
        + _contact("Smith", "Anne", _address("EF9 9ZZ"))
        + "      </Contacts>\n",
    )
    other_street = _address().replace("Linnet Close", "Tanners Row")
    body += pupil(
        UPN3,
        extra="      <Contacts>\n"
        + _contact("Smith", "Anne", other_street)
        + "      </Contacts>\n",
    )
    got = read(write(tmp_path, body))
    assert [c.key for c in got.contacts] == [
        "name:anne smith|ef1 1aa",
        "name:anne smith|ef9 9zz",
        "name:anne smith|ef1 1aa|9 tanners row",
    ]


def test_responsibility_and_order_values(tmp_path: Path) -> None:
    contacts = "".join(
        _contact("Hall", f"P{n}", f"<Address>{v}</Address>".replace(v, ""), order=o).replace(
            "<Responsibility>true</Responsibility>", f"<Responsibility>{v}</Responsibility>"
        )
        for n, (v, o) in enumerate([("1", "0"), ("0", "x"), ("yes", "3"), ("FALSE", "")])
    )
    got = read(
        write(tmp_path, pupil(extra="      <Contacts>\n" + contacts + "      </Contacts>\n"))
    )
    assert [(k.parental_responsibility, k.priority) for k in got.links] == [
        (True, None),
        (False, None),
        (None, 3),
        (False, None),
    ]


def test_year_groups_and_their_warnings(tmp_path: Path) -> None:
    body = "".join(
        pupil(
            make_upn(380, 2093, n),
            extra=f"      <BasicDetails><NCyearActual>{y}</NCyearActual></BasicDetails>\n",
        )
        for n, y in enumerate(["N1", "N2", "R", "1", "13", "14", "X"], start=10)
    )
    got = read(write(tmp_path, body))
    assert [p.year_group for p in got.pupils] == ["N", "N", "R", "1", "13", None, None]
    assert got.warnings == [
        f"The pupil at line 51 (UPN {make_upn(380, 2093, 15)}, Maisie Ashworth) has NC year "
        "“14”, which is not a year group Footprint keeps: their year group is left empty.",
        f"The pupil at line 58 (UPN {make_upn(380, 2093, 16)}, Maisie Ashworth) has NC year "
        "“X”, which is not a year group Footprint keeps: their year group is left empty.",
    ]


def test_refusals_name_the_line_and_reason(tmp_path: Path) -> None:
    bad_upn = "A" + UPN2[1:] if UPN2[0] != "A" else "B" + UPN2[1:]
    body = (
        pupil(UPN1, surname="")  # line 16
        + pupil(bad_upn)  # 22
        + pupil("")  # 28
        + pupil(UPN3, dob="2027-01-01")  # 34
        + pupil(make_upn(380, 2093, 4), dob="1990-01-01")  # 40
        + pupil(make_upn(380, 2093, 5), dob="14/03/2017")  # 46
        + pupil(make_upn(380, 2093, 6), forename="Ruby")  # 52
        + pupil(make_upn(380, 2093, 6), forename="Rosie")  # 58
        + pupil(
            make_upn(380, 2093, 7),
            extra="      <Contacts>\n        <Contact>"
            "<Forename>Kim</Forename></Contact>\n      </Contacts>\n",
        )  # 64, contact 70
    )
    got = read(write(tmp_path, body))
    six = make_upn(380, 2093, 6)
    assert got.refused == [
        Refusal(Position(line=16), "The pupil has no surname.", f"UPN {UPN1}, Maisie"),
        Refusal(
            Position(line=22),
            f"The UPN {bad_upn} has a wrong check letter: it begins with {bad_upn[0]} but its "
            f"digits need {UPN2[0]}. It may have been mistyped in the MIS.",
            f"UPN {bad_upn}, Maisie Ashworth",
        ),
        Refusal(
            Position(line=28),
            "The pupil has no UPN, which every pupil in a Common Transfer File has.",
            "Maisie Ashworth",
        ),
        Refusal(
            Position(line=34),
            "The date of birth 01/01/2027 is in the future.",
            f"UPN {UPN3}, Maisie Ashworth",
        ),
        Refusal(
            Position(line=40),
            "The date of birth 01/01/1990 is more than 25 years ago, which is not possible "
            "for a pupil.",
            f"UPN {make_upn(380, 2093, 4)}, Maisie Ashworth",
        ),
        Refusal(
            Position(line=46),
            "The date of birth “14/03/2017” is not a date (it should be YYYY-MM-DD).",
            f"UPN {make_upn(380, 2093, 5)}, Maisie Ashworth",
        ),
        Refusal(
            Position(line=52),
            f"The UPN {six} is also given to the pupil at line 58: a UPN belongs to one "
            "pupil, so neither is imported until the MIS is corrected.",
            f"UPN {six}, Ruby Ashworth",
        ),
        Refusal(
            Position(line=58),
            f"The UPN {six} is also given to the pupil at line 52: a UPN belongs to one "
            "pupil, so neither is imported until the MIS is corrected.",
            f"UPN {six}, Rosie Ashworth",
        ),
        Refusal(
            Position(line=70),
            "A contact of Maisie Ashworth has no surname, so they can't be told apart from "
            "anyone else.",
            "Kim",
        ),
    ]
    assert [p.key for p in got.pupils] == [make_upn(380, 2093, 7)]
    assert str(got.refused[0]) == f"Line 16 (UPN {UPN1}, Maisie): The pupil has no surname."


def test_la_code_warning_and_lower_case_upn(tmp_path: Path) -> None:
    path = write(tmp_path, pupil(" " + UPN1.lower() + " "))
    path.write_text(path.read_text().replace("<LEA>380</LEA><Estab>", "<LEA>38</LEA><Estab>"))
    got = read(path)
    assert got.pupils[0].upn == UPN1
    assert got.warnings == [
        "The file's LA code “38” is not 3 digits, as an English or Welsh LA code is."
    ]


def test_progress_and_cancel(tmp_path: Path) -> None:
    body = "".join(pupil(make_upn(380, 2093, n)) for n in range(1000))
    path = write(tmp_path, body)
    calls: list[tuple[int, int]] = []
    got = read_ctf(path, progress=lambda d, t: calls.append((d, t)), today=TODAY)
    size = path.stat().st_size
    assert len(got.pupils) == 1000
    assert calls[-1] == (size, size)
    assert len(calls) >= 5 and all(t == size for _, t in calls)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    asked: list[int] = []

    def cancel() -> bool:
        asked.append(1)
        return len(asked) == 2

    with pytest.raises(ImportCancelled):
        read_ctf(path, cancelled=cancel, today=TODAY)
    assert len(asked) == 2


def test_a_windows_1252_file_says_so_and_is_read(tmp_path: Path) -> None:
    from tests.core.mis_import.ctf_texts import FOOTER, header

    text = (header() + pupil(surname="Zoë Núñez") + FOOTER).replace("UTF-8", "windows-1252")
    path = tmp_path / "w.xml"
    path.write_bytes(text.encode("cp1252"))
    assert [p.family_name for p in read(path).pupils] == ["Zoë Núñez"]
