"""`footprint --self-check`: proves an installation works, in a throwaway folder."""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

# A 1×1 PNG: evidence to store and read back.
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c63f8ffff3f030008fc02fea79aa0a00000000049454e44ae426082"
)


def run_self_check(print_line: Callable[[str], None] = print) -> int:
    """Run every check; 0 if all pass, 1 with the failing check's reason otherwise."""
    with tempfile.TemporaryDirectory(prefix="footprint-self-check-") as folder:
        checks: list[tuple[str, Callable[[], str]]] = [
            ("resources and migrations are present", _check_files),
            ("a new log is created, migrated and encrypted", lambda: _check_database(Path(folder))),
            ("Qt starts", _check_qt),
            ("a letter is made, protected, read back and shown", _check_letter),
            ("passwords are hashed and checked (argon2id)", _check_passwords),
        ]
        for name, check in checks:
            try:
                detail = check()
            except Exception as exc:  # the reason goes to the user, then we stop
                print_line(f"FAIL  {name}: {exc}")
                if os.environ.get("FOOTPRINT_DEBUG"):
                    traceback.print_exc(file=sys.stderr)
                return 1
            print_line(f"ok    {name}{': ' + detail if detail else ''}")
    print_line("Footprint self-check passed.")
    return 0


def _check_files() -> str:
    from app.resources import migrations_path, resource_path

    versions = list((migrations_path() / "versions").glob("*.py"))
    if not versions:
        raise RuntimeError(f"no migrations in {migrations_path()}")
    if not resource_path().is_dir():
        raise RuntimeError(f"no resources folder at {resource_path()}")
    return f"{len(versions)} migration(s)"


def _check_database(folder: Path) -> str:
    """Write and read a log, encrypt it (SQLCipher, argon2id, AES-GCM key slots), open
    it again with the password alone and read the same back."""
    from app.core.actors import SYSTEM
    from app.core.clock import utc_now
    from app.core.security.logkeys import unlock_with_password
    from app.core.services.accounts import create_first_account
    from app.core.services.evidence import add_evidence_file, evidence_content
    from app.core.services.incidents import IncidentDetails, create_incident
    from app.core.services.lookups import get_incident
    from app.core.startup import encrypt_opened_log, open_log
    from app.core.vocab import Category, Platform, Severity

    summary = "Self-check incident: Zoë & Łukasz <test>"
    password = "quiet harbour lantern meadow"
    path = folder / "self-check.sqlite3"
    log = open_log(f"sqlite:///{path}")
    try:
        with log.database.write(SYSTEM) as session:
            actor = create_first_account(session, "Self Check", "selfcheck", password)
            incident = create_incident(
                session,
                actor,
                IncidentDetails(
                    seen_at=utc_now() - timedelta(minutes=1),
                    platform=Platform.FACEBOOK,
                    summary=summary,
                    severity=Severity.LOW,
                    categories=frozenset({Category.OTHERWISE_INAPPROPRIATE}),
                ),
            )
            evidence = add_evidence_file(session, actor, incident.id, "check.png", _PNG)
            ids = incident.id, evidence.id, incident.reference, actor.id
        encrypted = encrypt_opened_log(log, ids[3], "selfcheck", password)
        if encrypted.log is None or encrypted.problem is not None:
            raise RuntimeError(f"the log was not encrypted: {encrypted.problem}")
        log = encrypted.log
    finally:
        log.database.dispose()
    if "Łukasz".encode() in path.read_bytes():
        raise RuntimeError("the encrypted log holds plain text")
    _, keys = unlock_with_password(path, "selfcheck", password)
    log = open_log(f"sqlite:///{path}", keys=keys)
    try:
        with log.database.read(ids[3]) as session:
            if get_incident(session, ids[0]).summary != summary:
                raise RuntimeError("the incident read back differs from what was written")
            if evidence_content(session, ids[1]) != _PNG:
                raise RuntimeError("the evidence read back differs from what was written")
    finally:
        log.database.dispose()
    return f"wrote, encrypted and read back {ids[2]} with evidence"


def _check_qt() -> str:
    """Qt starts on the platform the app itself will use (QT_QPA_PLATFORM, else the
    desktop's), and a day's worth of Qt calls leaves Python's None alive."""
    from app.platform_check import intended_platform, platform_problem

    problem = platform_problem()
    if problem is not None:
        raise RuntimeError(problem)
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication.instance() or QApplication([])
    label = QLabel("Footprint")
    label.grab()
    before = sys.getrefcount(None)
    for number in range(2_000):
        label.setText(f"Saved SM-2026-{number:04d}.")
    if sys.getrefcount(None) < before - 50:  # a leak loses one per call
        raise RuntimeError(
            f"PySide6 {pyside_version} on Python {sys.version.split()[0]} loses references "
            "to None: the app would stop after a few thousand actions (see README)"
        )
    del label, app
    return f"Qt {qVersion()} on the {intended_platform()} platform, PySide6 {pyside_version}"


def _check_letter() -> str:
    """reportlab with the bundled fonts makes a letter; QtPdf (the preview and printing)
    opens it and draws its page."""
    from datetime import date

    from PySide6.QtPdf import QPdfDocument  # noqa: F401  (the import itself is checked)

    from app.core.letter_templates import default_templates
    from app.documents.base import Letterhead
    from app.documents.letters import LetterContent, LetterDocument
    from app.ui.letters.pdf_pages import PdfFile

    templates = default_templates()
    pdf = LetterDocument(
        Letterhead("Self-check School"),
        LetterContent(
            letter_date=date(2026, 1, 5),
            reference="SM-2026-0001",
            addressee_name="Zoë Łukasz-Nguyễn",
            address_lines=["1 Test Road"],
            salutation="Dear Ольга,",
            subject="Self-check",
            paragraphs=["Şükrü & Siobhán O'Neill <test>"],
            signatory_name="Headteacher",
            signatory_title="Headteacher",
        ),
    ).render()
    page = PdfFile(pdf).page(0, 36)
    if page.isNull() or page.width() < 200:
        raise RuntimeError("QtPdf could not draw the letter")
    if b"/FontFile2" not in pdf:
        raise RuntimeError("the letter's font was not embedded")
    _check_pdf_password(pdf)
    return f"{len(templates)} templates, {len(pdf):,}-byte letter, AES-256 protection"


def _check_pdf_password(pdf: bytes) -> None:
    """A case file can be password-protected (pypdf with `cryptography`'s AES)."""
    import io

    from pypdf import PdfReader

    from app.documents.protection import protect_pdf

    reader = PdfReader(io.BytesIO(protect_pdf(pdf, "self-check passphrase")))
    if not reader.is_encrypted or not reader.decrypt("self-check passphrase"):
        raise RuntimeError("a PDF could not be password-protected")


def _check_passwords() -> str:
    from app.core.security.passwords import hash_password, verify_password

    stored = hash_password("self-check passphrase")
    if not verify_password(stored, "self-check passphrase") or verify_password(stored, "x"):
        raise RuntimeError("password hashing does not work")
    return stored.split("$")[1]
