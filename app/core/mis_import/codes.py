"""The codes and loose words an MIS file uses, turned into Footprint's: relationships,
National Curriculum year groups, and yes/no cells."""

from __future__ import annotations

import re

from app.core.folding import tokens
from app.core.vocab import YEAR_GROUPS

#: CTF relationship codes (CBDS "relationship to pupil"). The list is from memory of the
#: CBDS code set and not yet checked against the XSD: an unknown code is kept verbatim.
RELATIONSHIP_CODES: dict[str, str] = {
    "PAM": "Mother",
    "PAF": "Father",
    "STM": "Step-mother",
    "STF": "Step-father",
    "FOM": "Foster mother",
    "FOF": "Foster father",
    "CAR": "Carer",
    "REL": "Other relative",
    "FAM": "Other family member",
    "OTH": "Other contact",
    "DOC": "Doctor",
    "CHM": "Childminder",
    "SWR": "Social worker",
    "GRM": "Grandmother",
    "GRF": "Grandfather",
}

# Words a spreadsheet uses (folded) → the word Footprint shows.
_RELATIONSHIP_WORDS: dict[str, str] = {
    "mother": "Mother",
    "mum": "Mother",
    "mom": "Mother",
    "mam": "Mother",
    "father": "Father",
    "dad": "Father",
    "stepmother": "Step-mother",
    "step mother": "Step-mother",
    "stepfather": "Step-father",
    "step father": "Step-father",
    "foster mother": "Foster mother",
    "foster father": "Foster father",
    "foster carer": "Foster carer",
    "carer": "Carer",
    "guardian": "Guardian",
    "grandmother": "Grandmother",
    "grandma": "Grandmother",
    "nan": "Grandmother",
    "grandfather": "Grandfather",
    "grandad": "Grandfather",
    "aunt": "Aunt",
    "uncle": "Uncle",
    "other relative": "Other relative",
    "relative": "Other relative",
    "other family member": "Other family member",
    "other contact": "Other contact",
    "doctor": "Doctor",
    "childminder": "Childminder",
    "social worker": "Social worker",
}


def relationship_words(text: str) -> tuple[str, str]:
    """(words, code) for a relationship cell or element: ("Mother", "PAM") for a CTF
    code, ("Mother", "") for a word we know, and the text as it is otherwise."""
    text = text.strip()
    code = text.upper()
    if code in RELATIONSHIP_CODES:
        return RELATIONSHIP_CODES[code], code
    words = " ".join(tokens(text))
    if words in _RELATIONSHIP_WORDS:
        return _RELATIONSHIP_WORDS[words], ""
    return text, ""


def ctf_year_group(value: str) -> str | None:
    """A CTF NCyearActual as one of YEAR_GROUPS; None for 14, X (no year group) or an
    unknown value (the reader warns)."""
    text = value.strip().upper()
    if text in ("N1", "N2", "N"):
        return "N"
    if text == "R":
        return "R"
    if text.isdigit() and str(int(text)) in YEAR_GROUPS:
        return str(int(text))
    return None


_YEAR_WORDS = re.compile(r"^(?:year|yr|y|nc year|ncy)?\s*(\d{1,2})$")


def csv_year_group(value: str) -> str | None:
    """A spreadsheet's year group ("Year 6", "Y6", "6", "Reception", "R", "Nursery", "N1")
    as one of YEAR_GROUPS; None when it isn't one."""
    words = " ".join(tokens(value))
    if words in ("reception", "r", "rec", "yr r", "year r", "f2", "fs2"):
        return "R"
    if words in ("nursery", "n", "n1", "n2", "f1", "fs1"):
        return "N"
    match = _YEAR_WORDS.match(words.replace("year ", "year").replace("yr ", "yr"))
    if match and str(int(match.group(1))) in YEAR_GROUPS:
        return str(int(match.group(1)))
    return ctf_year_group(value)


_YES = frozenset({"yes", "y", "true", "t", "1", "x"})
_NO = frozenset({"no", "n", "false", "f", "0", "none"})


def yes_no(value: str) -> bool | None:
    """True for "Yes", "Y", "True", "1", "x"; False for "No", "N", "False", "0"; None for
    an empty cell. Anything else raises ValueError (the reader refuses or warns)."""
    text = value.strip().casefold()
    if not text:
        return None
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(value)


def is_no(value: str) -> bool:
    """Whether a cell says "no" (for a free-text column such as "Court order")."""
    return value.strip().casefold() in _NO
