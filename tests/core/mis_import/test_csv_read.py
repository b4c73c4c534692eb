"""Reading CSV exports: encodings, dialects, broken quoting, heading guesses for SIMS,
Arbor and Bromcom exports, a pupil over several rows, refusals with their row, staff."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.core.mis_import.csv_files import (
    decode,
    guess_columns,
    read_csv,
    sniff_csv,
)
from app.core.mis_import.records import (
    ContactRecord,
    ImportFile,
    ImportFileError,
    LinkRecord,
    Position,
    PupilRecord,
    Refusal,
    StaffRecord,
)
from app.core.mis_import.upn import make_upn

TODAY = date(2026, 9, 4)
U1, U2, U3 = (make_upn(380, 2093, n) for n in (1, 2, 3))

SIMS = (
    "UPN,Adno,Legal Surname,Legal Forename,Preferred Forename,DOB,Year,Reg Group,"
    "Address Line 1,Address Line 2,Postcode,Contact Surname,Contact Forename,Title,"
    "Contact Relationship,Parental Responsibility,Priority,Court Order,Telephone,Email\n"
    f"{U1},001,O'Brien,Zoë,Zo,14/03/2017,Year 4,4K,12 Larch Avenue,Elmford,ef1 2ab,"
    "O'Brien,Siobhán,Mrs,Mother,Yes,1,,07700 900001,sio@example.org\n"
    f"{U1},001,O'Brien,Zoë,Zo,14/03/2017,Year 4,4K,12 Larch Avenue,Elmford,ef1 2ab,"
    'Byrne,Darragh,Mr,Father,No,2,"Court order 12/03/2024",,\n'
    f"{U2},002,O'Brien,Ciarán,,2.9.2019,R,RW,12 Larch Avenue,Elmford,EF1 2AB,"
    "O'Brien,Siobhán,Mrs,Mum,Y,1,No,,\n"
)


def _write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "p.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _read(path: Path, kind: str = "pupils") -> ImportFile:
    sample = sniff_csv(path)
    return read_csv(path, guess_columns(sample.headers, kind), kind, today=TODAY)


def test_sims_export_with_a_pupil_on_two_rows(tmp_path: Path) -> None:
    got = _read(_write(tmp_path, SIMS))
    assert (got.source, got.refused, got.warnings) == ("csv", [], [])
    home = "12 Larch Avenue\nElmford"
    assert got.pupils == [
        PupilRecord(
            U1,
            "Zoë",
            "O'Brien",
            Position(row=2),
            upn=U1,
            mis_id="001",
            preferred_given_name="Zo",
            date_of_birth=date(2017, 3, 14),
            year_group="4",
            class_name="4K",
            address=home,
            postcode="EF1 2AB",
        ),
        PupilRecord(
            U2,
            "Ciarán",
            "O'Brien",
            Position(row=4),
            upn=U2,
            mis_id="002",
            date_of_birth=date(2019, 9, 2),
            year_group="R",
            class_name="RW",
            address=home,
            postcode="EF1 2AB",
        ),
    ]
    assert got.contacts == [
        ContactRecord(
            "name:siobhan o brien|",
            "Siobhán",
            "O'Brien",
            Position(row=2),
            title="Mrs",
            phone="07700 900001",
            email="sio@example.org",
        ),
        ContactRecord("name:darragh byrne|", "Darragh", "Byrne", Position(row=3), title="Mr"),
    ]
    assert got.links == [
        LinkRecord(U1, "name:siobhan o brien|", Position(row=2), "Mother", "", True, 1, None),
        LinkRecord(
            U1,
            "name:darragh byrne|",
            Position(row=3),
            "Father",
            "",
            False,
            2,
            True,
            "Court order 12/03/2024",
        ),
        LinkRecord(U2, "name:siobhan o brien|", Position(row=4), "Mother", "", True, 1, False),
    ]


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1252", "cp1252"), ("utf-16", "utf-16")],
)
def test_encodings(tmp_path: Path, encoding: str, expected: str) -> None:
    text = "Surname,Forename\nO'Brien,Zoë\nNúñez,Íñigo\n"
    path = _write(tmp_path, text, encoding)
    sample = sniff_csv(path)
    assert (sample.encoding, sample.headers) == (expected, ["Surname", "Forename"])
    got = read_csv(
        path, {"family_name": "Surname", "given_name": "Forename"}, "pupils", today=TODAY
    )
    assert [(p.family_name, p.given_name) for p in got.pupils] == [
        ("O'Brien", "Zoë"),
        ("Núñez", "Íñigo"),
    ]


def test_bytes_neither_utf8_nor_cp1252_are_read_as_latin1_with_a_warning() -> None:
    text, encoding, warnings = decode(b"Surname\nZo\xeb\x81\n")
    assert (text, encoding) == ("Surname\nZo\xeb\x81\n", "latin-1")
    assert warnings == [
        "The file is neither UTF-8 nor Windows-1252 text (byte 12 can't be read as either), "
        "so it was read as Latin-1: check the accented names in the preview, or save it from "
        "the spreadsheet again as “CSV UTF-8”."
    ]


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_dialects(tmp_path: Path, delimiter: str) -> None:
    text = (
        f"Surname{delimiter}Forename{delimiter}DOB\nSmith{delimiter}Anne, Jo{delimiter}01/02/2018\n"
    )
    path = _write(tmp_path, text)
    assert sniff_csv(path).delimiter == delimiter
    got = _read(path)
    assert [(p.given_name, p.date_of_birth) for p in got.pupils] == [("Anne, Jo", date(2018, 2, 1))]


def test_a_quote_never_closed_names_its_row(tmp_path: Path) -> None:
    path = _write(tmp_path, 'Surname,Forename\nSmith,Anne\nJones,"Bob\nHall,Kim\n')
    with pytest.raises(ImportFileError) as caught:
        sniff_csv(path)
    assert caught.value.message == (
        "Row 3 has a quote that is never closed, so the rest of the file would be read as "
        "one cell: correct the quote in the spreadsheet (or remove it) and export again."
    )


def test_a_stray_quote_names_its_row(tmp_path: Path) -> None:
    path = _write(tmp_path, 'Surname,Forename\nSmith,Anne\n"Jones"x,Bob\n')
    with pytest.raises(ImportFileError) as caught:
        read_csv(path, {"family_name": "Surname", "given_name": "Forename"}, "pupils")
    assert caught.value.message.startswith("Row 3 has a stray quote in a cell")


def test_rows_refused_with_their_row_number(tmp_path: Path) -> None:
    bad = "B" + U3[1:] if U3[0] != "B" else "C" + U3[1:]
    text = (
        "UPN,Surname,Forename,DOB\n"
        f"{U1},Smith,Anne,13/25/2015\n"  # 2
        f"{U2},Smith,Bob,01/01/2016,extra\n"  # 3
        f"{bad},Jones,Kim,01/01/2016\n"  # 4
        ",,Lee,01/01/2016\n"  # 5
        "\n"  # 6, blank: skipped
        f"{U2},Hall,Ann,02/02/2016\n"  # 7
        f"{U2},Hall,Ann,02/02/2016\n"  # 8, same pupil again
        f"{U2},Ward,Max,03/03/2016\n"  # 9, another pupil with the same UPN
        ",Ok,Fine,2016-04-05\n"  # 10
    )
    got = _read(_write(tmp_path, text))
    assert got.refused == [
        Refusal(
            Position(row=2),
            "The date of birth “13/25/2015” is not a date in the form DD/MM/YYYY (day first).",
            f"UPN {U1}, Anne Smith",
        ),
        Refusal(
            Position(row=3),
            "The row has 5 cells where the headings have 4: a cell may "
            "hold the separator without quotes, so nothing in it is read.",
        ),
        Refusal(
            Position(row=4),
            f"The UPN {bad} has a wrong check letter: it begins with "
            f"{bad[0]} but its digits need {U3[0]}. It may have been mistyped in the MIS.",
            f"UPN {bad}, Kim Jones",
        ),
        Refusal(Position(row=5), "The pupil has no surname.", "Lee"),
        Refusal(
            Position(row=7),
            f"The UPN {U2} is also given to the pupil at row 9: a UPN "
            "belongs to one pupil, so neither is imported until the MIS is corrected.",
            f"UPN {U2}, Ann Hall",
        ),
        Refusal(
            Position(row=9),
            f"The UPN {U2} is also given to the pupil at row 7: a UPN "
            "belongs to one pupil, so neither is imported until the MIS is corrected.",
            f"UPN {U2}, Max Ward",
        ),
    ]
    assert [(p.key, p.date_of_birth) for p in got.pupils] == [("row:10", date(2016, 4, 5))]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("14/03/2017", date(2017, 3, 14)),
        ("4/3/2017", date(2017, 3, 4)),
        ("2017-03-14", date(2017, 3, 14)),
        ("14-03-2017", date(2017, 3, 14)),
        ("14.03.2017", date(2017, 3, 14)),
        ("2017-03-14 00:00:00", date(2017, 3, 14)),
    ],
)
def test_date_forms(cell: str, expected: date) -> None:
    from app.core.mis_import.csv_rows import csv_date

    assert csv_date(cell) == (expected, "")


def test_disagreeing_rows_and_odd_cells_warn(tmp_path: Path) -> None:
    text = (
        "UPN,Surname,Forename,Year,Class,Contact Surname,Contact Forename,PR,Priority\n"
        f"{U1},Smith,Anne,Year 3,3K,Smith,Jo,maybe,first\n"
        f"{U1},Smith,Anne,Y4,3K,Smith,Al,1,2\n"
        f"{U2},Smith,Bob,Year 14,,,,,\n"
    )
    got = _read(_write(tmp_path, text))
    assert got.warnings == [
        "Rows 2 and 3 are the same pupil but give different year groups (“Year 3” and "
        "“Y4”): the first is used.",
        "Row 2: parental responsibility “maybe” is not yes or no: it is left unknown.",
        "Row 2: the contact priority “first” is not a number: ignored.",
        "Row 4: the year group “Year 14” is not one Footprint knows (N, R, 1 to 13): the "
        "pupil's year group is left empty.",
    ]
    assert [p.year_group for p in got.pupils] == ["3", None]
    assert [(k.parental_responsibility, k.priority) for k in got.links] == [(None, None), (True, 2)]


def test_contacts_merged_by_mis_id(tmp_path: Path) -> None:
    text = (
        "Adno,Surname,Forename,Contact ID,Contact Surname,Contact Forename\n"
        "1,Smith,Anne,C9,Smith,Jo\n"
        "2,Smith,Bob,C9,Smith-Hall,Jo\n"
    )
    got = _read(_write(tmp_path, text))
    assert [(c.key, c.family_name) for c in got.contacts] == [("mis:C9", "Smith")]
    assert [(k.pupil_key, k.contact_key) for k in got.links] == [
        ("mis:1", "mis:C9"),
        ("mis:2", "mis:C9"),
    ]


def test_staff(tmp_path: Path) -> None:
    text = (
        "Staff Code,Title,Surname,Forename,Role,Work Email\n"
        "ABC,Ms,Okafor,Adaeze,Designated Safeguarding Lead,a.okafor@example.org\n"
        ",Mr,,Tom,Teacher,\n"
        "X1,Mr,Hall,Ben,Teacher,\n"
        "x1,Mrs,Hall,Ann,Teacher,\n"
        "X1,Mr,Ward,Max,Caretaker,\n"
    )
    got = _read(_write(tmp_path, text), "staff")
    assert got.staff == [
        StaffRecord(
            "mis:ABC",
            "Adaeze",
            "Okafor",
            Position(row=2),
            mis_id="ABC",
            title="Ms",
            job_title="Designated Safeguarding Lead",
            email="a.okafor@example.org",
        ),
        StaffRecord(
            "mis:x1", "Ann", "Hall", Position(row=5), mis_id="x1", title="Mrs", job_title="Teacher"
        ),
    ]
    assert got.refused == [
        Refusal(Position(row=3), "The member of staff has no surname.", "Tom"),
        Refusal(
            Position(row=4),
            "The staff id X1 is also given to the member of staff at "
            "row 6: neither is imported until the MIS is corrected.",
            "Ben Hall",
        ),
        Refusal(
            Position(row=6),
            "The staff id X1 is also given to the member of staff at "
            "row 4: neither is imported until the MIS is corrected.",
            "Max Ward",
        ),
    ]


def test_mapping_problems(tmp_path: Path) -> None:
    path = _write(tmp_path, "Surname,Forename\nSmith,Anne\n")
    with pytest.raises(ImportFileError) as caught:
        read_csv(path, {"family_name": "Surname", "given_name": "First"}, "pupils")
    assert caught.value.message == (
        "The column “First” that the mapping uses for forename is not in this file's "
        "headings (row 1)."
    )
    with pytest.raises(ImportFileError) as caught:
        read_csv(path, {"family_name": "Surname"}, "pupils")
    assert caught.value.message == (
        "The mapping has no column for forename, which every row needs."
    )


def test_progress_and_sample(tmp_path: Path) -> None:
    rows = "".join(f"Smith,Pupil{n}\n" for n in range(250))
    path = _write(tmp_path, "Surname,Forename\n" + rows)
    sample = sniff_csv(path)
    assert (len(sample.rows), sample.rows[0]) == (20, ["Smith", "Pupil0"])
    calls: list[tuple[int, int]] = []
    got = read_csv(
        path,
        {"family_name": "Surname", "given_name": "Forename"},
        "pupils",
        progress=lambda d, t: calls.append((d, t)),
        mapping_name="SIMS",
    )
    assert calls == [(100, 250), (200, 250), (250, 250)]
    assert (len(got.pupils), got.mapping_name) == (250, "SIMS")
