"""The subject access clock (one calendar month, the ICO's way) and finding other people's
names in free text for redaction."""

from __future__ import annotations

from datetime import date

import pytest

from app.core.rules.redaction import SOMEONE, KnownPerson, NameFinder, context, redact
from app.core.rules.subject_access import (
    add_months,
    extension_still_possible,
    response_due,
)


@pytest.mark.parametrize(
    ("received", "extension", "due"),
    [
        # The corresponding day next month (the ICO's own example: 3 September → 3 October,
        # which in 2026 is a Saturday, so the next working day).
        (date(2026, 9, 3), 0, date(2026, 10, 5)),
        (date(2026, 3, 31), 0, date(2026, 4, 30)),  # no 31 April: the month's last day
        (date(2027, 1, 31), 0, date(2027, 3, 1)),  # 28 February 2027 is a Sunday
        (date(2028, 1, 31), 0, date(2028, 2, 29)),  # a leap year
        (date(2026, 11, 26), 0, date(2026, 12, 29)),  # Sat 26, Sun 27, Boxing Day on Mon 28
        (date(2026, 7, 20), 0, date(2026, 8, 20)),  # the summer holiday pauses nothing
        (date(2027, 1, 31), 2, date(2027, 4, 30)),  # extended by two further months
        (date(2026, 12, 15), 1, date(2027, 2, 15)),
    ],
)
def test_a_request_is_due_a_calendar_month_on(received: date, extension: int, due: date) -> None:
    assert response_due(received, extension) == due


def test_months_and_extensions_are_counted_exactly() -> None:
    assert add_months(date(2026, 12, 31), 2) == date(2027, 2, 28)
    assert add_months(date(2026, 1, 15), 12) == date(2027, 1, 15)
    with pytest.raises(ValueError):
        response_due(date(2026, 1, 1), 3)
    # An extension is decided within the first month (the requester is told then).
    assert extension_still_possible(date(2026, 9, 3), date(2026, 10, 5))
    assert not extension_still_possible(date(2026, 9, 3), date(2026, 10, 6))


SUBJECT = KnownPerson(1, "Jack", "Hughes", "[the subject]")
PEOPLE = [
    SUBJECT,
    KnownPerson(2, "Zoë", "Łukasiewicz", "[another pupil]"),
    KnownPerson(3, "Sarah", "Hughes", "[parent/carer]"),
    KnownPerson(4, "Grace", "O'Neill", "[member of staff]", preferred_given="Gracie"),
    KnownPerson(5, "Jack", "Osei", "[another pupil]"),
    KnownPerson(6, "Nguyễn", "Thị Lan", "[another pupil]"),
]


def _names(text: str) -> list[tuple[str, int | None, str]]:
    return [(f.text, f.person_id, f.role) for f in NameFinder(PEOPLE, SUBJECT).find(text)]


def test_full_names_titles_and_rare_lone_names_are_found_not_the_subjects() -> None:
    text = (
        "Jack Hughes said Zoe Lukasiewicz & Mrs Hughes saw it; Gracie O’Neill told "
        "Mr Okafor. Grace was calm. Later Łukasiewicz posted again, and Jack replied."
    )
    assert _names(text) == [
        ("Zoe Lukasiewicz", 2, "[another pupil]"),  # accents folded
        ("Mrs Hughes", 3, "[parent/carer]"),
        ("Gracie O’Neill", 4, "[member of staff]"),  # the name she goes by
        ("Mr Okafor", None, SOMEONE),  # not in the log: named by title all the same
        ("Łukasiewicz", 2, "[another pupil]"),
    ]  # "Grace" is an everyday word; "Jack" alone is the subject's own name


def test_names_in_other_scripts_and_either_order_are_found() -> None:
    assert _names("Seen by Thị Lan Nguyễn at home") == [("Thị Lan Nguyễn", 6, "[another pupil]")]
    assert _names("OSEI Jack (Year 5)") == [("OSEI Jack", 5, "[another pupil]")]
    # "miss" is a verb unless written as a title.
    assert _names("we will miss Osei") == [("Osei", 5, "[another pupil]")]


def test_the_subjects_full_name_shared_with_another_person_is_asked_about() -> None:
    twin = [*PEOPLE, KnownPerson(7, "Jack", "Hughes", "[another pupil]")]
    found = NameFinder(twin, SUBJECT).find("Jack Hughes posted it")
    assert [(f.text, f.person_id, f.role) for f in found] == [("Jack Hughes", None, SOMEONE)]


def test_redaction_replaces_by_role_except_what_the_dsl_keeps() -> None:
    text = "Zoë Łukasiewicz told Mrs Hughes <at 9am> & left."
    found = NameFinder(PEOPLE, SUBJECT).find(text)
    assert redact(text, found, keep=set()) == "[another pupil] told [parent/carer] <at 9am> & left."
    assert (
        redact(text, found, keep={found[1].start})
        == "[another pupil] told Mrs Hughes <at 9am> & left."
    )
    assert context(text, found[1], width=10) == "…told »Mrs Hughes« <at 9am>…"


def test_an_accounts_one_word_name_is_not_taken_for_a_person() -> None:
    accounts = [*PEOPLE, KnownPerson(-1, "DSL", "", "[member of staff]", whole_name_only=True)]
    accounts.append(KnownPerson(-2, "Priya", "Raman", "[member of staff]", whole_name_only=True))
    found = NameFinder(accounts, SUBJECT).find("The DSL met Priya Raman; Priya said Ms Raman…")
    assert [(f.text, f.person_id) for f in found] == [("Priya Raman", -2), ("Ms Raman", -2)]
