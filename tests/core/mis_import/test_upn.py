"""The UPN check letter (DfE data standard; vectors from python-stdnum's doctest)."""

from __future__ import annotations

import pytest

from app.core.mis_import.upn import check_letter, make_upn, normalise_upn, upn_problem


def test_the_published_vectors() -> None:
    assert upn_problem("B801200005001") is None
    assert upn_problem("A801200005001") == (
        "The UPN A801200005001 has a wrong check letter: it begins with A but its digits "
        "need B. It may have been mistyped in the MIS."
    )


def test_spaces_and_lower_case_are_forgiven() -> None:
    assert normalise_upn(" b801 2000 05001 ") == "B801200005001"
    assert upn_problem(" b801 2000 05001 ") is None


@pytest.mark.parametrize(
    "upn",
    ["", "B80120000500", "B8012000050011", "1801200005001", "B80120000500I", "B8012X0005001"],
)
def test_malformed_upns_are_named(upn: str) -> None:
    problem = upn_problem(upn)
    assert problem is not None
    if upn:
        assert problem.startswith(f"The UPN {upn} is not in the form of a UPN")
    else:
        assert problem == "There is no UPN."


def test_a_temporary_upn_counts_its_last_letter() -> None:
    # Body 80120000500 + "A" (value 0, weight 13) has the same sum as ...5000 → "E"?
    body = "80120000500A"
    letter = check_letter(body)
    assert letter == check_letter("801200005000")
    assert upn_problem(letter + body) is None
    # With "B" (value 1) the sum grows by 13.
    assert (
        check_letter("80120000500B")
        == "ABCDEFGHJKLMNPQRTUVWXYZ"[("ABCDEFGHJKLMNPQRTUVWXYZ".index(letter) + 13) % 23]
    )


def test_made_upns_are_valid_and_distinct() -> None:
    upns = {make_upn(380, 2093, n) for n in range(5000)}
    assert len(upns) == 5000
    assert all(upn_problem(u) is None for u in upns)
    assert make_upn("380", "2093", 5, year=10) == "U380209310005"
