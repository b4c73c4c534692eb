"""The kinds of incident a primary school's DSL meets, written as a DSL would record them.

Summaries and notes are factual and calm and never quote what was posted. Placeholders:
{year} is the year group involved ("Year 4"), {event} a school event from the weeks before.
"""

from app.core.demo.scenarios.adults import ADULT_SCENARIOS
from app.core.demo.scenarios.model import Scenario, Where
from app.core.demo.scenarios.outsiders import OUTSIDER_SCENARIOS
from app.core.demo.scenarios.parents import PARENT_SCENARIOS
from app.core.demo.scenarios.pupils import PUPIL_SCENARIOS
from app.core.demo.scenarios.texts import (
    EVENTS_BY_MONTH,
    FOLLOW_UP_NOTES,
    MONITORING_NOTES,
    RATIONALES,
    TRIAGE_NOTES,
)

SCENARIOS: tuple[Scenario, ...] = (
    PARENT_SCENARIOS + PUPIL_SCENARIOS + ADULT_SCENARIOS + OUTSIDER_SCENARIOS
)

__all__ = [
    "EVENTS_BY_MONTH",
    "FOLLOW_UP_NOTES",
    "MONITORING_NOTES",
    "RATIONALES",
    "SCENARIOS",
    "TRIAGE_NOTES",
    "Scenario",
    "Where",
]
