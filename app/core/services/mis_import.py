"""Importing the school's people from its MIS: preview what a file would change, then
apply it in one transaction, on the audit trail as one import with its counts.

(Interface stub: the implementation replaces each `NotImplementedError`.)"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.core.mis_import.plan import Plan
from app.core.mis_import.records import Cancelled, ImportFile, Progress
from app.core.models import User
from app.core.permissions import Permission, requires


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
    raise NotImplementedError


@requires(Permission.IMPORT_PEOPLE)
def apply_import(
    session: Session, actor: User, import_file: ImportFile, plan: Plan
) -> ImportResult:
    """Apply exactly the change `plan` previewed, in one transaction; `Conflict` if the log
    changed since the preview (preview again)."""
    raise NotImplementedError


@requires(Permission.IMPORT_PEOPLE)
def list_imports(session: Session) -> list[ImportRow]:
    """Every applied import, newest first."""
    raise NotImplementedError


@requires(Permission.IMPORT_PEOPLE)
def save_mapping(
    session: Session, actor: User, name: str, kind: str, columns: dict[str, str]
) -> SavedMapping:
    """Save (or replace) the school's CSV mapping called `name`."""
    raise NotImplementedError


@requires(Permission.IMPORT_PEOPLE)
def list_mappings(session: Session, kind: str | None = None) -> list[SavedMapping]:
    """The school's saved CSV mappings, by name."""
    raise NotImplementedError


@requires(Permission.IMPORT_PEOPLE)
def get_mapping(session: Session, name: str) -> SavedMapping:
    """One saved mapping; `NotFound` names the saved ones."""
    raise NotImplementedError
