"""Where the log is and what kind it is, told before the database layer is loaded.

The sign-in dialog is shown as soon as Qt is up; importing SQLAlchemy alone takes longer
than a bare Qt window, so the common addresses (the default file, a plain `sqlite:///`
path) are read here by hand. Anything else returns None and the caller asks
`app.core.startup`, which parses the address properly."""

from __future__ import annotations

import os
from enum import Enum
from pathlib import Path

#: The first bytes of an unencrypted SQLite file (SQLCipher's pages look random).
PLAIN_HEADER = b"SQLite format 3\x00"


class LogKind(Enum):
    """What a log address leads to, before anything is opened."""

    NEW = "new"  # no SQLite file yet (or an empty one where no log ever was)
    PLAIN = "plain"  # an unencrypted SQLite file: converted at the next sign-in
    ENCRYPTED = "encrypted"  # a SQLCipher file (or a lost one whose keys remain)
    SERVER = "server"  # PostgreSQL, or memory: encryption at rest is the server's


def quick_log_file(database_url: str | None) -> Path | None:
    """The SQLite file of a plain address (`--database`, FOOTPRINT_DATABASE_URL, or the
    default file); None when the address needs the full parser."""
    url = database_url or os.environ.get("FOOTPRINT_DATABASE_URL", "").strip()
    if not url:
        from platformdirs import user_data_path

        return user_data_path("Footprint", appauthor=False, ensure_exists=False) / (
            "footprint.sqlite3"
        )
    prefix = "sqlite:///"
    rest = url[len(prefix) :]
    if not url.startswith(prefix) or not rest or "?" in rest or rest.startswith(("//", "\\\\")):
        return None  # a server, memory, options or a network path: for the full parser
    return Path(rest)


def quick_log_kind(database_url: str | None) -> tuple[LogKind, Path] | None:
    """The kind of a log whose file `quick_log_file` finds, when the file alone tells:
    a plain SQLite file, or an encrypted one with its key file beside it. None otherwise
    (a new log, a lost one, a server): `app.core.startup.log_kind` then decides."""
    path = quick_log_file(database_url)
    if path is None:
        return None
    try:
        with path.open("rb") as file:
            header = file.read(len(PLAIN_HEADER))
    except OSError:
        return None
    if not header:
        return None
    if header == PLAIN_HEADER:
        return LogKind.PLAIN, path
    if Path(f"{path}.keys").exists():
        return LogKind.ENCRYPTED, path
    return None
