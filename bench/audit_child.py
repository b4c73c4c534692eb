"""`python -m bench.audit_child plain|baseline URL`: the audit figures' work, run in a
process of its own by `bench.audit_figures` (so its peak memory is measured alone).

plain: the least any verify can cost — every entry's stored fields read through the
driver in entry order and hashed, with no chain logic and no record check.
baseline: the one-time trail baseline an older log gets (`write_baseline`, every record
of every table put on the trail, streamed in chunks), written in a transaction that is
then rolled back, so the log and its trail's outside copy are left as they were."""

from __future__ import annotations

import hashlib
import sys
import time

from app.core.audit.baseline import write_baseline
from app.core.db import create_db_engine

PLAIN_QUERY = (
    "SELECT id, at, user_id, action, table_name, record_id, changes, prev_hash "
    "FROM audit_entry ORDER BY id"
)


def plain_scan(url: str) -> int:
    """Hash every entry's stored fields; returns how many."""
    engine = create_db_engine(url)
    entries = 0
    try:
        with engine.connect() as connection:
            cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
            cursor.execute(PLAIN_QUERY)
            while rows := cursor.fetchmany(10_000):
                for row in rows:
                    hashlib.sha256("|".join(map(str, row)).encode()).hexdigest()
                entries += len(rows)
    finally:
        engine.dispose()
    return entries


def baseline(url: str) -> int:
    """Write the baseline and roll it back; returns how many entries it wrote."""
    engine = create_db_engine(url)
    try:
        with engine.connect() as connection:
            transaction = connection.begin()
            try:
                return write_baseline(connection)
            finally:
                transaction.rollback()
    finally:
        engine.dispose()


def main(argv: list[str]) -> int:
    what, url = argv
    started = time.perf_counter()
    entries = plain_scan(url) if what == "plain" else baseline(url)
    print(f"{what}: {entries} entries in {time.perf_counter() - started:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
