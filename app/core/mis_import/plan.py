"""What an import would change, as plain data for the preview (window and command line)
and for applying: nothing here touches the log."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.core.mis_import.records import Position, Refusal
from app.core.vocab import PersonKind


@dataclass(frozen=True)
class FieldChange:
    """One field of one person, old → new, as the preview shows it."""

    field: str  # the model's field name ("class_name")
    label: str  # "Class"
    old: str
    new: str


@dataclass(frozen=True)
class PersonPlan:
    """A person the import adds, changes or marks as left."""

    # "pupil:<key>" / "contact:<key>" / "staff:<key>" for a record of the file; empty
    # for a leaver (who is not in the file).
    record_key: str
    kind: PersonKind
    name: str
    # The person in the log (None: new).
    person_id: int | None
    changes: tuple[FieldChange, ...] = ()
    # How many incidents the person is on: the preview marks anyone on one.
    on_incidents: int = 0
    position: Position | None = None


@dataclass(frozen=True)
class LinkPlan:
    """A parent–pupil link the import adds, changes or ends."""

    pupil_name: str
    contact_name: str
    # For a new link, what it will say ("Mother, parental responsibility, priority 1");
    # for a changed one, the changes; for an ended one, what it said.
    description: str
    link_id: int | None = None
    changes: tuple[FieldChange, ...] = ()
    # Set when the link's "no contact" restriction is added by this import: shown in
    # a warning colour in the preview.
    adds_no_contact: bool = False
    on_incidents: int = 0
    pupil_key: str = ""
    contact_key: str = ""


@dataclass(frozen=True)
class Suggestion:
    """A record that may be someone already in the log, found by something weaker than a
    UPN or MIS id (name and date of birth, name and address): never merged silently."""

    record_key: str  # "pupil:<key>" / "contact:<key>" / "staff:<key>"
    record_name: str
    person_id: int
    person_name: str
    # Why they may be the same ("same name and date of birth").
    why: str
    on_incidents: int = 0


@dataclass
class Plan:
    """The preview of one import. `decisions` maps a suggestion's record_key to the
    person_id chosen as "same person" (absent: a new person)."""

    file_name: str
    sha256: str
    source: str
    whole_school: bool
    added: list[PersonPlan] = field(default_factory=list)
    changed: list[PersonPlan] = field(default_factory=list)
    left: list[PersonPlan] = field(default_factory=list)
    unchanged: int = 0
    links_added: list[LinkPlan] = field(default_factory=list)
    links_changed: list[LinkPlan] = field(default_factory=list)
    links_ended: list[LinkPlan] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # People typed in Footprint that the file doesn't mention and no import keeps:
    # left exactly as they are (named so the DSL can tidy them by hand).
    not_in_file: list[PersonPlan] = field(default_factory=list)
    decisions: dict[str, int] = field(default_factory=dict)
    # A fingerprint of the log state and of everything above: applying checks it so the
    # change made is the change previewed.
    fingerprint: str = ""

    def counts(self) -> dict[str, int]:
        """What the import changes, counted, as shown at the top of the preview and
        stored with the import on the audit trail."""

        def of(kind: PersonKind, people: list[PersonPlan]) -> int:
            return sum(1 for p in people if p.kind is kind)

        result: dict[str, int] = {}
        for kind, word in (
            (PersonKind.PUPIL, "pupils"),
            (PersonKind.PARENT, "contacts"),
            (PersonKind.STAFF, "staff"),
        ):
            result[f"{word} added"] = of(kind, self.added)
            result[f"{word} changed"] = of(kind, self.changed)
            result[f"{word} left"] = of(kind, self.left)
        result["links added"] = len(self.links_added)
        result["links changed"] = len(self.links_changed)
        result["links ended"] = len(self.links_ended)
        result["rows refused"] = len(self.refused)
        result["unchanged"] = self.unchanged
        return result

    @property
    def changes_anything(self) -> bool:
        return any(
            (
                self.added,
                self.changed,
                self.left,
                self.links_added,
                self.links_changed,
                self.links_ended,
            )
        )
