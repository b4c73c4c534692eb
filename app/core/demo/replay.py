"""Replaying a year of casework: the services stamp each step with the moment it happened."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from app.core import clock
from app.core.clock import LONDON

#: Run a block with the app's clock at a past moment (the services stamp "now").
clock_at = clock.frozen_at


class Timeline:
    """Moments in one incident's life, always moving forward and never past `cap`."""

    def __init__(self, rng: random.Random, start: datetime, cap: datetime) -> None:
        self.rng = rng
        self.cap = _to_minute(cap)
        self.now = min(_to_minute(start), self.cap)

    def after(self, low_hours: float, high_hours: float, *, office: bool = True) -> datetime:
        """A moment some hours later (moved into office hours when `office`), before `cap`.

        Near the cap each step takes at most part of the time left, so recent incidents'
        steps stay in order a few minutes apart instead of piling up on the cap.
        """
        room_hours = self.room().total_seconds() / 3600
        high = min(high_hours, room_hours * 0.4)
        low = min(low_hours, high / 2)
        moment = self.now + timedelta(hours=self.rng.uniform(low, high))
        if office and (adjusted := self._office_hours(moment)) < self.cap:
            moment = adjusted
        self.now = max(self.now, min(_to_minute(moment), self.cap))
        return self.now

    def at_least(self, moment: datetime) -> datetime:
        """Jump forward to `moment` (e.g. a deadline passing), at most `cap`."""
        self.now = max(self.now, min(_to_minute(moment), self.cap))
        return self.now

    def room(self) -> timedelta:
        """Time left before the cap."""
        return self.cap - self.now

    def _office_hours(self, moment: datetime) -> datetime:
        # The DSL works weekdays, roughly 08:00–18:00: later work moves to the next morning.
        local = moment.astimezone(LONDON)
        day = local.date()
        if local.hour >= 18:
            day += timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        if day != local.date() or local.hour < 8:
            start = datetime.combine(day, time(8, 0), tzinfo=LONDON)
            local = start + timedelta(minutes=self.rng.randint(0, 90))
        return local.astimezone(moment.tzinfo)


def _to_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)
