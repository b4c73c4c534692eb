"""The rows of a mapped CSV turned into records: pupils grouped across their rows (one
row per contact is usual), contacts merged across rows, staff."""

from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace

from app.core.mis_import.cleaning import clean, too_long
from app.core.mis_import.codes import csv_year_group, is_no, relationship_words, yes_no
from app.core.mis_import.drafts import (
    ContactDraft,
    PupilDraft,
    check_pupils,
    merge_contacts,
    name_key,
)
from app.core.mis_import.records import (
    Cancelled,
    ImportCancelled,
    ImportFile,
    Position,
    Progress,
    Refusal,
    StaffRecord,
)
from app.core.mis_import.upn import normalise_upn

_EVERY = 100
# Day first, always: a British MIS never writes the month first.
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+)?$")
# The pupil fields compared across a pupil's rows.
_PUPIL_CELLS = (
    "upn",
    "mis_id",
    "family_name",
    "given_name",
    "preferred_family_name",
    "preferred_given_name",
    "date_of_birth",
    "year_group",
    "class_name",
    "address_1",
    "address_2",
    "address_3",
    "address_4",
    "postcode",
)
_LABELS = {"upn": "UPN", "mis_id": "MIS id", "date_of_birth": "date of birth"}


def csv_date(value: str) -> tuple[date | None, str]:
    """(date, problem) for DD/MM/YYYY, D/M/YYYY, DD-MM-YYYY, DD.MM.YYYY or YYYY-MM-DD."""
    text = value.strip()
    if not text:
        return None, ""
    try:
        if m := _DMY.match(text):
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1))), ""
        if m := _YMD.match(text):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3))), ""
    except ValueError:
        pass
    return None, (f"The date of birth “{text}” is not a date in the form DD/MM/YYYY (day first).")


def _tick(n: int, total: int, progress: Progress | None, cancelled: Cancelled | None) -> None:
    if n % _EVERY == 0:
        if cancelled is not None and cancelled():
            raise ImportCancelled
        if progress is not None:
            progress(n, total)


def _cells(
    rows: list[list[str]],
    headers: list[str],
    index: dict[str, int],
    result: ImportFile,
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> list[tuple[int, dict[str, str]]]:
    """(row number, field → cell) for each row with the right number of cells."""
    found: list[tuple[int, dict[str, str]]] = []
    total = len(rows) - 1
    for n, row in enumerate(rows[1:], start=2):
        _tick(n - 1, total, progress, cancelled)
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(headers):
            result.refused.append(
                Refusal(
                    Position(row=n),
                    f"The row has {len(row)} cells where the headings have {len(headers)}: "
                    "a cell may hold the separator without quotes, so nothing in it is read.",
                )
            )
            continue
        found.append((n, {key: clean(row[i]) for key, i in index.items()}))
    if progress is not None:
        progress(total, total)
    return found


def staff_from_rows(
    rows: list[list[str]],
    headers: list[str],
    index: dict[str, int],
    result: ImportFile,
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> None:
    staff: list[StaffRecord] = []
    for n, cells in _cells(rows, headers, index, result, progress, cancelled):
        family, given = cells.get("family_name", ""), cells.get("given_name", "")
        problems = [
            text
            for text, missing in (
                ("The member of staff has no surname.", not family),
                ("The member of staff has no forename.", not given),
            )
            if missing
        ]
        problems += too_long(SimpleNamespace(**cells))
        mis_id = cells.get("mis_id", "")
        if problems:
            who = " ".join(p for p in (given, family) if p)
            keys = (mis_id,) if mis_id else ()
            result.refused.append(Refusal(Position(row=n), " ".join(problems), who, keys))
            continue
        staff.append(
            StaffRecord(
                key=f"mis:{mis_id}" if mis_id else f"row:{n}",
                given_name=given,
                family_name=family,
                position=Position(row=n),
                mis_id=mis_id or None,
                title=cells.get("title", ""),
                job_title=cells.get("job_title", ""),
                email=cells.get("email", ""),
            )
        )
    rows_of: dict[str, list[StaffRecord]] = {}
    for member in staff:
        rows_of.setdefault(member.key, []).append(member)
    for member in staff:
        others = [str(m.position) for m in rows_of[member.key] if m is not member]
        if not others:
            result.staff.append(member)
            continue
        result.refused.append(
            Refusal(
                member.position,
                f"The staff id {member.mis_id} is also given to the member of staff at "
                f"{', '.join(others)}: neither is imported until the MIS is corrected.",
                f"{member.given_name} {member.family_name}",
                (member.mis_id,) if member.mis_id else (),
            )
        )
    result.refused.sort(key=lambda r: r.position.row or 0)


def pupils_from_rows(
    rows: list[list[str]],
    headers: list[str],
    index: dict[str, int],
    result: ImportFile,
    progress: Progress | None,
    cancelled: Cancelled | None,
    today: date,
) -> None:
    groups: dict[tuple[str, ...], list[tuple[int, dict[str, str]]]] = {}
    for n, cells in _cells(rows, headers, index, result, progress, cancelled):
        groups.setdefault(_group_key(n, cells), []).append((n, cells))
    drafts = [_pupil(group, result.warnings) for group in groups.values()]
    drafts.sort(key=lambda d: d.position.row or 0)
    accepted, refused = check_pupils(drafts, today=today, upn_required=False)
    result.refused = sorted([*result.refused, *refused], key=lambda r: r.position.row or 0)
    result.pupils = [record for record, _ in accepted]
    result.contacts, result.links = merge_contacts(accepted, result.refused, result.warnings)


def _group_key(n: int, cells: dict[str, str]) -> tuple[str, ...]:
    """The rows of one pupil share a UPN (else an MIS id, else name and date of birth).
    Rows with one UPN but different names or birthdays are different pupils, whom the
    checks then refuse for sharing a UPN."""
    person = (
        name_key(cells.get("given_name", ""), cells.get("family_name", "")),
        cells.get("date_of_birth", ""),
    )
    upn = normalise_upn(cells.get("upn", ""))
    if upn:
        return ("upn", upn, *person)
    if cells.get("mis_id"):
        return ("mis", cells["mis_id"])
    if not person[0]:
        return ("row", str(n))
    return ("name", *person)


def _pupil(group: list[tuple[int, dict[str, str]]], warnings: list[str]) -> PupilDraft:
    first_row, first = group[0]
    merged = {key: first.get(key, "") for key in _PUPIL_CELLS}
    for n, cells in group[1:]:
        for key in _PUPIL_CELLS:
            value = cells.get(key, "")
            if value and not merged[key]:
                merged[key] = value
            elif value and name_key(value) != name_key(merged[key]):
                label = _LABELS.get(key, key.replace("_", " "))
                warnings.append(
                    f"Rows {first_row} and {n} are the same pupil but give different "
                    f"{label}s (“{merged[key]}” and “{value}”): the first is used."
                )
    dob, problem = csv_date(merged["date_of_birth"])
    draft = PupilDraft(
        position=Position(row=first_row),
        upn=merged["upn"],
        mis_id=merged["mis_id"],
        given_name=merged["given_name"],
        family_name=merged["family_name"],
        preferred_given_name=merged["preferred_given_name"],
        preferred_family_name=merged["preferred_family_name"],
        date_of_birth=dob,
        date_problem=problem,
        class_name=merged["class_name"] or None,
        address="\n".join(merged[f"address_{i}"] for i in range(1, 5) if merged[f"address_{i}"]),
        postcode=merged["postcode"].upper(),
    )
    if merged["year_group"]:
        draft.year_group = csv_year_group(merged["year_group"])
        if draft.year_group is None:
            warnings.append(
                f"Row {first_row}: the year group “{merged['year_group']}” is not one "
                "Footprint knows (N, R, 1 to 13): the pupil's year group is left empty."
            )
    for n, cells in group:
        contact = _contact(n, cells, warnings)
        if contact is not None:
            draft.contacts.append(contact)
    return draft


def _contact(n: int, cells: dict[str, str], warnings: list[str]) -> ContactDraft | None:
    get = cells.get
    if not any(get(k) for k in ("contact_family_name", "contact_given_name", "contact_mis_id")):
        return None
    words, code = relationship_words(get("contact_relationship", ""))
    draft = ContactDraft(
        position=Position(row=n),
        given_name=get("contact_given_name", ""),
        family_name=get("contact_family_name", ""),
        title=get("contact_title", ""),
        mis_id=get("contact_mis_id", ""),
        address="\n".join(
            get(f"contact_address_{i}", "") for i in range(1, 5) if get(f"contact_address_{i}")
        ),
        postcode=get("contact_postcode", "").upper(),
        phone=get("contact_phone", ""),
        email=get("contact_email", ""),
        relationship=words,
        relationship_code=code,
    )
    pr = get("contact_parental_responsibility", "")
    try:
        draft.parental_responsibility = yes_no(pr)
    except ValueError:
        warnings.append(
            f"Row {n}: parental responsibility “{pr}” is not yes or no: it is left unknown."
        )
    priority = get("contact_priority", "")
    if priority.isdigit() and int(priority) > 0:
        draft.priority = int(priority)
    elif priority:
        warnings.append(f"Row {n}: the contact priority “{priority}” is not a number: ignored.")
    restriction = get("contact_no_contact", "")
    if restriction:
        if is_no(restriction):
            draft.no_contact = False
        else:
            draft.no_contact = True
            try:
                plain_yes = yes_no(restriction) is True
            except ValueError:
                plain_yes = False
            draft.no_contact_reason = "" if plain_yes else restriction
    return draft
