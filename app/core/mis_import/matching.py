"""Matching a file against the log: who in it is already in Footprint, what would change
for them, and the concrete writes (`Work`) that applying would make. Pure: it reads a
`LogSnapshot` and never touches the database.

Rules, in the order they are tried:

- pupils: the same UPN (a pupil typed by hand with that UPN too), then the same MIS id;
  otherwise the DSL's decision ("same person"); otherwise the same name and date of
  birth is only a `Suggestion` and the pupil is added as new;
- contacts: the same MIS id, then the decision, then the same name, postcode and first
  address line, then the same name as exactly one of the pupil's current parents (a
  parent who moved house); two such parents are only suggestions. Different MIS ids
  never match;
- staff: the same MIS id, then the decision, then the same email; the same name is only
  a suggestion.

A field the file leaves empty never blanks what Footprint holds: a CTF without a phone
number leaves the phone typed in Footprint as it is (files differ in what they carry,
and an export that omits a column is not saying the value is gone).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date

from app.core.mis_import.link_matching import plan_leavers, plan_links
from app.core.mis_import.plan import FieldChange, PersonPlan, Plan, Suggestion
from app.core.mis_import.records import (
    Cancelled,
    ContactRecord,
    ImportCancelled,
    ImportFile,
    Progress,
    PupilRecord,
    StaffRecord,
)
from app.core.mis_import.snapshot import (
    LogSnapshot,
    PersonState,
    first_line,
    folded_name,
    folded_postcode,
)
from app.core.mis_import.work import Ref, Work, show
from app.core.vocab import PersonKind

Record = PupilRecord | ContactRecord | StaffRecord

_LABELS = {
    "title": "Title",
    "given_name": "First name",
    "family_name": "Surname",
    "preferred_given_name": "Preferred first name",
    "preferred_family_name": "Preferred surname",
    "date_of_birth": "Date of birth",
    "year_group": "Year group",
    "class_name": "Class",
    "upn": "UPN",
    "mis_id": "MIS id",
    "address": "Address",
    "postcode": "Postcode",
    "phone": "Phone",
    "email": "Email",
    "job_title": "Job title",
}
_FIELDS = {
    PersonKind.PUPIL: (
        "given_name",
        "family_name",
        "preferred_given_name",
        "preferred_family_name",
        "date_of_birth",
        "year_group",
        "class_name",
        "upn",
        "mis_id",
        "address",
        "postcode",
        "phone",
        "email",
    ),
    PersonKind.PARENT: (
        "title",
        "given_name",
        "family_name",
        "mis_id",
        "address",
        "postcode",
        "phone",
        "email",
    ),
    PersonKind.STAFF: ("title", "given_name", "family_name", "mis_id", "job_title", "email"),
}
_PREFIX = {PersonKind.PUPIL: "pupil", PersonKind.PARENT: "contact", PersonKind.STAFF: "staff"}
#: The marker change of a person typed by hand whom the MIS now keeps.
KEPT = "mis_import_id"


class Matcher:
    """One matching run: fills `plan` and `work`."""

    def __init__(
        self,
        import_file: ImportFile,
        snapshot: LogSnapshot,
        whole_school: bool,
        decisions: dict[str, int],
    ) -> None:
        self.file = import_file
        self.log = snapshot
        self.decisions = dict(decisions)
        self.plan = Plan(
            file_name=import_file.file_name,
            sha256=import_file.sha256,
            source=import_file.source,
            whole_school=whole_school,
            refused=list(import_file.refused),
            warnings=list(import_file.warnings),
            decisions=dict(decisions),
        )
        self.work = Work()
        # person id → the record key that claimed them
        self.claimed: dict[int, str] = {}
        self.pupil_refs: dict[str, Ref] = {}
        self.contact_refs: dict[str, Ref] = {}
        self.names: dict[Ref, str] = {}
        self.pupils_of_contact: dict[str, list[str]] = {}
        self.today: date | None = None
        for link in import_file.links:
            self.pupils_of_contact.setdefault(link.contact_key, []).append(link.pupil_key)

    def incidents(self, person_id: int | None) -> int:
        return self.log.incidents.get(person_id, 0) if person_id is not None else 0

    # --- who is who ----------------------------------------------------------------

    def decided(self, record_key: str, kind: PersonKind, r: Record) -> PersonState | None:
        """The person the DSL said `r` is, if they did (listed among the suggestions still,
        so the answer can be seen and changed)."""
        chosen = self.decisions.get(record_key)
        if chosen is None:
            return None
        person = self.log.people.get(chosen)
        if person is None or person.kind is not kind or chosen in self.claimed:
            self.plan.warnings.append(
                f"The person chosen as the same as {record_key.split(':', 1)[1]} is not "
                "available (withdrawn, of another kind, or already matched): they are "
                "added as new."
            )
            return None
        self.plan.suggestions.append(
            Suggestion(
                record_key=record_key,
                record_name=f"{r.given_name} {r.family_name}".strip(),
                person_id=person.id,
                person_name=person.name,
                why="answered: the same person",
                on_incidents=self.incidents(person.id),
            )
        )
        return person

    def match_pupil(self, r: PupilRecord, key: str) -> PersonState | None:
        if r.upn and (p := self.log.by_upn.get(r.upn.upper())) and p.id not in self.claimed:
            return p
        p = self.log.by_mis_id.get((PersonKind.PUPIL, r.mis_id or ""))
        if r.mis_id and p is not None and p.id not in self.claimed:
            return p
        if (p := self.decided(key, PersonKind.PUPIL, r)) is not None:
            return p
        if r.date_of_birth is not None:
            name = folded_name(r.given_name, r.family_name)
            for candidate in self.log.pupils_by_name_dob.get((name, r.date_of_birth), []):
                self.suggest(key, r, candidate, "same name and date of birth")
        return None

    def match_contact(self, r: ContactRecord, key: str) -> PersonState | None:
        p = self.log.by_mis_id.get((PersonKind.PARENT, r.mis_id or ""))
        if r.mis_id and p is not None and p.id not in self.claimed:
            return p
        if (p := self.decided(key, PersonKind.PARENT, r)) is not None:
            return p
        name = folded_name(r.given_name, r.family_name)
        where = (folded_postcode(r.postcode), first_line(r.address))
        if where[0] or where[1]:
            for p in self.log.contacts_by_address.get((name, *where), []):
                if p.id not in self.claimed and _ids_agree(r.mis_id, p.mis_id):
                    return p
        # The same name among the current parents of this contact's pupils is the same
        # person (a CTF has no contact id, so a parent who moved house is found this
        # way); two or more such people are only suggestions.
        same: dict[int, PersonState] = {}
        for pupil_key in self.pupils_of_contact.get(r.key, ()):
            pupil = self.pupil_refs.get(pupil_key)
            if not isinstance(pupil, int):
                continue
            for existing in self.log.links_of_child.get(pupil, []):
                parent = self.log.people.get(existing.parent_id)
                if (
                    parent is not None
                    and parent.id not in self.claimed
                    and folded_name(parent.given_name, parent.family_name) == name
                    and _ids_agree(r.mis_id, parent.mis_id)
                ):
                    same[parent.id] = parent
        if len(same) == 1:
            return next(iter(same.values()))
        for parent in same.values():
            self.suggest(key, r, parent, "same name, already linked to the pupil")
        return None

    def match_staff(self, r: StaffRecord, key: str) -> PersonState | None:
        p = self.log.by_mis_id.get((PersonKind.STAFF, r.mis_id or ""))
        if r.mis_id and p is not None and p.id not in self.claimed:
            return p
        if (p := self.decided(key, PersonKind.STAFF, r)) is not None:
            return p
        p = self.log.staff_by_email.get(r.email.casefold()) if r.email else None
        if p is not None and p.id not in self.claimed:
            return p
        for candidate in self.log.staff_by_name.get(folded_name(r.given_name, r.family_name), []):
            self.suggest(key, r, candidate, "same name")
        return None

    def suggest(self, key: str, r: Record, person: PersonState, why: str) -> None:
        if person.id in self.claimed or any(
            s.record_key == key and s.person_id == person.id for s in self.plan.suggestions
        ):
            return
        self.plan.suggestions.append(
            Suggestion(
                record_key=key,
                record_name=f"{r.given_name} {r.family_name}".strip(),
                person_id=person.id,
                person_name=person.name,
                why=why,
                on_incidents=self.incidents(person.id),
            )
        )

    # --- what changes ----------------------------------------------------------------

    def take(self, kind: PersonKind, r: Record, person: PersonState | None) -> Ref:
        """Record `r` is `person` (or new): plan and work out its changes; its ref."""
        key = f"{_PREFIX[kind]}:{r.key}"
        name = f"{r.given_name} {r.family_name}".strip()
        if person is None:
            values = {f: getattr(r, f) for f in _FIELDS[kind]}
            self.work.new_people[key] = (kind, values)
            self.plan.added.append(PersonPlan(key, kind, name, None, position=r.position))
            self.names[key] = name
            return key
        self.claimed[person.id] = key
        changes, values = [], {}
        for f in _FIELDS[kind]:
            new, old = getattr(r, f), getattr(person, f)
            if new is None or new == "" or _same(f, old, new):
                continue
            changes.append(FieldChange(f, _LABELS[f], show(f, old), show(f, new)))
            values[f] = new
        if person.left_on is not None:
            changes.append(FieldChange("left_on", "Left", show("left_on", person.left_on), ""))
            values["left_on"] = None
        if person.mis_import_id is None:
            changes.append(FieldChange(KEPT, "Kept by the MIS", "No", "Yes"))
            values[KEPT] = True
        self.names[person.id] = name
        if changes:
            self.work.updates[person.id] = values
            self.plan.changed.append(
                PersonPlan(
                    key,
                    kind,
                    name,
                    person.id,
                    tuple(changes),
                    self.incidents(person.id),
                    r.position,
                )
            )
        else:
            self.plan.unchanged += 1
        return person.id


def _ids_agree(file_id: str | None, log_id: str | None) -> bool:
    """Two MIS ids that differ mean two people, whatever their names and addresses."""
    return not (file_id and log_id and file_id != log_id)


def _same(field_name: str, old: object, new: object) -> bool:
    if field_name == "upn" and isinstance(old, str) and isinstance(new, str):
        return old.upper() == new.upper()
    if field_name == "address" and isinstance(old, str) and isinstance(new, str):
        # An export with fewer address columns (only line 1) is not a move: the lines it
        # has match the start of the address Footprint holds.
        old_lines, new_lines = old.split("\n"), new.split("\n")
        return new_lines == old_lines[: len(new_lines)]
    return old == new


def build_plan(
    import_file: ImportFile,
    snapshot: LogSnapshot,
    *,
    whole_school: bool,
    decisions: dict[str, int] | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    today: date | None = None,
) -> tuple[Plan, Work]:
    """The preview of importing `import_file` into the log `snapshot` describes, and the
    writes that would make it so; `today` is the leavers' date, as the preview shows it."""
    m = Matcher(import_file, snapshot, whole_school, decisions or {})
    m.today = today
    total = len(import_file.pupils) + len(import_file.contacts) + len(import_file.staff)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if done % 100 == 0:
            if cancelled is not None and cancelled():
                raise ImportCancelled()
            if progress is not None:
                progress(done, total)

    for pupil in import_file.pupils:
        key = f"pupil:{pupil.key}"
        m.pupil_refs[pupil.key] = m.take(PersonKind.PUPIL, pupil, m.match_pupil(pupil, key))
        tick()
    for contact in import_file.contacts:
        key = f"contact:{contact.key}"
        found = m.match_contact(contact, key)
        m.contact_refs[contact.key] = m.take(PersonKind.PARENT, contact, found)
        tick()
    for member in import_file.staff:
        m.take(PersonKind.STAFF, member, m.match_staff(member, f"staff:{member.key}"))
        tick()
    plan_links(m)
    plan_leavers(m)
    if cancelled is not None and cancelled():
        raise ImportCancelled()
    if progress is not None:
        progress(total, total)
    m.plan.fingerprint = fingerprint(m)
    return m.plan, m.work


def fingerprint(m: Matcher) -> str:
    """What applying checks: the same file, answers and plan, on the same log state (its
    newest ids, and the versions and links of everyone the plan touches)."""
    touched = {p.person_id for p in (*m.plan.changed, *m.plan.left) if p.person_id}
    links = sorted(
        repr(link)
        for link in m.log.links
        if link.child_id in touched or link.parent_id in touched or link.id in m.work.link_updates
    )
    state = {
        "file": m.file.sha256,
        "whole_school": m.plan.whole_school,
        "decisions": sorted(m.plan.decisions.items()),
        "ids": [m.log.max_person_id, m.log.max_link_id],
        "versions": sorted((i, m.log.people[i].version) for i in touched),
        "links": links,
        "plan": repr(
            (
                m.plan.added,
                m.plan.changed,
                m.plan.left,
                m.plan.links_added,
                m.plan.links_changed,
                m.plan.links_ended,
                m.plan.suggestions,
                m.plan.not_in_file,
            )
        ),
    }
    return hashlib.sha256(json.dumps(state, default=str).encode()).hexdigest()
