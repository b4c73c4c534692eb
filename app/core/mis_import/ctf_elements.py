"""One CTF Pupil element (tags already lower-cased by the reader) → a PupilDraft: names,
date of birth, year group, address in either official layout, phones, email, contacts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from xml.etree.ElementTree import Element

from app.core.mis_import.codes import ctf_year_group, relationship_words
from app.core.mis_import.drafts import ContactDraft, PupilDraft
from app.core.mis_import.records import Position

#: Telephone types seen in CTFs (only H is confirmed; the others are the usual guesses).
KNOWN_PHONE_TYPES = frozenset({"H", "M", "W", "F", "D", "E", "O"})
# Countries that need no line on a letter posted in the UK.
_HOME = frozenset({"", "GB", "GBR", "UK", "UNITED KINGDOM", "ENGLAND", "WALES", "XF", "XI"})

LineOf = Callable[[Element], int | None]


def text(elem: Element | None, *names: str) -> str:
    """The stripped text of the first child called one of `names` ("" if none)."""
    if elem is None:
        return ""
    for name in names:
        child = elem.find(name)
        if child is not None and child.text:
            return " ".join(child.text.split())
    return ""


def true_false(value: str) -> bool | None:
    """A CTF boolean: "true"/"1" True, "false"/"0" False, anything else unknown."""
    word = value.strip().casefold()
    if word in ("true", "1"):
        return True
    if word in ("false", "0"):
        return False
    return None


def address_of(elem: Element | None) -> tuple[str, str]:
    """(letter lines joined by "\n", postcode) of an Address element in the BS7666 layout,
    the AddressLines layout, or either's children straight under Address."""
    if elem is None:
        return "", ""
    lines: list[str] = []
    lines_block = elem.find("addresslines")
    bs7666 = elem.find("bs7666address")
    if lines_block is not None:
        lines = [text(lines_block, f"addressline{n}") for n in range(1, 6)]
    elif bs7666 is not None or elem.find("paon") is not None or elem.find("street") is not None:
        lines = _bs7666_lines(bs7666 if bs7666 is not None else elem)
    else:
        lines = [text(elem, f"addressline{n}") for n in range(1, 6)]
    county = text(elem, "county")
    if county:
        lines.append(county)
    country = text(elem, "country")
    if country.upper() not in _HOME:
        lines.append(country)
    seen: set[str] = set()
    kept = []
    for line in lines:
        if line and line.casefold() not in seen:
            seen.add(line.casefold())
            kept.append(line)
    return "\n".join(kept), text(elem, "postcode").upper()


def _bs7666_lines(elem: Element) -> list[str]:
    paon, street = text(elem, "paon"), text(elem, "street")
    lines = [text(elem, "saon")]
    # "12 Acacia Avenue", but "Rose Cottage" on a line of its own above the street.
    if paon and paon[0].isdigit():
        lines.append(f"{paon} {street}".strip())
    else:
        lines += [paon, street]
    # Town and PostTown are often the same: the caller drops repeated lines.
    towns = [text(elem, "town"), text(elem, "posttown"), text(elem, "administrativearea")]
    return [*lines, text(elem, "locality"), *towns]


def phone_of(elem: Element, unknown_types: set[str]) -> str:
    """The first home number, else the first number, of a Phones block."""
    numbers: list[tuple[str, str]] = []
    for phone in elem.iterfind("phones/phone"):
        kind, number = text(phone, "telephonetype").upper(), text(phone, "phoneno")
        if kind and kind not in KNOWN_PHONE_TYPES:
            unknown_types.add(kind)
        if number:
            numbers.append((kind, number))
    for kind, number in numbers:
        if kind == "H":
            return number
    return numbers[0][1] if numbers else ""


def _date(value: str) -> tuple[date | None, str]:
    if not value:
        return None, ""
    try:
        return date.fromisoformat(value[:10]), ""
    except ValueError:
        return None, f"The date of birth “{value}” is not a date (it should be YYYY-MM-DD)."


def pupil_draft(
    pupil: Element,
    line_of: LineOf,
    warnings: list[str],
    unknown_types: set[str],
) -> PupilDraft:
    """The pupil (and their contacts) in one Pupil element."""
    basic = pupil.find("basicdetails")
    # Surname etc. sit under Pupil in every real writer; some hand-made files put them in
    # BasicDetails, and synthetic ones call them LegalSurname.
    where = [pupil, basic] if basic is not None else [pupil]

    def first(*names: str) -> str:
        for elem in where:
            found = text(elem, *names)
            if found:
                return found
        return ""

    dob, problem = _date(first("dob"))
    draft = PupilDraft(
        position=Position(line=line_of(pupil)),
        upn=first("upn"),
        given_name=first("forename", "legalforename"),
        family_name=first("surname", "legalsurname"),
        preferred_given_name=text(basic, "preferredforename"),
        preferred_family_name=text(basic, "preferredsurname"),
        date_of_birth=dob,
        date_problem=problem,
        class_name=first("reggroup", "registrationgroup") or None,
        email=text(pupil, "email"),
    )
    nc_year = first("ncyearactual")
    if nc_year:
        draft.year_group = ctf_year_group(nc_year)
        if draft.year_group is None:
            warnings.append(
                f"The pupil at {draft.position} ({draft.who}) has NC year “{nc_year}”, "
                "which is not a year group Footprint keeps: their year group is left empty."
            )
    draft.address, draft.postcode = address_of(pupil.find("address"))
    draft.phone = phone_of(pupil, unknown_types)
    for contact in pupil.iterfind("contacts/contact"):
        draft.contacts.append(_contact(contact, draft, line_of, unknown_types))
    return draft


def _contact(
    elem: Element, pupil: PupilDraft, line_of: LineOf, unknown_types: set[str]
) -> ContactDraft:
    words, code = relationship_words(text(elem, "relationship"))
    order = text(elem, "order")
    address = elem.find("address")
    if address is not None and true_false(text(address, "addressaspupil")):
        lines, postcode = pupil.address, pupil.postcode
    else:
        lines, postcode = address_of(address)
    return ContactDraft(
        position=Position(line=line_of(elem)),
        given_name=text(elem, "forename"),
        family_name=text(elem, "surname"),
        title=text(elem, "title"),
        address=lines,
        postcode=postcode,
        phone=phone_of(elem, unknown_types),
        email=text(elem, "email"),
        relationship=words,
        relationship_code=code,
        parental_responsibility=true_false(text(elem, "responsibility")),
        priority=int(order) if order.isdigit() and int(order) > 0 else None,
    )
