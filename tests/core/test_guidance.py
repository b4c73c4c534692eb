"""Next-step guidance: each category and kind of poster leads to the policy's next step."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.core.rules.guidance import (
    EscalationFact,
    IncidentFacts,
    LinkFact,
    PosterFact,
    RequestFact,
    Step,
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
        others=kw.pop("others", []),  # type: ignore[arg-type]
        links=kw.pop("links", []),  # type: ignore[arg-type]
        aware_at=kw.pop("aware_at", None),  # type: ignore[arg-type]
        parent_informed=kw.pop("parent_informed", None),  # type: ignore[arg-type]
        parent_informed_by=kw.pop("parent_informed_by", ""),  # type: ignore[arg-type]
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
    actions = _actions(_facts(category, posters=[poster]))
    if category is Category.IMAGE_WITHOUT_CONSENT and kind is not PersonKind.PARENT:
        # A photo of pupils posted by someone working for the school is its own breach:
        # the data protection officer comes first (the ICO's 72 hours are running).
        assert actions[0] == ("escalate", K.DPO_DATA_BREACH)
    assert ("request_deletion", 7) in actions[:2]


@pytest.mark.parametrize(
    ("category", "expected"),
    [
        (Category.POTENTIALLY_ILLEGAL, K.POLICE_NON_EMERGENCY),
        (Category.AGGRESSIVE, K.POLICE_NON_EMERGENCY),
        (Category.EXTREMISM, K.ACT),
    ],
)
def test_categories_that_go_beyond_the_school(category: Category, expected: EscalationKind) -> None:
    steps = next_steps(_facts(category), now=NOW, today=TODAY)
    assert (steps[0].action, steps[0].escalation_kind) == (StepAction.ESCALATE, expected)
    # Evidence first: nobody is asked to delete what may be evidence of a crime.
    assert any("Capture the evidence first" in s.advice for s in steps)
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
    # The headteacher, then the LADO if the harm test is met or else a low-level concern,
    # without alerting the adult: no request, no code-of-conduct step.
    assert [a for a in from_staff if a[0] != "none"] == [
        ("escalate", K.HEADTEACHER),
        ("escalate", K.LADO),
        ("escalate", K.LOW_LEVEL_CONCERN),
    ]


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


# -- Routes as UK practice has them ---------------------------------------------------

TEACHER = PosterFact(6, "Mrs Ama Mensah", PersonKind.STAFF)
CONTRACTOR = PosterFact(8, "Kwame Photography Ltd", PersonKind.CONTRACTOR)
SOURCES = (
    "school's social media policy (“",
    "KCSIE",
    "UKCIS guidance “Sharing nudes and semi-nudes” (2024)",
    "Prevent duty guidance",
    "SWGfL",
    "ICO",
)


def _steps(facts: IncidentFacts, now: datetime = NOW) -> list[Step]:
    return next_steps(facts, now=now, today=now.date())


def _reported(hours_ago: float) -> list[EscalationFact]:
    return [
        EscalationFact(K.PLATFORM_REPORT, NOW - timedelta(hours=hours_ago), EscalationStatus.OPEN)
    ]


def _done(*kinds: EscalationKind) -> list[EscalationFact]:
    return [EscalationFact(kind, NOW, EscalationStatus.OPEN) for kind in kinds]


def _text(steps: list[Step]) -> str:
    return " ".join(f"{s.advice} {s.why}" for s in steps)


def test_prevent_is_for_a_person_not_for_hate_speech() -> None:
    # A post by someone outside the school: the post goes to ACT or the police, never Prevent.
    outside = _steps(_facts(Category.EXTREMISM, posters=[STRANGER]))
    kinds = [s.escalation_kind for s in outside if s.action is StepAction.ESCALATE]
    assert kinds[:2] == [K.ACT, K.TRUE_VISION]
    assert K.PREVENT not in kinds
    assert "Extremism and hate speech fall under the Prevent duty" not in _text(outside)
    # A pupil who posted it may be a person at risk: Prevent is about them, and said so.
    pupil = _steps(_facts(Category.EXTREMISM, posters=[PUPIL]))
    [prevent] = [s for s in pupil if s.escalation_kind is K.PREVENT]
    assert prevent.person_id == PUPIL.person_id
    assert prevent.advice.startswith("Only if Zoë Okafor seems at risk of being drawn into")
    assert "not for the post itself" in prevent.why
    assert "Prevent duty guidance" in prevent.why


def test_hate_speech_goes_to_the_police_or_true_vision_once() -> None:
    to_police = _actions(
        _facts(Category.EXTREMISM, posters=[STRANGER], escalations=_done(K.POLICE_NON_EMERGENCY))
    )
    assert ("escalate", K.TRUE_VISION) not in to_police
    assert ("escalate", K.ACT) in to_police
    after_act = _actions(
        _facts(Category.EXTREMISM, posters=[STRANGER], escalations=_done(K.ACT, K.TRUE_VISION))
    )
    assert ("escalate", K.ACT) not in after_act and ("escalate", K.TRUE_VISION) not in after_act


def test_prejudice_based_posts_by_adults_may_be_a_hate_crime() -> None:
    by_parent = _actions(_facts(Category.PREJUDICE_BASED, posters=[PARENT]))
    assert by_parent == [("escalate", K.TRUE_VISION), ("request_deletion", PARENT.person_id)]
    by_unknown = _actions(_facts(Category.PREJUDICE_BASED, posters=[]))
    assert ("escalate", K.TRUE_VISION) in by_unknown
    # A pupil's prejudice-based post follows the behaviour policy, not the police.
    by_pupil = _actions(_facts(Category.PREJUDICE_BASED, posters=[PUPIL]))
    assert ("escalate", K.TRUE_VISION) not in by_pupil
    assert ("escalate", K.BEHAVIOUR_POLICY) in by_pupil


@pytest.mark.parametrize("category", [Category.GROOMING, Category.SEXTORTION])
def test_grooming_and_sextortion_go_to_ceop(category: Category) -> None:
    steps = _steps(_facts(category, posters=[STRANGER], still_live=True))
    assert (steps[0].action, steps[0].escalation_kind) == (StepAction.ESCALATE, K.CEOP)
    assert "999" in steps[0].advice and "immediate danger" in steps[0].advice
    assert all(s.action is not StepAction.REQUEST_DELETION for s in steps)
    reported = _actions(_facts(category, posters=[STRANGER], escalations=_reported(60)))
    assert ("escalate", K.REPORT_HARMFUL_CONTENT) not in reported
    assert ("escalate", K.CEOP) in reported
    assert ("escalate", K.CEOP) not in _actions(_facts(category, escalations=_done(K.CEOP)))


def test_sextortion_also_gets_report_remove_and_never_a_copied_image() -> None:
    steps = _steps(_facts(Category.SEXTORTION, posters=[STRANGER]))
    assert ("escalate", K.IWF_REPORT_REMOVE) in _actions(_facts(Category.SEXTORTION))
    assert any(s.advice.startswith("Don't view, copy, print") for s in steps)
    assert "screenshots" not in _text(steps)


def test_a_nude_image_is_described_never_stored_and_goes_to_report_remove() -> None:
    steps = _steps(_facts(Category.NUDE_IMAGE, posters=[PUPIL]))
    advice = [s.advice for s in steps]
    assert advice[0].startswith("Don't view, copy, print, forward or store the image")
    assert "Footprint refuses image files" in advice[0]
    assert "UKCIS guidance “Sharing nudes and semi-nudes” (2024)" in steps[0].why
    assert (steps[1].action, steps[1].escalation_kind) == (StepAction.ESCALATE, K.IWF_REPORT_REMOVE)
    assert "Report Remove" in steps[1].advice
    assert steps[2].escalation_kind is K.POLICE_NON_EMERGENCY
    assert "an adult is involved" in steps[2].advice and "under 13" in steps[2].advice
    # Never a screenshot, never a letter asking for deletion.
    assert "screenshots" not in _text(steps)
    assert all(s.action is not StepAction.REQUEST_DELETION for s in steps)
    handled = _actions(
        _facts(Category.NUDE_IMAGE, posters=[PUPIL], escalations=_done(K.IWF_REPORT_REMOVE, K.CEOP))
    )
    assert ("escalate", K.IWF_REPORT_REMOVE) not in handled
    assert ("escalate", K.POLICE_NON_EMERGENCY) not in handled


def test_self_harm_content_is_a_safeguarding_concern_with_early_help() -> None:
    actions = _actions(_facts(Category.SELF_HARM, posters=[STRANGER]))
    assert actions[:2] == [("mark_safeguarding", None), ("escalate", K.EARLY_HELP_MASH)]
    # Self-harm content is within Report Harmful Content's categories.
    later = _actions(
        _facts(Category.SELF_HARM, posters=[STRANGER], safeguarding=True, escalations=_reported(60))
    )
    assert ("mark_safeguarding", None) not in later
    assert ("escalate", K.REPORT_HARMFUL_CONTENT) in later
    referred = _actions(_facts(Category.SELF_HARM, escalations=_done(K.CHILDRENS_SOCIAL_CARE)))
    assert ("escalate", K.EARLY_HELP_MASH) not in referred


@pytest.mark.parametrize(
    "category",
    [Category.EXTREMISM, Category.NUDE_IMAGE, Category.SEXTORTION, Category.GROOMING],
)
def test_report_harmful_content_is_never_offered_for_terrorist_or_abuse_content(
    category: Category,
) -> None:
    for hours in (10, 60):
        steps = _steps(_facts(category, posters=[STRANGER], escalations=_reported(hours)))
        assert all(s.escalation_kind is not K.REPORT_HARMFUL_CONTENT for s in steps)
        assert "Report Harmful Content" not in _text(steps)


def test_report_harmful_content_only_after_a_platform_report_and_48_hours() -> None:
    never_reported = _steps(_facts(Category.BULLYING, posters=[STRANGER]), now=NOW)
    assert "Report Harmful Content" not in _text(never_reported)
    early = _steps(_facts(Category.BULLYING, posters=[STRANGER], escalations=_reported(47)))
    assert ("escalate", K.REPORT_HARMFUL_CONTENT) not in [
        (s.action.value, s.escalation_kind) for s in early
    ]
    assert any("Report Harmful Content can take it from" in s.advice for s in early)
    late = _actions(_facts(Category.BULLYING, posters=[STRANGER], escalations=_reported(48)))
    assert ("escalate", K.REPORT_HARMFUL_CONTENT) in late


def test_the_helpline_may_be_called_straight_away_for_a_safeguarding_concern() -> None:
    plain = _actions(_facts(Category.BULLYING, posters=[STRANGER]))
    assert plain == [("escalate", K.PLATFORM_REPORT)]
    concern = _steps(_facts(Category.BULLYING, posters=[STRANGER], safeguarding=True))
    assert [(s.action, s.escalation_kind) for s in concern] == [
        (StepAction.ESCALATE, K.PLATFORM_REPORT),
        (StepAction.ESCALATE, K.POSH),
    ]
    assert "straight away" in concern[1].why
    called = _actions(
        _facts(Category.BULLYING, posters=[STRANGER], safeguarding=True, escalations=_done(K.POSH))
    )
    assert called == [("escalate", K.PLATFORM_REPORT)]


def test_lado_only_where_the_harm_test_is_met_otherwise_a_low_level_concern() -> None:
    steps = _steps(_facts(Category.PUPIL_STAFF_CONTACT, posters=[STAFF]))
    [lado] = [s for s in steps if s.escalation_kind is K.LADO]
    [low] = [s for s in steps if s.escalation_kind is K.LOW_LEVEL_CONCERN]
    assert lado.advice.startswith("If the harm test is met")
    assert "KCSIE Part 4" in lado.why and "only where the harm test is met" in lado.why
    assert low.advice.startswith("If it doesn't meet the harm test")
    assert "low-level concern" in low.why
    for decided in (K.LADO, K.LOW_LEVEL_CONCERN):
        after = _actions(
            _facts(Category.PUPIL_STAFF_CONTACT, posters=[STAFF], escalations=_done(decided))
        )
        assert ("escalate", K.LADO) not in after
        assert ("escalate", K.LOW_LEVEL_CONCERN) not in after


def test_a_pupils_friend_request_to_staff_is_contact_not_a_post() -> None:
    facts = _facts(Category.PUPIL_STAFF_CONTACT, posters=[PUPIL], others=[TEACHER], links=[])
    steps = _steps(facts)
    text = _text(steps)
    assert "delete" not in text.lower()
    assert all(
        s.action not in (StepAction.REQUEST_DELETION, StepAction.SECOND_REQUEST) for s in steps
    )
    assert all(s.escalation_kind is not K.PLATFORM_REPORT for s in steps)
    advice = [s.advice for s in steps]
    assert "The exceptions register has no link between Zoë Okafor and Mrs Ama Mensah." in advice
    assert (
        "Advise Mrs Ama Mensah not to accept the request or reply on social media, and to keep "
        "contact with pupils to school email." in advice
    )
    assert any(a.startswith("Tell the pupil's parents, and record who told them") for a in advice)
    assert ("mark_safeguarding", None) in _actions(facts)
    [behaviour] = [s for s in steps if s.escalation_kind is K.BEHAVIOUR_POLICY]
    assert "friend request" in behaviour.advice and "post" not in behaviour.advice


def test_a_friend_request_with_nobody_else_named_still_advises_the_staff_member() -> None:
    steps = _steps(_facts(Category.PUPIL_STAFF_CONTACT, posters=[PUPIL], links=[]))
    assert any(s.advice.startswith("Advise the member of staff not to accept") for s in steps)
    assert "delete" not in _text(steps).lower()


def test_an_approved_link_is_shown_and_the_staff_member_is_not_told_to_refuse() -> None:
    link = LinkFact(PUPIL.person_id, TEACHER.person_id, "aunt", True, date(2026, 9, 3), "Facebook")
    steps = _steps(
        _facts(Category.PUPIL_STAFF_CONTACT, posters=[PUPIL], others=[TEACHER], links=[link])
    )
    advice = [s.advice for s in steps]
    assert (
        "Approved link: Zoë Okafor and Mrs Ama Mensah (aunt on Facebook, approved 03/09/2026). "
        "Check the contact stays within it." in advice
    )
    assert not any(a.startswith("Advise Mrs Ama Mensah") for a in advice)


def test_a_declared_link_awaiting_approval_is_said_so() -> None:
    link = LinkFact(PUPIL.person_id, TEACHER.person_id, "uncle", False)
    steps = _steps(
        _facts(Category.PUPIL_STAFF_CONTACT, posters=[PUPIL], others=[TEACHER], links=[link])
    )
    advice = [s.advice for s in steps]
    assert (
        "Zoë Okafor and Mrs Ama Mensah have a link declared (uncle) but not yet approved by the "
        "headteacher." in advice
    )
    assert any(a.startswith("Advise Mrs Ama Mensah not to accept") for a in advice)


def test_someone_who_may_not_see_the_register_is_told_to_ask_the_dsl() -> None:
    steps = _steps(
        _facts(Category.PUPIL_STAFF_CONTACT, posters=[PUPIL], others=[TEACHER], links=None)
    )
    assert steps[0].advice == "Ask the DSL to check the exceptions register for an approved link."


def test_who_told_the_parents_is_asked_for_until_recorded() -> None:
    def advice(**kw: object) -> list[str]:
        facts = _facts(Category.PUPIL_STAFF_CONTACT, posters=[PUPIL], others=[TEACHER], **kw)
        return [s.advice for s in _steps(facts)]

    assert "Record who told the parents." in advice(parent_informed=True)
    told = advice(parent_informed=True, parent_informed_by="Mrs Whitlock (DSL)")
    assert not any("told" in a and "parent" in a for a in told)
    assert not any("parents" in a for a in advice(parent_informed=False))


def test_a_photo_of_pupils_posted_by_staff_is_the_schools_data_breach() -> None:
    aware = datetime(2026, 11, 24, 8, 30, tzinfo=UTC)
    for poster in (TEACHER, CONTRACTOR):
        steps = _steps(_facts(Category.IMAGE_WITHOUT_CONSENT, posters=[poster], aware_at=aware))
        assert (steps[0].action, steps[0].escalation_kind) == (
            StepAction.ESCALATE,
            K.DPO_DATA_BREACH,
        )
        assert poster.name in steps[0].advice
        assert "within 72 hours of the school becoming aware — by 27/11/2026 08:30" in (
            steps[0].advice
        )
        assert "ICO" in steps[0].why
    by_parent = _actions(_facts(Category.IMAGE_WITHOUT_CONSENT, posters=[PARENT], aware_at=aware))
    assert ("escalate", K.DPO_DATA_BREACH) not in by_parent
    told = _actions(
        _facts(
            Category.IMAGE_WITHOUT_CONSENT,
            posters=[TEACHER],
            escalations=_done(K.DPO_DATA_BREACH),
        )
    )
    assert ("escalate", K.DPO_DATA_BREACH) not in told


POSTER_SETS = [[], [PARENT], [PUPIL], [STAFF], [STRANGER], [CONTRACTOR], [PUPIL, STRANGER]]


@pytest.mark.parametrize("category", [c for c in Category if c is not Category.PRAISE])
def test_every_reason_names_its_source(category: Category) -> None:
    for posters in POSTER_SETS:
        for kw in (
            {},
            {"safeguarding": True, "escalations": _reported(60)},
            {"others": [TEACHER], "links": None, "parent_informed": True},
            {"aware_at": NOW},
        ):
            for step in _steps(_facts(category, posters=posters, **kw)):
                assert step.why.endswith("."), step
                assert any(source in step.why for source in SOURCES), step
                assert "; The " not in step.why and ": The school" not in step.why, step


@pytest.mark.parametrize("category", list(Category))
def test_the_wrong_advice_is_gone(category: Category) -> None:
    for posters in POSTER_SETS:
        for kw in ({}, {"escalations": _reported(60)}, {"others": [TEACHER]}):
            steps = _steps(_facts(category, posters=posters, **kw))
            text = _text(steps)
            assert "ask the pupil to delete" not in text.lower()
            assert "fall under the Prevent duty" not in text
            if category is Category.PUPIL_STAFF_CONTACT:
                assert "delete" not in text.lower()
            if category in (Category.NUDE_IMAGE, Category.SEXTORTION):
                assert "screenshot" not in text.lower()
            for step in steps:
                if step.escalation_kind is K.PREVENT:
                    assert step.person_id is not None, "Prevent is about a person"
                if step.escalation_kind is K.LADO:
                    assert "harm test" in step.advice
