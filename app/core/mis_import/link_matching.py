"""Matching, part two: the parent–pupil links an import adds, changes and ends, and the
people who have left (only when the file is the whole school).

An import only ever adds a "no contact" restriction: a file saying there is none while
Footprint records one is shown as a warning and changes nothing; a link made again
between a parent and pupil who once had a restriction gets it back; and a restricted link
never ends by import (the MIS often drops a contact *because* of a court order). A link
typed by hand that the file also has becomes kept by the MIS (changed, never added
twice); a link typed by hand that the file doesn't have is left alone — only links an
import made end, and only when the file is the whole school. A contact the file gives no
parental responsibility for (or is silent about) receives no letters by default."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.core.mis_import.plan import FieldChange, LinkPlan, PersonPlan
from app.core.mis_import.records import LinkRecord
from app.core.mis_import.snapshot import LinkState, PersonState
from app.core.mis_import.work import NewLink, Ref, show
from app.core.vocab import PersonKind

if TYPE_CHECKING:
    from app.core.mis_import.matching import Matcher

#: The restriction's words when the file gives none.
RESTRICTION = "Contact restriction"


def _yes(value: bool | None) -> str:
    return "" if value is None else ("Yes" if value else "No")


def describe(
    relationship: str, responsibility: bool | None, priority: int | None, no_contact: bool
) -> str:
    """ "Mother, parental responsibility, priority 1"."""
    parts = [relationship or "Parent/carer"]
    if responsibility is not None:
        parts.append("parental responsibility" if responsibility else "no parental responsibility")
    if priority is not None:
        parts.append(f"priority {priority}")
    if no_contact:
        parts.append("no contact")
    return ", ".join(parts)


def _name(m: Matcher, ref: Ref) -> str:
    if ref in m.names:
        return m.names[ref]
    person = m.log.people.get(ref) if isinstance(ref, int) else None
    return person.name if person is not None else str(ref)


def _on(m: Matcher, ref: Ref) -> int:
    return m.incidents(ref) if isinstance(ref, int) else 0


def plan_links(m: Matcher) -> None:
    """Links added and changed (from the file's links), then links ended: those an import
    made between a pupil in the file and a contact the file no longer links them to. A
    file with no contacts at all (a class list, a CTF exported without contacts) is
    silent about families, so it ends no link."""
    seen: set[tuple[Ref, Ref]] = set()
    for record in m.file.links:
        child = m.pupil_refs.get(record.pupil_key)
        parent = m.contact_refs.get(record.contact_key)
        if child is None or parent is None or (parent, child) in seen:
            continue  # a refused pupil or contact, or the same link twice
        seen.add((parent, child))
        existing = None
        if isinstance(child, int) and isinstance(parent, int):
            existing = next(
                (link for link in m.log.links_of_child.get(child, []) if link.parent_id == parent),
                None,
            )
        if existing is None:
            _add(m, record, parent, child)
        else:
            _change(m, record, existing)
    if m.file.links and all(r.parental_responsibility is None for r in m.file.links):
        m.plan.warnings.append(
            "The file doesn't say who has parental responsibility, so the contacts it adds "
            "receive no letters until that is recorded (import a file that says, or link "
            "them in People)."
        )
    # Only a whole-school file that lists families speaks for every pupil's contacts: a
    # class list, a court-order report or one pupil's CTF ends nothing.
    if not m.plan.whole_school or (not m.file.contacts and not m.file.links):
        return
    for child in m.pupil_refs.values():
        if isinstance(child, int):
            for link in m.log.links_of_child.get(child, []):
                if link.mis_import_id is not None and (link.parent_id, child) not in seen:
                    end_link(m, link)


def _restriction_warning(m: Matcher, parent: Ref, child: Ref, reason: str) -> None:
    m.plan.warnings.append(
        f"{_name(m, parent)} is to have no contact with {_name(m, child)} ({reason}): "
        f"no letter about {_name(m, child)} will be offered to them."
    )


def _add(m: Matcher, record: LinkRecord, parent: Ref, child: Ref) -> None:
    no_contact = record.no_contact is True
    reason = (record.no_contact_reason.strip() or RESTRICTION) if no_contact else ""
    earlier = (
        m.log.restrictions.get((parent, child))
        if isinstance(parent, int) and isinstance(child, int)
        else None
    )
    if earlier is not None and not no_contact:
        # Restrictions are never lost by a link ending and being made again.
        no_contact, reason = True, earlier
        m.plan.warnings.append(
            f"{_name(m, parent)} was recorded as having no contact with {_name(m, child)} "
            f"({earlier}): the link made again keeps the restriction."
        )
    m.work.new_links.append(
        NewLink(
            parent,
            child,
            {
                "relationship_label": record.relationship,
                "parental_responsibility": record.parental_responsibility,
                "priority": record.priority,
                "receives_letters": record.parental_responsibility is True and not no_contact,
                "no_contact": no_contact,
                "no_contact_reason": reason,
                "restriction_kept": earlier is not None and record.no_contact is not True,
            },
        )
    )
    m.plan.links_added.append(
        LinkPlan(
            pupil_name=_name(m, child),
            contact_name=_name(m, parent),
            description=describe(
                record.relationship, record.parental_responsibility, record.priority, no_contact
            ),
            adds_no_contact=no_contact,
            on_incidents=_on(m, child),
            pupil_key=record.pupil_key,
            contact_key=record.contact_key,
        )
    )
    if no_contact:
        _restriction_warning(m, parent, child, reason)


def _change(m: Matcher, record: LinkRecord, link: LinkState) -> None:
    changes: list[FieldChange] = []
    values: dict[str, object] = {}

    def change(field: str, label: str, old: str, new: str, value: object) -> None:
        changes.append(FieldChange(field, label, old, new))
        values[field] = value

    if record.relationship and record.relationship != link.relationship_label:
        change(
            "relationship_label",
            "Relationship",
            link.relationship_label,
            record.relationship,
            record.relationship,
        )
    responsibility = record.parental_responsibility
    if responsibility is not None and responsibility != link.parental_responsibility:
        change(
            "parental_responsibility",
            "Parental responsibility",
            _yes(link.parental_responsibility),
            _yes(responsibility),
            responsibility,
        )
        # Losing parental responsibility stops letters. Gaining it starts them on a link an
        # import made (whose letters were off only for want of it), never on one typed by
        # hand (the DSL may have stopped them for a reason of their own).
        if responsibility is False and link.receives_letters:
            change("receives_letters", "Receives letters", "Yes", "No", False)
        elif (
            responsibility is True
            and not link.receives_letters
            and not link.no_contact
            and link.mis_import_id is not None
        ):
            change("receives_letters", "Receives letters", "No", "Yes", True)
    if record.priority is not None and record.priority != link.priority:
        old = "" if link.priority is None else str(link.priority)
        change("priority", "Priority", old, str(record.priority), record.priority)
    adds = record.no_contact is True and not link.no_contact
    parent, child = link.parent_id, link.child_id
    if adds:
        reason = record.no_contact_reason.strip() or RESTRICTION
        change("no_contact", "No contact", "No", f"Yes ({reason})", True)
        values["no_contact_reason"] = reason
        _restriction_warning(m, parent, child, reason)
    elif record.no_contact is False and link.no_contact:
        m.plan.warnings.append(
            f"The file says {_name(m, parent)} may be contacted about {_name(m, child)}, but "
            f"Footprint records no contact ({link.no_contact_reason or 'restriction recorded'})"
            ": the restriction stays. Lift it in People if it has really ended."
        )
    if link.mis_import_id is None:
        change("mis_import_id", "Kept by the MIS", "No", "Yes", True)
    if not changes:
        return
    m.work.link_updates[link.id] = values
    m.plan.links_changed.append(
        LinkPlan(
            pupil_name=_name(m, child),
            contact_name=_name(m, parent),
            description="; ".join(f"{c.label}: {c.old or '—'} → {c.new}" for c in changes),
            link_id=link.id,
            changes=tuple(changes),
            adds_no_contact=adds,
            on_incidents=_on(m, child),
            pupil_key=record.pupil_key,
            contact_key=record.contact_key,
        )
    )


def end_link(m: Matcher, link: LinkState) -> None:
    if link.id in m.work.links_ended:
        return
    if link.no_contact:
        m.plan.warnings.append(
            f"The file no longer links {_name(m, link.parent_id)} to {_name(m, link.child_id)}"
            f", who is recorded as having no contact ({link.no_contact_reason or RESTRICTION})"
            ": the link and its restriction are kept. End them in People if the restriction "
            "is really over."
        )
        return
    m.work.links_ended.append(link.id)
    m.plan.links_ended.append(
        LinkPlan(
            pupil_name=_name(m, link.child_id),
            contact_name=_name(m, link.parent_id),
            description=describe(
                link.relationship_label,
                link.parental_responsibility,
                link.priority,
                link.no_contact,
            ),
            link_id=link.id,
            on_incidents=_on(m, link.child_id),
        )
    )


def _leave(m: Matcher, person: PersonState) -> None:
    m.work.leavers.append(person.id)
    changes = () if m.today is None else (FieldChange("left_on", "Left", "", show("", m.today)),)
    m.plan.left.append(
        PersonPlan("", person.kind, person.name, person.id, changes, m.incidents(person.id))
    )


def _still_here(m: Matcher, person: PersonState) -> bool:
    return person.left_on is None and person.id not in m.claimed


def plan_leavers(m: Matcher) -> None:
    """With the whole school in the file: pupils the MIS keeps who are not in it (nor in a
    refused row) have left — their family links stay, so their past incidents can still
    be written about — then contacts the MIS keeps whose every linked pupil has left or
    whose every link ended; staff the MIS keeps who are not in a whole staff file have
    left. People typed by hand that the file doesn't mention are named (`not_in_file`)
    and left as they are."""
    f = m.file
    pupil_import = bool(f.pupils or f.contacts)
    refused = {key.upper() for key in f.refused_keys}
    leaving: set[int] = set()
    unknown = [r for r in f.refused if not r.keys]
    if m.plan.whole_school and (f.pupils or f.staff) and unknown:
        # A row that can't be read could be anyone: nobody is taken to have left.
        m.plan.warnings.append(
            f"{len(unknown)} row(s) could not be read well enough to tell whose they are "
            f"(the first at {unknown[0].position}), so nobody is marked as left by this "
            "import. Put the rows right and import again."
        )
    elif m.plan.whole_school and f.pupils:
        for person in sorted(m.log.of_kind(PersonKind.PUPIL), key=lambda p: p.id):
            in_refused = (person.upn or "").upper() in refused or (
                person.mis_id or ""
            ).upper() in refused
            if person.mis_keeps and _still_here(m, person) and not in_refused:
                _leave(m, person)
                leaving.add(person.id)
        kept = sum(1 for p in m.log.of_kind(PersonKind.PUPIL) if p.mis_keeps and p.left_on is None)
        if len(leaving) > max(3, kept // 10):
            m.plan.warnings.insert(
                0,
                f"This import marks {len(leaving)} of the {kept} pupils the MIS keeps here as "
                "left. If the file is not the whole school, say so (untick “This file "
                "holds the whole school”, or --partial) and nobody is marked as left.",
            )
        if f.refused:
            m.plan.warnings.append(
                f"{len(f.refused)} row(s) of the file were refused: nobody whose UPN or MIS "
                "id is in one of them is marked as left. Put the rows right in the MIS and "
                "import again."
            )
    if m.plan.whole_school and pupil_import:
        ended = set(m.work.links_ended)
        for person in sorted(m.log.of_kind(PersonKind.PARENT), key=lambda p: p.id):
            links = m.log.links_of_parent.get(person.id, [])
            if (
                person.mis_keeps
                and _still_here(m, person)
                and links
                and all(link.id in ended or link.child_id in leaving for link in links)
            ):
                _leave(m, person)
    if m.plan.whole_school and f.staff and not f.pupils and not unknown:
        for person in sorted(m.log.of_kind(PersonKind.STAFF), key=lambda p: p.id):
            in_refused = (person.mis_id or "").upper() in refused
            if person.mis_keeps and _still_here(m, person) and not in_refused:
                _leave(m, person)
    kinds = {PersonKind.PUPIL, PersonKind.PARENT} if pupil_import else set()
    if f.staff:
        kinds.add(PersonKind.STAFF)
    for person in sorted(m.log.people.values(), key=lambda p: p.id):
        if person.kind in kinds and not person.mis_keeps and _still_here(m, person):
            m.plan.not_in_file.append(
                PersonPlan("", person.kind, person.name, person.id, (), m.incidents(person.id))
            )
