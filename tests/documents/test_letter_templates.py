"""The shipped templates fill and print every field; a wrong placeholder is named."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from app.core.errors import ValidationError
from app.core.letter_templates import (
    PLACEHOLDERS,
    check_placeholders,
    default_templates,
    fill,
    parse_template,
)
from app.documents.base import Letterhead
from app.documents.letters import LetterContent, LetterDocument

VALUES = {
    "school_name": "Kestrel Vale Primary School",
    "complaints_url": "https://kestrelvale.example.org/complaints",
    "dsl_names": "Mr Tomás Gonçalves (DSL)",
    "child_name": "Zoë Nguyễn",
    "child_class": "4 Ash",
    "incident_reference": "SM-2026-0042",
    "platform": "Facebook",
    "date_seen": "20/11/2026",
    "deadline": "26/11/2026",
    "where": "in a parents' chat on Facebook",
    "post_description": "a message in the Year 4 parents' group on 14 November",
    "poster": "your child Zoë Nguyễn",
    "child_involvement": "It was aimed at Zoë.",
    "reply_so_far": "We have not received a reply, and the post has not been removed.",
    "age_rule": "Facebook's terms set a minimum age of 13 for users in the UK.",
}


def test_every_template_identifies_the_post_without_quoting_it() -> None:
    templates = default_templates()
    assert len(templates) == 7 and "pupil_staff_contact" in templates
    for key, template in templates.items():
        # Where and when it was posted, through the request's neutral description (which
        # falls back to "a post {where} on {date_posted}") or {where} itself.
        assert "{post_description}" in template.body or "{where}" in template.body, key
    for key in ("request_removal", "second_request", "images_without_consent"):
        assert "{poster}" in templates[key].body, key  # never "you" to a pupil's parent
        assert "We ask you to delete" not in templates[key].body, key
    assert "{reply_so_far}" in templates["second_request"].body
    assert "we have not received a reply" not in templates["second_request"].body.lower()
    assert "{age_rule}" in templates["underage_use"].body
    assert "minimum age of 13" not in templates["underage_use"].body
    assert "{child_involvement}" in templates["child_involved"].body


@pytest.mark.parametrize("key", sorted(default_templates()))
def test_each_template_prints_every_field_it_uses(key: str) -> None:
    template = default_templates()[key]
    subject, paragraphs = fill(template, VALUES)
    pdf = LetterDocument(
        Letterhead("Kestrel Vale Primary School"),
        LetterContent(
            date(2026, 11, 24),
            "SM-2026-0042",
            "Mr Şükrü O'Brien & Sons <Ltd>",
            ["12 Oak Road", "Elmford"],
            "Dear Mr O'Brien,",
            subject,
            paragraphs,
            "Ms Harriet Fairbairn",
            "Headteacher",
        ),
    ).render()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.split())  # line breaks in the PDF become spaces
    used = {
        name
        for part in (template.subject, template.body)
        for name in PLACEHOLDERS
        if "{" + name + "}" in part
    }
    assert used, key
    for name in used:
        assert VALUES[name] in text, (key, name)
    assert "Mr Şükrü O'Brien & Sons <Ltd>" in text
    assert "{" not in text  # nothing left unfilled


def test_an_unknown_placeholder_is_named_with_a_suggestion() -> None:
    with pytest.raises(
        ValidationError,
        match=r"Unknown placeholder \{chlid_name\}\. "
        r"Did you mean \{child_name\}\?",
    ):
        check_placeholders("Dear parent of {chlid_name},")
    with pytest.raises(ValidationError, match="no partner"):
        check_placeholders("A stray { brace")
    check_placeholders("Literal braces {{like this}} are fine; {child_name} too.")


def test_a_template_needs_its_heading_and_subject() -> None:
    with pytest.raises(ValidationError, match="three dashes"):
        parse_template("x", "Just a body with {child_name}")
    with pytest.raises(ValidationError) as raised:
        parse_template("x", "title: T\n---\nBody")
    assert raised.value.field == "subject"
    template = parse_template("x", "title: T\nsubject: About {child_name}\n---\nOne.\n\nTwo.")
    assert fill(template, {"child_name": "Aoife"}) == ("About Aoife", ["One.", "Two."])
