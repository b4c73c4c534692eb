"""The incident list as the DSL uses it (issue 3's figures): the real Qt model and
controller, offscreen, on the bench's database. Importing this module registers them."""

from __future__ import annotations

import contextlib
import os
import statistics
import tempfile
import time
from pathlib import Path

from bench.figures import Bench, Measurement, figure, median_seconds, not_applicable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.actors import SYSTEM
from app.core.db import Database
from app.core.models import Incident
from app.core.services.incident_queries import IncidentFilter, IncidentSort, find_incidents
from app.core.startup import open_log
from app.core.vocab import IncidentStatus
from app.ui.context import AppContext
from app.ui.incidents.list_controller import IncidentListController
from app.ui.incidents.list_view import IncidentListView

#: What a DSL might type, a key at a time, looking for a parent's post.
TYPED = ["w", "wi", "wis", "wisn", "wisni", "k", "ko", "kow", "s", "sm", "sm-2", "face", "tik"]


def _app() -> QApplication:
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    return app


def _open_list(bench: Bench) -> tuple[IncidentListController, object]:
    log = open_log(bench.database.engine.url)
    view = IncidentListView()
    return IncidentListController(AppContext(log.database, log.user_id), view), log


@figure("List: first page visible after opening the log")
def first_page_after_open(bench: Bench) -> Measurement:
    """From opening the database (start-up checks included) to rows in the model."""
    _app()
    times = []
    for _ in range(bench.runs):
        start = time.perf_counter()
        controller, log = _open_list(bench)
        assert controller.model.rowCount() > 0
        times.append(time.perf_counter() - start)
        log.database.dispose()  # type: ignore[attr-defined]
    return Measurement(statistics.median(times), "s", note="target ≤ 0.3 s")


@figure("List: search, keystroke to list updated (median, debounce included)")
def search_as_you_type(bench: Bench) -> Measurement:
    """Each keystroke as the DSL makes it (the box's text changes, the debounce runs, the
    first page arrives), to the model showing the new rows; against the list reloading
    with no search at all (the indexed first page, no debounce)."""
    app = _app()
    controller, log = _open_list(bench)
    box = controller.view.search
    times = []
    for _ in range(bench.runs):
        for typed in TYPED:
            start = time.perf_counter()
            box.setText(typed)
            while controller.filter.text != typed:  # the debounce, then the first page
                app.processEvents()
            times.append(time.perf_counter() - start)
        _wait_for_count(controller)
    box.blockSignals(True)
    box.setText("")
    box.blockSignals(False)
    plain = []
    for _ in range(bench.runs):
        start = time.perf_counter()
        controller.apply_filters()
        plain.append(time.perf_counter() - start)
        _wait_for_count(controller)
    log.database.dispose()  # type: ignore[attr-defined]
    return Measurement(
        statistics.median(times),
        "s",
        statistics.median(plain),
        note=f"max {max(times) * 1000:.0f} ms over {len(times)} keystrokes; target ≤ 100 ms",
        details={"max": max(times)},
    )


def _wait_for_count(controller: IncidentListController) -> None:
    waiting = getattr(controller, "wait_for_count", None)  # counted off the GUI thread
    if waiting is not None:
        waiting()
        _app().processEvents()


@figure("List: search, keystroke to the count shown (median)")
def search_count_shown(bench: Bench) -> Measurement:
    """The total under the list arrives after the rows (counted off the GUI thread, and
    only to 1,001 for a search); from the keystroke to the label's final text."""
    app = _app()
    controller, log = _open_list(bench)
    box, label = controller.view.search, controller.view.count
    times = []
    for typed in TYPED:
        start = time.perf_counter()
        box.setText(typed)
        while controller.filter.text != typed or label.text().startswith("Counting"):
            app.processEvents()
        times.append(time.perf_counter() - start)
    log.database.dispose()  # type: ignore[attr-defined]
    return Measurement(statistics.median(times), "s", note=f"max {max(times) * 1000:.0f} ms")


@figure("List: next action and overdue for a page of 200")
def overdue_per_page(bench: Bench) -> Measurement:
    """Working out each row's next action due and overdue flag for one page of open
    incidents; against the plain indexed query for that page's ids."""
    from app.core.clock import today_london
    from app.core.services.due import page_due

    with bench.database.read(SYSTEM) as session:
        ids = list(
            session.scalars(
                select(Incident.id)
                .where(Incident.status != IncidentStatus.CLOSED)
                .order_by(Incident.seen_at.desc())
                .limit(200)
            )
        )
    plain = (
        select(Incident.id, Incident.status, Incident.withdrawn_at)
        .where(Incident.withdrawn_at.is_(None))
        .order_by(Incident.seen_at.desc(), Incident.id.desc())
        .limit(200)
    )
    seconds = median_seconds(bench, lambda s: page_due(s, ids, today_london()))
    baseline = median_seconds(bench, lambda s: s.execute(plain).all())
    return Measurement(seconds, "s", baseline, note="target ≤ 2 ms at any size")


@figure("List: scroll to the end (Ctrl+End until the oldest row shows)")
def scroll_to_end(bench: Bench) -> Measurement:
    """The DSL presses Ctrl+End in the list until its last row is the oldest incident;
    the note gives the peak memory meanwhile, against the list just opened (baseline)."""
    app = _app()
    controller, log = _open_list(bench)
    table, model = controller.view.table, controller.model
    with bench.database.read(SYSTEM) as session:
        oldest = session.scalar(
            select(Incident.id)
            .where(Incident.withdrawn_at.is_(None))
            .order_by(Incident.seen_at, Incident.id)
            .limit(1)
        )
    controller.view.resize(1200, 700)
    controller.view.show()
    app.processEvents()
    table.setFocus()
    before = _resident_mb()
    _reset_peak()
    start = time.perf_counter()
    presses = 0
    while model.row_at(model.rowCount() - 1).id != oldest and time.perf_counter() - start < 180:
        QTest.keyClick(table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
        app.processEvents()
        presses += 1
    seconds = time.perf_counter() - start
    peak = _peak_mb()
    rows = model.rowCount()
    controller.view.hide()
    log.database.dispose()  # type: ignore[attr-defined]
    _RESIDENT["scroll peak"] = peak
    _RESIDENT["scroll before"] = before
    return Measurement(
        seconds,
        "s",
        note=f"{presses} presses, {rows:,} rows held; peak {peak:.0f} MB (list open "
        f"{before:.0f} MB); target ≤ 2 s, memory bounded",
        details={"peak_mb": peak, "rows_held": rows},
    )


@figure("Peak memory scrolling to the end")
def scroll_peak_memory(bench: Bench) -> Measurement:
    """The process's peak resident set during `scroll_to_end`, against before it."""
    if "scroll peak" not in _RESIDENT:
        scroll_to_end(bench)
    return Measurement(
        _RESIDENT["scroll peak"], "MB", _RESIDENT["scroll before"], note="target ≤ 300 MB"
    )


@figure("List: each fetchMore while scrolling to the end (median)")
def fetch_more(bench: Bench) -> Measurement:
    """Scroll the whole log, a page of 200 rows at a time; also the memory it then takes."""
    _app()
    controller, log = _open_list(bench)
    model = controller.model
    times = []
    while model.canFetchMore():
        start = time.perf_counter()
        model.fetchMore()
        times.append(time.perf_counter() - start)
    rows = model.rowCount()
    rss = _resident_mb()
    _RESIDENT["after scrolling"] = rss
    log.database.dispose()  # type: ignore[attr-defined]
    return Measurement(
        statistics.median(times),
        "s",
        note=f"{len(times)} pages, {rows:,} rows, max {max(times) * 1000:.0f} ms; target ≤ 50 ms",
    )


_RESIDENT: dict[str, float] = {}


@figure("Resident memory, list open and scrolled to the end")
def resident_memory(bench: Bench) -> Measurement:
    """The process's resident set after `fetch_more` loaded every row (Linux /proc)."""
    if "after scrolling" not in _RESIDENT:
        fetch_more(bench)
    return Measurement(_RESIDENT["after scrolling"], "MB", note="target ≤ 300 MB")


def _reset_peak() -> None:
    """Linux: start the peak resident set (VmHWM) again from now."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _peak_mb() -> float:
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return _resident_mb()


def _resident_mb() -> float:
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@figure("Search “smi”: first page, PostgreSQL (baseline the same log on SQLite)")
def postgres_search(bench: Bench) -> Measurement:
    """The list's first page for a short search, as the list shows it (the count follows
    off the GUI thread), on PostgreSQL; against the cached SQLite log of the same size and
    seed, copied for the run. Only on PostgreSQL (`--database postgresql://…`)."""
    if bench.database.engine.dialect.name != "postgresql":
        return not_applicable("compares PostgreSQL: run with --database postgresql://…")
    smi = IncidentFilter(text="smi")

    def page(session: Session) -> object:
        return find_incidents(session, smi, sort=IncidentSort.SEEN_AT, descending=True)

    seconds = median_seconds(bench, page)
    twin = _sqlite_twin(bench)
    if twin is None:
        note = "no cached SQLite log of this size to compare with: run `python -m bench` first"
        return Measurement(seconds, "s", note=note)
    try:
        baseline = median_seconds(Bench(twin, bench.log, bench.runs), page)
    finally:
        twin.dispose()
    return Measurement(seconds, "s", baseline, note="goal ≤ 1.5× SQLite")


def _sqlite_twin(bench: Bench) -> Database | None:
    """A copy of the cached SQLite log built with the same size and seed, if there is one."""
    from app.core.migrate import head_revision
    from bench.cache import copy_log

    folder, seed = bench.shared.get("cache_folder"), bench.shared.get("seed", 1)
    if folder is None:
        return None
    name = f"log-{bench.log.incidents}-seed{seed}-{head_revision()}.sqlite3"
    source = Path(folder) / name
    if not source.exists():
        return None
    scratch = Path(bench.scratch) if bench.scratch else Path(tempfile.mkdtemp())
    target = scratch / "sqlite-twin.sqlite3"
    copy_log(source, target)
    return open_log(f"sqlite:///{target}").database
