"""The fields a CSV column can fill, and the headings MIS exports give them (SIMS,
Arbor, Bromcom, ScholarPack and home-made spreadsheets), for the mapping screen's guess."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.folding import tokens


@dataclass(frozen=True)
class CsvField:
    """A Footprint field a CSV column can fill."""

    key: str  # "family_name", "contact_relationship", ...
    label: str  # "Surname", "Contact's relationship", ...
    required: bool = False


def _address(prefix: str, label: str) -> list[CsvField]:
    return [CsvField(f"{prefix}address_{n}", f"{label} address line {n}") for n in range(1, 5)]


PUPIL_FIELDS: tuple[CsvField, ...] = (
    CsvField("upn", "UPN"),
    CsvField("mis_id", "Pupil's MIS or admission number"),
    CsvField("family_name", "Surname", required=True),
    CsvField("given_name", "Forename", required=True),
    CsvField("preferred_family_name", "Preferred surname"),
    CsvField("preferred_given_name", "Preferred forename"),
    CsvField("date_of_birth", "Date of birth"),
    CsvField("year_group", "Year group"),
    CsvField("class_name", "Class or registration group"),
    *_address("", "Pupil's"),
    CsvField("postcode", "Pupil's postcode"),
    CsvField("contact_mis_id", "Contact's MIS id"),
    CsvField("contact_title", "Contact's title"),
    CsvField("contact_family_name", "Contact's surname"),
    CsvField("contact_given_name", "Contact's forename"),
    CsvField("contact_relationship", "Contact's relationship"),
    CsvField("contact_parental_responsibility", "Parental responsibility"),
    CsvField("contact_priority", "Contact priority"),
    CsvField("contact_no_contact", "No contact (court order or restriction)"),
    *_address("contact_", "Contact's"),
    CsvField("contact_postcode", "Contact's postcode"),
    CsvField("contact_phone", "Contact's telephone"),
    CsvField("contact_email", "Contact's email"),
)

STAFF_FIELDS: tuple[CsvField, ...] = (
    CsvField("mis_id", "Staff MIS id"),
    CsvField("title", "Title"),
    CsvField("family_name", "Surname", required=True),
    CsvField("given_name", "Forename", required=True),
    CsvField("job_title", "Role or job title"),
    CsvField("email", "Email"),
)


def _aliases(table: dict[str, str]) -> dict[str, str]:
    """heading (normalised) → field key, from field key → "heading|heading|..."."""
    result: dict[str, str] = {}
    for key, headings in table.items():
        for heading in headings.split("|"):
            norm = normalise_heading(heading)
            # One heading never means two fields.
            assert result.get(norm, key) == key, heading
            result[norm] = key
    return result


def normalise_heading(heading: str) -> str:
    """ "Legal Surname", "legal_surname" and "LegalSurname" all give "legalsurname"."""
    return "".join(tokens(heading))


def _address_aliases(prefix: str, words: tuple[str, ...]) -> dict[str, str]:
    table = {}
    for n in range(1, 5):
        names = [f"{w} address line {n}|{w} address {n}|{w} address{n}" for w in words]
        table[f"{prefix}address_{n}"] = "|".join(names).replace("  ", " ").strip()
    return table


_PUPIL_ALIASES = _aliases(
    {
        "upn": "UPN|Unique Pupil Number|Pupil UPN|Student UPN",
        "mis_id": "Adno|Adm No|Admission Number|Admission No|MIS ID|Pupil ID|Student ID|"
        "Pupil MIS ID|Arbor Student ID|Person ID|ID",
        "family_name": "Legal Surname|Surname|Last Name|Family Name|Legal Last Name|"
        "Pupil Surname|Student Surname|Student Last Name|Legal Family Name",
        "given_name": "Legal Forename|Forename|First Name|Given Name|Legal First Name|"
        "Pupil Forename|Student Forename|Student First Name|Legal Given Name",
        "preferred_family_name": "Preferred Surname|Preferred Last Name|Chosen Surname",
        "preferred_given_name": "Preferred Forename|Preferred First Name|Preferred Name|"
        "Known As|Chosen Name",
        "date_of_birth": "DOB|Date of Birth|Birth Date|Birthdate|D.O.B.",
        "year_group": "Year|Year Group|NC Year|Curriculum Year|NC Year Actual|"
        "National Curriculum Year|Year Taught In|Yr",
        "class_name": "Reg Group|Registration Group|Form|Tutor Group|Class|Form Group|"
        "Registration Form|Reg Form|Reg|Class Name",
        **_address_aliases("", ("", "pupil", "student", "home")),
        "postcode": "Postcode|Post Code|Pupil Postcode|Student Postcode|Home Postcode|Postal Code",
        "contact_mis_id": "Contact ID|Contact MIS ID|Contact Person ID|Parent ID|"
        "Guardian ID|Contact Number",
        "contact_title": "Contact Title|Parent Title|Title",
        "contact_family_name": "Contact Surname|Contact Last Name|Contact Legal Surname|"
        "Contact Family Name|Parent Surname|Parent Last Name|Guardian Surname|"
        "Guardian Last Name|Primary Contact Surname|Primary Contact Last Name",
        "contact_given_name": "Contact Forename|Contact First Name|Contact Legal Forename|"
        "Contact Given Name|Parent Forename|Parent First Name|Guardian Forename|"
        "Guardian First Name|Primary Contact Forename|Primary Contact First Name",
        "contact_relationship": "Contact Relationship|Relationship|Relationship to Pupil|"
        "Relationship to Student|Relation|Contact Relation|Guardian Relationship",
        "contact_parental_responsibility": "Parental Responsibility|PR|"
        "Has Parental Responsibility|Contact Parental Responsibility|Parental Resp|Has PR",
        "contact_priority": "Priority|Contact Priority|Contact Order|Order|Priority Order|"
        "Contact Priority Order",
        "contact_no_contact": "Court Order|Court Orders|Contact Restriction|"
        "Contact Restrictions|No Contact|Restriction|Parental Restriction|"
        "Legal Restriction",
        **_address_aliases("contact_", ("contact", "parent", "guardian")),
        "contact_postcode": "Contact Postcode|Contact Post Code|Parent Postcode|Guardian Postcode",
        "contact_phone": "Contact Phone|Contact Telephone|Contact Mobile|Parent Phone|"
        "Parent Mobile|Contact Phone Number|Telephone|Phone|Mobile|Primary Telephone",
        "contact_email": "Contact Email|Contact Email Address|Parent Email|Guardian Email|"
        "Email|Email Address|Primary Email",
    }
)
# Headings that say which line without saying "address".
_PUPIL_ALIASES.update(
    {
        normalise_heading(h): k
        for h, k in (
            ("Street", "address_1"),
            ("Locality", "address_2"),
            ("Town", "address_3"),
            ("Town/City", "address_3"),
            ("County", "address_4"),
            ("Contact Street", "contact_address_1"),
            ("Contact Town", "contact_address_3"),
        )
    }
)

_STAFF_ALIASES = _aliases(
    {
        "mis_id": "Staff ID|Staff Code|Person ID|Employee Number|Payroll Number|MIS ID|ID",
        "title": "Title|Staff Title",
        "family_name": "Legal Surname|Surname|Last Name|Family Name|Staff Surname",
        "given_name": "Legal Forename|Forename|First Name|Given Name|Staff Forename",
        "job_title": "Role|Job Title|Post|Position|Staff Role|Job Role|Roles",
        "email": "Email|Email Address|Work Email|School Email|Staff Email",
    }
)

ALIASES = {"pupils": _PUPIL_ALIASES, "staff": _STAFF_ALIASES}
