"""The canary test: unique strings in a pupil's name, a parent's address, a summary, a
note, an evidence image and a letter's addressee are written to a plain log (and its
backups, and a copy taken before an upgrade), where they are found; then the log is
encrypted, used (another note, a search, a letter read back, a backup), restored from a
backup, and opened again. After all that, none of the strings is in any file Footprint
wrote: the log, its -wal and -shm, the key file, backups and manifests, the copy from
before the upgrade, the temporary folder and Footprint's own log file — in UTF-8 or
UTF-16, as typed or folded."""

from __future__ import annotations

import logging
import struct
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.core.actors import SYSTEM
from app.core.audit import verify
from app.core.backups import create_backup, list_backups, restore_backup, verify_backup
from app.core.backups.store import backup_folder
from app.core.migrate import backup_sqlite
from app.core.models import Incident
from app.core.security import keyslots
from app.core.security.logkeys import unlock_with_password
from app.core.services.accounts import create_first_account
from app.core.services.chronology import add_note
from app.core.services.evidence import add_evidence_file
from app.core.services.involvements import add_involvement
from app.core.services.letter_records import letter_pdf
from app.core.services.letters import make_letters
from app.core.services.people import find_people
from app.core.services.school import SchoolDetails, save_settings
from app.core.startup import encrypt_opened_log, open_log
from app.core.vocab import InvolvementRole, PersonKind
from app.logging_setup import configure_logging
from tests.factories import make_incident, make_person

PASSWORD = "river lantern orchard"
CANARIES = {
    "pupil's name": "Quillonbrook",
    "address": "Wrenfold Crescent",
    "summary": "Pellucidarian",
    "note": "Marrowglade",
    "image": "Ostrakonite",
    "letter's addressee": "Thistlewick",
    "note after encryption": "Gorsemantle",
}


def _png_with_text(text: str) -> bytes:
    """A valid 1×1 PNG carrying `text` in a tEXt chunk (what a screenshot's metadata holds)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"tEXt", b"Comment\x00" + text.encode())
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


def _forms(word: str) -> list[bytes]:
    forms = {word, word.lower(), word.upper()}
    return [f.encode(codec) for f in forms for codec in ("utf-8", "utf-16-le", "utf-16-be")]


def _found(folders: list[Path], words: list[str]) -> list[tuple[str, str]]:
    hits = []
    for folder in folders:
        for file in sorted(folder.rglob("*")):
            if not file.is_file():
                continue
            data = file.read_bytes()
            hits += [(word, str(file)) for word in words if any(f in data for f in _forms(word))]
    return hits


@pytest.fixture
def private_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The temporary folder Footprint (and the libraries it uses) would write to."""
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder


@pytest.fixture
def app_log(tmp_path: Path) -> Iterator[Path]:
    """Footprint's own log file, as the window configures it."""
    root = logging.getLogger()
    before = list(root.handlers)
    level = root.level
    path = configure_logging(tmp_path / "logs")
    yield path.parent
    for handler in root.handlers[len(before) :]:
        handler.close()
    root.handlers[:] = before
    root.setLevel(level)


@pytest.fixture(autouse=True)
def _quick_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keyslots, "KDF", {"time_cost": 1, "memory_cost": 1024, "parallelism": 1})


def test_no_canary_survives_in_any_file_footprint_wrote(
    tmp_path: Path, private_temp: Path, app_log: Path
) -> None:
    folder = tmp_path / "log"
    path = folder / "footprint.sqlite3"
    url = f"sqlite:///{path}"
    log = open_log(url)
    with log.database.write(SYSTEM) as s:
        dsl = create_first_account(s, "Ada Okafor", "ada", PASSWORD)
        save_settings(s, dsl, SchoolDetails(name="Kestrel Vale Primary School"))
        incident = make_incident(s, dsl, summary=f"{CANARIES['summary']} shared a photo")
        pupil = make_person(
            s, dsl, kind=PersonKind.PUPIL, given_name="Ava", family_name=CANARIES["pupil's name"]
        )
        poster = make_person(
            s,
            dsl,
            title="Mr",
            given_name="Dara",
            family_name=CANARIES["letter's addressee"],
            address=f"12 {CANARIES['address']}, Leeds",
            postcode="LS1 4AB",
        )
        add_involvement(s, dsl, incident.id, pupil.id, InvolvementRole.SUBJECT_OF_IMAGE)
        add_involvement(s, dsl, incident.id, poster.id, InvolvementRole.POSTER)
        add_note(s, dsl, incident.id, f"Spoke to {CANARIES['note']} about it")
        image = _png_with_text(CANARIES["image"])
        add_evidence_file(s, dsl, incident.id, "shot.png", image)
        (letter,) = make_letters(s, dsl, incident.id, "proper_channels", [poster.id])
        ids = dsl.id, incident.id, letter.id
    create_backup(path)  # yesterday's backup, plain
    backup_sqlite(log.database.engine, None, label="before-upgrade")  # a pre-upgrade copy
    written = [word for key, word in CANARIES.items() if key != "note after encryption"]
    plain_hits = {word for word, _ in _found([folder], written)}
    assert plain_hits == set(written), "the canaries must be findable before encryption"

    encrypted = encrypt_opened_log(log, ids[0], "ada", PASSWORD)
    assert encrypted.problem is None and encrypted.log is not None
    log = encrypted.log
    keys = log.database.keys
    assert keys is not None
    try:
        # A day's use of the encrypted log.
        with log.database.write(ids[0]) as s:
            add_note(s, s.get_one(type(dsl), ids[0]), ids[1], CANARIES["note after encryption"])
        with log.database.write(ids[0]) as s:
            assert find_people(s, CANARIES["pupil's name"][:6])
            assert letter_pdf(s, ids[2]).startswith(b"%PDF")
        assert _found([folder, private_temp, app_log], list(CANARIES.values())) == []
        made = create_backup(path, keys=keys)
        assert verify_backup(made, keys).ok
    finally:
        log.database.dispose()

    head = Path(f"{path}.audit-head")
    restored = restore_backup(path, list_backups(backup_folder(path))[0], head, keys)
    assert restored.previous is not None
    _, keys = unlock_with_password(path, "ada", PASSWORD)
    log = open_log(url, keys=keys)
    try:
        with log.database.read(SYSTEM) as s:
            assert s.scalars(select(Incident.summary)).one().startswith(CANARIES["summary"])
            result = verify(s, log.database.audit_head)
            assert result.ok, result.problems
    finally:
        log.database.dispose()

    everything = [folder, private_temp, app_log]
    assert _found(everything, list(CANARIES.values())) == []
    assert sorted(p.name for p in folder.iterdir()) == [
        "backups",
        "footprint.sqlite3",
        "footprint.sqlite3.audit-head",
        "footprint.sqlite3.keys",
    ]


def test_footprints_own_log_file_is_private(app_log: Path) -> None:
    logging.getLogger("app").warning("a line")
    assert (app_log / "footprint.log").stat().st_mode & 0o077 == 0
    assert app_log.stat().st_mode & 0o077 == 0
