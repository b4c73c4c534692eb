"""The bench's synthetic SQLite log, built once and kept between runs.

Building the 100,000-incident log and its full audit trail takes a minute or two, so it
is kept in a cache folder (`FOOTPRINT_BENCH_CACHE`, else the user's cache folder, e.g.
~/.cache/footprint-bench) as `log-<incidents>-seed<seed>-<schema revision>.sqlite3`,
with a JSON stamp beside it: what was built, how long it took, and the file's size and
modification time. The cached file is made read-only and never opened by the figures:
each run measures a copy (`copy_log`), so what figures write (letters, saves, looks on
the trail) never piles up in it. A newer schema revision, or a cached file changed since
its stamp, is built anew; `--fresh` rebuilds it anyway.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from platformdirs import user_cache_path

from app.core.migrate import head_revision
from app.core.startup import open_log
from bench.synthetic import SyntheticLog, build_synthetic_log, write_full_trail

CACHE_ENV = "FOOTPRINT_BENCH_CACHE"
#: Bumped when what the bench writes into its log changes (older cached logs are rebuilt).
LAYOUT = 1
#: The files that travel with a log: the trail's outside copy and (encrypted) its key slots.
COMPANIONS = (".audit-head", ".keys")


def cache_folder() -> Path:
    """Where cached bench logs are kept."""
    given = os.environ.get(CACHE_ENV, "").strip()
    return Path(given) if given else user_cache_path("footprint-bench", appauthor=False)


def stamp_of(path: Path) -> dict[str, int]:
    """What a cached file is recognised by: its size and modification time."""
    stat = path.stat()
    return {"bytes": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def cached_log(
    folder: Path,
    *,
    incidents: int,
    seed: int,
    trail: bool = True,
    rebuild: bool = False,
    progress: Callable[[str], None] | None = None,
) -> tuple[Path, SyntheticLog]:
    """The cached synthetic log (built now if it isn't there, is stale, or `rebuild`), and
    what it holds; `SyntheticLog.reused` says which."""
    say = progress or (lambda _message: None)
    prefix = f"log-{incidents}-seed{seed}{'' if trail else '-notrail'}-"
    name = prefix + head_revision()
    path = folder / f"{name}.sqlite3"
    stamp = folder / f"{name}.json"
    if not rebuild:
        found = _read_stamp(stamp, path)
        if found is not None:
            say(f"reusing the cached log {path}")
            return path, found
    folder.mkdir(parents=True, exist_ok=True)
    _remove_log(path)
    stamp.unlink(missing_ok=True)
    # Older schema revisions of the same log are of no more use: they are 800 MB each.
    for old in folder.glob(f"{prefix}*.json"):
        if old != stamp and old.stem.removeprefix(prefix).isalnum():
            _remove_log(old.with_suffix(".sqlite3"))
            old.unlink(missing_ok=True)
    building = folder / f"{name}.building.sqlite3"
    _remove_log(building)
    say(f"building the cached log {path}")
    log = open_log(f"sqlite:///{building}")
    try:
        synthetic = build_synthetic_log(
            log.database, log.user_id, incidents=incidents, seed=seed, progress=say
        )
        if trail:
            say("writing the audit trail")
            write_full_trail(log.database, synthetic)
        with log.database.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        log.database.dispose()
    for suffix in ("-wal", "-shm"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)  # checkpointed: empty
    for suffix in COMPANIONS:
        if Path(f"{building}{suffix}").exists():
            os.replace(f"{building}{suffix}", f"{path}{suffix}")
    os.replace(building, path)
    path.chmod(0o400)  # never opened: each run measures a copy
    record = {"layout": LAYOUT, "file": stamp_of(path), "log": asdict(synthetic)}
    stamp.write_text(json.dumps(record, indent=1) + "\n", "utf-8")
    return path, synthetic


def copy_log(source: Path, target: Path) -> None:
    """Copy a log that nothing is writing (its write-ahead log folded) with its
    companions; the copy is the user's alone, as Footprint's logs are."""
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_log(target)
    shutil.copyfile(source, target)
    target.chmod(0o600)
    for suffix in COMPANIONS:
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")
            Path(f"{target}{suffix}").chmod(0o600)


def _read_stamp(stamp: Path, path: Path) -> SyntheticLog | None:
    """What the cached log holds, if its stamp is there and it hasn't changed since."""
    try:
        record = json.loads(stamp.read_text("utf-8"))
        if record.get("layout") != LAYOUT or record.get("file") != stamp_of(path):
            return None
        log = SyntheticLog(**record["log"])
    except (OSError, ValueError, TypeError, KeyError):
        return None
    log.reused = True
    return log


def _remove_log(path: Path) -> None:
    """A log, its companions, and what figures derived from it (`<stem>.<what>/`)."""
    for member in (path, *(Path(f"{path}{s}") for s in ("-wal", "-shm", *COMPANIONS))):
        member.unlink(missing_ok=True)
    if path.parent.is_dir():
        for derived in path.parent.glob(f"{path.stem}.*"):
            if derived.is_dir():
                shutil.rmtree(derived, ignore_errors=True)
