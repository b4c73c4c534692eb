"""The writes an import makes, worked out together with its plan (so applying makes
exactly the change previewed), and how stored values read in the preview."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.core.timefmt import format_date
from app.core.vocab import PersonKind

#: A person a write refers to: their id in the log, or the record key of a new person.
Ref = int | str


def show(field_name: str, value: object) -> str:
    """A stored value as the preview shows it."""
    if value is None:
        return ""
    if isinstance(value, date):
        return format_date(value)
    if field_name == "year_group":
        return {"N": "Nursery", "R": "Reception"}.get(str(value), f"Year {value}")
    return str(value)


@dataclass
class NewLink:
    parent: Ref
    child: Ref
    values: dict[str, object]


@dataclass
class Work:
    """The writes applying makes, worked out with the plan (so they are the same)."""

    new_people: dict[str, tuple[PersonKind, dict[str, object]]] = field(default_factory=dict)
    updates: dict[int, dict[str, object]] = field(default_factory=dict)
    leavers: list[int] = field(default_factory=list)
    new_links: list[NewLink] = field(default_factory=list)
    link_updates: dict[int, dict[str, object]] = field(default_factory=dict)
    links_ended: list[int] = field(default_factory=list)
