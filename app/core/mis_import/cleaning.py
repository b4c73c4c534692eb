"""What an import file's text may carry into the log: every value is cleaned as typed text
would be (no control characters, no invisible text-direction overrides that could make a
name read as someone else's), and held to the same lengths the People form allows."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import fields, is_dataclass
from typing import Any

#: Format characters that change how text *looks* without being part of it: direction
#: marks, embeddings, overrides and isolates, and the byte-order mark. (Zero-width
#: joiners stay: scripts such as Persian and Malayalam need them.)
_INVISIBLE = frozenset(
    "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\u061c"
)
_INVISIBLE_RE = re.compile(f"[{''.join(sorted(_INVISIBLE))}]")
#: C0 and C1 control characters (tabs and line breaks included; a multi-line field keeps
#: its line breaks, split out before this is applied).
_CONTROL_RE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
#: Fields whose text keeps its line breaks.
_MULTILINE = frozenset({"address"})
#: The longest value each field may hold (the People form's limits).
LIMITS = {
    "given_name": 100,
    "family_name": 100,
    "preferred_given_name": 100,
    "preferred_family_name": 100,
    "title": 20,
    "address": 500,
    "postcode": 12,
    "email": 254,
    "phone": 40,
    "job_title": 200,
    "class_name": 40,
    "relationship": 60,
    "no_contact_reason": 200,
}
_LABELS = {
    "given_name": "forename",
    "family_name": "surname",
    "preferred_given_name": "preferred forename",
    "preferred_family_name": "preferred surname",
    "title": "title",
    "address": "address",
    "postcode": "postcode",
    "email": "email address",
    "phone": "telephone number",
    "job_title": "role",
    "class_name": "class",
    "relationship": "relationship",
    "no_contact_reason": "contact restriction",
}


def clean(value: str, *, multiline: bool = False) -> str:
    """`value` as Footprint keeps it: composed (NFC), without control or invisible
    direction characters, spaces tidied (line breaks kept only when `multiline`)."""
    if not value.isascii():
        value = _INVISIBLE_RE.sub("", unicodedata.normalize("NFC", value))
    if multiline:
        lines = _CONTROL_RE.sub(" ", value.replace("\r\n", "\n").replace("\r", "\n"))
        return "\n".join(tidy for line in lines.split("\n") if (tidy := " ".join(line.split())))
    return " ".join(_CONTROL_RE.sub(" ", value).split())


def clean_fields(record: Any) -> None:
    """Clean every text field of a (mutable) draft dataclass in place."""
    assert is_dataclass(record)
    for f in fields(record):
        value = getattr(record, f.name)
        if isinstance(value, str):
            setattr(record, f.name, clean(value, multiline=f.name in _MULTILINE))


def too_long(record: Any) -> list[str]:
    """Why `record`'s values can't be kept: each one longer than its field allows."""
    reasons = []
    for name, limit in LIMITS.items():
        value = getattr(record, name, None)
        if isinstance(value, str) and len(value) > limit:
            reasons.append(
                f"The {_LABELS[name]} is {len(value):,} characters long; Footprint keeps at "
                f"most {limit}."
            )
    return reasons


def printable(text: str) -> str:
    """`text` safe to print at a terminal: control and invisible direction characters
    replaced (so a value from a file can't move the cursor, recolour or reverse what
    follows it), its spacing otherwise kept."""
    return _CONTROL_RE.sub("?", _INVISIBLE_RE.sub("", text))
