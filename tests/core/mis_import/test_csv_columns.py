"""The fields a CSV can fill and the guesses from MIS export headings (SIMS, Arbor,
Bromcom): one heading never fills two fields."""

from __future__ import annotations

import pytest

from app.core.mis_import.csv_files import fields_for, guess_columns
from tests.core.mis_import.test_csv_read import SIMS


def test_guesses_for_sims_arbor_and_bromcom() -> None:
    assert guess_columns(SIMS.split("\n")[0].split(","), "pupils") == {
        "upn": "UPN",
        "mis_id": "Adno",
        "family_name": "Legal Surname",
        "given_name": "Legal Forename",
        "preferred_given_name": "Preferred Forename",
        "date_of_birth": "DOB",
        "year_group": "Year",
        "class_name": "Reg Group",
        "address_1": "Address Line 1",
        "address_2": "Address Line 2",
        "postcode": "Postcode",
        "contact_family_name": "Contact Surname",
        "contact_given_name": "Contact Forename",
        "contact_title": "Title",
        "contact_relationship": "Contact Relationship",
        "contact_parental_responsibility": "Parental Responsibility",
        "contact_priority": "Priority",
        "contact_no_contact": "Court Order",
        "contact_phone": "Telephone",
        "contact_email": "Email",
    }
    arbor = [
        "Student ID",
        "First name",
        "Last name",
        "Year group",
        "Registration form",
        "Date of birth",
        "Contact ID",
        "Contact first name",
        "Contact last name",
        "Relationship",
        "Has parental responsibility",
        "Contact priority",
        "Contact restriction",
        "Contact Address Line 1",
        "Contact Postcode",
    ]
    assert guess_columns(arbor, "pupils") == {
        "mis_id": "Student ID",
        "given_name": "First name",
        "family_name": "Last name",
        "year_group": "Year group",
        "class_name": "Registration form",
        "date_of_birth": "Date of birth",
        "contact_mis_id": "Contact ID",
        "contact_given_name": "Contact first name",
        "contact_family_name": "Contact last name",
        "contact_relationship": "Relationship",
        "contact_parental_responsibility": "Has parental responsibility",
        "contact_priority": "Contact priority",
        "contact_no_contact": "Contact restriction",
        "contact_address_1": "Contact Address Line 1",
        "contact_postcode": "Contact Postcode",
    }
    bromcom = [
        "FirstName",
        "LastName",
        "YearGroup",
        "Form",
        "DateOfBirth",
        "UPN",
        "Surname",
        "CONTACT_SURNAME",
        "PR",
    ]
    assert guess_columns(bromcom, "pupils") == {
        "given_name": "FirstName",
        "family_name": "LastName",
        "year_group": "YearGroup",
        "class_name": "Form",
        "date_of_birth": "DateOfBirth",
        "upn": "UPN",
        "contact_family_name": "CONTACT_SURNAME",
        "contact_parental_responsibility": "PR",
    }
    assert guess_columns(["Shoe size", "Notes"], "pupils") == {}


def test_fields() -> None:
    assert [(f.key, f.required) for f in fields_for("staff")] == [
        ("mis_id", False),
        ("title", False),
        ("family_name", True),
        ("given_name", True),
        ("job_title", False),
        ("email", False),
    ]
    pupil_fields = [f.key for f in fields_for("pupils")]
    assert len(pupil_fields) == 29
    assert [f.key for f in fields_for("pupils") if f.required] == ["family_name", "given_name"]
    with pytest.raises(ValueError):
        fields_for("governors")


def test_pupil_and_contact_headings_stay_apart_and_the_first_heading_wins() -> None:
    headings = [
        "Surname",
        "Address Line 1",
        "Contact Address Line 1",
        "Last Name",
        "Postcode",
        "Contact Postcode",
        "Surname",
    ]
    assert guess_columns(headings, "pupils") == {
        "family_name": "Surname",
        "address_1": "Address Line 1",
        "contact_address_1": "Contact Address Line 1",
        "postcode": "Postcode",
        "contact_postcode": "Contact Postcode",
    }
    assert guess_columns(["Surname", "Forename", "Job Title", "Email"], "staff") == {
        "family_name": "Surname",
        "given_name": "Forename",
        "job_title": "Job Title",
        "email": "Email",
    }
