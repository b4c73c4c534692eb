"""SQLCipher: the encrypted SQLite log, and the plain files it is made from.

A Footprint log on SQLite is a SQLCipher 4 database (AES-256 pages with an HMAC each).
It is opened with the log's raw 256-bit data key (`PRAGMA key = "x'…'"`), so SQLCipher's
own passphrase derivation is skipped: the key is already random, and it is unwrapped
once per sign-in from the key slots (`keyslots`), where the work of deriving a key from
a password is done, with argon2id. Every connection to a log goes through `connect`
(the ones SQLAlchemy makes are keyed the same way, by `app.core.db`).

A plain SQLite file (a log from before encryption, or a new log before its first
account exists) is recognised by its header and converted with `sqlcipher_export`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

#: The DB-API module for every SQLite connection Footprint makes (it opens plain files too).
dbapi: Any = sqlcipher
Error = sqlcipher.Error
PLAIN_HEADER = b"SQLite format 3\x00"


def keys_path(log_path: Path) -> Path:
    """Where a log's key slots are kept: beside it."""
    return Path(f"{log_path}.keys")


def is_plain(path: Path) -> bool:
    """Whether the file is an unencrypted SQLite database (SQLCipher's pages look random
    from the first byte; a plain file starts with SQLite's header)."""
    try:
        with path.open("rb") as file:
            return file.read(len(PLAIN_HEADER)) == PLAIN_HEADER
    except OSError:
        return False


def key_pragma(key: bytes) -> str:
    """The statement that keys a connection with a raw data key (no derivation)."""
    return f"PRAGMA key = \"x'{key.hex()}'\""


def apply_key(connection: Any, key: bytes | None) -> None:
    """Key a new connection (before it reads a byte); SQLCipher's own error log is
    silenced, since a wrong key is said to the user in words."""
    connection.execute("PRAGMA cipher_log_level = NONE")
    if key is not None:
        connection.execute(key_pragma(key))
        # Sorts and temporary tables stay in memory: no plain pages in temp files.
        connection.execute("PRAGMA temp_store = MEMORY")


def connect(path: Path, key: bytes | None, *, readonly: bool = False, timeout: float = 10) -> Any:
    """A DB-API connection to the SQLite file at `path`, keyed with `key` (None for a
    plain file). It is checked by reading the schema, so a wrong key fails here
    (`sqlcipher.DatabaseError`, "file is not a database")."""
    # As a URI, escaped: a "#" or "?" in a folder's name must not cut the path short.
    uri = path.absolute().as_uri() + ("?mode=ro" if readonly else "")
    connection = sqlcipher.connect(uri, uri=True, timeout=timeout)
    try:
        apply_key(connection, key)
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except BaseException:
        connection.close()
        raise
    return connection


def export_encrypted(plain: Path, target: Path, key: bytes) -> None:
    """Copy the plain SQLite file `plain` into a new SQLCipher file `target` keyed with
    `key` (`sqlcipher_export`); the target is made private before a byte is written."""
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    connection = connect(plain, None)
    try:
        connection.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key.hex()}'\"", (str(target),))
        connection.execute("SELECT sqlcipher_export('encrypted')")
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        connection.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        connection.execute("DETACH DATABASE encrypted")
    finally:
        connection.close()


def secure_remove(path: Path) -> None:
    """Overwrite a file with zeros, sync, then remove it. On a hard disk this erases
    the plain pages; an SSD may keep old copies in blocks it has remapped (which is why
    the README recommends full-disk encryption as well)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    with path.open("r+b") as file:
        block = b"\0" * (1 << 20)
        written = 0
        while written < size:
            written += file.write(block[: min(len(block), size - written)])
        file.flush()
        os.fsync(file.fileno())
    path.unlink()
