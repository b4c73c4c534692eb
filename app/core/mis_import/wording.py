"""How an import's preview is put into words, the same in the window and on the command
line: the counts as a sentence, a field's change, what a file says of itself."""

from __future__ import annotations

from datetime import datetime

from app.core.mis_import.plan import FieldChange, LinkPlan
from app.core.mis_import.records import ImportFile

_NOUNS = {
    "pupils": ("pupil", "pupils"),
    "contacts": ("parent or contact", "parents and contacts"),
    "staff": ("member of staff", "staff"),
    "links": ("family link", "family links"),
}


def counted(number: int, singular: str, plural: str) -> str:
    """ "1 pupil", "1,204 pupils"."""
    return f"{number:,} {singular if number == 1 else plural}"


def _listed(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _people(counts: dict[str, int], verb: str) -> str:
    parts = [
        counted(counts.get(f"{word} {verb}", 0), *_NOUNS[word])
        for word in ("pupils", "contacts", "staff")
        if counts.get(f"{word} {verb}", 0)
    ]
    return _listed(parts)


def change_parts(counts: dict[str, int]) -> list[str]:
    """What an import changes, in clauses ("adds 3 pupils and 6 parents and contacts",
    "marks 1 pupil as left", "ends 2 family links"); empty when it changes nothing."""
    parts = []
    if added := _people(counts, "added"):
        parts.append(f"adds {added}")
    if changed := _people(counts, "changed"):
        parts.append(f"changes the details of {changed}")
    if left := _people(counts, "left"):
        parts.append(f"marks {left} as left")
    for key, verb in (
        ("links added", "adds"),
        ("links changed", "changes"),
        ("links ended", "ends"),
    ):
        if counts.get(key, 0):
            parts.append(f"{verb} {counted(counts[key], *_NOUNS['links'])}")
    return parts


def counts_sentence(counts: dict[str, int]) -> str:
    """The counts at the top of a preview, as a sentence a DSL reads at a glance."""
    parts = change_parts(counts)
    changes = ("This import " + "; ".join(parts) + ".") if parts else "This import changes nothing."
    tail = []
    if counts.get("unchanged", 0):
        tail.append(f"{counted(counts['unchanged'], 'person is', 'people are')} unchanged")
    if counts.get("rows refused", 0):
        tail.append(f"{counted(counts['rows refused'], 'row is', 'rows are')} refused")
    return changes + (" " + _listed(tail).capitalize() + "." if tail else "")


def change_text(change: FieldChange) -> str:
    """ "Class: 5B → 6H" (a blank side reads "(none)"). An address's lines are joined with
    commas: on one line of the preview (and of the terminal) both sides stay readable."""

    def side(value: str) -> str:
        return ", ".join(part for part in value.split("\n") if part) or "(none)"

    return f"{change.label}: {side(change.old)} → {side(change.new)}"


def incidents_note(on_incidents: int) -> str:
    """ "on 2 incidents" for someone the preview must point out; "" for nobody's."""
    if on_incidents <= 0:
        return ""
    return "on " + counted(on_incidents, "incident", "incidents")


def file_description(import_file: ImportFile) -> str:
    """What the file is and says of itself: "oakfield.xml: a Common Transfer File from
    380/2093 Oakfield Primary (version 23.0), made 04/09/2026 09:12"."""
    kind = "a Common Transfer File" if import_file.source == "ctf" else "a CSV export"
    said = []
    if import_file.source_school:
        said.append(f"from {import_file.source_school}")
    if import_file.schema_version:
        said.append(f"(version {import_file.schema_version})")
    text = " ".join([f"{import_file.file_name}: {kind}", *said])
    if import_file.file_date:
        text += f", made {_when(import_file.file_date)}"
    if import_file.mapping_name:
        text += f", read with the mapping “{import_file.mapping_name}”"
    if import_file.says_partial:
        text += "; it says it holds only some of the school's pupils"
    return text


def _when(text: str) -> str:
    """A CTF's ISO date and time as a DSL reads it; anything else as it is."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.hour == moment.minute == moment.second == 0 and "T" not in text:
        return moment.strftime("%d/%m/%Y")
    return moment.strftime("%d/%m/%Y %H:%M")


def restriction_text(link: LinkPlan) -> str:
    """ "No contact from now on (Court order)", then anything else that changes: the
    restriction first, said once."""
    reason = next((c.new for c in link.changes if c.field == "no_contact"), "")
    reason = reason.removeprefix("Yes").strip().strip("()")
    others = [change_text(c) for c in link.changes if c.field != "no_contact"]
    if not link.changes:  # a new link: what it is, without its "no contact" again
        others = [link.description.removesuffix(", no contact")]
    head = f"No contact from now on ({reason})" if reason else "No contact from now on"
    return "; ".join([head, *others])
