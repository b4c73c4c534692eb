"""Issue 16's table, printed after the figures: one row per thing the user waits for,
with the issue's figure before the work (`bench.issue16_before`), this run's figure, the
goal, and whether it is met.

Each row reads the measurements of figures registered elsewhere (by their functions, so a
renamed figure can't silently drop out); a row whose figures weren't measured in this
run (their group not chosen, or failed) says so instead of guessing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bench import issue16_before as before
from bench.figures import FIGURES, FigureFunction, Measurement, Result

Found = dict[str, Measurement]
#: What a row makes of the run's figures: (now, met?) — met None when it can't be judged.
Judge = Callable[[Found, int], tuple[str, bool | None]]


@dataclass(frozen=True)
class Row:
    """One line of the issue's table."""

    what: str
    before: before.Before
    goal: Callable[[int], str]
    judge: Judge
    #: The figures the row reads (their functions), all needed.
    figures: tuple[FigureFunction, ...]


@dataclass(frozen=True)
class Line:
    """A row as printed."""

    what: str
    before: str
    now: str
    goal: str
    met: str


def _name(function: FigureFunction) -> str:
    for item in FIGURES:
        if item.measure is function:
            return item.name
    raise LookupError(f"{function.__qualname__} is not a registered figure")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds * 1000 >= 10 else f"{seconds * 1000:.1f} ms"


def _s(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds < 100 else f"{seconds:,.0f} s"


def _mb(megabytes: float) -> str:
    return f"{megabytes:,.0f} MB"


def lines(rows: list[Row], results: list[Result], incidents: int) -> list[Line]:
    """Each row with this run's figure and verdict."""
    found: Found = {r.name: r.measurement for r in results if r.measurement is not None}
    failed = {r.name: r.error for r in results if r.measurement is None}
    million = incidents >= before.MILLION
    out = []
    for row in rows:
        names = [_name(f) for f in row.figures]
        was = row.before.at_1m if million else row.before.at_100k
        missing = [n for n in names if n not in found]
        if any(n in failed for n in names):
            now, met = "failed: " + "; ".join(failed[n] for n in names if n in failed), "NO"
        elif missing:
            now, met = "not measured (group not run)", "—"
        elif any(not found[n].applies for n in names):
            reason = next(found[n].note for n in names if not found[n].applies)
            now, met = f"n/a: {reason}", "—"
        else:
            now, verdict = row.judge({n: found[n] for n in names}, incidents)
            met = "—" if verdict is None else "yes" if verdict else "NO"
        out.append(Line(row.what, was, now, row.goal(incidents), met))
    return out


def format_summary(rows: list[Row], results: list[Result], incidents: int) -> str:
    """The issue's table as aligned plain text, under a heading."""
    header = Line("What the user waits for", "Before (issue 16)", "Now", "Goal", "Met?")
    table = [header, *lines(rows, results, incidents)]
    fields = ("what", "before", "now", "goal", "met")
    widths = {f: min(60, max(len(getattr(line, f)) for line in table)) for f in fields}
    out = [f"Issue 16: what the user waits for, at {incidents:,} incidents"]
    for index, line in enumerate(table):
        out.append("  ".join(getattr(line, f).ljust(widths[f]) for f in fields).rstrip())
        if index == 0:
            out.append("  ".join("-" * widths[f] for f in fields))
    return "\n".join(out)


def at_most(value: float, goal: float) -> bool:
    """Met: no more than the goal."""
    return value <= goal


# -- the rows ---------------------------------------------------------------------------
# Imported here, not at the top: the figure modules register their figures on import.
from bench import audit_figures as audit  # noqa: E402
from bench import letter_figures as letters  # noqa: E402
from bench import list_figures as listing  # noqa: E402
from bench import startup_figures as start  # noqa: E402


def _one(found: Found) -> Measurement:
    return next(iter(found.values()))


def _launch(found: Found, _incidents: int) -> tuple[str, bool | None]:
    m = _one(found)
    ratio = m.ratio or 0.0
    return f"{_s(m.value)} = {ratio:.1f}× the bare window", at_most(ratio, before.LAUNCH_GOAL_RATIO)


def _sign_in(found: Found, _incidents: int) -> tuple[str, bool | None]:
    m = _one(found)
    return _s(m.value), at_most(m.value, before.SIGN_IN_GOAL_S)


def search_goal_ms(incidents: int) -> float:
    """The search goal for the log's size (200 ms from a million incidents)."""
    return before.SEARCH_GOAL_MS_1M if incidents >= before.MILLION else before.SEARCH_GOAL_MS


def _search(found: Found, incidents: int) -> tuple[str, bool | None]:
    m = _one(found)
    worst = m.details.get("max", m.value)
    now = f"{_ms(m.value)} median, worst {_ms(worst)}"
    return now, at_most(worst * 1000, search_goal_ms(incidents))


def _save(found: Found, _incidents: int) -> tuple[str, bool | None]:
    m = _one(found)
    screens = m.details.get("screens", m.value)
    now = f"{_ms(screens)} the screens ({_ms(m.value)} with the save and its window)"
    return now, at_most(screens * 1000, before.SAVE_GOAL_MS)


def _overdue(found: Found, _incidents: int) -> tuple[str, bool | None]:
    m = _one(found)
    return _ms(m.value), at_most(m.value * 1000, before.OVERDUE_GOAL_MS)


def _scroll(found: Found, _incidents: int) -> tuple[str, bool | None]:
    m = _one(found)
    peak, held = m.details.get("peak_mb", 0.0), m.details.get("rows_held", 0.0)
    met = at_most(m.value, before.SCROLL_GOAL_S) and at_most(held, before.SCROLL_WINDOW_ROWS)
    return f"{_s(m.value)}, {held:,.0f} rows held, bench process peak {_mb(peak)}", met


def _verify(found: Found, _incidents: int) -> tuple[str, bool | None]:
    m = found[_name(audit.audit_verify)]
    ratio, peak = m.ratio or 0.0, m.details.get("peak_mb", 0.0)
    now = f"{_s(m.value)} = {ratio:.1f}× the plain scan ({_s(m.baseline or 0)}), {_mb(peak)}"
    met = at_most(ratio, before.VERIFY_GOAL_RATIO) and at_most(peak, before.VERIFY_MEMORY_GOAL_MB)
    return now, met


def _trail_baseline(found: Found, _incidents: int) -> tuple[str, bool | None]:
    m = _one(found)
    peak = m.details.get("peak_mb", 0.0)
    return f"{_s(m.value)}, {_mb(peak)}", at_most(peak, before.TRAIL_BASELINE_MEMORY_GOAL_MB)


def _postgres(found: Found, _incidents: int) -> tuple[str, bool | None]:
    m = _one(found)
    if m.ratio is None:
        return f"{_ms(m.value)} (no SQLite log to compare)", None
    now = f"{_ms(m.value)} vs SQLite {_ms(m.baseline or 0)} ({m.ratio:.1f}×)"
    return now, at_most(m.ratio, before.POSTGRES_GOAL_RATIO)


def _letter(found: Found, _incidents: int) -> tuple[str, bool | None]:
    m = _one(found)
    now = f"{_ms(m.value)} (filled and rendered alone {_ms(m.baseline or 0)})"
    return now, at_most(m.value, before.LETTER_GOAL_S)


def _batch(found: Found, _incidents: int) -> tuple[str, bool | None]:
    m = _one(found)
    now = f"{_s(m.value)} (rolled back {_s(m.baseline or 0)})"
    return now, at_most(m.value, before.LETTER_BATCH_GOAL_S)


def _memory(found: Found, _incidents: int) -> tuple[str, bool | None]:
    m = _one(found)
    return f"{_mb(m.value)} (bare window {_mb(m.baseline or 0)})", at_most(
        m.value, before.MEMORY_GOAL_MB
    )


def _fixed(text: str) -> Callable[[int], str]:
    return lambda _incidents: text


ROWS = [
    Row(
        "Launch to the first window the user can type into",
        before.LAUNCH,
        _fixed(f"≤ {before.LAUNCH_GOAL_RATIO:g}× the bare window"),
        _launch,
        (start.launch_to_sign_in,),
    ),
    Row(
        "Main window with its first page, after sign-in",
        before.SIGN_IN,
        _fixed(f"≤ {before.SIGN_IN_GOAL_S:g} s"),
        _sign_in,
        (start.main_window_after_sign_in,),
    ),
    Row(
        "Search, keystroke to list updated",
        before.SEARCH,
        lambda n: f"≤ {search_goal_ms(n):.0f} ms, worst keystroke included",
        _search,
        (listing.search_as_you_type,),
    ),
    Row(
        "The window after one save",
        before.SAVE,
        _fixed(f"≤ {before.SAVE_GOAL_MS:.0f} ms at any size"),
        _save,
        (start.save_to_refreshed,),
    ),
    Row(
        "Overdue flag per list page",
        before.OVERDUE,
        _fixed(f"≤ {before.OVERDUE_GOAL_MS:.0f} ms at any size"),
        _overdue,
        (listing.overdue_per_page,),
    ),
    Row(
        "Scroll to the end of the list (time, rows held)",
        before.SCROLL,
        _fixed(f"≤ {before.SCROLL_GOAL_S:.0f} s; ≤ {before.SCROLL_WINDOW_ROWS:,} rows held"),
        _scroll,
        (listing.scroll_to_end,),
    ),
    Row(
        "`audit verify` (time, memory) vs a plain hash scan",
        before.VERIFY,
        _fixed(
            f"≤ {before.VERIFY_GOAL_RATIO:.0f}× the plain scan; "
            f"< {before.VERIFY_MEMORY_GOAL_MB:.0f} MB, flat"
        ),
        _verify,
        (audit.audit_verify,),
    ),
    Row(
        "One-time trail baseline for an older log",
        before.TRAIL_BASELINE,
        _fixed(f"streaming, with progress; < {before.TRAIL_BASELINE_MEMORY_GOAL_MB:.0f} MB"),
        _trail_baseline,
        (audit.trail_baseline,),
    ),
    Row(
        "PostgreSQL search “smi” vs SQLite",
        before.POSTGRES_SEARCH,
        _fixed(f"within {before.POSTGRES_GOAL_RATIO:g}× SQLite"),
        _postgres,
        (listing.postgres_search,),
    ),
    Row(
        "A letter made, stored and committed",
        before.LETTER,
        _fixed(f"≤ {before.LETTER_GOAL_S:g} s (issue 5)"),
        _letter,
        (letters.one_letter_committed,),
    ),
    Row(
        "100 letters made, stored and committed",
        before.LETTER_BATCH,
        _fixed(f"≤ {before.LETTER_BATCH_GOAL_S:g} s (issue 5)"),
        _batch,
        (letters.hundred_letters,),
    ),
    Row(
        "Peak memory of the whole signed-in app",
        before.APP_MEMORY,
        _fixed(f"≤ {before.MEMORY_GOAL_MB:.0f} MB"),
        _memory,
        (start.app_peak_memory,),
    ),
]
