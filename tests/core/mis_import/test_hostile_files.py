"""Files made to hurt: XML bombs, external entities, a DTD, truncated and not-XML files,
the wrong root, empty files, a huge file, names in every script, a parent of 30 children,
duplicate UPNs. Each gives a sentence naming the position, never a traceback."""

from __future__ import annotations

import time
import tracemalloc
from datetime import date
from pathlib import Path

import pytest

from app.core.mis_import import ctf
from app.core.mis_import.ctf import read_ctf
from app.core.mis_import.records import ImportFileError
from app.core.mis_import.upn import make_upn
from tests.core.mis_import.ctf_texts import FOOTER, header, pupil, write

TODAY = date(2026, 9, 4)


def _refused(path: Path) -> str:
    with pytest.raises(ImportFileError) as caught:
        read_ctf(path, today=TODAY)
    return caught.value.message


def test_billion_laughs(tmp_path: Path) -> None:
    lol = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    )
    path = tmp_path / "bomb.xml"
    path.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE CTfile [{lol}]>\n<CTfile>&lol9;</CTfile>')
    assert _refused(path) == (
        "The file contains a DTD or entity definitions, which a Common Transfer File never "
        "has, so it was not read (line 2)."
    )


def test_external_entity_to_a_local_file(tmp_path: Path) -> None:
    path = tmp_path / "xxe.xml"
    path.write_text(
        '<?xml version="1.0"?>\n\n<!DOCTYPE CTfile [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        + header()[39:]
        + pupil(surname="&xxe;")
        + FOOTER
    )
    message = _refused(path)
    assert message == (
        "The file contains a DTD or entity definitions, which a Common Transfer File never "
        "has, so it was not read (line 3)."
    )
    passwd = Path("/etc/passwd").read_text().split(":")[0]
    assert passwd not in message


def test_external_entity_without_a_dtd_is_not_resolved(tmp_path: Path) -> None:
    # An entity used but never declared is an XML error, not a file read.
    path = write(tmp_path, pupil(surname="&xxe;"))
    assert _refused(path) == "The file is not well-formed XML at line 18, column 16."


def test_a_plain_dtd(tmp_path: Path) -> None:
    path = tmp_path / "dtd.xml"
    path.write_text('<?xml version="1.0"?>\n<!DOCTYPE CTfile SYSTEM "ctf.dtd">\n<CTfile/>')
    assert _refused(path).endswith("so it was not read (line 2).")


def test_truncated(tmp_path: Path) -> None:
    path = write(tmp_path, pupil() + pupil(make_upn(380, 2093, 9)))
    text = path.read_text()
    path.write_text(text[: text.index("<DOB>2017-03-14</DOB>\n    </Pupil>\n    <Pupil>") + 30])
    assert _refused(path) == (
        "The file ends early, at line 21: it may not have been copied completely. Export the "
        "CTF again."
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty: export the CTF again."),
        (b"  \n\n", "This file is not a Common Transfer File: it has no XML in it."),
        (
            b"UPN,Surname\nA1,Smith\n",
            "The file is not well-formed XML at line 1, column 1. It may not be a Common "
            "Transfer File.",
        ),
        (
            b"%PDF-1.7\n\x00\x01\x02",
            "The file is not well-formed XML at line 1, column 9. "
            "It may not be a Common Transfer File.",
        ),
        (
            b'<?xml version="1.0"?>\n<html><body>CTfile</body></html>',
            "This file is not a Common Transfer File: its outermost element is <html>, where "
            "a CTF has <CTfile> (line 2).",
        ),
        (
            b"<CTfile>\n<Pupil></Pupil>\n</CTfile>",
            "This file is not a Common Transfer File: it has no Header (line 1).",
        ),
        (
            b"<CTfile><Header/>\n<a></b></CTfile>",
            "The file is not well-formed XML at line 2, column 6.",
        ),
    ],
)
def test_not_a_ctf(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.xml"
    path.write_bytes(content)
    assert _refused(path) == message


def test_too_big_is_refused_before_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ctf, "MAX_BYTES", 1000)
    path = write(tmp_path, "".join(pupil(make_upn(380, 2093, n)) for n in range(20)))
    assert _refused(path) == (
        "The file is 0 MB, more than the 0 MB a Common Transfer File can be here: it was not "
        "read. Export the CTF again, for this school's pupils only."
    )


NAMES = [
    ("العلي", "فاطمة"),
    ("王", "美玲"),
    ("Иванова", "Наталья"),
    ("Παπαδοπούλου", "Αθηνά"),
    ("शर्मा", "प्रिया"),
    ("Smith 🦊", "Zoë 👩🏽‍🚀"),
    ("Ó Súilleabháin", "Ǫ̵̡̛b̸e̷l"),
    ("<Robert'); DROP TABLE people;--", "&amp; \u202eevil"),
]


def test_names_in_every_script(tmp_path: Path) -> None:
    from xml.sax.saxutils import escape

    body = "".join(
        pupil(make_upn(380, 2093, n), escape(s), escape(f)) for n, (s, f) in enumerate(NAMES)
    )
    got = read_ctf(write(tmp_path, body), today=TODAY)
    assert got.refused == []
    # Every script is kept as written; only the invisible right-to-left override, which
    # would make a name display as something else, is taken out.
    expected = [(s, f.replace("\u202e", "")) for s, f in NAMES]
    assert any("\u202e" in f for _, f in NAMES)
    assert [(p.family_name, p.given_name) for p in got.pupils] == expected


def test_a_contact_linked_to_thirty_children(tmp_path: Path) -> None:
    carer = (
        "      <Contacts><Contact><Surname>Mensah</Surname><Forename>Abena</Forename>"
        "<Relationship>CAR</Relationship><Address><AddressAsPupil>true</AddressAsPupil>"
        "</Address></Contact></Contacts>\n"
    )
    home = "      <Address><AddressLines><AddressLine1>1 Kestrel Way</AddressLine1>"
    home += "</AddressLines><PostCode>EF5 5EF</PostCode></Address>\n"
    body = "".join(pupil(make_upn(380, 2093, n), extra=home + carer) for n in range(30))
    got = read_ctf(write(tmp_path, body), today=TODAY)
    assert [c.key for c in got.contacts] == ["name:abena mensah|ef5 5ef"]
    assert len(got.links) == 30
    assert {k.relationship for k in got.links} == {"Carer"}
    assert [k.position.line for k in got.links][:2] == [22, 30]


def test_duplicate_upns_refuse_every_holder(tmp_path: Path) -> None:
    upn = make_upn(380, 2093, 5)
    got = read_ctf(write(tmp_path, pupil(upn) * 3), today=TODAY)
    assert got.pupils == []
    assert [(r.position.line, r.reason.split(": ")[0]) for r in got.refused] == [
        (16, f"The UPN {upn} is also given to the pupil at line 22, line 28"),
        (22, f"The UPN {upn} is also given to the pupil at line 16, line 28"),
        (28, f"The UPN {upn} is also given to the pupil at line 16, line 22"),
    ]


def _big_file(path: Path, megabytes: int) -> int:
    """A CTF of about `megabytes` MB: pupils with contacts and the assessment and
    attendance blocks that make real CTFs big (read past by the reader)."""
    filler = "".join(
        f"<Result><Subject>MAT</Subject><Method>TT</Method><Component>C{n}</Component>"
        f"<ResultQualifier>NV</ResultQualifier><Result>{n}</Result></Result>"
        for n in range(30)
    )
    count = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(header())
        while out.tell() < megabytes * 1024 * 1024:
            extra = (
                "      <Contacts><Contact><Surname>Nowak</Surname><Forename>Zofia</Forename>"
                "<Relationship>PAM</Relationship></Contact></Contacts>\n"
                f"      <StageAssessments><KeyStage>{filler}</KeyStage></StageAssessments>\n"
            )
            out.write(pupil(make_upn(380, 2093, count), extra=extra))
            count += 1
        out.write(FOOTER)
    return count


@pytest.mark.slow
def test_a_50_mb_file_is_read_within_time_and_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.xml"
    count = _big_file(path, 50)
    assert 50 * 1024 * 1024 <= path.stat().st_size < ctf.MAX_BYTES
    tracemalloc.start()
    start = time.perf_counter()
    try:
        got = read_ctf(path, today=TODAY)
        seconds = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(got.pupils) == count
    assert len(got.contacts) == 1 and len(got.links) == count
    assert seconds < 30, seconds
    assert peak < 300 * 1024 * 1024, peak


def test_a_pupil_too_big_to_be_real(tmp_path: Path) -> None:
    path = write(tmp_path, pupil() + pupil(make_upn(380, 2093, 8), surname="x" * 3_000_000))
    assert _refused(path) == (
        "The pupil that starts at line 22 is far bigger than any real one, so the file was "
        "not read."
    )


def test_parents_without_an_address_are_one_person_per_household(tmp_path: Path) -> None:
    def family(n: int, postcode: str) -> str:
        home = f"      <Address><PostCode>{postcode}</PostCode></Address>\n"
        mum = (
            "      <Contacts><Contact><Surname>Smith</Surname><Forename>Jo</Forename>"
            "</Contact></Contacts>\n"
        )
        return pupil(make_upn(380, 2093, n), extra=home + mum)

    body = family(1, "EF1 1AA") + family(2, "EF1 1AA") + family(3, "EF9 9ZZ")
    got = read_ctf(write(tmp_path, body), today=TODAY)
    assert [c.key for c in got.contacts] == ["name:jo smith|", "name:jo smith||2"]
    assert [k.contact_key for k in got.links] == [
        "name:jo smith|",
        "name:jo smith|",
        "name:jo smith||2",
    ]
