"""Reading a DfE Common Transfer File (CTF, XML) safely into plain records.

(Interface stub: the implementation replaces each `NotImplementedError`.)"""

from __future__ import annotations

from pathlib import Path

from app.core.mis_import.records import Cancelled, ImportFile, Progress

#: Files bigger than this are refused before any parsing.
MAX_BYTES = 100 * 1024 * 1024


def read_ctf(
    path: Path, *, progress: Progress | None = None, cancelled: Cancelled | None = None
) -> ImportFile:
    """The pupils, contacts and links of a CTF, checked (bad rows in `refused`).
    `ImportFileError` when the file can't be read as a CTF at all (its message names the
    line); `ImportCancelled` if `cancelled()` turns true."""
    raise NotImplementedError
