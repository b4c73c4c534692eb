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
from bench.__main__ import main
from bench.figures import FIGURES, Bench, format_table, run_figures
from bench.synthetic import build_synthetic_log
from tests.factories import make_incident


def test_synthetic_log_is_valid_and_every_figure_measures(
    database: Database, actor: User, db_url: str
) -> None:
    log = build_synthetic_log(database, actor.id, incidents=300, seed=3)
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
    assert all(r.measurement is not None for r in results), [r.error for r in results]
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
    report = json.loads(output.read_text("utf-8"))
    assert report["incidents"] == 300
    assert {f["name"] for f in report["figures"]} == {f.name for f in FIGURES}
    assert all(f["value"] >= 0 and not f["error"] for f in report["figures"])
