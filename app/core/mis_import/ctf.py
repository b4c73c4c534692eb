"""Reading a DfE Common Transfer File (CTF, XML) safely into plain records.

The file is parsed by defusedxml (no DTD, no entities, no external references: a CTF has
none, so any is refused) in chunks, and each Pupil element is turned into records and
dropped as soon as it ends, so a 50 MB file takes little memory. Tag names are matched
without regard to case or namespace, because MIS suppliers differ ("CTFversion" and
"CTFVersion", "PostCode" and "Postcode")."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import DefusedXMLParser  # type: ignore[import-untyped]

from app.core.mis_import.ctf_elements import pupil_draft, text
from app.core.mis_import.drafts import PupilDraft, check_pupils, merge_contacts
from app.core.mis_import.records import (
    Cancelled,
    ImportCancelled,
    ImportFile,
    ImportFileError,
    Progress,
)

#: Files bigger than this are refused before any parsing.
MAX_BYTES = 100 * 1024 * 1024
_CHUNK = 16 * 1024
#: The most text (with a little for each element) one Pupil or Header may hold.
_MAX_ELEMENT = 2_000_000
#: Progress is reported, and Cancel looked at, after about this many pupils.
_EVERY = 100
# expat's codes for a document that stops in the middle.
_ENDS_EARLY = {3, 5}  # "no element found", "unclosed token"
# The parts of a Pupil the reader uses. The rest (assessments, attendance, school history:
# most of a real CTF's bytes) is passed over without building elements.
_PUPIL_PARTS = frozenset(
    {
        *("upn", "surname", "forename", "legalsurname", "legalforename", "dob"),
        *("basicdetails", "reggroup", "registrationgroup", "address", "phones", "email"),
        "contacts",
    }
)


def _local(tag: str) -> str:
    """A tag without its namespace, in lower case: "{urn:x}PostCode" → "postcode"."""
    return tag.rsplit("}", 1)[-1].lower()


class _Target:
    """Builds one Pupil (or the Header) at a time, recording each element's line."""

    def __init__(self, read_pupil: Callable[[Element], None]) -> None:
        self.parser: DefusedXMLParser | None = None
        self.read_pupil = read_pupil
        self.root = ""
        self.header: Element | None = None
        self.lines: dict[int, int] = {}
        self._builder: TreeBuilder | None = None
        self._depth = 0
        self._kind = ""
        self._start = 0
        self._skip = 0
        self._size = 0
        self.pupils = 0

    def _line(self) -> int:
        assert self.parser is not None
        return int(self.parser.parser.CurrentLineNumber)

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        name = _local(tag)
        if not self.root:
            self.root = name
            if name != "ctfile":
                raise ImportFileError(
                    "This file is not a Common Transfer File: its outermost element is "
                    f"<{tag.rsplit('}', 1)[-1]}>, where a CTF has <CTfile> (line "
                    f"{self._line()})."
                )
            return
        if self._builder is None:
            if name not in ("pupil", "header"):
                return
            self._builder, self._kind, self._depth = TreeBuilder(), name, 0
            self.lines.clear()
            self._size, self._start = 0, self._line()
        if self._skip or (self._depth == 1 and self._kind == "pupil" and name not in _PUPIL_PARTS):
            self._skip += 1
            return
        self._depth += 1
        self._grow(100)
        elem = self._builder.start(name, {})
        self.lines[id(elem)] = self._line()

    def end(self, tag: str) -> None:
        if self._builder is None:
            return
        if self._skip:
            self._skip -= 1
            return
        self._builder.end(_local(tag))
        self._depth -= 1
        if self._depth == 0:
            elem = self._builder.close()
            self._builder = None
            if self._kind == "header":
                self.header = elem
            else:
                self.pupils += 1
                self.read_pupil(elem)

    def data(self, data: str) -> None:
        if self._builder is not None and not self._skip:
            self._grow(len(data))
            self._builder.data(data)

    def _grow(self, size: int) -> None:
        # A Pupil is a few kilobytes: one of megabytes is a hostile file, refused before
        # it fills the memory.
        self._size += size
        if self._size > _MAX_ELEMENT:
            raise ImportFileError(
                f"The {'pupil' if self._kind == 'pupil' else 'header'} that starts at line "
                f"{self._start} is far bigger than any real one, so the file was not read."
            )

    def close(self) -> None:
        return None


def read_ctf(
    path: Path,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    today: date | None = None,
) -> ImportFile:
    """The pupils, contacts and links of a CTF, checked (bad rows in `refused`).
    `ImportFileError` when the file can't be read as a CTF at all (its message names the
    line); `ImportCancelled` if `cancelled()` turns true. `today` is for the tests."""
    path = Path(path)
    try:
        total = path.stat().st_size
    except OSError as exc:
        raise ImportFileError(f"The file can't be opened: {exc.strerror}.") from None
    if total > MAX_BYTES:
        raise ImportFileError(
            f"The file is {total / 1024 / 1024:.0f} MB, more than the "
            f"{MAX_BYTES // 1024 // 1024} MB a Common Transfer File can be here: it was "
            "not read. Export the CTF again, for this school's pupils only."
        )
    if total == 0:
        raise ImportFileError("The file is empty: export the CTF again.")
    warnings: list[str] = []
    unknown_types: set[str] = set()
    drafts: list[PupilDraft] = []
    target = _Target(lambda _elem: None)

    def read_pupil(elem: Element) -> None:
        drafts.append(pupil_draft(elem, lambda e: target.lines.get(id(e)), warnings, unknown_types))

    target.read_pupil = read_pupil
    parser = DefusedXMLParser(
        target=target, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    target.parser = parser
    digest = hashlib.sha256()
    done, reported = 0, 0
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(_CHUNK):
                digest.update(chunk)
                done += len(chunk)
                _feed(parser, chunk, target, at_end=False)
                if target.pupils - reported >= _EVERY:
                    reported = target.pupils
                    if cancelled is not None and cancelled():
                        raise ImportCancelled
                    if progress is not None:
                        progress(done, total)
        _feed(parser, b"", target, at_end=True)
    except OSError as exc:
        raise ImportFileError(f"The file can't be read: {exc.strerror}.") from None
    if progress is not None:
        progress(total, total)
    result = ImportFile(source="ctf", file_name=path.name, sha256=digest.hexdigest())
    _header(target.header, result)
    accepted, result.refused = check_pupils(drafts, today=today or date.today(), upn_required=True)
    result.pupils = [record for record, _ in accepted]
    result.contacts, result.links = merge_contacts(accepted, result.refused, warnings)
    if unknown_types:
        warnings.append(
            "Some telephone numbers have a type Footprint doesn't know ("
            + ", ".join(sorted(unknown_types))
            + "): the numbers are read all the same."
        )
    result.warnings = [*result.warnings, *warnings]
    return result


def _feed(parser: DefusedXMLParser, chunk: bytes, target: _Target, *, at_end: bool) -> None:
    """Feed (or close) the parser, turning its complaints into sentences for the DSL."""
    try:
        if at_end:
            parser.close()
        else:
            parser.feed(chunk)
    except ParseError as exc:
        line, column = exc.position
        if at_end and not target.root:
            raise ImportFileError(
                "This file is not a Common Transfer File: it has no XML in it."
            ) from None
        if at_end and exc.code in _ENDS_EARLY:
            raise ImportFileError(
                f"The file ends early, at line {line}: it may not have been copied "
                "completely. Export the CTF again."
            ) from None
        raise ImportFileError(
            f"The file is not well-formed XML at line {line}, column {column + 1}."
            + (" It may not be a Common Transfer File." if not target.root else "")
        ) from None
    except DefusedXmlException:
        line = parser.parser.CurrentLineNumber
        raise ImportFileError(
            "The file contains a DTD or entity definitions, which a Common Transfer File "
            f"never has, so it was not read (line {line})."
        ) from None
    if at_end and target.root and target.header is None:
        raise ImportFileError("This file is not a Common Transfer File: it has no Header (line 1).")


_LA = re.compile(r"^\d{3}$")


def _header(header: Element | None, result: ImportFile) -> None:
    if header is None:
        return
    result.schema_version = text(header, "ctfversion")
    result.file_date = text(header, "datetime")
    result.says_partial = text(header, "documentqualifier").casefold() == "partial"
    source = header.find("sourceschool")
    la, estab, name = text(source, "lea"), text(source, "estab"), text(source, "schoolname")
    numbers = "/".join(p for p in (la, estab) if p)
    result.source_school = " ".join(p for p in (numbers, name) if p)
    if la and not _LA.match(la):
        result.warnings.append(
            f"The file's LA code “{la}” is not 3 digits, as an English or Welsh LA code is."
        )
    version = re.match(r"\d+", result.schema_version)
    if result.schema_version and (version is None or not 8 <= int(version.group()) <= 40):
        result.warnings.append(
            f"The file says it is CTF version “{result.schema_version}”, which Footprint "
            "doesn't know: it was read as a recent version."
        )
