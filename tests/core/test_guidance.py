"""Next-step guidance: each category and kind of poster leads to the policy's next step."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.core.rules.guidance import (
    EscalationFact,
    IncidentFacts,
    PosterFact,
    RequestFact,
    StepAction,
    next_steps,
)
from app.core.vocab import (
    Category,
    DeletionOutcome,
    EscalationKind,
    EscalationStatus,
    IncidentStatus,
    PersonKind,
)

NOW = datetime(2026, 11, 24, 10, tzinfo=UTC)
TODAY = date(2026, 11, 24)
PARENT = PosterFact(1, "Siobhán O'Neill", PersonKind.PARENT)
PUPIL = PosterFact(2, "Zoë Okafor", PersonKind.PUPIL)
STAFF = PosterFact(3, "Mr Ł. Nowak", PersonKind.STAFF)
STRANGER = PosterFact(4, "@elmford.tea.spill", PersonKind.THIRD_PARTY)
K = EscalationKind


def _facts(
    *categories: Category, posters: list[PosterFact] | None = None, **kw: object
) -> IncidentFacts:
    return IncidentFacts(
        status=kw.pop("status", IncidentStatus.IN_PROGRESS),  # type: ignore[arg-type]
        categories=frozenset(categories),
        safeguarding_concern=bool(kw.pop("safeguarding", False)),
        still_live=kw.pop("still_live", True),  # type: ignore[arg-type]
        posters=posters if posters is not None else [PARENT],
        requests=kw.pop("requests", []),  # type: ignore[arg-type]
        escalations=kw.pop("escalations", []),  # type: ignore[arg-type]
    )


def _actions(facts: IncidentFacts, now: datetime = NOW) -> list[tuple[str, object]]:
    return [
        (s.action.value, s.escalation_kind or s.person_id)
        for s in next_steps(facts, now=now, today=now.date())
    ]


def test_a_parent_poster_is_asked_to_delete() -> None:
    assert _actions(_facts(Category.RUDE_OR_INSULTING)) == [("request_deletion", 1)]


def test_a_complaint_on_social_media_also_points_to_the_complaints_procedure() -> None:
    assert _actions(_facts(Category.COMPLAINT_SHARED)) == [
        ("request_deletion", 1),
        ("escalate", K.COMPLAINTS_PROCEDURE),
    ]


@pytest.mark.parametrize(
    "category",
    [
        Category.BULLYING,
        Category.IMAGE_WITHOUT_CONSENT,
        Category.UNDERAGE_USE,
        Category.IMPERSONATION,
        Category.DISREPUTE,
        Category.OTHERWISE_INAPPROPRIATE,
    ],
)
@pytest.mark.parametrize(
    "kind", [PersonKind.PARENT, PersonKind.GOVERNOR, PersonKind.VOLUNTEER, PersonKind.CONTRACTOR]
)
def test_anyone_in_the_school_community_is_asked_to_delete(
    category: Category, kind: PersonKind
) -> None:
    poster = PosterFact(7, "Aoife Byrne", kind)
    assert _actions(_facts(category, posters=[poster]))[0] == ("request_deletion", 7)


@pytest.mark.parametrize(
    ("category", "expected"),
    [
        (Category.POTENTIALLY_ILLEGAL, K.POLICE_NON_EMERGENCY),
        (Category.AGGRESSIVE, K.POLICE_NON_EMERGENCY),
        (Category.EXTREMISM, K.PREVENT),
    ],
)
def test_categories_that_go_beyond_the_school(category: Category, expected: EscalationKind) -> None:
    steps = next_steps(_facts(category), now=NOW, today=TODAY)
    assert (steps[0].action, steps[0].escalation_kind) == (StepAction.ESCALATE, expected)
    # Evidence first: nobody is asked to delete what may be evidence of a crime.
    assert "Capture the evidence first" in steps[1].advice
    assert all(s.action is not StepAction.REQUEST_DELETION for s in steps)
    done = _facts(category, escalations=[EscalationFact(expected, NOW, EscalationStatus.OPEN)])
    assert ("escalate", expected) not in _actions(done)


def test_a_third_party_goes_to_the_platform_then_the_helpline_then_rhc() -> None:
    first = _facts(Category.RUDE_OR_INSULTING, posters=[STRANGER])
    assert _actions(first) == [("escalate", K.PLATFORM_REPORT)]
    reported = [EscalationFact(K.PLATFORM_REPORT, NOW - timedelta(hours=10), EscalationStatus.OPEN)]
    early = next_steps(
        _facts(Category.RUDE_OR_INSULTING, posters=[STRANGER], escalations=reported),
        now=NOW,
        today=TODAY,
    )
    assert [(s.action, s.escalation_kind) for s in early] == [
        (StepAction.ESCALATE, K.POSH),
        (StepAction.NONE, None),
    ]
    assert "from 26/11/2026 00:00" in early[1].advice  # 48 hours after 00:00 on 24/11
    later = _actions(
        _facts(Category.RUDE_OR_INSULTING, posters=[STRANGER], escalations=reported),
        now=NOW + timedelta(hours=40),
    )
    assert ("escalate", K.REPORT_HARMFUL_CONTENT) in later


def test_an_unknown_poster_is_treated_as_a_third_party() -> None:
    assert _actions(_facts(Category.IMPERSONATION, posters=[])) == [("escalate", K.PLATFORM_REPORT)]


def test_a_passed_deadline_suggests_a_second_request_or_the_platform() -> None:
    late = RequestFact(9, PARENT.person_id, DeletionOutcome.PENDING, True, date(2026, 11, 20))
    steps = next_steps(_facts(Category.BULLYING, requests=[late]), now=NOW, today=TODAY)
    assert [(s.action, s.request_id or s.escalation_kind) for s in steps] == [
        (StepAction.SECOND_REQUEST, 9),
        (StepAction.ESCALATE, K.PLATFORM_REPORT),
    ]
    assert "20/11/2026" in steps[0].why
    waiting = RequestFact(9, PARENT.person_id, DeletionOutcome.PENDING, True, date(2026, 11, 25))
    assert _actions(_facts(Category.BULLYING, requests=[waiting])) == []


def test_pupils_and_staff_follow_their_own_policies() -> None:
    assert ("escalate", K.BEHAVIOUR_POLICY) in _actions(_facts(Category.BULLYING, posters=[PUPIL]))
    assert ("escalate", K.STAFF_CODE_OF_CONDUCT) in _actions(
        _facts(Category.DISREPUTE, posters=[STAFF])
    )


def test_pupil_staff_contact_goes_to_the_dsl_or_the_headteacher() -> None:
    from_pupil = _actions(_facts(Category.PUPIL_STAFF_CONTACT, posters=[PUPIL]))
    assert ("mark_safeguarding", None) in from_pupil
    flagged = _actions(_facts(Category.PUPIL_STAFF_CONTACT, posters=[PUPIL], safeguarding=True))
    assert ("mark_safeguarding", None) not in flagged
    from_staff = _actions(_facts(Category.PUPIL_STAFF_CONTACT, posters=[STAFF]))
    # Headteacher and LADO, without alerting the adult: no request, no code-of-conduct step.
    assert from_staff == [("escalate", K.HEADTEACHER), ("escalate", K.LADO)]


def test_nothing_to_do_for_praise_closed_or_removed() -> None:
    praise = next_steps(_facts(Category.PRAISE), now=NOW, today=TODAY)
    assert [s.action for s in praise] == [StepAction.NONE]
    assert _actions(_facts(Category.BULLYING, status=IncidentStatus.CLOSED)) == []
    gone = RequestFact(9, PARENT.person_id, DeletionOutcome.REMOVED, True, date(2026, 11, 20))
    assert _actions(_facts(Category.BULLYING, requests=[gone])) == []


def test_removal_counts_for_the_poster_whose_post_came_down() -> None:
    other = PosterFact(5, "Chidi Okafor", PersonKind.PARENT)
    gone = RequestFact(9, PARENT.person_id, DeletionOutcome.REMOVED, True, date(2026, 11, 20))
    both = _facts(Category.BULLYING, posters=[PARENT, other], requests=[gone])
    assert _actions(both) == [("request_deletion", 5)]
    mixed = _facts(Category.BULLYING, posters=[PARENT, STRANGER], requests=[gone])
    assert _actions(mixed) == [("escalate", K.PLATFORM_REPORT)]
    partly = RequestFact(9, PARENT.person_id, DeletionOutcome.PARTLY_REMOVED, True, None)
    assert _actions(_facts(Category.BULLYING, requests=[partly]))[0] == ("second_request", 1)
