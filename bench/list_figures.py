"""The incident list as the DSL uses it (issue 3's figures): the real Qt model and
controller, offscreen, on the bench's database. Importing this module registers them."""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

from bench.figures import Bench, Measurement, figure

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from app.core.startup import open_log
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


@figure("List: search-as-you-type update (median)")
def search_as_you_type(bench: Bench) -> Measurement:
    """Each keystroke's count and first page (the debounce delay itself not counted)."""
    _app()
    controller, log = _open_list(bench)
    times = []
    for _ in range(bench.runs):
        for typed in TYPED:
            controller.view.search.blockSignals(True)
            controller.view.search.setText(typed)
            controller.view.search.blockSignals(False)
            start = time.perf_counter()
            controller.apply_filters()
            times.append(time.perf_counter() - start)
    log.database.dispose()  # type: ignore[attr-defined]
    return Measurement(
        statistics.median(times),
        "s",
        note=f"max {max(times) * 1000:.0f} ms over {len(times)} keystrokes; target ≤ 100 ms",
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


def _resident_mb() -> float:
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
