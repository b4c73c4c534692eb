"""The retention rules, as pure functions: IRMS's defaults, the school's own periods, the
fallback when no pupil's date of birth is known, and open incidents never due."""

from __future__ import annotations

from datetime import date

from app.core.rules.retention import (
    RetentionFacts,
    RetentionSettings,
    RuleKind,
    add_years,
    retention_rule,
)

IRMS = RetentionSettings()


def test_a_safeguarding_concern_is_kept_until_the_youngest_pupil_is_25() -> None:
    facts = RetentionFacts(
        True, date(2020, 3, 1), (date(2007, 9, 1), date(2010, 1, 15), date(2008, 2, 2))
    )
    rule = retention_rule(facts, IRMS)
    assert rule.kind is RuleKind.SAFEGUARDING_BIRTH
    assert rule.review_on == date(2035, 1, 15)  # the youngest: born 15/01/2010
    assert "youngest pupil" in rule.reason and "25" in rule.reason
    assert not rule.due(date(2035, 1, 14))
    assert rule.due(date(2035, 1, 15))


def test_without_a_pupils_date_of_birth_it_says_so_and_counts_from_closing() -> None:
    rule = retention_rule(RetentionFacts(True, date(2020, 3, 1), ()), IRMS)
    assert rule.kind is RuleKind.SAFEGUARDING_CLOSING
    assert rule.review_on == date(2045, 3, 1)
    assert "no pupil's date of birth" in rule.reason
    assert "01/03/2020" in rule.reason


def test_other_incidents_are_kept_the_schools_years_after_closing() -> None:
    facts = RetentionFacts(False, date(2020, 3, 1), (date(2010, 1, 15),))
    assert retention_rule(facts, IRMS).review_on == date(2026, 3, 1)
    mine = RetentionSettings(years_after_closing=3)
    rule = retention_rule(facts, mine)
    assert rule.kind is RuleKind.AFTER_CLOSING
    assert rule.review_on == date(2023, 3, 1)
    assert "3 years after closing (01/03/2020)" in rule.reason


def test_an_open_incident_is_never_due() -> None:
    for concern in (True, False):
        rule = retention_rule(RetentionFacts(concern, None, (date(1990, 1, 1),)), IRMS)
        assert rule.kind is RuleKind.OPEN
        assert rule.review_on is None
        assert not rule.due(date(2100, 1, 1))


def test_the_schools_safeguarding_period_is_used() -> None:
    facts = RetentionFacts(True, date(2020, 3, 1), (date(2010, 1, 15),))
    rule = retention_rule(facts, RetentionSettings(safeguarding_years=30))
    assert rule.review_on == date(2040, 1, 15)


def test_29_february_keeps_to_1_march() -> None:
    assert add_years(date(2008, 2, 29), 25) == date(2033, 3, 1)
    assert add_years(date(2008, 2, 29), 24) == date(2032, 2, 29)
    facts = RetentionFacts(True, date(2020, 3, 1), (date(2008, 2, 29),))
    assert retention_rule(facts, IRMS).review_on == date(2033, 3, 1)
