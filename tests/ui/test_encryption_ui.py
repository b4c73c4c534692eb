"""The encrypted log as a school meets it in the window: a plain log is encrypted when
the DSL signs in and the recovery sheet is shown once; a new school's log is encrypted
as soon as the DSL's account exists; an encrypted log opens with a sign-in password (a
wrong one is refused in words) or, when every password is lost, with the recovery key,
which gives the DSL's account a new password; a new recovery key voids the old sheet."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox
from pytestqt.qtbot import QtBot

from app.core.actors import SYSTEM
from app.core.errors import FootprintError
from app.core.security import keyslots
from app.core.security.keyslots import KeyRing
from app.core.security.logkeys import unlock_with_password, unlock_with_recovery
from app.core.services.accounts import add_account, create_first_account
from app.core.services.school import SchoolDetails, save_settings
from app.core.services.users import get_user
from app.core.startup import LogKind, OpenedLog, log_kind, open_log
from app.core.vocab import UserRole
from app.ui.accounts import AccountSetupDialog, SignInDialog
from app.ui.accounts_page import AccountsPage
from app.ui.app import sign_in_encrypted, sign_in_plain
from app.ui.context import AppContext
from app.ui.plain_sign_in import sign_in_plain_early
from app.ui.recovery import RecoverAccountDialog, RecoveryKeyDialog, RecoverySheetDialog
from tests.factories import make_incident
from tests.ui.helpers import when_modal

GOOD = "river lantern orchard"
SCHOOL = "St Aidan's & St Zoë's <Primary>"
CANARY = "Zanzibar-Quokka-7731"
PATIENT = 1000  # polls of 10 ms: encrypting runs on a worker thread first


@pytest.fixture(autouse=True)
def _quick_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keyslots, "KDF", {"time_cost": 1, "memory_cost": 1024, "parallelism": 1})


@pytest.fixture(autouse=True)
def printed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The recovery sheet goes to a PDF "printer" (the system print dialog is skipped)."""
    from PySide6.QtPrintSupport import QPrinter

    from app.ui.letters import letter_dialog

    target = tmp_path / "printed-sheet.pdf"

    def pdf_printer(_parent: object) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        return printer

    monkeypatch.setattr(letter_dialog, "choose_printer", pdf_printer)
    return target


def _plain_log(tmp_path: Path, *, with_dsl: bool = True) -> tuple[str, Path]:
    path = tmp_path / "log" / "footprint.sqlite3"
    url = f"sqlite:///{path}"
    log = open_log(url)
    with log.database.write(SYSTEM) as s:
        if with_dsl:
            dsl = create_first_account(s, "Ada Okafor", "ada", GOOD)
            save_settings(s, dsl, SchoolDetails(name=SCHOOL))
            add_account(s, dsl, "Olu Office", "olu", UserRole.OFFICE, "temporary harbour 42")
            make_incident(s, dsl, summary=f"{CANARY} posted a photo")
        else:  # the first-run form was filled in; the DSL's account is next
            save_settings(s, get_user(s, log.user_id), SchoolDetails(name=SCHOOL))
    log.database.dispose()
    return url, path


def _opened(result: tuple[OpenedLog | None, int] | None) -> tuple[OpenedLog, int]:
    assert result is not None and result[0] is not None, "the log was not opened"
    return result[0], result[1]


def _take_sheet(seen: dict[str, object]) -> None:
    def take(sheet: RecoverySheetDialog) -> None:
        seen["key"], seen["pdf"] = sheet.recovery_key, sheet.pdf
        ok = sheet.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert not ok.isEnabled()  # not until the DSL says the sheet is made,
        assert not sheet.confirmed.isEnabled()  # which they can once it is printed
        sheet.print_button.click()
        assert sheet.confirmed.isEnabled()
        sheet.confirmed.setChecked(True)
        ok.click()

    when_modal(take, kind=RecoverySheetDialog, tries=PATIENT)


@pytest.mark.parametrize(
    "signing_in",
    [sign_in_plain, sign_in_plain_early],
    ids=["log opened first", "dialog first, log opened meanwhile"],
)
def test_a_plain_log_is_encrypted_when_the_dsl_signs_in(
    qtbot: QtBot,
    tmp_path: Path,
    printed: Path,
    signing_in: Callable[[str], tuple[OpenedLog | None, int] | None],
) -> None:
    url, path = _plain_log(tmp_path)
    assert log_kind(url) is LogKind.PLAIN and CANARY.encode() in path.read_bytes()
    seen: dict[str, object] = {}

    def sign_in(dialog: SignInDialog) -> None:
        dialog.username.setText("ada")
        dialog.password.setText(GOOD)
        _take_sheet(seen)

        def accounts(box: QMessageBox) -> None:
            seen["waiting"] = box.text()
            box.accept()

        when_modal(accounts, kind=QMessageBox, tries=PATIENT)
        dialog.sign_in()

    when_modal(sign_in, kind=SignInDialog)
    log, _user_id = _opened(signing_in(url))
    try:
        assert log.database.keys is not None
        assert log_kind(url) is LogKind.ENCRYPTED
        # The sheet's key opens the log; the PDF holds it, the school and where the log is.
        key = str(seen["key"])
        assert unlock_with_recovery(path, key).key_id == log.database.keys.key_id
        pdf = seen["pdf"]
        assert isinstance(pdf, bytes)
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        assert key.split("-")[0] in text and "St Aidan" in text
        # The sheet went to the printer, and its being printed is kept with the keys.
        assert (
            key.split("-")[0] in "".join(page.extract_text() for page in PdfReader(printed).pages)
            or printed.stat().st_size > 1000
        )  # printed as an image of the page
        assert KeyRing.load(Path(f"{path}.keys")).sheet_confirmed
        # Olu's password was never typed since: the DSL is told to reset it.
        assert "Olu Office" in str(seen["waiting"])
        with pytest.raises(FootprintError):
            unlock_with_password(path, "olu", "temporary harbour 42")
    finally:
        log.database.dispose()
    for file in path.parent.rglob("*"):
        if file.is_file():
            assert CANARY.encode() not in file.read_bytes(), file


def test_a_new_schools_log_is_encrypted_once_the_dsls_account_exists(
    qtbot: QtBot, tmp_path: Path
) -> None:
    url, path = _plain_log(tmp_path, with_dsl=False)
    seen: dict[str, object] = {}

    def create(dialog: AccountSetupDialog) -> None:
        dialog.name.setText("Ada Okafor")
        dialog.username.setText("ada")
        dialog.password.setText(GOOD)
        dialog.confirm.setText(GOOD)
        _take_sheet(seen)
        dialog.create_account()

    when_modal(create, kind=AccountSetupDialog)
    log, signed_in = _opened(sign_in_plain(url))
    log.database.dispose()
    assert log_kind(url) is LogKind.ENCRYPTED
    user_id, keys = unlock_with_password(path, "Ada", GOOD)
    assert user_id == signed_in and unlock_with_recovery(path, str(seen["key"])).data_key == (
        keys.data_key
    )


def _encrypted_log(qtbot: QtBot, tmp_path: Path) -> tuple[str, Path, str]:
    url, path = _plain_log(tmp_path)
    seen: dict[str, object] = {}

    def sign_in(dialog: SignInDialog) -> None:
        dialog.username.setText("ada")
        dialog.password.setText(GOOD)
        _take_sheet(seen)
        when_modal(lambda box: box.accept(), kind=QMessageBox, tries=PATIENT)
        dialog.sign_in()

    when_modal(sign_in, kind=SignInDialog)
    _opened(sign_in_plain(url))[0].database.dispose()
    return url, path, str(seen["key"])


def test_an_encrypted_log_opens_with_the_password_and_refuses_a_wrong_one(
    qtbot: QtBot, tmp_path: Path
) -> None:
    url, _path, _key = _encrypted_log(qtbot, tmp_path)
    said: list[str] = []

    def sign_in(dialog: SignInDialog) -> None:
        assert dialog.database is None  # nothing is open before the password opens it
        dialog.username.setText("ada")
        dialog.password.setText("not the password")
        dialog.sign_in()
        said.append(dialog.message.text())
        assert dialog.isVisible() and dialog.password.text() == ""
        dialog.password.setText(GOOD)
        dialog.sign_in()

    when_modal(sign_in, kind=SignInDialog)
    result = sign_in_encrypted(url)
    assert said == ["That user name and password don't open this log."]
    log, user_id = _opened(result)
    try:
        assert log.database.keys is not None and user_id > 0
    finally:
        log.database.dispose()


def test_the_recovery_key_gives_the_dsl_a_new_password(qtbot: QtBot, tmp_path: Path) -> None:
    url, path, key = _encrypted_log(qtbot, tmp_path)
    said: list[str] = []

    def choose(dialog: RecoverAccountDialog) -> None:
        assert dialog.account.count() == 1  # the DSL; not the office account
        dialog.password.setText("a brand new meadow")
        dialog.confirm.setText("a brand new meadow")
        dialog.set_password()

    def type_key(dialog: RecoveryKeyDialog) -> None:
        dialog.key.setText("AAAA-BBBB")
        when_modal(lambda again: type_right_key(again), kind=RecoveryKeyDialog)
        dialog.accept()

    def type_right_key(dialog: RecoveryKeyDialog) -> None:
        said.append(dialog.message.text())
        dialog.key.setText(key.lower().replace("-", " "))
        when_modal(choose, kind=RecoverAccountDialog, tries=PATIENT)
        dialog.accept()

    def sign_in(dialog: SignInDialog) -> None:
        when_modal(type_key, kind=RecoveryKeyDialog)
        dialog.recovery_button.click()

    when_modal(sign_in, kind=SignInDialog)
    result = sign_in_encrypted(url)
    assert said and "doesn't open this log" in said[0]
    _opened(result)[0].database.dispose()
    assert unlock_with_password(path, "ada", "a brand new meadow")[1].key_id
    with pytest.raises(FootprintError):
        unlock_with_password(path, "ada", GOOD)


def test_a_new_recovery_key_voids_the_old_sheet(qtbot: QtBot, tmp_path: Path) -> None:
    url, path, old_key = _encrypted_log(qtbot, tmp_path)
    user_id, keys = unlock_with_password(path, "ada", GOOD)
    log = open_log(url, keys=keys)
    try:
        page = AccountsPage(AppContext(log.database, user_id))
        qtbot.addWidget(page)
        assert page.recovery_button.isVisibleTo(page)
        items = [page.tree.topLevelItem(i) for i in range(page.tree.topLevelItemCount())]
        states = [item.text(3) for item in items if item is not None]
        assert any("needs a new password" in state for state in states)
        seen: dict[str, object] = {}
        when_modal(lambda box: box.button(QMessageBox.StandardButton.Yes).click(), kind=QMessageBox)
        _take_sheet(seen)
        page.recovery_button.click()
    finally:
        log.database.dispose()
    assert unlock_with_recovery(path, str(seen["key"])).key_id == keys.key_id
    with pytest.raises(FootprintError):
        unlock_with_recovery(path, old_key)


@pytest.mark.parametrize("damage", ["flipped", "truncated", "deleted"])
def test_a_damaged_encrypted_log_is_restored_at_sign_in(
    qtbot: QtBot, tmp_path: Path, damage: str
) -> None:
    """The restore drill: an encrypted log damaged while Footprint was closed; signing in
    offers the latest backup, which is put back, and every record and the trail check."""
    from app.core.audit import verify
    from app.core.services.incident_queries import IncidentFilter, count_incidents

    url, path, _key = _encrypted_log(qtbot, tmp_path)
    if damage == "flipped":
        data = bytearray(path.read_bytes())
        for at in range(len(data) // 2, len(data) // 2 + 64):
            data[at] ^= 0x5A
        path.write_bytes(bytes(data))
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    else:
        path.unlink()
    offered: list[str] = []

    def sign_in(dialog: SignInDialog) -> None:
        dialog.username.setText("ada")
        dialog.password.setText(GOOD)

        def restore(box: QMessageBox) -> None:
            offered.append(box.text())
            box.button(QMessageBox.StandardButton.Yes).click()

        when_modal(restore, kind=QMessageBox, tries=PATIENT)
        dialog.sign_in()

    when_modal(sign_in, kind=SignInDialog)
    log, user_id = _opened(sign_in_encrypted(url))
    try:
        assert offered and "Restore that backup now?" in offered[0]
        with log.database.read(user_id) as s:
            assert count_incidents(s, IncidentFilter()) == 1
            result = verify(s, log.database.audit_head)
            assert result.ok, result.problems
    finally:
        log.database.dispose()
    if damage != "deleted":
        assert path.with_name(path.name + ".damaged").exists()  # kept, never written to


def test_a_skipped_sheet_is_asked_for_at_the_dsls_next_sign_in(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from app.ui.recovery import remind_about_the_sheet

    url, path = _plain_log(tmp_path)

    def sign_in(dialog: SignInDialog) -> None:
        dialog.username.setText("ada")
        dialog.password.setText(GOOD)

        def skip(sheet: RecoverySheetDialog) -> None:
            def go_on(box: QMessageBox) -> None:
                # Then Olu's account is named as needing a new password: noted.
                when_modal(lambda note: note.accept(), kind=QMessageBox, tries=PATIENT)
                box.button(QMessageBox.StandardButton.Yes).click()

            when_modal(go_on, kind=QMessageBox)
            sheet.reject()  # Esc: "Go on without it?" Yes

        when_modal(skip, kind=RecoverySheetDialog, tries=PATIENT)
        dialog.sign_in()

    when_modal(sign_in, kind=SignInDialog)
    log, user_id = _opened(sign_in_plain(url))
    try:
        assert not KeyRing.load(Path(f"{path}.keys")).sheet_confirmed
        seen: dict[str, object] = {}

        def reminded(box: QMessageBox) -> None:
            seen["asked"] = box.text()
            _take_sheet(seen)
            box.button(QMessageBox.StandardButton.Yes).click()

        when_modal(reminded, kind=QMessageBox)
        remind_about_the_sheet(None, AppContext(log.database, user_id))
    finally:
        log.database.dispose()
    assert "No recovery sheet has been confirmed" in str(seen["asked"])
    ring = KeyRing.load(Path(f"{path}.keys"))
    assert ring.sheet_confirmed
    assert unlock_with_recovery(path, str(seen["key"])).key_id == ring.key_id
