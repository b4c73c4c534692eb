"""Opening the database: SQLite in the user's data folder by default, or PostgreSQL."""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PureWindowsPath
from typing import Any

from platformdirs import user_data_path
from sqlalchemy import URL, Engine, create_engine, event, make_url
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from app.core import audit
from app.core.actors import ACTOR, Actor, actor_key
from app.core.audit.looks import WRITES
from app.core.errors import DatabaseError
from app.core.security import cipher
from app.core.security.logkeys import KEYS, LogKeys

APP_NAME = "Footprint"
ENV_DATABASE_URL = "FOOTPRINT_DATABASE_URL"
BUSY_TIMEOUT_MS = 10_000
#: The tables a disposal erases from (PostgreSQL vacuums them afterwards).
ERASED_TABLES = (
    "incident",
    "incident_search",
    "chronology_entry",
    "evidence",
    "letter",
    "deletion_request",
    "escalation",
    "involvement",
    "person",
    "parent_child_link",
    "audit_entry",
)


def default_data_dir() -> Path:
    """The per-user data folder (e.g. %LOCALAPPDATA%\\Footprint on Windows)."""
    return user_data_path(APP_NAME, appauthor=False, ensure_exists=False)


def default_database_path() -> Path:
    """The SQLite file used when no other database is given."""
    return default_data_dir() / "footprint.sqlite3"


def default_database_url() -> str:
    """`--database` beats FOOTPRINT_DATABASE_URL beats the SQLite file in the data folder."""
    from_env = os.environ.get(ENV_DATABASE_URL, "").strip()
    if from_env:
        return from_env
    return f"sqlite:///{default_database_path()}"


def normalise_url(url: str | URL) -> URL:
    """Parse a database URL, choosing psycopg 3 for PostgreSQL; refuse what won't work."""
    try:
        parsed = make_url(url)
    except Exception:
        raise DatabaseError(
            "That database address is not valid. Use a file path such as "
            "sqlite:///C:/Footprint/footprint.sqlite3 or postgresql://user@server/footprint."
        ) from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise DatabaseError(f"Footprint works with SQLite or PostgreSQL, not “{backend}”.")
    if backend == "sqlite" and parsed.database not in (None, "", ":memory:"):
        refuse_network_path(parsed.database)
    if backend == "postgresql":
        parsed = _postgres_tls(parsed)
    return parsed


# libpq's sslmode values, weakest first; the last three never fall back to plain text.
_SSLMODES_ENCRYPTED = ("require", "verify-ca", "verify-full")
_SSLMODES = ("disable", "allow", "prefer", *_SSLMODES_ENCRYPTED)
_SSLMODE_ADVICE = (
    "use sslmode=require (or verify-full), or sslmode=disable only if the network itself "
    "is protected (for example a VPN)."
)


def _postgres_tls(url: URL) -> URL:
    """A PostgreSQL server reached over the network is reached with TLS, or with
    sslmode=disable said in so many words: never the silent fallback to plain text of
    libpq's default (prefer) or of allow. A server on this computer (a Unix socket,
    localhost, 127.x.x.x, ::1) is left as it is. No message names the password."""
    given = url.query.get("sslmode")
    if isinstance(given, tuple):
        raise DatabaseError(
            "The database address gives sslmode more than once: give it once. "
            f"For a server on the network, {_SSLMODE_ADVICE}"
        )
    if given is not None and given not in _SSLMODES:
        raise DatabaseError(
            f"“{given}” isn't a known sslmode (they are written in lower case: disable, "
            "allow, prefer, require, verify-ca, verify-full). For a server on the network, "
            f"{_SSLMODE_ADVICE}"
        )
    remote = [host for host in _postgres_hosts(url) if not _is_local_host(host)]
    if not remote:
        return url
    if given is None:
        # Never weaker than the stricter check this PC may already ask for (PGSSLMODE),
        # and sslrootcert=system makes libpq refuse anything but verify-full.
        from_env = os.environ.get("PGSSLMODE", "")
        mode = from_env if from_env in ("verify-ca", "verify-full") else "require"
        if url.query.get("sslrootcert") == "system":
            mode = "verify-full"
        return url.update_query_dict({"sslmode": mode})
    if given in ("allow", "prefer"):
        where = ", ".join(dict.fromkeys(remote))
        unless = "unless it insists on TLS" if given == "allow" else "if it doesn't offer TLS"
        raise DatabaseError(
            f"The PostgreSQL server at {where} would be reached without encryption {unless} "
            f"(sslmode={given}). Safeguarding records must not cross the network in plain "
            f"text: {_SSLMODE_ADVICE}"
        )
    return url  # require, verify-ca, verify-full; or disable, asked for explicitly


def _postgres_hosts(url: URL) -> list[str]:
    """Every host libpq may connect to, as libpq takes them: the address's host, the
    `host` and `hostaddr` parameters (each may list several, comma-separated, and
    SQLAlchemy's host=a:5432&host=b:5432), else PGHOST and PGHOSTADDR; ports removed.
    An empty list, or an empty entry, is libpq's default: this computer."""
    hosts: list[str] = []
    for key, env in (("host", "PGHOST"), ("hostaddr", "PGHOSTADDR")):
        values = [url.host] if key == "host" and url.host else []
        given = url.query.get(key)
        values += [given] if isinstance(given, str) else list(given or ())
        if not values and os.environ.get(env, "").strip():
            values = [os.environ[env]]
        hosts += [_without_port(part) for value in values for part in value.split(",")]
    return hosts


def _without_port(host: str) -> str:
    host = host.strip()
    if host.startswith(("/", "@")):  # a socket folder (or Linux abstract socket)
        return host
    if host.startswith("[") and "]" in host:  # [::1] or [::1]:5432
        return host[1 : host.index("]")]
    if host.count(":") == 1:  # server:5432 (more colons: a bare IPv6 address)
        return host.partition(":")[0]
    return host


def _is_local_host(host: str) -> bool:
    """A Unix socket or a loopback address: the connection never leaves this computer."""
    import ipaddress

    if not host or host.startswith(("/", "@")):
        return True
    name = host.lower().rstrip(".")
    if name == "localhost":
        return True
    try:
        address = ipaddress.ip_address(name.partition("%")[0])  # without an IPv6 zone
    except ValueError:
        return False  # a name: on the network, as far as Footprint can tell
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback  # ::ffff:127.0.0.1
    return address.is_loopback


def refuse_network_path(path: str) -> None:
    """SQLite on a network share corrupts when two PCs write; shared logs use PostgreSQL."""
    message = (
        "The log can't be kept on a network share: SQLite files there can be damaged when "
        "two computers write at once. For a log shared by several office PCs, use a "
        "PostgreSQL server (see the README), or keep the file on this computer."
    )
    if path.startswith(("\\\\", "//")) or PureWindowsPath(path).drive.startswith("\\\\"):
        raise DatabaseError(message)
    if sys.platform == "win32":  # a mapped drive letter (H:) pointing at a share
        import ctypes

        drive = PureWindowsPath(path).drive
        drive_remote = 4
        if drive and ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == drive_remote:
            raise DatabaseError(message)


def _sqlite_connect_rules(key: bytes | None) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the DB-API module so BEGIN is ours (_sqlite_begin).
        dbapi_connection.isolation_level = None
        cipher.apply_key(dbapi_connection, key)  # first, before anything is read
        _sqlite_on_connect(dbapi_connection)

    return on_connect


def _sqlite_on_connect(dbapi_connection: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: a power cut must not lose an incident the DSL was told was saved.
    cursor.execute("PRAGMA synchronous=FULL")
    # Deleted content (a destroyed image) is overwritten, not left in free pages.
    cursor.execute("PRAGMA secure_delete=ON")
    # 64 MiB of page cache per connection (allocated as used): an encrypted page read
    # again from the cache is not decrypted again (the list and search on a large log).
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()
    # SQLite's own lower() folds only ASCII; searching "łukasz" must find "Łukasz".
    dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)


def explain_sqlite(exc: Exception) -> str:
    """A SQLite error's own words (they never quote a value), without its class name."""
    return str(exc).strip() or type(exc).__name__


def _unicode_lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def _sqlite_begin(conn: Connection) -> None:
    # Writers take the write lock up front (BEGIN IMMEDIATE) so two writers queue on the
    # busy timeout instead of one failing half-way with "database is locked".
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def create_db_engine(
    url: str | URL | None = None, *, echo: bool = False, key: bytes | None = None
) -> Engine:
    """An engine with Footprint's connection rules (WAL, foreign keys, busy timeout). A
    SQLite log is opened with SQLCipher, keyed with `key` (None: a plain file)."""
    parsed = normalise_url(url if url is not None else default_database_url())
    # hide_parameters: error messages and logs never carry the values written (names,
    # summaries), only the SQL, so a crash report can't leak a child's details.
    kwargs: dict[str, Any] = {"echo": echo, "hide_parameters": True}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            path = Path(parsed.database)
            try:
                if not path.parent.exists():  # a folder Footprint makes is the user's only
                    path.parent.mkdir(parents=True, mode=0o700)
                if not path.exists():
                    # Made private before SQLite writes a byte (its -wal and -shm files
                    # take the log's permissions).
                    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            except FileExistsError:
                pass
            except OSError as exc:
                raise DatabaseError(
                    f"Footprint can't create the folder for its log ({exc.strerror})."
                ) from None
        kwargs["connect_args"] = {"timeout": BUSY_TIMEOUT_MS / 1000}
        kwargs["module"] = cipher.dbapi
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(parsed, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_connect_rules(key), insert=True)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def audit_head_path(url: URL) -> Path | None:
    """Where the copy of the audit trail's last entry is kept: beside a SQLite file, or
    in this PC's data folder for a shared PostgreSQL log (one file per database)."""
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            return None
        return Path(f"{url.database}.audit-head")
    # Named without sslmode, which `normalise_url` may add (a log named before that keeps
    # its copy: the file under the old name is renamed the first time).
    path = _head_file(url.difference_update_query(["sslmode"]))
    former = _head_file(url)
    if former != path and former.exists() and not path.exists():
        with contextlib.suppress(OSError):
            former.replace(path)
    return path


def _head_file(url: URL) -> Path:
    shown = url.render_as_string(hide_password=True)
    name = hashlib.sha256(shown.encode()).hexdigest()[:16]
    return default_data_dir() / f"audit-head-{name}.json"


class Database:
    """The engine plus the two kinds of unit of work the app uses: read and write."""

    def __init__(self, engine: Engine, keys: LogKeys | None = None) -> None:
        self.engine = engine
        #: An encrypted log's keys (None for a plain SQLite file, PostgreSQL or memory).
        self.keys = keys
        self.audit_head = audit_head_path(engine.url)
        #: Puts every change made through this database's sessions on its audit trail.
        self.recorder = audit.AuditRecorder(engine, self.audit_head)
        self._reader = sessionmaker(engine, expire_on_commit=False)
        writer_bind = (
            engine.execution_options(sqlite_begin="IMMEDIATE")
            if engine.dialect.name == "sqlite"
            else engine
        )
        self._writer = sessionmaker(writer_bind, expire_on_commit=False)
        self.recorder.attach(self._reader)
        self.recorder.attach(self._writer)
        self._identity = self._file_identity()

    def _file_identity(self) -> tuple[int, int] | None:
        path = self.file
        try:
            return (path.stat().st_dev, path.stat().st_ino) if path is not None else None
        except OSError:
            return None

    def follow_file(self) -> None:
        """The log file was replaced on purpose (a restore): carry on with the new one."""
        self._identity = self._file_identity()

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def file(self) -> Path | None:
        """The SQLite log's file (None for PostgreSQL or memory)."""
        database = self.engine.url.database
        if not self.is_sqlite or not database or database == ":memory:":
            return None
        return Path(database)

    @property
    def location(self) -> str:
        """Where the log is, in words for the user (never a password)."""
        url = self.engine.url
        if self.is_sqlite:
            return str(Path(url.database)) if url.database else "memory (nothing is kept)"
        return f"the PostgreSQL database “{url.database}” on {url.host or 'this computer'}"

    @contextmanager
    def write(self, actor: Actor) -> Iterator[Session]:
        """A transaction for `actor` (a user, their id, or SYSTEM) that commits if the
        block succeeds and rolls back otherwise. The services read who acts from it: what
        they may do and see, and who the audit trail records."""
        if self._identity is not None and self._file_identity() != self._identity:
            raise DatabaseError(
                "The log file has gone, or was replaced, while Footprint was open, so "
                "nothing more can be saved to it. What is on screen is kept: close "
                "Footprint and start it again (it offers the latest backup)."
            )
        with self._writer() as session, session.begin():
            session.info[ACTOR] = actor_key(actor)
            session.info[WRITES] = True  # looks may be recorded (app.core.audit.looks)
            session.info[KEYS] = self.keys  # account changes change their key slots
            yield session

    @contextmanager
    def read(self, actor: Actor) -> Iterator[Session]:
        """A session for reading as `actor`. Closing it ends the transaction (anything
        written is rolled back) but leaves the objects read usable as plain, detached
        data."""
        with self._reader() as session:
            session.info[ACTOR] = actor_key(actor)
            session.info[KEYS] = self.keys
            yield session

    def scrub_freed_space(self) -> None:
        """After erasing content: push it out of SQLite's write-ahead log (whose pages
        still hold the old bytes) or, on PostgreSQL, vacuum the dead row versions away."""
        if self.is_sqlite:
            with self.engine.connect() as conn:
                raw = conn.connection.driver_connection
                assert raw is not None
                raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # outside any transaction
            return
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM evidence")

    def erase_freed_space(self) -> list[str]:
        """After a disposal: rebuild the log without the pages that held what was erased.
        SQLite: the write-ahead log is folded in and emptied, the file rebuilt (VACUUM,
        its temporary copy in memory), and emptied again; PostgreSQL: the tables a
        disposal touches are vacuumed (the server's own files and backups are its
        administrator's). Returns what could not be done, in words (empty: all done)."""
        if not self.is_sqlite:
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                for table in ERASED_TABLES:
                    conn.exec_driver_sql(f"VACUUM {table}")
            return []
        left: list[str] = []
        with self.engine.connect() as conn:
            raw = conn.connection.driver_connection
            assert raw is not None
            raw.execute("PRAGMA temp_store = MEMORY")  # VACUUM's copy: never a plain file
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            try:
                raw.execute("VACUUM")
            except cipher.Error as exc:  # no room for the copy, or a writer elsewhere
                left.append(
                    "The log file could not be rebuilt just now "
                    f"({explain_sqlite(exc)}); what was erased is overwritten where it lay, "
                    "and the file is rebuilt at the next disposal."
                )
            busy = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if busy is not None and busy[0]:
                left.append(
                    "Another window or PC was reading the log, so its write-ahead file could "
                    "not be emptied: it is emptied when Footprint next closes."
                )
        return left

    def dispose(self) -> None:
        self.engine.dispose()
