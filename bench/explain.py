"""`--explain`: the slowest SQL statement behind each figure, with the database's plan."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Engine, event

from bench.figures import Bench, Figure, timing


@dataclass(frozen=True)
class Statement:
    """One statement the driver ran, with its parameters and how long it took."""

    sql: str
    parameters: Any
    seconds: float


@contextmanager
def capture(engine: Engine) -> Iterator[list[Statement]]:
    """Record the statements run on `engine` inside the block while a figure is timing."""
    captured: list[Statement] = []

    def before(conn: Any, _cursor: Any, _sql: str, _params: Any, _ctx: Any, _many: bool) -> None:
        conn.info["bench_started"] = time.perf_counter()

    def after(conn: Any, _cursor: Any, sql: str, params: Any, _ctx: Any, _many: bool) -> None:
        seconds = time.perf_counter() - conn.info.pop("bench_started", time.perf_counter())
        if timing.get():
            captured.append(Statement(sql, params, seconds))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield captured
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


def plan(engine: Engine, statement: Statement) -> list[str]:
    """EXPLAIN QUERY PLAN (SQLite) or EXPLAIN (PostgreSQL) of a captured statement."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + statement.sql, statement.parameters
            ).all()
            depth: dict[int, int] = {0: 0}
            lines = []
            for node, parent, _unused, detail in rows:
                depth[node] = depth.get(parent, 0) + 1
                lines.append("  " * depth[node] + str(detail))
            return lines
        rows = conn.exec_driver_sql("EXPLAIN " + statement.sql, statement.parameters).all()
        return [str(r[0]) for r in rows]


def explain_figures(bench: Bench, figures: list[Figure]) -> str:
    """For each figure: its slowest SELECT, the SQL, and the plan."""
    engine = bench.database.engine
    once = replace(bench, runs=1)
    out = []
    for item in figures:
        with capture(engine) as statements:
            try:
                item.measure(once)
            except Exception as exc:  # report and carry on, as the table does
                out.append(f"== {item.name}: failed ({exc})")
                continue
        selects = [s for s in statements if s.sql.lstrip().upper().startswith(("SELECT", "WITH"))]
        if not selects:
            continue
        slowest = max(selects, key=lambda s: s.seconds)
        out.append(f"== {item.name}: slowest statement {slowest.seconds:.4f} s")
        out.append(" ".join(slowest.sql.split()))
        out.append(f"   parameters: {slowest.parameters}")
        out.extend(plan(engine, slowest))
        out.append("")
    return "\n".join(out)
