"""The inspection list as CSV for Excel: `csv`'s excel dialect, UTF-8 with a byte order
mark (without it Excel reads the file as the PC's legacy code page, and "Zoë" or
"Łukasz" in a reason come out garbled), one row per incident, written as the rows arrive.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable
from typing import Protocol

from app.core.inspection import COLUMNS, InspectionRow

#: Rows gathered before they are encoded and written (a small, fixed amount of memory).
ROWS_PER_WRITE = 500

#: First characters a spreadsheet takes as the start of a formula (or, for tab and
#: carriage return, that some spreadsheets strip before looking again).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Writable(Protocol):
    def write(self, data: bytes, /) -> int: ...


def cell_for_excel(value: str) -> str:
    """`value`, with a leading apostrophe when it begins like a formula.

    Why: Excel and LibreOffice run a cell that begins with = + - @ as a formula when the
    file is opened (OWASP "CSV injection"). What the school records includes text it did
    not write — a reason quoting a post, an account handle, a reference given by a
    platform — so "=HYPERLINK(…)" typed by someone online could otherwise run, or send data
    away, on an inspector's PC. The apostrophe makes the spreadsheet show the text as
    text; it is visible in a text editor, which is the lesser harm."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def write_inspection_csv(rows: Iterable[InspectionRow], out: Writable) -> int:
    """Write the header and every row to `out` (bytes), a few hundred rows at a time;
    returns how many incident rows were written."""
    encoder = codecs.getincrementalencoder("utf-8-sig")()  # the BOM comes first, once
    buffer = io.StringIO()
    writer = csv.writer(buffer, dialect="excel")

    def flush(final: bool = False) -> None:
        out.write(encoder.encode(buffer.getvalue(), final=final))
        buffer.seek(0)
        buffer.truncate()

    writer.writerow([cell_for_excel(title) for title in COLUMNS])
    count = 0
    for row in rows:
        writer.writerow([cell_for_excel(cell) for cell in row.cells()])
        count += 1
        if count % ROWS_PER_WRITE == 0:
            flush()
    flush(final=True)
    return count
