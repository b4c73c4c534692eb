"""The recovery sheet as the school reads it off paper: text read back out of the PDF
(pypdf), one page, and nothing of the school, the log or the key in its metadata."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from pypdf import PdfReader

from app.documents.base import MARGIN, PAGE_WIDTH
from app.documents.recovery_sheet import LABEL_WIDTH, recovery_sheet_pdf, text_width

KEY = "ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345-6789"
KEY_ID = "3f9a0c12d4e5b678"
MADE = datetime(2026, 12, 2, 9, 14, tzinfo=UTC)  # GMT in December: 09:14 in London too
SCHOOL = "Kestrel Vale Primary School"
LOCATION = r"C:\Users\dsl\AppData\Local\Footprint\footprint.sqlite3"
#: Exactly 200 characters, as a Windows path on a school's OneDrive.
LONG_LOCATION = (
    r"C:\Users\h.fairbairn\OneDrive - Kestrel Vale Primary School\Safeguarding"
    r"\Designated Safeguarding Lead (confidential)\Footprint\2026-2027 academic year"
    r"\Main office PC (Room 4)\footprint-kestrel.sqlite3"
)
AWKWARD = [
    "St Mary's & St John's C of E <Primary>",
    "Ysgol Gymraeg Llŷn",
    "Szkoła Podstawowa nr 3 im. Marii Skłodowskiej-Curie w Łodzi",
    "北京市第一中学",
    'Ecole "Les Élèves" <b>bold</b> &amp; Nguyễn',
]
ARABIC = "مدرسة النور"
INSTRUCTIONS = [
    "Footprint recovery sheet",
    "Keep this sheet in the school safe, not with the computer that holds the log.",
    "Anyone holding this sheet and a copy of the log can read every record in it.",
    "Treat it like the safe's own key.",
    "It opens the log when every password has been lost.",
    "choose “Use the recovery key”",
    "Settings → Accounts → “New recovery key”",
    "this sheet stops working for the log. Shred it then",
    "Do not photograph, scan or email it",
    "Spaces, dashes and capitals don't matter.",
    "Made by Footprint. This sheet holds no pupil's details.",
]
#: Four characters of the recovery key's alphabet standing alone: one printed group.
GROUP = re.compile(r"(?<![A-Z0-9])[A-HJ-NP-Z2-9]{4}(?![A-Z0-9])")


def _sheet(**changes: object) -> bytes:
    values: dict[str, object] = {
        "school_name": SCHOOL,
        "log_location": LOCATION,
        "recovery_key": KEY,
        "made_at": MADE,
        "key_id": KEY_ID,
    }
    values.update(changes)
    return recovery_sheet_pdf(**values)  # type: ignore[arg-type]


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _flat(text: str) -> str:
    return "".join(text.split())


def _words(text: str) -> str:
    """Text with each run of whitespace (a line break, say) as one space."""
    return " ".join(text.split())


def _metadata(pdf: bytes) -> str:
    """Everything in the document information dictionary and the XMP stream, if any."""
    reader = PdfReader(io.BytesIO(pdf))
    info = " ".join(f"{k} {v}" for k, v in (reader.metadata or {}).items())
    xmp = reader.xmp_metadata
    xmp_text = xmp.stream.get_data().decode("utf-8", "replace") if xmp is not None else ""
    return f"{info} {xmp_text}"


def test_the_sheet_holds_everything_on_one_page() -> None:
    pages = _pages(_sheet())
    assert len(pages) == 1
    text = _words(pages[0])
    for expected in [SCHOOL, LOCATION, "2 December 2026 at 09:14", *INSTRUCTIONS]:
        assert expected in text, expected
    assert f"Key fingerprint: {KEY_ID}" in text


def test_the_key_reads_back_group_by_group_in_order() -> None:
    text = _pages(_sheet())[0]
    groups = KEY.split("-")
    printed = GROUP.findall(text)
    # The eight groups appear together and in order (other words on the page are not
    # groups of the key's alphabet, but tolerate some anyway).
    starts = [i for i in range(len(printed)) if printed[i : i + len(groups)] == groups]
    assert starts, printed
    # Read off the paper as printed and typed back, the key is the key.
    key_lines = [line for line in text.splitlines() if GROUP.search(line)]
    typed = "".join(char for char in "".join(key_lines).upper() if char.isalnum())
    assert KEY.replace("-", "") in typed


def test_the_key_is_printed_in_groups_however_it_was_given() -> None:
    loose = _pages(_sheet(recovery_key="abcd efgh jklm npqr stuv wxyz 2345 6789"))[0]
    assert GROUP.findall(loose)[:8] == KEY.split("-")
    assert _sheet(recovery_key=KEY.replace("-", "").lower()) == _sheet()


def test_a_missing_key_would_be_noticed() -> None:
    """The checks above fail on a sheet with another key (so they can fail at all)."""
    text = _pages(_sheet(recovery_key="ZZZZ-YYYY-XXXX-WWWW-VVVV-UUUU-TTTT-SSSS"))[0]
    assert KEY.split("-")[0] not in GROUP.findall(text)
    assert KEY.replace("-", "") not in _flat(text).replace("-", "")


def test_london_time_in_summer() -> None:
    summer = datetime(2026, 6, 1, 8, 5, tzinfo=UTC)  # 09:05 BST
    assert "1 June 2026 at 09:05" in _pages(_sheet(made_at=summer))[0]
    eastern = datetime(2026, 6, 1, 3, 5, tzinfo=timezone(timedelta(hours=-5)))
    assert "1 June 2026 at 09:05" in _pages(_sheet(made_at=eastern))[0]


@pytest.mark.parametrize("name", AWKWARD)
def test_awkward_names_print_as_typed(name: str) -> None:
    pages = _pages(_sheet(school_name=name))
    assert len(pages) == 1
    assert _flat(name) in _flat(pages[0])
    assert "2 December 2026 at 09:14" in pages[0]


def test_arabic_names_print_every_letter() -> None:
    """reportlab needs an extra library to lay out right-to-left text, so the letters are
    checked, not their order."""
    text = _pages(_sheet(school_name=ARABIC))[0]
    assert set(_flat(ARABIC)) <= set(text)


def test_a_long_path_wraps_inside_the_margin_and_keeps_every_character() -> None:
    assert len(LONG_LOCATION) == 200
    pdf = _sheet(log_location=LONG_LOCATION, school_name=AWKWARD[0])
    pages = _pages(pdf)
    assert len(pages) == 1
    assert _flat(LONG_LOCATION) in _flat(pages[0])
    assert LONG_LOCATION not in pages[0]  # it could not fit on one line: it was wrapped

    pieces: list[tuple[str, float]] = []
    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(
        visitor_text=lambda t, cm, tm, *_: pieces.append((t, tm[4] + cm[4]))
    )
    path_lines = [(t, x) for t, x in pieces if t.strip() and "\\" in t]
    assert len(path_lines) >= 2, pieces
    assert _flat("".join(t for t, _ in path_lines)) == _flat(LONG_LOCATION)
    for line, x in path_lines:
        assert x >= MARGIN + LABEL_WIDTH - 1, line
        assert x + text_width(line.strip(), 10.5) <= PAGE_WIDTH - MARGIN + 1, line


def test_metadata_names_footprint_only() -> None:
    secrets = [
        KEY,
        KEY.replace("-", ""),
        *KEY.split("-"),
        KEY_ID,
        AWKWARD[0],
        "St Mary",
        LONG_LOCATION,
        "OneDrive",
        "footprint-kestrel",
    ]
    pdf = _sheet(school_name=AWKWARD[0], log_location=LONG_LOCATION)
    metadata = _metadata(pdf)
    for secret in secrets:
        assert secret.lower() not in metadata.lower(), secret
    info = PdfReader(io.BytesIO(pdf)).metadata
    assert info is not None
    assert info.title == "Footprint recovery sheet"
    assert info.author == "Footprint"
    assert info.creator == "Footprint"


def test_the_same_sheet_gives_the_same_bytes() -> None:
    assert _sheet() == _sheet()


def test_very_long_names_still_make_one_page() -> None:
    pdf = _sheet(school_name="Académie 😀 北京 " * 60, log_location="C:\\" + "x" * 3_000)
    pages = _pages(pdf)
    assert len(pages) == 1
    assert "ABCD-EFGH-JKLM-NPQR" in pages[0]


def test_refuses_what_it_cannot_print_truthfully() -> None:
    with pytest.raises(ValueError):
        _sheet(made_at=datetime(2026, 12, 2, 9, 14))  # naive: which 09:14?
    with pytest.raises(ValueError):
        _sheet(recovery_key=" - - ")
