"""`footprint import` as a real program (`python -m app` in a subprocess) with the real
readers and service: Kestrel Vale's September CTF previewed (nothing changed), then
applied; and hostile or broken files, each refused with one plain sentence naming where
in the file, no traceback, and the log unchanged."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.core.actors import SYSTEM
from app.core.models import ParentChildLink, Person
from app.core.services.mis_import import save_mapping
from app.core.services.users import get_user
from app.core.startup import open_log
from tests.core.mis_import import school_files as sf

ROOT = Path(__file__).resolve().parents[2]
COLUMNS = {"upn": "UPN", "family_name": "Legal Surname", "given_name": "Legal Forename"}


def _run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOOTPRINT_")}
    env |= {
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "PYTHONIOENCODING": "utf-8",
    }
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=ROOT,
        timeout=120,
    )


@pytest.fixture
def log_url(tmp_path: Path) -> str:
    """A log without accounts (the command runs as its DSL), with a saved CSV mapping."""
    url = f"sqlite:///{tmp_path / 'footprint.sqlite3'}"
    log = open_log(url)
    with log.database.write(log.user_id) as s:
        save_mapping(s, get_user(s, log.user_id), "Class list", "pupils", COLUMNS)
    log.database.dispose()
    return url


def _counts(url: str) -> tuple[int, int]:
    log = open_log(url)
    try:
        with log.database.read(SYSTEM) as s:
            people = s.scalar(select(func.count()).select_from(Person)) or 0
            links = s.scalar(select(func.count()).select_from(ParentChildLink)) or 0
            return people, links
    finally:
        log.database.dispose()


def test_the_preview_changes_nothing_and_apply_imports(tmp_path: Path, log_url: str) -> None:
    september = sf.september_ctf(tmp_path)
    done = _run(tmp_path, "import", "ctf", str(september), "--database", log_url)
    assert (done.returncode, done.stderr) == (0, "")
    out = done.stdout.splitlines()
    assert out[:3] == [
        "september.xml: a Common Transfer File from 873/2461 Kestrel Vale Primary School "
        "(version 24.0), made 04/09/2026 09:12",
        "This import adds 8 pupils and 12 parents and contacts; adds 16 family links.",
        "Read as the whole school: anyone the MIS kept who is not in it is marked as left.",
    ]
    text = done.stdout
    assert "New people (20):\n  - Amelia O'Connor (pupil, line 17)\n" in text
    assert "  - Мирослава Коваленко (pupil, line 349)\n" in text
    assert "Family links added (16):\n" in text
    assert (
        "  - Gareth Pryce → Zoë Lefèvre: Step-father, no parental responsibility, priority 2\n"
        in text
    )
    assert out[-1] == "Nothing was changed: run again with --apply to make these changes."
    assert _counts(log_url) == (0, 0)

    done = _run(tmp_path, "import", "ctf", str(september), "--apply", "--database", log_url)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines()[-1] == (
        "Applied (import 1): the import adds 8 pupils and 12 parents and contacts; adds 16 "
        "family links."
    )
    assert _counts(log_url) == (20, 16)
    log = open_log(log_url)
    try:
        with log.database.read(SYSTEM) as s:
            names = sorted(s.scalars(select(Person.given_name)).all())
            assert names[:3] == ["Agnieszka", "Aisha", "Amelia"]
            assert "Мирослава" in names and "Siobhán" in names
    finally:
        log.database.dispose()

    # The same file again: nothing to apply.
    done = _run(tmp_path, "import", "ctf", str(september), "--apply", "--database", log_url)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines()[1] == "This import changes nothing. 20 people are unchanged."
    assert done.stdout.splitlines()[-1] == "Nothing to apply: the log already matches the file."


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE CTfile [
<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<CTfile><Header/><CTFpupilData><Pupil><Surname>&lol3;</Surname></Pupil></CTFpupilData></CTfile>
"""


def _external(tmp_path: Path) -> str:
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the log", encoding="utf-8")
    return (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE CTfile [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
        "<CTfile><Header/><CTFpupilData><Pupil><Surname>&xxe;</Surname></Pupil>"
        "</CTFpupilData></CTfile>\n"
    )


def _truncated(tmp_path: Path) -> str:
    text = sf.september_ctf(tmp_path).read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    return "".join(lines[:100])


CASES: dict[str, tuple[str, Callable[[Path], str], str]] = {
    "billion laughs": (
        "ctf",
        lambda _p: BILLION_LAUGHS,
        "footprint import: The file contains a DTD or entity definitions, which a Common "
        "Transfer File never has, so it was not read (line 2).\n",
    ),
    "external entity": (
        "ctf",
        _external,
        "footprint import: The file contains a DTD or entity definitions, which a Common "
        "Transfer File never has, so it was not read (line 2).\n",
    ),
    "truncated": (
        "ctf",
        _truncated,
        "footprint import: The file ends early, at line 101: it may not have been copied "
        "completely. Export the CTF again.\n",
    ),
    "not a CTF": (
        "ctf",
        lambda _p: '<?xml version="1.0"?>\n<html><body>Pupils</body></html>\n',
        "footprint import: This file is not a Common Transfer File: its outermost element "
        "is <html>, where a CTF has <CTfile> (line 2).\n",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_hostile_or_broken_ctf_is_refused_plainly(
    tmp_path: Path, log_url: str, case: str
) -> None:
    source, make, message = CASES[case]
    path = tmp_path / "export.xml"
    path.write_text(make(tmp_path), encoding="utf-8")
    done = _run(tmp_path, "import", source, str(path), "--apply", "--database", log_url)
    assert (done.returncode, done.stdout, done.stderr) == (1, "", message)
    assert "not for the log" not in done.stdout + done.stderr
    assert _counts(log_url) == (0, 0)


def test_a_csv_with_a_stray_quote_names_the_row(tmp_path: Path, log_url: str) -> None:
    path = tmp_path / "classes.csv"
    rows = [
        "UPN,Legal Surname,Legal Forename",
        f"{sf.upn(1)},O'Connor,Amelia",
        f"{sf.upn(2)},\"O'Connor,Finn",
        f"{sf.upn(3)},Lefèvre,Zoë",
    ]
    path.write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    done = _run(
        tmp_path, "import", "csv", str(path), "--mapping", "Class list", "--apply",
        "--database", log_url,
    )  # fmt: skip
    assert (done.returncode, done.stdout, done.stderr) == (
        1,
        "",
        "footprint import: Row 3 has a quote that is never closed, so the rest of the file "
        "would be read as one cell: correct the quote in the spreadsheet (or remove it) and "
        "export again.\n",
    )
    assert _counts(log_url) == (0, 0)


def test_duplicate_upns_are_refused_rows_and_apply_imports_the_rest(
    tmp_path: Path, log_url: str
) -> None:
    path = tmp_path / "classes.csv"
    rows = [
        "UPN,Legal Surname,Legal Forename",
        f"{sf.upn(1)},O'Connor,Amelia",
        f"{sf.upn(2)},O'Connor,Finn",
        f"{sf.upn(2)},Rahman,Yusuf",
    ]
    path.write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    args = ("import", "csv", str(path), "--mapping", "Class list", "--database", log_url)
    done = _run(tmp_path, *args)
    assert (done.returncode, done.stderr) == (0, "")
    twice = sf.upn(2)
    assert (
        "Refused rows (2):\n"
        f"  - Row 3 (UPN {twice}, Finn O'Connor): The UPN {twice} is also given to the pupil "
        "at row 4: a UPN belongs to one pupil, so neither is imported until the MIS is "
        "corrected.\n"
        f"  - Row 4 (UPN {twice}, Yusuf Rahman): The UPN {twice} is also given to the pupil "
        "at row 3: a UPN belongs to one pupil, so neither is imported until the MIS is "
        "corrected.\n"
    ) in done.stdout
    assert done.stdout.splitlines()[1] == "This import adds 1 pupil. 2 rows are refused."
    assert _counts(log_url) == (0, 0)
    # Applied, only the pupil whose row is sound comes in.
    done = _run(tmp_path, *args, "--apply")
    assert (done.returncode, done.stderr) == (0, "")
    assert _counts(log_url) == (1, 0)
