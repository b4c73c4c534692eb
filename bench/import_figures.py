"""Issue 15's figures: importing a 2,000-pupil, 4,000-contact Common Transfer File.
Importing registers them; `python -m bench import` runs them alone.

The CTF is made by `sample_school` and `write_ctf` (invented people) in the run's folder.
Each figure is the time from the file to the screen being right: reading and checking the
file, then matching it against the log (the preview), then applying it in one
transaction with its audit trail. Each is measured on the bench's large log (100,000
incidents, 20,000 people typed in before the school used its MIS: none of them has a UPN,
so every pupil of the file is new and checked against them all) with the same import into
a new, empty log as its baseline, in the same process. The issue's targets are absolute:
preview under 10 s, apply under 20 s, memory under 300 MB (the peak traced by
`tracemalloc` while the file is read, previewed and applied, in a run of its own).

Applying changes the run's copy of the log, so the apply figure runs once (a second
apply would find nothing to do), after the previews.
"""

from __future__ import annotations

import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from app.core.actors import SYSTEM
from app.core.db import Database
from app.core.mis_import.ctf import read_ctf
from app.core.mis_import.ctf_write import write_ctf
from app.core.mis_import.sample import sample_school
from app.core.services.mis_import import apply_import, preview_import
from app.core.services.users import ensure_default_user
from app.core.startup import open_log
from bench.figures import Bench, Measurement, figure

PUPILS = 2_000
PREVIEW_TARGET = 10.0
APPLY_TARGET = 20.0
MEMORY_TARGET_MB = 300.0


def _ctf(bench: Bench) -> Path:
    """The run's CTF file (made once per run)."""
    made = bench.shared.get("import_ctf")
    if made is None:
        folder = Path(tempfile.mkdtemp(prefix="footprint-bench-import-"))
        made = folder / "school.xml"
        pupils, contacts, links = sample_school(PUPILS, seed=15)
        write_ctf(made, pupils=pupils, contacts=contacts, links=links)
        bench.shared["import_ctf"] = made
        bench.shared["import_counts"] = (len(pupils), len(contacts), len(links))
    return Path(made)


def _empty(bench: Bench) -> Database:
    """A new, empty log for the baseline (one per call: an apply fills it)."""
    folder = Path(tempfile.mkdtemp(prefix="footprint-bench-empty-"))
    database = open_log(f"sqlite:///{folder / 'empty.sqlite'}").database
    bench.cleanups.append(database.dispose)
    return database


def _preview(database: Database, path: Path) -> tuple[float, Any, Any]:
    started = time.perf_counter()
    import_file = read_ctf(path)
    with database.read(SYSTEM) as session:
        plan = preview_import(session, import_file, whole_school=True)
    return time.perf_counter() - started, import_file, plan


def _apply(database: Database, import_file: Any, plan: Any) -> float:
    with database.write(SYSTEM) as session:
        actor = ensure_default_user(session)
    started = time.perf_counter()
    with database.write(actor) as session:
        apply_import(session, actor, import_file, plan)
    return time.perf_counter() - started


def _note(bench: Bench, target: float) -> str:
    pupils, contacts, links = bench.shared["import_counts"]
    return (
        f"{pupils:,} pupils, {links:,} contact entries ({contacts:,} people); "
        f"target under {target:.0f} s"
    )


@figure("MIS import: read and preview a 2,000-pupil CTF (baseline: an empty log)")
def import_preview(bench: Bench) -> Measurement:
    path = _ctf(bench)
    big = min(_preview(bench.database, path)[0] for _ in range(max(1, bench.runs // 2)))
    empty = _empty(bench)
    small = min(_preview(empty, path)[0] for _ in range(max(1, bench.runs // 2)))
    return Measurement(big, "s", baseline=small, note=_note(bench, PREVIEW_TARGET))


@figure("MIS import: apply it in one transaction (baseline: an empty log)")
def import_apply(bench: Bench) -> Measurement:
    path = _ctf(bench)
    empty = _empty(bench)
    _seconds, small_file, small_plan = _preview(empty, path)
    small = _apply(empty, small_file, small_plan)
    _seconds, big_file, big_plan = _preview(bench.database, path)
    big = _apply(bench.database, big_file, big_plan)
    return Measurement(big, "s", baseline=small, note=_note(bench, APPLY_TARGET))


@figure("MIS import: the next term's file, read and previewed (baseline: the first)")
def import_again(bench: Bench) -> Measurement:
    """After the apply: the same school's file again, matched against the 6,000 people the
    MIS now keeps (nothing to change), against the first preview into an empty log."""
    path = _ctf(bench)
    empty = _empty(bench)
    small = _preview(empty, path)[0]
    big = min(_preview(bench.database, path)[0] for _ in range(max(1, bench.runs // 2)))
    return Measurement(big, "s", baseline=small, note=_note(bench, PREVIEW_TARGET))


@figure("MIS import: peak memory reading, previewing and applying (empty log)")
def import_memory(bench: Bench) -> Measurement:
    path = _ctf(bench)
    empty = _empty(bench)
    tracemalloc.start()
    try:
        _seconds, import_file, plan = _preview(empty, path)
        _apply(empty, import_file, plan)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return Measurement(
        peak / 1e6, "MB", note=f"traced Python allocations; target under {MEMORY_TARGET_MB:.0f} MB"
    )
