"""The codes and loose words of MIS files: relationships, year groups, yes/no cells."""

from __future__ import annotations

import pytest

from app.core.mis_import.codes import (
    csv_year_group,
    ctf_year_group,
    is_no,
    relationship_words,
    yes_no,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("PAM", ("Mother", "PAM")),
        (" paf ", ("Father", "PAF")),
        ("SWR", ("Social worker", "SWR")),
        ("GRF", ("Grandfather", "GRF")),
        ("Mum", ("Mother", "")),
        ("DAD", ("Father", "")),
        ("Step Father", ("Step-father", "")),
        ("Carer", ("Carer", "")),
        ("ZZQ", ("ZZQ", "")),
        ("Godmother", ("Godmother", "")),
        ("", ("", "")),
    ],
)
def test_relationships(value: str, expected: tuple[str, str]) -> None:
    assert relationship_words(value) == expected


def test_ctf_year_groups() -> None:
    values = ["N1", "N2", "R", "1", "06", "13", "14", "X", "Y6", ""]
    assert [ctf_year_group(v) for v in values] == [
        "N",
        "N",
        "R",
        "1",
        "6",
        "13",
        None,
        None,
        None,
        None,
    ]


def test_csv_year_groups() -> None:
    values = ["Year 6", "Y6", "6", "yr 10", "Reception", "R", "Nursery", "N1", "Year 14", "6K"]
    assert [csv_year_group(v) for v in values] == [
        "6",
        "6",
        "6",
        "10",
        "R",
        "R",
        "N",
        "N",
        None,
        None,
    ]


def test_yes_no() -> None:
    assert [yes_no(v) for v in ("Yes", "y", "TRUE", "1", "x", "No", "n", "False", "0", " ")] == [
        True,
        True,
        True,
        True,
        True,
        False,
        False,
        False,
        False,
        None,
    ]
    with pytest.raises(ValueError):
        yes_no("maybe")
    assert (is_no("None"), is_no("Court order"), is_no("")) == (True, False, False)
