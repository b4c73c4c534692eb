"""The figures the bench reports, and the runner that measures and prints them.

To add a figure, write a function taking the `Bench` and returning a `Measurement` (or
plain seconds), and decorate it with `@figure("What it measures")`. Timings are the median
of `bench.runs` runs, each in a fresh session. A figure may carry a baseline measured in
the same process (e.g. the same query without the filter); the table shows the ratio. A
figure that doesn't apply to the database measured (encryption on PostgreSQL) returns
`not_applicable(reason)`.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.core.actors import SYSTEM
from app.core.db import Database
from app.core.models import Incident
from app.core.services.incident_queries import (
    IncidentFilter,
    IncidentSort,
    count_incidents,
    find_incidents,
)
from app.core.vocab import Category, IncidentStatus, Platform
from bench.synthetic import SyntheticLog

OPEN_STATUSES = frozenset(set(IncidentStatus) - {IncidentStatus.CLOSED})
#: The list a DSL looks at most: open work on one platform.
OPEN_ON_WHATSAPP = IncidentFilter(statuses=OPEN_STATUSES, platforms=frozenset({Platform.WHATSAPP}))
BULLYING = IncidentFilter(categories=frozenset({Category.BULLYING}))
EVERYTHING = IncidentFilter()


@dataclass(frozen=True)
class Measurement:
    """One figure's value; `baseline` (same unit) is what it is compared with, if anything."""

    value: float
    unit: str
    baseline: float | None = None
    note: str = ""
    #: False when the figure doesn't apply to this database (shown as "n/a").
    applies: bool = True
    #: Further numbers the summary reads (e.g. the worst keystroke, a peak in MB).
    details: dict[str, float] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        """value ÷ baseline, when there is a baseline."""
        if self.baseline is None or self.baseline == 0:
            return None
        return self.value / self.baseline


def not_applicable(reason: str) -> Measurement:
    """A figure that doesn't apply to the database measured, and why."""
    return Measurement(0.0, "", note=reason, applies=False)


@dataclass(eq=False)
class Bench:
    """The opened, filled database the figures measure."""

    database: Database
    log: SyntheticLog
    runs: int = 5
    database_path: Path | None = None
    #: The cached log `database_path` was copied from (None: the log was built for this run);
    #: figures may cache what they derive from it beside it, keyed by its size and mtime.
    source: Path | None = None
    #: A folder figures may fill for this run (None: they make their own, temporary).
    scratch: Path | None = None
    #: What figures share within a run (e.g. the encryption figures' copies of the log).
    shared: dict[str, Any] = field(default_factory=dict)
    #: Called by `close` (last registered, first called).
    cleanups: list[Callable[[], object]] = field(default_factory=list)

    def close(self) -> None:
        """Release what figures opened or made for this run."""
        while self.cleanups:
            self.cleanups.pop()()


FigureFunction = Callable[[Bench], "Measurement | float"]


@dataclass(frozen=True)
class Figure:
    """A named measurement."""

    name: str
    measure: FigureFunction


@dataclass(frozen=True)
class Result:
    """A figure's name with what it measured (or why it failed)."""

    name: str
    measurement: Measurement | None
    error: str = ""


FIGURES: list[Figure] = []


def figure(name: str) -> Callable[[FigureFunction], FigureFunction]:
    """Register a figure function under `name` (they are reported in registration order)."""

    def register(function: FigureFunction) -> FigureFunction:
        FIGURES.append(Figure(name, function))
        return function

    return register


#: True while `median_seconds` times an action (so `--explain` looks only at those queries).
timing: ContextVar[bool] = ContextVar("timing", default=False)


def median_seconds(bench: Bench, action: Callable[[Session], object]) -> float:
    """The median time of `action` over `bench.runs` runs, each in a fresh read session."""
    times = []
    for _ in range(max(1, bench.runs)):
        with bench.database.read(SYSTEM) as session:
            token = timing.set(True)
            started = time.perf_counter()
            try:
                action(session)
            finally:
                times.append(time.perf_counter() - started)
                timing.reset(token)
    return statistics.median(times)


def _matching(bench: Bench, flt: IncidentFilter) -> str:
    with bench.database.read(SYSTEM) as session:
        return f"{count_incidents(session, flt):,} match"


@figure("Build the synthetic log")
def build_time(bench: Bench) -> Measurement:
    """Seconds to write the synthetic log, search index included (its audit trail apart)."""
    log = bench.log
    note = f"incl. search index {log.index_seconds:.1f} s"
    if log.trail_entries:
        note += f"; then audit trail {log.trail_entries:,} entries {log.trail_seconds:.0f} s"
    if log.reused:
        note += f"; cached, built {log.built_at}"
    return Measurement(log.seconds, "s", note=note)


@figure("Database size")
def database_size(bench: Bench) -> Measurement:
    """Megabytes on disk (SQLite: file and WAL after a checkpoint)."""
    engine = bench.database.engine
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            size = conn.scalar(text("SELECT pg_database_size(current_database())")) or 0
        return Measurement(size / 1_048_576, "MB")
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    path = bench.database_path
    assert path is not None, "SQLite bench without a file"
    files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
    size = sum(f.stat().st_size for f in files if f.exists())
    return Measurement(size / 1_048_576, "MB", note="file + WAL after a checkpoint")


@figure("Count: open on WhatsApp")
def count_open_platform(bench: Bench) -> Measurement:
    """Counting the open incidents on one platform, against counting every incident."""
    seconds = median_seconds(bench, lambda s: count_incidents(s, OPEN_ON_WHATSAPP))
    # Baseline: counting every row of the table, the least any count can cost.
    baseline = median_seconds(bench, lambda s: s.scalar(select(func.count()).select_from(Incident)))
    return Measurement(seconds, "s", baseline, _matching(bench, OPEN_ON_WHATSAPP))


@figure("First 100: open on WhatsApp, newest seen")
def first_page_open_platform(bench: Bench) -> Measurement:
    """The first page of open incidents on one platform, newest first."""
    return _first_page(bench, OPEN_ON_WHATSAPP)


@figure("Count: bullying")
def count_category(bench: Bench) -> Measurement:
    """Counting the incidents in one category (an EXISTS on incident_category)."""
    seconds = median_seconds(bench, lambda s: count_incidents(s, BULLYING))
    return Measurement(seconds, "s", note=_matching(bench, BULLYING))


@figure("First 100: bullying, newest seen")
def first_page_category(bench: Bench) -> Measurement:
    """The first page of one category, newest first."""
    return _first_page(bench, BULLYING)


@figure("First 100: search “lukasz”, newest seen")
def first_page_search(bench: Bench) -> Measurement:
    """The first page of a name search through the full-text index."""
    return _first_page(bench, IncidentFilter(text="lukasz"))


@figure("Count: overdue only")
def count_overdue(bench: Bench) -> Measurement:
    """Counting the incidents with an overdue deletion request or follow-up."""
    overdue = IncidentFilter(overdue_only=True)
    seconds = median_seconds(bench, lambda s: count_incidents(s, overdue))
    return Measurement(seconds, "s", note=_matching(bench, overdue))


def _first_page(bench: Bench, flt: IncidentFilter) -> Measurement:
    def page(f: IncidentFilter) -> Callable[[Session], object]:
        return lambda s: find_incidents(s, f, sort=IncidentSort.SEEN_AT, descending=True)

    # Baseline: the unfiltered first page, the list as it opens.
    seconds = median_seconds(bench, page(flt))
    baseline = median_seconds(bench, page(EVERYTHING)) if flt != EVERYTHING else None
    return Measurement(seconds, "s", baseline, _matching(bench, flt))


def run_figures(bench: Bench, figures: list[Figure] | None = None) -> list[Result]:
    """Measure each figure; one failing figure is reported, not fatal."""
    results = []
    for item in FIGURES if figures is None else figures:
        try:
            value = item.measure(bench)
        except Exception as exc:  # a broken figure must not hide the others
            results.append(Result(item.name, None, f"{type(exc).__name__}: {exc}"))
            continue
        measurement = value if isinstance(value, Measurement) else Measurement(value, "s")
        results.append(Result(item.name, measurement))
    return results


def format_table(results: list[Result]) -> str:
    """An aligned plain-text table: figure, value, unit, baseline, ratio, note."""
    header = ("Figure", "Value", "Unit", "Baseline", "Ratio", "Note")
    lines: list[tuple[str, ...]] = [header]
    for r in results:
        m = r.measurement
        if m is None:
            lines.append((r.name, "—", "", "", "", f"failed: {r.error}"))
            continue
        if not m.applies:
            lines.append((r.name, "n/a", "", "", "", m.note))
            continue
        lines.append(
            (
                r.name,
                _number(m.value),
                m.unit,
                _number(m.baseline) if m.baseline is not None else "",
                _ratio(m.ratio) if m.ratio is not None else "",
                m.note,
            )
        )
    widths = [max(len(row[i]) for row in lines) for i in range(len(header))]
    right = {1, 3, 4}
    out = []
    for index, row in enumerate(lines):
        cells = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        out.append("  ".join(cells).rstrip())
        if index == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def _ratio(ratio: float) -> str:
    # Two decimals near 1 (the encryption target is 1.15×), one for larger ratios.
    return f"{ratio:.2f}×" if ratio < 10 else f"{ratio:.1f}×"


def _number(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 1:
        return f"{value:.2f}"
    return f"{value:.4f}"


@dataclass
class Report:
    """Everything written to the JSON file."""

    backend: str
    incidents: int
    people: int
    rows: dict[str, int]
    runs: int
    audit_entries: int = 0
    machine: dict[str, Any] = field(default_factory=dict)
    figures: list[dict[str, Any]] = field(default_factory=list)
    measured_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat("T", "seconds"))


def write_json(bench: Bench, results: list[Result], path: Path) -> None:
    """Save the figures (and what they were measured on) as JSON."""
    report = Report(
        backend=bench.database.engine.dialect.name,
        incidents=bench.log.incidents,
        people=bench.log.people,
        rows=bench.log.rows,
        runs=bench.runs,
        audit_entries=bench.log.trail_entries,
        machine=machine_facts(),
    )
    for r in results:
        entry: dict[str, Any] = {"name": r.name, "error": r.error}
        if r.measurement is not None:
            entry |= asdict(r.measurement) | {"ratio": r.measurement.ratio}
        report.figures.append(entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(report), indent=2, ensure_ascii=False) + "\n", "utf-8")


def machine_facts() -> dict[str, Any]:
    """What the figures were measured on: CPUs, system, Python, SQLite and SQLCipher."""
    from app.core.security import cipher

    facts: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "cpu": _cpu_model(),
        "system": platform.platform(),
        "python": platform.python_version(),
        "sqlite": cipher.dbapi.sqlite_version,
    }
    connection = cipher.dbapi.connect(":memory:")
    try:
        facts["sqlcipher"] = connection.execute("PRAGMA cipher_version").fetchone()[0]
        connection.execute(cipher.key_pragma(bytes(32)))  # the provider is named once keyed
        provider = connection.execute("PRAGMA cipher_provider").fetchone()
        version = connection.execute("PRAGMA cipher_provider_version").fetchone()
        if provider:
            facts["sqlcipher_provider"] = " ".join(str(v[0]) for v in (provider, version) if v)
    finally:
        connection.close()
    return facts


def describe_machine(facts: dict[str, Any]) -> str:
    """One line of `machine_facts` for the printed table."""
    cpu = f" ({facts['cpu']})" if facts.get("cpu") else ""
    provider = f", {facts['sqlcipher_provider']}" if facts.get("sqlcipher_provider") else ""
    return (
        f"Machine: {facts['cpus']} CPUs{cpu}; {facts['system']}; Python {facts['python']}; "
        f"SQLite {facts['sqlite']}; SQLCipher {facts.get('sqlcipher', '?')}{provider}."
    )


def _cpu_model() -> str:
    info = Path("/proc/cpuinfo")
    if info.exists():
        for line in info.read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor()
