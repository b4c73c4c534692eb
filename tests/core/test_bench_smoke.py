"""The bench at a tiny scale, so it can't silently rot between full runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.core.db import Database, create_db_engine
from app.core.errors import Conflict
from app.core.models import Incident, ReferenceCounter, User
from app.core.services.incident_queries import IncidentFilter, count_incidents
from app.core.services.search_index import rebuild
from bench import issue16_before as before
from bench import summary
from bench.__main__ import main
from bench.audit_figures import audit_verify
from bench.figures import FIGURES, Bench, Measurement, Result, format_table, run_figures
from bench.list_figures import overdue_per_page, scroll_to_end, search_as_you_type
from bench.startup_figures import launch_to_sign_in
from bench.synthetic import build_synthetic_log, write_full_trail
from tests.factories import make_incident


def test_synthetic_log_is_valid_and_every_figure_measures(
    database: Database, actor: User, db_url: str
) -> None:
    log = build_synthetic_log(database, actor.id, incidents=300, seed=3)
    write_full_trail(database, log)  # as every bench log carries (audit verify reads it)
    assert log.rows["incident"] == 300
    assert log.rows["involvement"] >= 600 and log.rows["chronology_entry"] >= 600

    with database.read(actor) as session:
        references = session.scalars(select(Incident.reference)).all()
        assert len(set(references)) == 300
        counters = dict(
            session.execute(select(ReferenceCounter.year, ReferenceCounter.last_number)).all()
        )
        assert sum(counters.values()) == 300
        # The search index was rebuilt: every incident is findable by its reference.
        assert count_incidents(session, IncidentFilter(text=references[0])) >= 1
        assert rebuild(session) == 300
    # The app carries on numbering where the synthetic references stopped.
    with database.write(actor) as session:
        incident = make_incident(session, actor)
        year = int(incident.reference.split("-")[1])
        assert incident.reference.endswith(f"-{counters.get(year, 0) + 1:04d}")
        assert session.scalar(select(func.count()).select_from(Incident)) == 301

    path = Path(db_url.removeprefix("sqlite:///")) if db_url.startswith("sqlite") else None
    bench = Bench(Database(create_db_engine(db_url)), log, runs=1, database_path=path)
    try:
        results = run_figures(bench)
    finally:
        bench.database.dispose()
    assert [r.name for r in results] == [f.name for f in FIGURES]
    assert all(r.measurement is not None for r in results), [
        f"{r.name}: {r.error}" for r in results if r.measurement is None
    ]
    table = format_table(results)
    assert all(f.name in table for f in FIGURES)

    with pytest.raises(Conflict):
        build_synthetic_log(database, actor.id, incidents=10)


def test_bench_command_prints_the_table_and_writes_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "latest.json"
    url = f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    argv = ["--incidents", "300", "--runs", "1", "--quiet", "--database", url]
    assert main([*argv, "--output", str(output)]) == 0
    printed = capsys.readouterr().out
    assert "Count: open on WhatsApp" in printed and "300 incidents" in printed
    # Issue 16's table follows the figures: a row for each thing the user waits for, each
    # with the issue's figure before, this run's, the goal, and a verdict.
    table = printed.split("Issue 16: what the user waits for, at 300 incidents", 1)[1]
    rows = {row.what: row for row in summary.ROWS}
    for line in table.strip().splitlines()[2:-1]:
        what = next(w for w in rows if line.startswith(w))
        assert rows.pop(what).before.at_100k in line
        assert line.rstrip().endswith(("yes", "NO", "—")), line
        assert "failed:" not in line and "not measured (" not in line, line
    assert not rows, f"rows missing from the table: {list(rows)}"
    assert "n/a: compares PostgreSQL" in table  # SQLite: the PostgreSQL row doesn't apply
    report = json.loads(output.read_text("utf-8"))
    assert report["incidents"] == 300
    assert {f["name"] for f in report["figures"]} == {f.name for f in FIGURES}
    assert all(f["value"] >= 0 and not f["error"] for f in report["figures"])


def _line(results: list[Result], what: str, incidents: int = 100_000) -> summary.Line:
    return next(
        line for line in summary.lines(summary.ROWS, results, incidents) if line.what == what
    )


def _result(function: object, measurement: Measurement) -> Result:
    return Result(next(f.name for f in FIGURES if f.measure is function), measurement)


def test_summary_judges_each_goal_from_the_issues_constants() -> None:
    search = "Search, keystroke to list updated"
    # The worst keystroke counts, not the median: 150 ms misses 100 ms at 100k…
    slow = [_result(search_as_you_type, Measurement(0.05, "s", details={"max": 0.15}))]
    assert _line(slow, search).met == "NO"
    assert _line(slow, search).now == "50 ms median, worst 150 ms"
    # …and meets the 200 ms allowed at a million, where the "at 1M" column is shown.
    assert before.SEARCH_GOAL_MS < 150 <= before.SEARCH_GOAL_MS_1M
    assert _line(slow, search, 1_000_000).met == "yes"
    assert _line(slow, search, 1_000_000).before == before.SEARCH.at_1m
    assert _line(slow, search).before == before.SEARCH.at_100k

    overdue = "Overdue flag per list page"
    at_goal = before.OVERDUE_GOAL_MS / 1000
    assert _line([_result(overdue_per_page, Measurement(at_goal, "s"))], overdue).met == "yes"
    over = Measurement(at_goal * 1.01, "s")
    assert _line([_result(overdue_per_page, over)], overdue).met == "NO"

    launch = "Launch to the first window the user can type into"
    ok = Measurement(0.9, "s", baseline=0.9 / before.LAUNCH_GOAL_RATIO)
    assert _line([_result(launch_to_sign_in, ok)], launch).met == "yes"
    slow_launch = Measurement(1.0, "s", baseline=1.0 / (before.LAUNCH_GOAL_RATIO + 0.1))
    assert _line([_result(launch_to_sign_in, slow_launch)], launch).met == "NO"

    # Two goals in one row: both must hold.
    scroll = "Scroll to the end of the list (time, rows held)"
    every_row = Measurement(0.5, "s", details={"rows_held": before.SCROLL_WINDOW_ROWS + 1})
    assert _line([_result(scroll_to_end, every_row)], scroll).met == "NO"
    a_window = Measurement(0.5, "s", details={"rows_held": 200, "peak_mb": 345})
    assert _line([_result(scroll_to_end, a_window)], scroll).met == "yes"
    slow = [_result(scroll_to_end, Measurement(2.5, "s", details={"rows_held": 200}))]
    assert _line(slow, scroll).met == "NO"
    verify = "`audit verify` (time, memory) vs a plain hash scan"
    ten_times = Measurement(40.0, "s", baseline=4.0, details={"peak_mb": 250.0})
    assert _line([_result(audit_verify, ten_times)], verify).met == "NO"
    thrice = Measurement(12.0, "s", baseline=4.0, details={"peak_mb": 250.0})
    assert _line([_result(audit_verify, thrice)], verify).met == "yes"

    # A figure not measured, failed, or not applying is never "met".
    assert _line([], verify).met == "—" and "not measured" in _line([], verify).now
    failed = [Result(_result(audit_verify, thrice).name, None, "RuntimeError: boom")]
    assert _line(failed, verify).met == "NO" and "boom" in _line(failed, verify).now
