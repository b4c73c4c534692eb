"""A subject access pack as plain data: the review the DSL works through before the pack is
made, the decisions taken there, and the pack's content (already redacted) that the
document prints. Here, between the services and `app/documents`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Occurrence:
    """A name found in free text: where, the words around it, and what replaces it."""

    #: Stable between the review and the making: "table:id:field:offset".
    key: str
    location: str
    name: str
    replaced_by: str
    context: str


@dataclass(frozen=True)
class ImageChoice:
    """An evidence image that is listed in the pack, and may be put in it once viewed."""

    evidence_id: int
    location: str
    description: str
    #: The DSL has looked at it (on the audit trail) since the request was recorded.
    viewed: bool


@dataclass(frozen=True)
class ItemChoice:
    """An item of the pack the DSL may withhold (with a reason)."""

    key: str
    location: str
    #: What it says, in short (for the DSL to recognise it; never printed).
    summary: str


@dataclass(frozen=True)
class PackReview:
    """What the DSL confirms before the pack is made."""

    occurrences: tuple[Occurrence, ...]
    images: tuple[ImageChoice, ...]
    items: tuple[ItemChoice, ...]
    #: Replacements made without asking (other people's names in structured fields, other
    #: posters' accounts and links, contacts at outside agencies): in the log all the same.
    automatic: int


@dataclass(frozen=True)
class PackDecisions:
    """The DSL's choices: names to keep (occurrence key → why), items to withhold (item
    key → why, e.g. the serious harm exemption), and images to include (each viewed)."""

    keep: Mapping[str, str] = field(default_factory=dict)
    withhold: Mapping[str, str] = field(default_factory=dict)
    include_images: frozenset[int] = frozenset()


@dataclass(frozen=True)
class PackLine:
    """A label and its value, in words (redaction done)."""

    label: str
    value: str


@dataclass(frozen=True)
class PackItem:
    """One record in the pack, and an image if the DSL included it."""

    heading: str
    lines: tuple[PackLine, ...]
    image: bytes | None = None


@dataclass(frozen=True)
class PackSection:
    title: str
    intro: str
    items: tuple[PackItem, ...]


@dataclass(frozen=True)
class SubjectAccessPack:
    """Everything the document prints."""

    school_name: str
    subject_name: str
    requester_name: str
    requester_relationship: str
    received_on: date
    produced_on: date
    sections: tuple[PackSection, ...]
