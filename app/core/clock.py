"""The one place that reads the time, so tests can inject a clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")

_now: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


def utc_now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return _now().astimezone(UTC)


def today_london() -> date:
    """Today's date at the school (Europe/London)."""
    return utc_now().astimezone(LONDON).date()


def set_clock(now: Callable[[], datetime] | None) -> None:
    """Replace the clock (tests); `None` restores the real one."""
    global _now
    _now = now if now is not None else (lambda: datetime.now(UTC))


@contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    """Run the block with the clock stopped at `moment`, then restore whatever clock was
    in use (the demo replays a year of casework; tests pin "now")."""
    previous = _now
    set_clock(lambda: moment)
    try:
        yield
    finally:
        set_clock(previous)
