"""Issue 13's figures: what encrypting the log with SQLCipher costs. Importing registers
them; `python -m bench encryption` runs them alone.

Each is measured on two copies of the bench's log, made from it the same way with
`sqlcipher_export` so that they are laid out alike: one encrypted by
`convert.encrypt_log` (as at a DSL's first sign-in with this version), one exported with
an empty key (plain). Every figure is the encrypted copy's median, with the plain copy's
as its baseline, measured in the same process and alternated run by run (plain first,
then encrypted first, …) after one warm-up of each. Both are opened with `open_log` and
used through the services, as the window uses them. The target (issue 13): encryption
costs under 15 % (ratio ≤ 1.15) in opening the log, the incident list, a search, a save
and a letter. The backup and its check, the quick check and the sign-in are reported
with the plain copy's figures beside them, without a target.

The pair is slow to make (the conversion backs the log up, exports it, checks it and
erases the plain file): beside the cached bench log it is kept, as
`<log>.encryption/`, keyed by the cached log's size and modification time, and each run
works on copies of it. For a log built for the run (--database) it is made in the run's
temporary folder. A PostgreSQL log's encryption at rest is its server's: not measured.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import tempfile
import time
import weakref
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.core.actors import SYSTEM
from app.core.backups import create_backup, verify_backup
from app.core.db import Database
from app.core.models import Incident, Involvement, ParentChildLink, User
from app.core.security import cipher
from app.core.security.convert import encrypt_log
from app.core.security.logkeys import LogKeys, unlock_with_password
from app.core.security.passwords import hash_password, verify_password
from app.core.services.incident_queries import (
    IncidentFilter,
    IncidentSort,
    count_incidents,
    find_incidents,
)
from app.core.services.incidents import details_of, update_incident
from app.core.services.letters import prepare_letters
from app.core.services.school import find_settings, save_settings
from app.core.startup import QUICK_CHECK_MAX_BYTES, open_log
from app.core.vocab import IncidentStatus
from bench.cache import copy_log, stamp_of
from bench.figures import Bench, Measurement, figure, not_applicable
from bench.letter_figures import SCHOOL

#: The issue's budget: the encrypted log within 15 % of the plain one.
TARGET = 1.15
#: The only account slot of the bench's encrypted copy (synthetic data: not a secret).
PASSWORD = "bench copy, synthetic data only"
#: Bumped when the way the pair is made changes (a cached pair from before is made anew).
LAYOUT = 1
SEARCH = IncidentFilter(text="lukasz")
EVERYTHING = IncidentFilter()
NOT_SQLITE = "a SQLite file only: a PostgreSQL log is encrypted at rest by its server"


@dataclass
class Made:
    """How the pair was made: the conversion's time, the sizes, the account it opens for."""

    user_id: int
    username: str
    convert_seconds: float
    made_at: str
    plain_bytes: int
    encrypted_bytes: int
    source: dict[str, int] = field(default_factory=dict)
    layout: int = LAYOUT
    reused: bool = False


@dataclass
class Pair:
    """This run's plain and encrypted copies of the bench's log, and what opens them."""

    folder: Path
    made: Made
    keys: LogKeys
    owned: Path | None = None  # a temporary folder of our own, removed at close
    databases: list[Database] = field(default_factory=list)
    results: dict[str, tuple[float, float]] = field(default_factory=dict)

    @property
    def plain(self) -> Path:
        return self.folder / "plain.sqlite3"

    @property
    def encrypted(self) -> Path:
        return self.folder / "encrypted.sqlite3"

    def url(self, encrypted: bool) -> str:
        return f"sqlite:///{self.encrypted if encrypted else self.plain}"

    def open(self) -> tuple[Database, Database]:
        """Both copies opened as at start-up (and kept open for the figures that follow)."""
        if not self.databases:
            self.databases.append(open_log(self.url(False)).database)
            self.databases.append(open_log(self.url(True), keys=self.keys).database)
        return self.databases[0], self.databases[1]

    def close(self) -> None:
        for database in self.databases:
            database.dispose()
        self.databases.clear()
        shutil.rmtree(self.owned or self.folder, ignore_errors=True)


# --- The figures ---------------------------------------------------------------------------


@figure("Encryption: open the log, first page shown")
def open_and_first_page(bench: Bench) -> Measurement:
    """`open_log` (start-up checks, schema, first user, trail's copy) and the incident
    list's count and first 100, on a log not yet open in this process."""
    pair = _pair(bench)
    if pair is None:
        return not_applicable(NOT_SQLITE)

    def opening(encrypted: bool) -> Callable[[int], None]:
        def run(_index: int) -> None:
            log = open_log(pair.url(encrypted), keys=pair.keys if encrypted else None)
            try:
                with log.database.read(SYSTEM) as session:
                    count_incidents(session, EVERYTHING)
                    find_incidents(session, EVERYTHING, sort=IncidentSort.SEEN_AT)
            finally:
                log.database.dispose()

        return run

    plain, encrypted = _alternate(bench.runs, opening(False), opening(True))
    note = "unlocking the key slot not included (see sign in)"
    return _compared(plain, encrypted, bench.runs, note)


@figure("Encryption: first 100 of the incident list, newest seen")
def first_page(bench: Bench) -> Measurement:
    """The list as it opens, in a fresh session on the open log."""
    return _read_figure(
        bench, lambda s: find_incidents(s, EVERYTHING, sort=IncidentSort.SEEN_AT), "first 100"
    )


@figure("Encryption: search “lukasz”, count and first 100")
def search(bench: Bench) -> Measurement:
    """What the list does for a search typed: count the matches, show the first page."""

    def searching(session: Any) -> None:
        count_incidents(session, SEARCH)
        find_incidents(session, SEARCH, sort=IncidentSort.SEEN_AT)

    return _read_figure(bench, searching, "full-text index")


@figure("Encryption: save an incident edit (services, committed)")
def save(bench: Bench) -> Measurement:
    """`update_incident` changing a summary: chronology, search index, audit trail, the
    commit (synchronous=FULL) and the trail's outside copy; a different incident each run,
    the same ones in both copies."""
    pair = _pair(bench)
    if pair is None:
        return not_applicable(NOT_SQLITE)
    plain_db, encrypted_db = pair.open()
    samples = _samples(bench)
    with plain_db.read(SYSTEM) as session:
        ids = list(
            session.scalars(
                select(Incident.id)
                .where(Incident.withdrawn_at.is_(None), Incident.status != IncidentStatus.CLOSED)
                .order_by(Incident.id.desc())
                .limit(samples + 1)
            )
        )
    assert len(ids) > samples, "the log has too few open incidents to edit"
    user_id = pair.made.user_id

    def saving(database: Database) -> Callable[[int], None]:
        def run(index: int) -> None:
            with database.write(user_id) as session:
                actor = session.get(User, user_id)
                incident = session.get(Incident, ids[index])
                assert actor is not None and incident is not None
                details = replace(details_of(incident), summary=incident.summary + " Checked.")
                update_incident(
                    session, actor, incident.id, details, expected_version=incident.version
                )

        return run

    plain, encrypted = _alternate(samples, saving(plain_db), saving(encrypted_db))
    return _compared(plain, encrypted, samples, "a different incident each run")


@figure("Encryption: one letter, filled and rendered")
def one_letter(bench: Bench) -> Measurement:
    """`prepare_letters` for one parent (the preview: filled, rendered to PDF, the look
    on the trail, committed), as the letters figures make it."""
    pair = _pair(bench)
    if pair is None:
        return not_applicable(NOT_SQLITE)
    plain_db, encrypted_db = pair.open()
    samples = _samples(bench)
    for database in (plain_db, encrypted_db):
        with database.write(pair.made.user_id) as session:
            if find_settings(session) is None:
                actor = session.get(User, pair.made.user_id)
                assert actor is not None
                save_settings(session, actor, SCHOOL)
    with plain_db.read(SYSTEM) as session:
        rows = session.execute(
            select(Involvement.incident_id, ParentChildLink.parent_id)
            .join(ParentChildLink, ParentChildLink.child_id == Involvement.person_id)
            .order_by(Involvement.id)
            .limit(samples + 1)
        )
        jobs = [(incident_id, parent_id) for incident_id, parent_id in rows]
    assert jobs, "the log has no pupil with a parent to write to"

    def letter(database: Database) -> Callable[[int], None]:
        def run(index: int) -> None:
            incident_id, parent_id = jobs[index % len(jobs)]
            with database.write(SYSTEM) as session:
                prepare_letters(session, incident_id, "child_involved", [parent_id])

        return run

    plain, encrypted = _alternate(samples, letter(plain_db), letter(encrypted_db))
    return _compared(plain, encrypted, samples, "")


@figure("Encryption: back up the log (made and checked before it counts)")
def backup(bench: Bench) -> Measurement:
    """`create_backup` (online copy, sync, SHA-256, integrity check, counts, manifest)."""
    pair = _pair(bench)
    if pair is None:
        return not_applicable(NOT_SQLITE)
    plain, encrypted = _backups(bench, pair)["made"]
    size = pair.encrypted.stat().st_size / 1_048_576
    return _compared(plain, encrypted, _heavy(bench), f"{size:,.0f} MB", target=False)


@figure("Encryption: verify that backup")
def verify(bench: Bench) -> Measurement:
    """`verify_backup`: SHA-256, key, integrity check and record counts."""
    pair = _pair(bench)
    if pair is None:
        return not_applicable(NOT_SQLITE)
    plain, encrypted = _backups(bench, pair)["verified"]
    return _compared(plain, encrypted, _heavy(bench), "", target=False)


@figure("Encryption: PRAGMA quick_check")
def quick_check(bench: Bench) -> Measurement:
    """The start-up check (`startup.check_before_trusting`) on its own."""
    pair = _pair(bench)
    if pair is None:
        return not_applicable(NOT_SQLITE)

    def checking(path: Path, key: bytes | None) -> Callable[[int], None]:
        def run(_index: int) -> None:
            connection = cipher.connect(path, key, readonly=True)
            try:
                result = connection.execute("PRAGMA quick_check").fetchone()[0]
            finally:
                connection.close()
            assert result == "ok", result

        return run

    runs = _heavy(bench)
    plain, encrypted = _alternate(
        runs, checking(pair.plain, None), checking(pair.encrypted, pair.keys.data_key), warm=False
    )
    size = pair.encrypted.stat().st_size
    limit = QUICK_CHECK_MAX_BYTES / 1_048_576
    when = "run at every start" if size <= QUICK_CHECK_MAX_BYTES else "so not run at start"
    note = f"{size / 1_048_576:,.0f} MB; start-up checks logs ≤ {limit:.0f} MB, {when}"
    return _compared(plain, encrypted, runs, note, target=False)


@figure("Encryption: sign in (password check + key slot)")
def sign_in(bench: Bench) -> Measurement:
    """The account's argon2id password check alone (a plain log), then with the key
    slot's argon2id unwrapping of the data key (an encrypted log)."""
    pair = _pair(bench)
    if pair is None:
        return not_applicable(NOT_SQLITE)
    stored = hash_password(PASSWORD)

    def plain(_index: int) -> None:
        assert verify_password(stored, PASSWORD)

    def encrypted(_index: int) -> None:
        assert verify_password(stored, PASSWORD)
        unlock_with_password(pair.encrypted, pair.made.username, PASSWORD)

    plain_s, encrypted_s = _alternate(bench.runs, plain, encrypted)
    note = "once per sign-in or unlock; argon2id 64 MiB for both"
    return _compared(plain_s, encrypted_s, bench.runs, note, target=False)


@figure("Encryption: size on disk")
def size_on_disk(bench: Bench) -> Measurement:
    """Both copies as exported (no write-ahead log): SQLCipher keeps an IV and an HMAC in
    every 4 KiB page."""
    pair = _pair(bench)
    if pair is None:
        return not_applicable(NOT_SQLITE)
    made = pair.made
    return Measurement(
        made.encrypted_bytes / 1_048_576,
        "MB",
        made.plain_bytes / 1_048_576,
        "plain copy exported the same way as the baseline",
    )


@figure("Encryption: encrypting the plain log (encrypt_log, once)")
def conversion(bench: Bench) -> Measurement:
    """`convert.encrypt_log` on a plain copy: fold the WAL, back it up, export and check
    the encrypted copy, swap, erase the plain file, encrypt the backup."""
    pair = _pair(bench)
    if pair is None:
        return not_applicable(NOT_SQLITE)
    made = pair.made
    when = f"cached, measured {made.made_at}" if made.reused else "measured in this run"
    return Measurement(made.convert_seconds, "s", note=f"at the first sign-in; {when}")


# --- Measuring -----------------------------------------------------------------------------


def _samples(bench: Bench) -> int:
    """Runs for the quick figures (milliseconds each): three per --runs."""
    return 3 * max(1, bench.runs)


def _heavy(bench: Bench) -> int:
    """Runs for the figures that read the whole log (seconds each)."""
    return max(1, min(bench.runs, 3))


def _alternate(
    runs: int,
    plain: Callable[[int], object],
    encrypted: Callable[[int], object],
    *,
    warm: bool = True,
) -> tuple[float, float]:
    """The median seconds of each action over `runs` runs, taken in turn (the plain one
    first in odd runs, the encrypted one first in even runs), after a warm-up of each
    (run 0). Each action is told the run's number."""
    if warm:
        plain(0)
        encrypted(0)
    plain_times: list[float] = []
    encrypted_times: list[float] = []
    for index in range(1, max(1, runs) + 1):
        order = [(plain, plain_times), (encrypted, encrypted_times)]
        for action, times in order if index % 2 else reversed(order):
            started = time.perf_counter()
            action(index)
            times.append(time.perf_counter() - started)
    return statistics.median(plain_times), statistics.median(encrypted_times)


def _compared(
    plain: float, encrypted: float, runs: int, note: str, *, target: bool = True
) -> Measurement:
    """The encrypted median against the plain one."""
    parts = [f"target ≤ {TARGET:.2f}×"] if target else []
    runs = max(1, runs)
    parts.append(f"{runs} alternated run{'s' if runs != 1 else ''}")
    if note:
        parts.append(note)
    return Measurement(encrypted, "s", plain, "; ".join(parts))


def _read_figure(bench: Bench, action: Callable[[Any], object], note: str) -> Measurement:
    pair = _pair(bench)
    if pair is None:
        return not_applicable(NOT_SQLITE)
    plain_db, encrypted_db = pair.open()
    samples = _samples(bench)

    def reading(database: Database) -> Callable[[int], None]:
        def run(_index: int) -> None:
            with database.read(SYSTEM) as session:
                action(session)

        return run

    plain, encrypted = _alternate(samples, reading(plain_db), reading(encrypted_db))
    return _compared(plain, encrypted, samples, note)


def _backups(bench: Bench, pair: Pair) -> dict[str, tuple[float, float]]:
    """Back each copy up and verify the backup, in turn; each backup is removed once it
    has been verified (they are as large as the log)."""
    if pair.results:
        return pair.results
    made: dict[bool, list[float]] = {False: [], True: []}
    verified: dict[bool, list[float]] = {False: [], True: []}
    for index in range(1, _heavy(bench) + 1):
        for encrypted in (False, True) if index % 2 else (True, False):
            log = pair.encrypted if encrypted else pair.plain
            keys = pair.keys if encrypted else None
            folder = pair.folder / f"backups-{'encrypted' if encrypted else 'plain'}"
            started = time.perf_counter()
            copy = create_backup(log, folder=folder, rotate=False, keys=keys)
            made[encrypted].append(time.perf_counter() - started)
            started = time.perf_counter()
            check = verify_backup(copy, keys)
            verified[encrypted].append(time.perf_counter() - started)
            assert check.ok, check.problems
            copy.path.unlink()
            copy.manifest_path.unlink(missing_ok=True)
    pair.results = {
        name: (statistics.median(times[False]), statistics.median(times[True]))
        for name, times in (("made", made), ("verified", verified))
    }
    return pair.results


# --- The pair of copies --------------------------------------------------------------------


def _pair(bench: Bench) -> Pair | None:
    """This run's pair (made, or copied from the cache, the first time a figure asks);
    None when the bench's log is not a SQLite file."""
    found = bench.shared.get("encryption")
    if isinstance(found, Pair):
        return found
    if bench.database.engine.dialect.name != "sqlite" or bench.database_path is None:
        return None
    owned = None
    if bench.scratch is not None:
        folder = bench.scratch / "encryption"
    else:
        owned = Path(tempfile.mkdtemp(prefix="footprint-bench-encryption-"))
        folder = owned / "pair"
    if bench.source is not None:
        origin = bench.source.with_name(bench.source.stem + ".encryption")
        made = _cached_pair(bench.source, origin)
        for name in ("plain.sqlite3", "encrypted.sqlite3"):
            copy_log(origin / name, folder / name)
    else:  # a log built for this run: the pair is made from it, where it is used
        folder.mkdir(parents=True, exist_ok=True)
        made = _make_pair(bench.database_path, folder, live=True)
    _, keys = unlock_with_password(folder / "encrypted.sqlite3", made.username, PASSWORD)
    pair = Pair(folder, made, keys, owned)
    bench.shared["encryption"] = pair
    # Closed with the bench, or when it is dropped (a Bench made without `close`).
    bench.cleanups.append(weakref.finalize(bench, pair.close))
    return pair


def _cached_pair(source: Path, origin: Path) -> Made:
    """The pair kept beside the cached log, made now if missing or older than the log."""
    stamp = origin / "pair.json"
    try:
        made = Made(**json.loads(stamp.read_text("utf-8")))
        if (
            made.layout == LAYOUT
            and made.source == stamp_of(source)
            and all((origin / name).is_file() for name in _PAIR_FILES)
        ):
            made.reused = True
            return made
    except (OSError, ValueError, TypeError):
        pass
    building = origin.with_name(origin.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    made = _make_pair(source, building, live=False)
    made.source = stamp_of(source)
    (building / "pair.json").write_text(json.dumps(asdict(made), indent=1) + "\n", "utf-8")
    shutil.rmtree(origin, ignore_errors=True)
    os.replace(building, origin)
    return made


_PAIR_FILES = ("plain.sqlite3", "encrypted.sqlite3", "encrypted.sqlite3.keys")


def _make_pair(source: Path, folder: Path, *, live: bool) -> Made:
    """Into `folder`: encrypted.sqlite3 (converted by `encrypt_log`, with its key file) and
    plain.sqlite3 (exported the same way with an empty key). A `live` source may be open
    (it is copied with SQLite's backup API); otherwise it is copied as a file."""
    encrypted = folder / "encrypted.sqlite3"
    plain = folder / "plain.sqlite3"
    if live:
        _snapshot(source, encrypted)
        head = Path(f"{source}.audit-head")
        if head.exists():
            shutil.copyfile(head, f"{encrypted}.audit-head")
    else:
        copy_log(source, encrypted)
    _export_plain(encrypted, plain)
    if Path(f"{encrypted}.audit-head").exists():
        shutil.copyfile(f"{encrypted}.audit-head", f"{plain}.audit-head")
    connection = cipher.connect(encrypted, None, readonly=True)
    try:
        user_id, username = connection.execute(
            "SELECT id, username FROM app_user ORDER BY id LIMIT 1"
        ).fetchone()
    finally:
        connection.close()
    started = time.perf_counter()
    encrypt_log(encrypted, int(user_id), str(username), PASSWORD)
    seconds = time.perf_counter() - started
    # The conversion's backup of the plain log (encrypted by it, too): not needed here.
    shutil.rmtree(folder / "backups", ignore_errors=True)
    return Made(
        user_id=int(user_id),
        username=str(username),
        convert_seconds=seconds,
        made_at=datetime.now(UTC).isoformat(timespec="seconds"),
        plain_bytes=plain.stat().st_size,
        encrypted_bytes=encrypted.stat().st_size,
    )


def _snapshot(source: Path, target: Path) -> None:
    """A consistent copy of a plain log that may be open (SQLite's online backup)."""
    reader = cipher.connect(source, None, readonly=True)
    try:
        writer = cipher.connect(target, None)
        try:
            reader.backup(writer)
        finally:
            writer.close()
    finally:
        reader.close()


def _export_plain(source: Path, target: Path) -> None:
    """`sqlcipher_export` into a plain file, as `cipher.export_encrypted` does into an
    encrypted one: the baseline laid out as the encrypted copy is."""
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    connection = cipher.connect(source, None)
    try:
        connection.execute("ATTACH DATABASE ? AS plain KEY ''", (str(target),))
        connection.execute("SELECT sqlcipher_export('plain')")
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        connection.execute(f"PRAGMA plain.user_version = {int(version)}")
        connection.execute("DETACH DATABASE plain")
    finally:
        connection.close()
