"""The Unique Pupil Number (UPN) and its check letter (DfE data standard; the same
algorithm as python-stdnum's `gb.upn`, written out so there is no dependency for 20 lines).

A UPN is 13 characters: a check letter, the 3-digit LA code, the 4-digit establishment
number, 2 digits of the year it was issued and a 3-digit serial ("Annnnnnnnnnnn"). A
temporary UPN ends with a letter instead of the last digit ("AnnnnnnnnnnnA")."""

from __future__ import annotations

import re

#: The check letters, in value order: no I, O or S (too like 1, 0 and 5).
CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_SHAPE = re.compile(rf"^[A-Z][0-9]{{11}}[0-9{CHECK_LETTERS}]$")


def normalise_upn(upn: str) -> str:
    """Upper case without spaces: how a UPN is checked and stored."""
    return "".join(upn.split()).upper()


def check_letter(body: str) -> str:
    """The check letter for the 12 characters after it (positions 2 to 13)."""
    total = 0
    for position, char in enumerate(body, start=2):
        # A digit counts as itself; a temporary UPN's last letter as its place in the list.
        value = int(char) if char.isdigit() else CHECK_LETTERS.index(char)
        total += position * value
    return CHECK_LETTERS[total % 23]


def upn_problem(upn: str) -> str | None:
    """None when `upn` is a well-formed UPN with the right check letter; otherwise what is
    wrong with it, as a sentence for the DSL."""
    text = normalise_upn(upn)
    if not text:
        return "There is no UPN."
    if len(text) != 13 or not _SHAPE.match(text):
        return (
            f"The UPN {text} is not in the form of a UPN (a letter, 11 digits, and a digit "
            "or a letter)."
        )
    expected = check_letter(text[1:])
    if text[0] != expected:
        return (
            f"The UPN {text} has a wrong check letter: it begins with {text[0]} but its "
            f"digits need {expected}. It may have been mistyped in the MIS."
        )
    return None


def make_upn(la: str | int, estab: str | int, serial: int, *, year: int = 10) -> str:
    """A valid UPN for the school `la`/`estab` (test files and the demonstration school).
    `serial` is the pupil's number (0-999) and `year` the 2-digit year of issue; a larger
    `serial` carries into the year so that any number of pupils get different UPNs."""
    year, serial = year + serial // 1000, serial % 1000
    body = f"{int(la):03d}{int(estab):04d}{year % 100:02d}{serial:03d}"
    return check_letter(body) + body
