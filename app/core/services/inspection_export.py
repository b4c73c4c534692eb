"""Saving the inspection list to a file, the same way from the window and the command line:
the rows are read and written beside the file's name in a reading unit of work (the log
is not held for writing while 100,000 rows stream out), then the export is put on the
trail in a writing one, and only once that is committed does the file take its name. A
log that can't record the export yields no file; a file that can't be written leaves no
record of an export that didn't happen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, TypeVar

from sqlalchemy.orm import Session

from app.core.files import StagedFile
from app.core.mis_import.records import Cancelled, Progress
from app.core.services.incident_queries import IncidentFilter, IncidentSort
from app.core.services.inspection_list import (
    ExportFacts,
    ExportFormat,
    record_inspection_export,
    write_inspection_list,
)

T = TypeVar("T")
#: Runs a piece of work in a unit of work as the signed-in account (reading, or writing).
UnitOfWork = Callable[[Callable[[Session], T]], T]


def export_inspection_list(
    read: UnitOfWork[StagedFile],
    write: UnitOfWork[None],
    path: Path,
    flt: IncidentFilter,
    file_format: ExportFormat,
    *,
    sort: IncidentSort = IncidentSort.SEEN_AT,
    descending: bool = True,
    by: str,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ExportFacts:
    """Write the list to `path` (the user's alone, 0600), record it, and return what was
    written. `by` says from where ("window" or "command")."""
    made: list[ExportFacts] = []

    def stage(session: Session) -> StagedFile:
        def fill(file: BinaryIO) -> None:
            made.append(
                write_inspection_list(
                    session,
                    flt,
                    file,
                    file_format,
                    sort=sort,
                    descending=descending,
                    progress=progress,
                    cancelled=cancelled,
                )
            )

        return StagedFile(path, fill)

    staged = read(stage)
    try:
        facts = made[0]
        write(
            lambda session: record_inspection_export(
                session, flt, file_format=file_format, facts=facts, by=by
            )
        )
    except BaseException:
        staged.discard()
        raise
    staged.publish()
    return facts
