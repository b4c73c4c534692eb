"""Reading a CSV export from the MIS (or the school's own spreadsheet): its encoding and
dialect, a guess at which column is which, and its rows as plain records.

Positions are rows as a spreadsheet numbers them: the heading row is row 1."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from app.core.mis_import.csv_fields import (
    ALIASES,
    PUPIL_FIELDS,
    STAFF_FIELDS,
    CsvField,
    normalise_heading,
)
from app.core.mis_import.csv_rows import pupils_from_rows, staff_from_rows
from app.core.mis_import.ctf import MAX_BYTES
from app.core.mis_import.kinds import KINDS
from app.core.mis_import.records import (
    Cancelled,
    ImportFile,
    ImportFileError,
    Progress,
)

__all__ = [
    "KINDS",
    "CsvField",
    "CsvSample",
    "fields_for",
    "guess_columns",
    "read_csv",
    "sniff_csv",
]

_SNIFF = 64 * 1024
_DELIMITERS = ",;\t|"
_SAMPLE_ROWS = 20


@dataclass(frozen=True)
class CsvSample:
    """The start of a CSV file: what the mapping screen shows."""

    headers: list[str]
    rows: list[list[str]]  # the first rows after the headings (up to 20)
    encoding: str  # "utf-8-sig", "utf-8", "cp1252"
    delimiter: str


def fields_for(kind: str) -> list[CsvField]:
    """The fields a CSV of this kind can fill, in the order the mapping screen lists them."""
    if kind == "pupils":
        return list(PUPIL_FIELDS)
    if kind == "staff":
        return list(STAFF_FIELDS)
    raise ValueError(f"unknown kind of CSV import: {kind!r}")


def decode(raw: bytes) -> tuple[str, str, list[str]]:
    """(text, encoding, warnings): UTF-8 with or without a BOM, UTF-16 with a BOM (Excel's
    "Unicode text"), else Windows-1252, else Latin-1 (which never fails)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        encoding = "utf-8"
    try:
        return raw.decode(encoding), encoding, []
    except UnicodeDecodeError:
        if encoding != "utf-8":
            raise ImportFileError(
                f"The file says it is {encoding.upper()} text but isn't: save it from the "
                "spreadsheet again as “CSV UTF-8”."
            ) from None
    try:
        return raw.decode("cp1252"), "cp1252", []
    except UnicodeDecodeError as exc:
        warning = (
            f"The file is neither UTF-8 nor Windows-1252 text (byte {exc.start + 1} can't be "
            "read as either), so it was read as Latin-1: check the accented names in the "
            "preview, or save it from the spreadsheet again as “CSV UTF-8”."
        )
        return raw.decode("latin-1"), "latin-1", [warning]


def _delimiter(text: str) -> str:
    sample = text[:_SNIFF]
    first_line = sample.split("\n", 1)[0]
    try:
        found = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        found = ""
    if found and found in first_line:
        return found
    # The sniffer can be fooled by a short file: trust the heading row instead.
    counts = {d: first_line.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_bytes(path: Path, *, limit: int | None = None) -> bytes:
    """The file's bytes (only the first `limit` of them, if given)."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ImportFileError(
                f"The file is {size / 1024 / 1024:.0f} MB, more than the "
                f"{MAX_BYTES // 1024 // 1024} MB a CSV export can be here: it was not read."
            )
        with path.open("rb") as file:
            raw = file.read(limit if limit is not None else -1)
    except OSError as exc:
        raise ImportFileError(f"The file can't be read: {exc.strerror}.") from None
    if not raw.strip():
        raise ImportFileError("The file is empty: export it from the MIS again.")
    if raw.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise ImportFileError(
            "This is a spreadsheet file (Excel), not a CSV: open it in the spreadsheet and "
            "save it as “CSV UTF-8”."
        )
    return raw


def _rows(text: str, delimiter: str) -> list[list[str]]:
    """Every row of the file; ImportFileError naming the row for a broken one."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[str]] = []
    try:
        for row in reader:
            rows.append(row)
    except csv.Error as exc:
        row_no = len(rows) + 1
        message = str(exc)
        if "unexpected end of data" in message:
            raise ImportFileError(
                f"Row {row_no} has a quote that is never closed, so the rest of the file "
                "would be read as one cell: correct the quote in the spreadsheet (or remove "
                "it) and export again."
            ) from None
        if "expected after" in message:
            raise ImportFileError(
                f"Row {row_no} has a stray quote in a cell (a quote inside a cell must be "
                "doubled, or the whole cell put in quotes): correct it and export again."
            ) from None
        if "NUL" in message:
            raise ImportFileError(
                f"Row {row_no} has a NUL character in it: this is not a CSV text file."
            ) from None
        if "field larger" in message:
            raise ImportFileError(
                f"Row {row_no} has a cell longer than {csv.field_size_limit()} characters: "
                "this is not a CSV export from an MIS."
            ) from None
        raise ImportFileError(f"Row {row_no} can't be read as CSV ({message}).") from None
    return rows


def _load(path: Path) -> tuple[bytes, list[list[str]], str, str, list[str]]:
    raw = _read_bytes(Path(path))
    text, encoding, warnings = decode(raw)
    delimiter = _delimiter(text)
    rows = _rows(text, delimiter)
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise ImportFileError("Row 1 should hold the column headings, but it is empty.")
    return raw, rows, encoding, delimiter, warnings


def sniff_csv(path: Path) -> CsvSample:
    """The headings and first rows of a CSV file, from its first 64 KB only (the mapping
    screen shows it at once, on the window's thread; the whole file is read, and every
    row checked, off it); `ImportFileError` if it isn't a CSV file at all."""
    raw = _read_bytes(Path(path), limit=_SNIFF)
    truncated = len(raw) == _SNIFF
    if truncated and b"\n" in raw:
        raw = raw[: raw.rindex(b"\n") + 1]  # whole lines only (no character cut in two)
    text, encoding, _ = decode(raw)
    delimiter = _delimiter(text)
    if truncated:
        # A quoted cell may run past the sample's end: read it leniently (the whole file
        # is read strictly, naming any broken row, when it is imported).
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            rows = [row for _, row in zip(range(_SAMPLE_ROWS + 2), reader, strict=False)]
        except csv.Error as exc:
            raise ImportFileError(f"Row 1 can't be read as CSV ({exc}).") from None
    else:
        rows = _rows(text, delimiter)
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise ImportFileError("Row 1 should hold the column headings, but it is empty.")
    if truncated and len(rows) > _SAMPLE_ROWS + 1:
        rows = rows[: _SAMPLE_ROWS + 1]
    headers = [cell.strip() for cell in rows[0]]
    return CsvSample(headers, rows[1 : 1 + _SAMPLE_ROWS], encoding, delimiter)


def guess_columns(headers: list[str], kind: str) -> dict[str, str]:
    """field key → heading, guessed from the headings' usual names in MIS exports. A
    heading is guessed for one field at most, and a field takes the first heading."""
    aliases = ALIASES[kind]
    result: dict[str, str] = {}
    for heading in headers:
        key = aliases.get(normalise_heading(heading))
        if key is not None and key not in result:
            result[key] = heading
    return result


def read_csv(
    path: Path,
    columns: dict[str, str],
    kind: str,
    *,
    mapping_name: str = "",
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    today: date | None = None,
) -> ImportFile:
    """The records of a CSV file read with `columns` (field key → heading). `today` (a
    date) is for the tests."""
    fields = {f.key: f for f in fields_for(kind)}
    raw, rows, _, _, warnings = _load(Path(path))
    headers = [cell.strip() for cell in rows[0]]
    index: dict[str, int] = {}
    for key, heading in columns.items():
        if key not in fields:
            raise ImportFileError(f"The mapping names a field Footprint doesn't have: {key}.")
        if not heading:
            continue
        if heading.strip() not in headers:
            raise ImportFileError(
                f"The column “{heading}” that the mapping uses for "
                f"{fields[key].label.lower()} is not in this file's headings (row 1)."
            )
        index[key] = headers.index(heading.strip())
    missing = [f.label.lower() for f in fields.values() if f.required and f.key not in index]
    if missing:
        raise ImportFileError(
            "The mapping has no column for " + " or ".join(missing) + ", which every row needs."
        )
    result = ImportFile(
        source="csv",
        file_name=Path(path).name,
        sha256=hashlib.sha256(raw).hexdigest(),
        warnings=warnings,
        mapping_name=mapping_name,
    )
    day = today or date.today()
    if kind == "staff":
        staff_from_rows(rows, headers, index, result, progress, cancelled)
    else:
        pupils_from_rows(rows, headers, index, result, progress, cancelled, day)
    return result
