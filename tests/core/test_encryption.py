"""The encrypted log, end to end: a plain log with records and plain backups is converted
and nothing readable is left in its folder; the log opens only with an account's password
or the recovery key; key slots follow the accounts inside each unit of work (and go back
when it fails); a conversion cut short leaves a log that opens and no plain leftovers;
the restore drill works on an encrypted log; backups are encrypted and checked with the
log's key."""

from __future__ import annotations

import errno
import json
import os
import shutil
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.actors import SYSTEM
from app.core.audit import Action, verify
from app.core.backups import create_backup, list_backups, restore_backup, verify_backup
from app.core.backups.store import backup_folder, choose_backup_folder
from app.core.db import Database
from app.core.errors import DatabaseError, FootprintError, LogLost, NotAllowed, ValidationError
from app.core.files import write_privately
from app.core.migrate import backup_sqlite
from app.core.models import AuditEntry, User
from app.core.security import cipher, keyslots, passwords
from app.core.security.convert import tidy_conversion
from app.core.security.keyslots import KeyRing, SlotRefused, new_data_key, normalise_recovery_key
from app.core.security.logkeys import (
    BACKUP_KEYS_NAME,
    KeyFileProblem,
    KeysRefused,
    LogKeys,
    unlock_with_password,
    unlock_with_recovery,
)
from app.core.services.accounts import (
    add_account,
    attempt_sign_in,
    change_own_password,
    create_first_account,
    list_accounts,
    new_recovery_key,
    reset_password,
    set_active,
    set_password_with_recovery,
)
from app.core.services.chronology import add_note
from app.core.services.involvements import add_involvement
from app.core.startup import LogKind, NeedsKey, OpenedLog, encrypt_opened_log, log_kind, open_log
from app.core.vocab import InvolvementRole, PersonKind, UserRole
from tests.factories import make_incident, make_person

# Unique strings put in the records: none may be readable anywhere once the log is encrypted.
PUPIL_GIVEN, PUPIL_FAMILY = "Zephyrine", "Quillfeather"
ADDRESS = "Vextrudge"
SUMMARY = "Plimquorth"
NOTE = "Gravendoxy"
DSL_NAME = "Brackenwise"
CANARIES = (PUPIL_GIVEN, PUPIL_FAMILY, ADDRESS, SUMMARY, NOTE, DSL_NAME)
AFTER = "Snorkelwane"  # written once the log is encrypted (it lands in the -wal first)

DSL_USER, DSL_PASSWORD = "obrackenwise", "river lantern orchard"
DEPUTY_USER, DEPUTY_PASSWORD = "deputy", "quiet meadow lantern"
TABLES = ("incident", "person", "involvement", "chronology_entry", "app_user", "evidence")


def _cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2id for key slots and password hashes (the product uses RFC 9106's)."""
    monkeypatch.setattr(keyslots, "KDF", {"time_cost": 1, "memory_cost": 1024, "parallelism": 1})
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", lambda: cheap)


@pytest.fixture(autouse=True)
def _quick_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    _cheap_argon2(monkeypatch)


@dataclass
class School:
    path: Path
    dsl_id: int
    deputy_id: int
    records: dict[str, int]
    recovery_key: str = ""
    keys: LogKeys | None = None

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"

    @property
    def folder(self) -> Path:
        return self.path.parent


def _forms(text: str) -> list[bytes]:
    """The ways a string can sit in a file: as typed, folded (the search index), in
    UTF-8 and in UTF-16 either way round."""
    forms = []
    for variant in {text, text.lower(), text.upper()}:
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            forms.append(variant.encode(encoding))
    return forms


def _leaks(*folders: Path, canaries: tuple[str, ...] = CANARIES) -> list[str]:
    """Every file under `folders` holding a canary, readably."""
    found = []
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if not path.is_file():
                continue
            data = path.read_bytes()
            found += [
                f"{path.relative_to(folder)}: {canary}"
                for canary in canaries
                if any(form in data for form in _forms(canary))
            ]
    return found


def _records(path: Path, keys: LogKeys | None) -> dict[str, int]:
    connection = cipher.connect(path, keys.data_key if keys is not None else None, readonly=True)
    try:
        return {
            table: int(connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])
            for table in TABLES
        }
    finally:
        connection.close()


def _plain_school(tmp_path: Path, *, backups: int = 2) -> School:
    """A plain log with accounts, a pupil, a parent's address, incidents and a note, and
    plain backups (and a copy taken before an upgrade), closed."""
    path = tmp_path / "school" / "footprint.sqlite3"
    log = open_log(f"sqlite:///{path}")
    try:
        with log.database.write(SYSTEM) as s:
            dsl_id = create_first_account(s, f"Ottoline {DSL_NAME}", DSL_USER, DSL_PASSWORD).id
        with log.database.write(dsl_id) as s:
            dsl = s.get(User, dsl_id)
            assert dsl is not None
            deputy = add_account(
                s, dsl, "Dee Puty", DEPUTY_USER, UserRole.DEPUTY_DSL, DEPUTY_PASSWORD
            )
            deputy_id = deputy.id
            pupil = make_person(
                s, dsl, kind=PersonKind.PUPIL, given_name=PUPIL_GIVEN, family_name=PUPIL_FAMILY
            )
            parent = make_person(s, dsl, address=f"17 {ADDRESS} Lane\nLeeds")
            for number in range(3):
                incident = make_incident(s, dsl, summary=f"Post {number} about {SUMMARY}")
                add_involvement(s, dsl, incident.id, pupil.id, InvolvementRole.TARGET)
                add_involvement(s, dsl, incident.id, parent.id, InvolvementRole.REPORTER)
            add_note(s, dsl, incident.id, f"Rang home: {NOTE} said it was removed.")
        backup_sqlite(log.database.engine, None, label="before-test")  # a pre-upgrade copy
    finally:
        log.database.dispose()
    for _ in range(backups):
        create_backup(path)
    return School(path, dsl_id, deputy_id, _records(path, None))


def _encrypt(school: School) -> OpenedLog:
    """Convert the school's plain log on the DSL's sign-in; the log is left open."""
    encrypted = encrypt_opened_log(open_log(school.url), school.dsl_id, DSL_USER, DSL_PASSWORD)
    assert encrypted.problem is None and encrypted.recovery_key and encrypted.log is not None
    school.recovery_key = encrypted.recovery_key
    school.keys = encrypted.log.database.keys
    return encrypted.log


def _copy(template: School, tmp_path: Path) -> School:
    """A copy of a school's folder (the log, its companions, its backups) to work on."""
    path = tmp_path / "school" / template.path.name
    shutil.copytree(template.folder, path.parent)
    keys = template.keys
    if keys is not None:
        keys = LogKeys(path, keys.ring.copy(), keys.data_key)
    return replace(template, path=path, keys=keys, records=dict(template.records))


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> tuple[School, School]:
    """A plain school and the same school encrypted, built once (each test takes a copy)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        _cheap_argon2(monkeypatch)
        plain = _plain_school(tmp_path_factory.mktemp("plain"))
        encrypted = _copy(plain, tmp_path_factory.mktemp("encrypted"))
        _encrypt(encrypted).database.dispose()
    return plain, encrypted


@pytest.fixture
def plain_school(templates: tuple[School, School], tmp_path: Path) -> School:
    """A closed plain log with records, two plain backups and a pre-upgrade copy."""
    return _copy(templates[0], tmp_path)


@pytest.fixture
def school(templates: tuple[School, School], tmp_path: Path) -> School:
    """The same school, encrypted on its DSL's sign-in (the DSL's slot, a recovery key;
    the deputy's account is from before, with no slot yet), closed."""
    return _copy(templates[1], tmp_path)


@contextmanager
def _opened(
    school: School, user: str = DSL_USER, password: str = DSL_PASSWORD
) -> Iterator[Database]:
    """The encrypted log, unlocked with an account's password."""
    _user_id, keys = unlock_with_password(school.path, user, password)
    log = open_log(school.url, keys=keys)
    try:
        yield log.database
    finally:
        log.database.dispose()


def _opens(school: School, user: str, password: str) -> bool:
    try:
        unlock_with_password(school.path, user, password)
    except KeysRefused:
        return False
    return True


def _trail_ok(database: Database) -> list[AuditEntry]:
    with database.read(SYSTEM) as s:
        result = verify(s, database.audit_head)
        assert result.ok, result.problems
        return list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _dsl(session: Session, school: School) -> User:
    user = session.get(User, school.dsl_id)
    assert user is not None
    return user


# -- 1. converting a plain log ---------------------------------------------------------------


def test_converting_a_plain_log_leaves_nothing_readable(plain_school: School) -> None:
    school = plain_school
    folder = school.folder
    backups = list_backups(backup_folder(school.path))
    assert len(backups) == 2 and all(b.manifest["key_id"] is None for b in backups)
    # The check finds the canaries while they are there (the log, each backup, the copy).
    before = _leaks(folder)
    for member in [school.path, *(b.path for b in backups)]:
        assert any(line.startswith(f"{member.relative_to(folder)}:") for line in before)
    assert any("before-test" in line for line in before)
    assert log_kind(school.url) is LogKind.PLAIN

    log = _encrypt(school)
    keys = school.keys
    assert keys is not None
    try:
        with log.database.write(school.dsl_id) as s:
            add_note(s, _dsl(s, school), 1, f"Written after encryption: {AFTER}.")
        wal = Path(f"{school.path}-wal")
        assert wal.exists() and wal.stat().st_size > 0  # the new note is in it, encrypted
        assert _leaks(folder, canaries=(*CANARIES, AFTER)) == []
        assert not list(folder.rglob("*.plain")) and not list(folder.rglob("*.encrypting"))

        notes = school.records["chronology_entry"] + 1
        assert _records(school.path, keys) == {**school.records, "chronology_entry": notes}
        entries = _trail_ok(log.database)
        encrypt = [e for e in entries if e.action == Action.ENCRYPT]
        assert len(encrypt) == 1 and encrypt[0].user_id == school.dsl_id
        assert json.loads(encrypt[0].changes)["backups_left_plain"] == 0
    finally:
        log.database.dispose()

    assert _leaks(folder, canaries=(*CANARIES, AFTER)) == []  # and once it is closed
    assert _mode(school.path) == 0o600
    assert _mode(cipher.keys_path(school.path)) == 0o600
    assert _mode(backup_folder(school.path) / BACKUP_KEYS_NAME) == 0o600
    after = list_backups(backup_folder(school.path))
    assert len(after) == 3  # the two, and the one taken just before converting
    for backup in after:
        assert _mode(backup.path) == 0o600 and _mode(backup.manifest_path) == 0o600
        assert backup.manifest["key_id"] == keys.key_id and not cipher.is_plain(backup.path)
        assert verify_backup(backup, keys).ok, verify_backup(backup, keys).problems
        assert backup.records["incident"] == school.records["incident"]
    # The key file holds no user names and not the key.
    key_text = cipher.keys_path(school.path).read_text()
    assert DSL_USER not in key_text and keys.data_key.hex() not in key_text

    assert log_kind(school.url) is LogKind.ENCRYPTED
    with pytest.raises(NeedsKey, match="is encrypted: sign in"):
        open_log(school.url)


def test_plain_copies_in_both_backups_folders_are_encrypted(
    plain_school: School, tmp_path: Path
) -> None:
    """Backups made before the school chose another folder, and copies taken before an
    upgrade (always made in `backups/` beside the log), are plain copies of the log too."""
    chosen = tmp_path / "usb" / "footprint-backups"
    choose_backup_folder(plain_school.path, chosen)
    create_backup(plain_school.path)
    assert _leaks(chosen) and _leaks(plain_school.folder / "backups")
    _encrypt(plain_school).database.dispose()
    assert _leaks(plain_school.folder) == []
    assert _leaks(chosen) == []


# -- 2. unlocking ------------------------------------------------------------------------------


def test_the_right_password_or_the_recovery_key_opens_the_log(school: School) -> None:
    assert school.keys is not None
    user_id, keys = unlock_with_password(school.path, f" {DSL_USER.upper()} ", DSL_PASSWORD)
    assert user_id == school.dsl_id and keys.data_key == school.keys.data_key
    with _opened(school, DSL_USER.title()) as database:
        assert _records(school.path, database.keys) == school.records
    typed = school.recovery_key.lower().replace("-", " ")
    recovered = unlock_with_recovery(school.path, typed)
    assert recovered.data_key == school.keys.data_key
    open_log(school.url, keys=recovered).database.dispose()


def test_wrong_passwords_users_and_recovery_keys_are_refused_plainly(school: School) -> None:
    for user, password in [
        (DSL_USER, "river lantern orchar"),
        (DSL_USER, DEPUTY_PASSWORD),
        ("nobody", DSL_PASSWORD),
        ("", ""),
        (DEPUTY_USER, DEPUTY_PASSWORD),  # an account from before encryption: no slot yet
    ]:
        with pytest.raises(KeysRefused, match=r"^That user name and password don't open"):
            unlock_with_password(school.path, user, password)
    wrong = "A" * 32 if not school.recovery_key.startswith("A") else "B" * 32
    for attempt in (wrong, "", school.recovery_key[:-1]):
        with pytest.raises(KeysRefused, match="That recovery key doesn't open this log"):
            unlock_with_recovery(school.path, attempt)


def _doctor(change: Callable[[dict[str, Any]], object]) -> Callable[[Path], object]:
    def doctor(path: Path) -> None:
        data = json.loads(path.read_text())
        change(data)
        path.write_text(json.dumps(data))

    return doctor


def _folder_instead(path: Path) -> None:
    path.unlink()
    path.mkdir()


def _each_slot(key: str, value: object) -> Callable[[dict[str, Any]], object]:
    return lambda data: [slot.__setitem__(key, value) for slot in data["slots"]]


DAMAGE: dict[str, Callable[[Path], object]] = {
    "garbage": lambda path: path.write_bytes(os.urandom(300)),
    "empty": lambda path: path.write_bytes(b""),
    "other json": lambda path: path.write_text('{"format": "something else"}'),
    "a folder": lambda path: _folder_instead(path),
    "no slots": _doctor(lambda data: data.__setitem__("slots", 5)),
    "no kdf": _doctor(_each_slot("kdf", {})),
    "zero kdf": _doctor(_each_slot("kdf", {"time_cost": 0, "memory_cost": 0, "parallelism": 0})),
    "huge kdf": _doctor(
        _each_slot("kdf", {"time_cost": 1, "memory_cost": 2**40, "parallelism": 1})
    ),
    "short nonce": _doctor(_each_slot("nonce", "AAAA")),
    "short salt": _doctor(_each_slot("salt", "AAAA")),
    "odd owner": _doctor(_each_slot("owner", "account:x")),
    "empty file salt": _doctor(lambda data: data.__setitem__("salt", "")),
}


def test_a_damaged_key_file_is_said_in_words(school: School) -> None:
    beside = cipher.keys_path(school.path)
    good = beside.read_bytes()
    copy = backup_folder(school.path) / BACKUP_KEYS_NAME
    copy.unlink()  # with no good copy in the backups folder to fall back on
    for name, damage in DAMAGE.items():
        if beside.is_dir():
            beside.rmdir()
        beside.write_bytes(good)
        damage(beside)
        for attempt in (
            lambda: unlock_with_password(school.path, DSL_USER, DSL_PASSWORD),
            lambda: unlock_with_password(school.path, "nobody", DSL_PASSWORD),
            lambda: unlock_with_recovery(school.path, school.recovery_key),
        ):
            try:
                attempt()
            except KeyFileProblem as problem:
                assert "key file" in problem.message or "can't read" in problem.message, name
            except KeysRefused:
                pass
            else:
                pytest.fail(f"a key file with {name} opened the log")
    # With the backups folder's copy there, a damaged file beside the log is passed over.
    copy.write_bytes(good)
    beside.write_bytes(b"\x00garbage")
    assert unlock_with_password(school.path, DSL_USER, DSL_PASSWORD)[1].key_id


def test_another_logs_key_file_opens_nothing_here(school: School) -> None:
    theirs = new_data_key()
    ring = KeyRing.for_key(theirs)
    ring.set_account(theirs, school.dsl_id, DSL_USER, "their own passphrase")
    ring.new_recovery_key(theirs)
    ring.save(cipher.keys_path(school.path))
    with pytest.raises(KeysRefused, match="don't open this log"):
        unlock_with_password(school.path, DSL_USER, DSL_PASSWORD)
    with pytest.raises(KeysRefused, match="recovery key doesn't open"):
        unlock_with_recovery(school.path, school.recovery_key)
    # The same user name and password in the other log's file open its key, which then
    # doesn't open this log: said in words when it is opened (never as a raw error).
    ring.set_account(theirs, school.dsl_id, DSL_USER, DSL_PASSWORD)
    ring.save(cipher.keys_path(school.path))
    _user_id, keys = unlock_with_password(school.path, DSL_USER, DSL_PASSWORD)
    with pytest.raises(FootprintError, match="belongs to another log"):
        open_log(school.url, keys=keys)


def test_the_backups_folders_copy_of_the_key_file_opens_a_log_whose_own_is_lost(
    school: School,
) -> None:
    beside = cipher.keys_path(school.path)
    beside.unlink()
    assert log_kind(school.url) is LogKind.ENCRYPTED
    user_id, keys = unlock_with_password(school.path, DSL_USER, DSL_PASSWORD)
    assert user_id == school.dsl_id
    assert beside.exists() and _mode(beside) == 0o600  # put back beside the log
    assert KeyRing.load(beside).key_id == keys.key_id
    open_log(school.url, keys=keys).database.dispose()
    beside.unlink()
    assert unlock_with_recovery(school.path, school.recovery_key).data_key == keys.data_key
    # Both copies gone: said in words.
    beside.unlink()
    (backup_folder(school.path) / BACKUP_KEYS_NAME).unlink()
    with pytest.raises(KeyFileProblem, match="is missing from beside it and from its backups"):
        unlock_with_password(school.path, DSL_USER, DSL_PASSWORD)


# -- 3. slots follow the accounts --------------------------------------------------------------


def test_key_slots_follow_account_changes(school: School) -> None:
    first, second, third = "temporary harbour 42", "a brand new phrase", "my own words kept 7"
    with _opened(school) as database:
        with database.read(school.dsl_id) as s:
            rows = {row.username: row for row in list_accounts(s)}
        assert rows[DSL_USER].opens_log and not rows[DEPUTY_USER].opens_log

        with database.write(school.dsl_id) as s:
            cat_id = add_account(s, _dsl(s, school), "Cat Bell", "cbell", UserRole.OFFICE, first).id
        assert _opens(school, "cbell", first)

        with database.write(school.dsl_id) as s:
            reset_password(s, _dsl(s, school), cat_id, second)
            # Until the unit of work commits, both passwords open the log.
            assert _opens(school, "cbell", first) and _opens(school, "cbell", second)
        assert _opens(school, "cbell", second) and not _opens(school, "cbell", first)

        with database.write(cat_id) as s:
            cat = s.get(User, cat_id)
            assert cat is not None
            change_own_password(s, cat, second, third)
        assert _opens(school, "cbell", third) and not _opens(school, "cbell", second)

        with database.write(school.dsl_id) as s:
            set_active(s, _dsl(s, school), cat_id, False)
            assert _opens(school, "cbell", third)  # not yet committed
        assert not _opens(school, "cbell", third)
        assert cat_id not in KeyRing.load(cipher.keys_path(school.path)).accounts()

        with (
            pytest.raises(ValidationError, match="give the account a temporary password"),
            database.write(school.dsl_id) as s,
        ):
            set_active(s, _dsl(s, school), cat_id, True)
        assert not _opens(school, "cbell", third)
        with database.write(school.dsl_id) as s:
            cat = set_active(s, _dsl(s, school), cat_id, True, first)
            assert cat.is_active and cat.must_change_password
        assert _opens(school, "cbell", first) and not _opens(school, "cbell", third)

        # The account from before encryption opens the log once its password is reset.
        with database.write(school.dsl_id) as s:
            reset_password(s, _dsl(s, school), school.deputy_id, second)
        with database.read(school.dsl_id) as s:
            assert all(row.opens_log for row in list_accounts(s))
        assert _opens(school, DEPUTY_USER, second)
        _trail_ok(database)


def test_a_unit_of_work_that_fails_leaves_the_key_file_as_it_was(school: School) -> None:
    beside = cipher.keys_path(school.path)
    copy = backup_folder(school.path) / BACKUP_KEYS_NAME
    never = "a sentence never kept"
    with _opened(school) as database:
        before = beside.read_bytes(), copy.read_bytes()
        with (
            pytest.raises(RuntimeError, match="the disk went away"),
            database.write(school.dsl_id) as s,
        ):
            reset_password(s, _dsl(s, school), school.dsl_id, never)
            raise RuntimeError("the disk went away")
        assert (beside.read_bytes(), copy.read_bytes()) == before
        assert _opens(school, DSL_USER, DSL_PASSWORD) and not _opens(school, DSL_USER, never)
        # The keys in memory are unchanged too: the next change starts from them.
        with database.write(school.dsl_id) as s:
            add_account(s, _dsl(s, school), "Ed Nash", "enash", UserRole.OFFICE, "harbour 42 lamp")
        assert _opens(school, DSL_USER, DSL_PASSWORD) and _opens(school, "enash", "harbour 42 lamp")
        assert not _opens(school, DSL_USER, never)


def test_a_key_file_that_cannot_be_written_is_said_and_changes_nothing(
    school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    beside = cipher.keys_path(school.path)

    def disk_full(path: Path, data: bytes) -> None:
        if path == beside:
            raise OSError(errno.ENOSPC, "No space left on device")
        write_privately(path, data)

    with _opened(school) as database:
        before = beside.read_bytes()
        monkeypatch.setattr(keyslots, "write_privately", disk_full)
        with (
            pytest.raises(DatabaseError, match=r"could not be written \(No space left on device\)"),
            database.write(school.dsl_id) as s,
        ):
            reset_password(s, _dsl(s, school), school.dsl_id, "a sentence never kept")
        monkeypatch.setattr(keyslots, "write_privately", write_privately)
        assert beside.read_bytes() == before
        with database.read(school.dsl_id) as s:
            assert not _dsl(s, school).must_change_password  # the reset was not saved
    assert _opens(school, DSL_USER, DSL_PASSWORD)


def test_several_account_changes_in_one_unit_of_work_all_keep_their_slots(
    school: School,
) -> None:
    with _opened(school) as database:
        with database.write(school.dsl_id) as s:
            dsl = _dsl(s, school)
            add_account(s, dsl, "Cat Bell", "cbell", UserRole.OFFICE, "purple kettle harbour")
            add_account(s, dsl, "Dan Hay", "dhay", UserRole.OFFICE, "silver window mountain")
            reset_password(s, dsl, school.deputy_id, "copper garden violin")
        assert _opens(school, "cbell", "purple kettle harbour")
        assert _opens(school, "dhay", "silver window mountain")
        assert _opens(school, DEPUTY_USER, "copper garden violin")
        assert _opens(school, DSL_USER, DSL_PASSWORD)
        assert database.keys is not None and len(database.keys.ring.accounts()) == 4


# -- 4. the recovery key -----------------------------------------------------------------------


def test_a_new_recovery_key_voids_the_old_one_everywhere(school: School) -> None:
    assert school.keys is not None
    old = school.recovery_key
    with _opened(school) as database:
        with database.write(school.dsl_id) as s:
            new = new_recovery_key(s, _dsl(s, school))
        assert normalise_recovery_key(new) != normalise_recovery_key(old)
        assert any(e.action == Action.RECOVERY_KEY for e in _trail_ok(database))
    with pytest.raises(KeysRefused):
        unlock_with_recovery(school.path, old)
    assert unlock_with_recovery(school.path, new.lower()).data_key == school.keys.data_key
    copy = KeyRing.load(backup_folder(school.path) / BACKUP_KEYS_NAME)
    assert copy.open_with_recovery(new) == school.keys.data_key
    with pytest.raises(SlotRefused):
        copy.open_with_recovery(old)


def test_a_recovery_gives_an_active_dsl_a_new_password_on_the_trail(school: School) -> None:
    recovered = "recovered phrase one"
    with _opened(school) as database:
        with database.write(school.dsl_id) as s:
            dsl = _dsl(s, school)
            office_id = add_account(
                s, dsl, "Cat Bell", "cbell", UserRole.OFFICE, "harbour 42 lamp"
            ).id
            reset_password(s, dsl, school.deputy_id, "copper garden violin")
            set_active(s, dsl, school.deputy_id, False)
        with pytest.raises(NotAllowed, match="recovery key"), database.write(school.dsl_id) as s:
            set_password_with_recovery(s, school.dsl_id, recovered)  # not Footprint itself

    keys = unlock_with_recovery(school.path, school.recovery_key.replace("-", " ").lower())
    log = open_log(school.url, keys=keys)
    try:
        for user_id in (office_id, school.deputy_id):  # not a manager; deactivated
            with (
                pytest.raises(NotAllowed, match="active DSL's or deputy's"),
                log.database.write(SYSTEM) as s,
            ):
                set_password_with_recovery(s, user_id, recovered)
        with log.database.write(SYSTEM) as s:
            set_password_with_recovery(s, school.dsl_id, recovered)
        used = [e for e in _trail_ok(log.database) if e.action == Action.RECOVERY_KEY]
        assert len(used) == 1 and json.loads(used[0].changes)["account"] == school.dsl_id
    finally:
        log.database.dispose()
    assert _opens(school, DSL_USER, recovered) and not _opens(school, DSL_USER, DSL_PASSWORD)
    assert not _opens(school, "cbell", recovered)
    assert not _opens(school, DEPUTY_USER, recovered)


def test_a_plain_log_cannot_be_recovered(plain_school: School) -> None:
    log = open_log(plain_school.url)
    try:
        with pytest.raises(NotAllowed, match="recovery key"), log.database.write(SYSTEM) as s:
            set_password_with_recovery(s, plain_school.dsl_id, "recovered phrase one")
    finally:
        log.database.dispose()


# -- 5. a conversion cut short -----------------------------------------------------------------


def test_a_conversion_cut_before_the_swap_leaves_the_plain_log_working(
    plain_school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    school = plain_school
    original = os.replace
    failed: list[str] = []

    def replace_once(source: Any, target: Any, *args: Any, **kwargs: Any) -> None:
        if str(source).endswith(".encrypting") and not failed:
            failed.append(str(source))
            raise OSError(errno.EIO, "Input/output error")
        original(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace_once)  # as convert calls it
    result = encrypt_opened_log(open_log(school.url), school.dsl_id, DSL_USER, DSL_PASSWORD)
    try:
        assert failed, "the swap was never reached"
        assert result.recovery_key is None and result.log is not None
        assert (
            result.problem
            == "The log could not be encrypted (Input/output error); it is as it was."
        )
        assert result.log.database.keys is None and cipher.is_plain(school.path)
        assert _records(school.path, None) == school.records
        _trail_ok(result.log.database)
    finally:
        if result.log is not None:
            result.log.database.dispose()
    assert log_kind(school.url) is LogKind.PLAIN
    assert not list(school.folder.glob("*.plain")) and not list(school.folder.glob("*.encrypting"))
    # No key file says the plain log is encrypted (lost, it would find no backup to restore).
    assert not cipher.keys_path(school.path).exists()
    assert not (backup_folder(school.path) / BACKUP_KEYS_NAME).exists()

    log = _encrypt(school)  # the next sign-in converts it
    try:
        assert _records(school.path, school.keys) == school.records
    finally:
        log.database.dispose()
    assert _leaks(school.folder) == []


def test_tidying_a_conversion_cut_before_the_swap_never_erases_the_log(
    plain_school: School,
) -> None:
    path = plain_school.path
    before = path.read_bytes()
    os.link(path, f"{path}.plain")  # the swap's first step, then the crash
    Path(f"{path}.encrypting").write_bytes(os.urandom(8192))
    tidy_conversion(path)
    assert path.read_bytes() == before
    assert not Path(f"{path}.plain").exists() and not Path(f"{path}.encrypting").exists()
    os.link(path, f"{path}.plain")  # and through the next start
    open_log(plain_school.url).database.dispose()
    assert not Path(f"{path}.plain").exists()
    assert _records(path, None) == plain_school.records


def test_a_plain_file_left_after_the_swap_is_erased_at_the_next_open(
    school: School, templates: tuple[School, School], tmp_path: Path
) -> None:
    plain = templates[0].path
    left = Path(f"{school.path}.plain")
    shutil.copyfile(plain, left)  # the swap happened; the erasing didn't
    witness = tmp_path / "witness"
    os.link(left, witness)  # the same file by another name: shows it was overwritten
    assert _leaks(school.folder)
    with _opened(school):
        pass
    assert not left.exists()
    assert witness.read_bytes() == b"\0" * plain.stat().st_size
    assert _leaks(school.folder) == []


def test_a_conversion_whose_erasing_fails_is_still_encrypted_and_shows_its_recovery_key(
    plain_school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The plain file could not be overwritten (a virus scanner holding it): the log is
    encrypted all the same, the recovery key is given, and the plain file is erased when
    the log is next opened (here, straight away)."""
    school = plain_school
    original = cipher.secure_remove
    failed: list[Path] = []

    def secure_remove_later(path: Path) -> None:
        if not failed:
            failed.append(path)
            raise PermissionError(errno.EACCES, "Permission denied")
        original(path)

    monkeypatch.setattr(cipher, "secure_remove", secure_remove_later)
    encrypted = encrypt_opened_log(open_log(school.url), school.dsl_id, DSL_USER, DSL_PASSWORD)
    assert encrypted.log is not None
    encrypted.log.database.dispose()
    assert failed == [Path(f"{school.path}.plain")]
    assert encrypted.problem is None and encrypted.recovery_key
    assert unlock_with_recovery(school.path, encrypted.recovery_key)
    assert log_kind(school.url) is LogKind.ENCRYPTED
    assert not list(school.folder.rglob("*.plain"))
    assert _leaks(school.folder) == []


# -- 6. the restore drill ----------------------------------------------------------------------


@pytest.mark.parametrize("damage", ["flipped bytes", "cut short", "deleted"])
def test_the_restore_drill_on_an_encrypted_log(school: School, damage: str) -> None:
    _user_id, keys = unlock_with_password(school.path, DSL_USER, DSL_PASSWORD)
    log = open_log(school.url, keys=keys)
    try:
        with log.database.write(school.dsl_id) as s:
            make_incident(s, _dsl(s, school), summary=f"After encryption {SUMMARY}")
    finally:
        log.database.dispose()
    wanted = _records(school.path, keys)
    backup = create_backup(school.path, keys=keys)
    assert backup.manifest["key_id"] == keys.key_id

    data = school.path.read_bytes()
    if damage == "flipped bytes":
        damaged = bytearray(data)
        middle = len(damaged) // 2
        for offset in range(middle - 2048, middle + 2048):
            damaged[offset] ^= 0x5A
        school.path.write_bytes(bytes(damaged))
    elif damage == "cut short":
        school.path.write_bytes(data[: len(data) // 2])
    else:
        school.path.unlink()
    with pytest.raises(LogLost) as lost:
        open_log(school.url, keys=keys)
    assert lost.value.backup == backup

    restore_backup(school.path, backup, Path(f"{school.path}.audit-head"), keys)
    assert not cipher.is_plain(school.path) and _mode(school.path) == 0o600
    log = open_log(school.url, keys=keys)
    try:
        assert _records(school.path, keys) == wanted
        _trail_ok(log.database)
    finally:
        log.database.dispose()


# -- 7. backups of an encrypted log ------------------------------------------------------------


def test_a_backup_of_an_encrypted_log_is_encrypted_and_checked_with_its_key(
    school: School,
) -> None:
    _user_id, keys = unlock_with_password(school.path, DSL_USER, DSL_PASSWORD)
    log = open_log(school.url, keys=keys)
    try:
        with log.database.write(school.dsl_id) as s:
            make_incident(s, _dsl(s, school), summary=f"Saved a moment ago {AFTER}")
        backup = create_backup(school.path, keys=keys)  # while the log is open
    finally:
        log.database.dispose()
    assert _leaks(backup.path.parent, canaries=(*CANARIES, AFTER)) == []
    assert backup.records["incident"] == school.records["incident"] + 1
    assert verify_backup(backup, keys).ok

    assert verify_backup(backup).problems == [
        f"{backup.path.name} is encrypted: sign in to check it."
    ]
    other_key = new_data_key()
    stranger = LogKeys(school.path, KeyRing.for_key(other_key), other_key)
    wrong = verify_backup(backup, stranger)
    assert not wrong.ok and "encrypted with another key" in wrong.problems[0]
    with pytest.raises(DatabaseError, match="another key"):
        restore_backup(school.path, backup, None, stranger)


# --- Found in review ------------------------------------------------------------------------


def test_a_plain_file_put_back_in_the_logs_place_is_encrypted_with_its_old_key(
    school: School,
) -> None:
    """An older, plain copy of the log put back (the computer's own backups): encrypting
    it again must not replace the key that every encrypted backup and the sheet need."""
    assert school.keys is not None
    before = school.keys.key_id
    plain = Path(f"{school.path}.plain-copy")
    with _opened(school) as database:  # an unencrypted copy of the same log
        raw = database.engine.raw_connection()
        try:
            raw.driver_connection.execute(  # type: ignore[union-attr]
                f"ATTACH DATABASE '{plain}' AS p KEY ''"
            )
            raw.driver_connection.execute("SELECT sqlcipher_export('p')")  # type: ignore[union-attr]
            raw.driver_connection.execute("DETACH DATABASE p")  # type: ignore[union-attr]
        finally:
            raw.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{school.path}{suffix}").unlink(missing_ok=True)
    plain.replace(school.path)
    assert log_kind(school.url) is LogKind.PLAIN
    again = encrypt_opened_log(open_log(school.url), school.dsl_id, DSL_USER, DSL_PASSWORD)
    assert again.problem is None and again.log is not None
    assert again.recovery_key is None  # the sheet in the safe still works
    again.log.database.dispose()
    assert unlock_with_recovery(school.path, school.recovery_key).key_id == before
    assert all(verify_backup(b, school.keys).ok for b in list_backups(backup_folder(school.path)))


def test_a_new_key_never_overwrites_an_old_key_file(school: School) -> None:
    """When the password doesn't open the key file already there, it is set aside."""
    assert school.keys is not None
    old = cipher.keys_path(school.path).read_bytes()
    with _opened(school) as database:
        raw = database.engine.raw_connection()
        try:
            target = Path(f"{school.path}.plain-copy")
            raw.driver_connection.execute(  # type: ignore[union-attr]
                f"ATTACH DATABASE '{target}' AS p KEY ''"
            )
            raw.driver_connection.execute("SELECT sqlcipher_export('p')")  # type: ignore[union-attr]
            raw.driver_connection.execute("DETACH DATABASE p")  # type: ignore[union-attr]
        finally:
            raw.close()
    target.replace(school.path)
    for suffix in ("-wal", "-shm"):
        Path(f"{school.path}{suffix}").unlink(missing_ok=True)
    # The deputy (no slot in the old key file) signs in first this time.
    again = encrypt_opened_log(open_log(school.url), school.deputy_id, DEPUTY_USER, DEPUTY_PASSWORD)
    assert again.problem is None and again.log is not None and again.recovery_key
    again.log.database.dispose()
    kept = cipher.keys_path(school.path).with_name(
        f"{cipher.keys_path(school.path).name}.{school.keys.key_id}"
    )
    assert kept.read_bytes() == old


def test_a_log_restored_from_before_a_password_change_takes_the_newer_password(
    school: School,
) -> None:
    from app.core.services.accounts import take_password_from_key_slot

    assert school.keys is not None
    backup = create_backup(school.path, keys=school.keys)
    with _opened(school) as database, database.write(school.dsl_id) as s:
        dsl = s.get(User, school.dsl_id)
        assert dsl is not None
        change_own_password(s, dsl, DSL_PASSWORD, "a newer lantern meadow")
    restore_backup(school.path, backup, None, school.keys)
    user_id, keys = unlock_with_password(school.path, DSL_USER, "a newer lantern meadow")
    log = open_log(school.url, keys=keys)
    try:
        with log.database.write(SYSTEM) as s:
            assert take_password_from_key_slot(s, user_id, "a newer lantern meadow")
        with log.database.write(SYSTEM) as s:
            user, refusal = attempt_sign_in(s, DSL_USER, "a newer lantern meadow")
            assert refusal is None and user is not None
        with log.database.write(SYSTEM) as s:  # agreeing already: nothing to take
            assert not take_password_from_key_slot(s, user_id, "a newer lantern meadow")
        with log.database.write(school.dsl_id) as s, pytest.raises(NotAllowed):
            take_password_from_key_slot(s, user_id, "a newer lantern meadow")
    finally:
        log.database.dispose()


def test_an_account_from_before_encryption_gets_its_slot_when_it_signs_in(
    school: School,
) -> None:
    assert not _opens(school, DEPUTY_USER, DEPUTY_PASSWORD)
    with _opened(school) as database, database.write(SYSTEM) as s:  # switch user, say
        user, refusal = attempt_sign_in(s, DEPUTY_USER, DEPUTY_PASSWORD)
        assert refusal is None and user is not None
    assert _opens(school, DEPUTY_USER, DEPUTY_PASSWORD)


def test_while_a_new_recovery_key_is_committed_both_keys_open() -> None:
    data_key = new_data_key()
    ring = KeyRing.for_key(data_key)
    old = ring.new_recovery_key(data_key)
    staged = ring.copy()
    new = staged.new_recovery_key(data_key)
    both = ring.merged(staged)
    assert both.open_with_recovery(old) == data_key
    assert both.open_with_recovery(new) == data_key


def test_only_the_dsl_makes_a_new_recovery_key(school: School) -> None:
    with _opened(school) as database, database.write(school.dsl_id) as s:
        dsl = s.get(User, school.dsl_id)
        assert dsl is not None
        dsl.role = UserRole.DEPUTY_DSL
        s.flush()
        with pytest.raises(NotAllowed, match="Only the DSL"):
            new_recovery_key(s, dsl)
        s.rollback()


def test_an_encrypted_log_without_its_key_file_is_not_taken_for_damage(school: School) -> None:
    """No backup is offered (moving the log aside would lose it): the key file is named."""
    cipher.keys_path(school.path).unlink()
    (backup_folder(school.path) / BACKUP_KEYS_NAME).unlink()
    with pytest.raises(DatabaseError) as raised:
        open_log(school.url)
    assert not isinstance(raised.value, LogLost)
    assert "footprint.sqlite3.keys" in raised.value.message
    assert school.path.exists()


def test_a_path_with_a_hash_or_question_mark_opens_the_right_file(tmp_path: Path) -> None:
    folder = tmp_path / "Year 7 #2 ?logs"
    folder.mkdir()
    path = folder / "footprint.sqlite3"
    connection = cipher.connect(path, new_data_key())
    connection.execute("CREATE TABLE t (x)")
    connection.commit()
    connection.close()
    assert path.stat().st_size > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Year 7 #2 ?logs"]
