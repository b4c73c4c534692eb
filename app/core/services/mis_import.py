"""Importing the school's people from its MIS: preview what a file would change, then
apply it in one transaction, on the audit trail as one import with its counts.

Matching is pure (app.core.mis_import.matching); reading the log and writing to it is in
`mis_import_store`. Applying matches again inside the write and refuses if the result is
not the plan previewed, so what is written is always what the DSL saw."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.core.clock import today_london
from app.core.errors import Conflict, NotFound, ValidationError
from app.core.mis_import.matching import build_plan
from app.core.mis_import.plan import Plan
from app.core.mis_import.records import Cancelled, ImportCancelled, ImportFile, Progress
from app.core.models import CsvMapping, MisImport, Person, User
from app.core.permissions import Permission, requires
from app.core.services.mis_import_store import load_snapshot, write
from app.core.services.validation import atomic, check_text
from app.core.timefmt import format_datetime
from app.core.vocab import PersonKind

#: What a saved mapping is for.
MAPPING_KINDS = ("pupils", "staff")


@dataclass(frozen=True)
class ImportResult:
    """An applied import: its id and what it changed."""

    import_id: int
    counts: dict[str, int]


@dataclass(frozen=True)
class ImportRow:
    """One applied import, as Settings → Imports lists them."""

    import_id: int
    applied_at: str  # "04/09/2026 09:12" (London)
    applied_by: str
    source: str
    file_name: str
    whole_school: bool
    counts: dict[str, int]


@dataclass(frozen=True)
class SavedMapping:
    """A school's saved CSV mapping: field → column heading."""

    name: str
    kind: str  # "pupils" or "staff"
    columns: dict[str, str]


@requires(Permission.IMPORT_PEOPLE)
def preview_import(
    session: Session,
    import_file: ImportFile,
    *,
    whole_school: bool,
    decisions: dict[str, int] | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Plan:
    """What importing `import_file` would change, written nowhere. `whole_school` says the
    file holds every pupil (or every member of staff), so anyone the MIS kept who is not
    in it has left; `decisions` answers suggestions ("same person")."""
    if cancelled is not None and cancelled():
        raise ImportCancelled()
    snapshot = load_snapshot(session)
    plan, _work = build_plan(
        import_file,
        snapshot,
        whole_school=whole_school,
        decisions=decisions,
        progress=progress,
        cancelled=cancelled,
        today=today_london(),
    )
    return plan


@requires(Permission.IMPORT_PEOPLE)
def holds_whole_school(session: Session, import_file: ImportFile) -> bool:
    """The first answer to "does this file hold the whole school?" (the DSL can change
    it; people the file leaves out are marked as left only when it is yes). Yes only for a
    CTF that doesn't say it is partial, comes from the same school as the last whole-school
    CTF, and holds at least half the pupils the MIS keeps here: a joining pupil's CTF from
    another school, or a CSV report, is part of the school until the DSL says otherwise."""
    if import_file.source != "ctf" or import_file.says_partial or not import_file.pupils:
        return False
    kept = (
        session.scalar(
            select(func.count())
            .select_from(Person)
            .where(
                Person.kind == PersonKind.PUPIL,
                Person.withdrawn_at.is_(None),
                Person.left_on.is_(None),
                # Kept by the MIS, as the matching's `PersonState.mis_keeps` says.
                or_(
                    Person.mis_import_id.is_not(None),
                    Person.upn.is_not(None),
                    Person.mis_id.is_not(None),
                ),
            )
        )
        or 0
    )
    if len(import_file.pupils) * 2 < kept:
        return False
    last = session.scalars(
        select(MisImport.source_school)
        .where(MisImport.source == "ctf", MisImport.whole_school.is_(True))
        .order_by(MisImport.id.desc())
        .limit(1)
    ).first()
    elsewhere = bool(last and import_file.source_school)
    return not (elsewhere and _school(str(last)) != _school(import_file.source_school))


def _school(source_school: str) -> str:
    """ "380/2093 Oakfield Primary" → "380/2093" (names are spelt differently)."""
    return source_school.split(" ", 1)[0]


@requires(Permission.IMPORT_PEOPLE)
def apply_import(
    session: Session, actor: User, import_file: ImportFile, plan: Plan
) -> ImportResult:
    """Apply exactly the change `plan` previewed, in one transaction; `Conflict` if the log
    changed since the preview (preview again)."""
    with atomic(session):
        if import_file.sha256 != plan.sha256:
            raise Conflict("This is not the file that was previewed. Preview the import again.")
        fresh, work = build_plan(
            import_file,
            load_snapshot(session),
            whole_school=plan.whole_school,
            decisions=plan.decisions,
            today=today_london(),
        )
        if fresh.fingerprint != plan.fingerprint:
            raise Conflict(
                f"The log changed since this preview ({_what_changed(plan, fresh)}). "
                "Preview the import again."
            )
        row = write(session, actor, import_file, fresh, work)
        return ImportResult(row.id, fresh.counts())


@requires(Permission.IMPORT_PEOPLE)
def list_imports(session: Session) -> list[ImportRow]:
    """Every applied import, newest first."""
    rows = session.execute(
        select(MisImport, User.display_name)
        .join(User, User.id == MisImport.created_by_id)
        .order_by(MisImport.id.desc())
    )
    return [
        ImportRow(
            import_id=row.id,
            applied_at=format_datetime(row.created_at),
            applied_by=applied_by,
            source=row.source,
            file_name=row.file_name,
            whole_school=row.whole_school,
            counts=json.loads(row.counts or "{}"),
        )
        for row, applied_by in rows
    ]


@requires(Permission.IMPORT_PEOPLE)
def save_mapping(
    session: Session, actor: User, name: str, kind: str, columns: dict[str, str]
) -> SavedMapping:
    """Save (or replace) the school's CSV mapping called `name`."""
    check_text("name", name, label="The mapping's name", max_length=80, required=True)
    name = name.strip()
    if kind not in MAPPING_KINDS:
        raise ValidationError("kind", "A mapping is for pupils or for staff.")
    if not isinstance(columns, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in columns.items()
    ):
        raise ValidationError("columns", "A mapping names a column heading for each field.")
    with atomic(session):
        mapping = session.scalars(select(CsvMapping).where(CsvMapping.name == name)).first()
        text = json.dumps(columns, ensure_ascii=False, sort_keys=True)
        if mapping is None:
            mapping = CsvMapping(name=name, kind=kind, columns=text, created_by_id=actor.id)
            session.add(mapping)
        else:
            mapping.kind, mapping.columns, mapping.updated_by_id = kind, text, actor.id
        session.flush()
    return SavedMapping(name, kind, dict(columns))


@requires(Permission.IMPORT_PEOPLE)
def list_mappings(session: Session, kind: str | None = None) -> list[SavedMapping]:
    """The school's saved CSV mappings, by name."""
    query = select(CsvMapping).order_by(CsvMapping.name)
    if kind is not None:
        query = query.where(CsvMapping.kind == kind)
    return [_saved(m) for m in session.scalars(query)]


@requires(Permission.IMPORT_PEOPLE)
def get_mapping(session: Session, name: str) -> SavedMapping:
    """One saved mapping; `NotFound` names the saved ones."""
    mapping = session.scalars(select(CsvMapping).where(CsvMapping.name == name.strip())).first()
    if mapping is None:
        saved = [m.name for m in session.scalars(select(CsvMapping).order_by(CsvMapping.name))]
        known = (
            "the saved ones are " + ", ".join(f"“{n}”" for n in saved)
            if saved
            else "none is saved yet"
        )
        raise NotFound(f"There is no saved mapping called “{name}”: {known}.")
    return _saved(mapping)


def _saved(mapping: CsvMapping) -> SavedMapping:
    return SavedMapping(mapping.name, mapping.kind, json.loads(mapping.columns or "{}"))


def _what_changed(before: Plan, now: Plan) -> str:
    """The preview and now, told apart as a DSL would: counts first."""
    old, new = before.counts(), now.counts()
    differ = [f"{k}: {old[k]} then, {new[k]} now" for k in old if old[k] != new.get(k)]
    if differ:
        return "; ".join(differ[:3])
    return "someone changed people or links the import touches"
