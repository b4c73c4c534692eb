"""Letter templates: plain text with {placeholders}, shipped in resources/letters and
editable by the school. A placeholder Footprint doesn't know is an error, named, before
anything is printed."""

from __future__ import annotations

import difflib
import string
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from app.core.errors import ValidationError
from app.resources import resource_path

#: Every placeholder a template may use, with what it is filled with (shown in Settings).
PLACEHOLDERS: dict[str, str] = {
    "school_name": "The school's name",
    "school_address": "The school's address",
    "school_phone": "The school's phone number",
    "school_email": "The school's email address",
    "complaints_url": "Where the complaints procedure is",
    "headteacher_name": "The headteacher's name",
    "dsl_names": "The DSL and deputies",
    "addressee_name": "The name of the person the letter is to",
    "child_name": "The pupil's name",
    "child_class": "The pupil's class (or year group)",
    "incident_reference": "The incident's reference, e.g. SM-2026-0042",
    "platform": "Where it was posted (Facebook, WhatsApp …)",
    "date_seen": "When the school saw the post, e.g. 24 November 2026",
    "date_posted": "When it was posted, if known",
    "where": "Where it was posted, e.g. “in a parents' chat on WhatsApp”",
    "post_description": (
        "The post, identified without quoting it: the request's description, "
        "else “a post {where} on {date_posted}”"
    ),
    "poster": "Who posted it: “you”, or “your child Sam Example” to a pupil's parents",
    "child_involvement": (
        "The pupil's part, in a sentence or two (target, poster, pictured, witness, "
        "reported it), with support for a child who was targeted"
    ),
    "reply_so_far": (
        "What was recorded about the first request: no reply, refused, or partly removed"
    ),
    "age_rule": "The platform's minimum age, as a sentence (or that it sets its own rules)",
    "deadline": "The deadline for deleting the post (from the deletion request)",
    "letter_date": "The letter's date",
}


@dataclass(frozen=True)
class LetterTemplate:
    """One template: a title for the list, the letter's subject line, and its body."""

    key: str
    title: str
    subject: str
    body: str

    @property
    def paragraphs(self) -> list[str]:
        """Paragraphs are separated by blank lines."""
        return [p.strip() for p in self.body.replace("\r\n", "\n").split("\n\n") if p.strip()]


def placeholders_in(text: str, field: str = "body") -> list[str]:
    """The placeholder names used in `text`; a broken brace, or a placeholder with
    formatting added ({date_seen:%d}, {child_name!r}), is a ValidationError."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        raise ValidationError(
            field,
            f"A {{ or }} has no partner{_near_unpaired(text)}: write placeholders like "
            "{child_name}, and a brace that should print as {{ or }}.",
        ) from None
    names = []
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if spec or conversion:
            written = (
                "{"
                + name
                + (f"!{conversion}" if conversion else "")
                + (f":{spec}" if spec else "")
                + "}"
            )
            raise ValidationError(
                field,
                f"Write placeholders plainly, like {{{name}}}: {written} has extra "
                "formatting Footprint doesn't use.",
            )
        names.append(name)
    return names


def _near_unpaired(text: str) -> str:
    """Where the first unpaired brace is, as a reader would count (line and character)."""
    depth_at = None
    index = 0
    while index < len(text):
        char = text[index]
        if char in "{}" and text[index : index + 2] in ("{{", "}}"):
            index += 2
            continue
        if char == "{":
            if depth_at is not None:
                break  # a second { before the first closed
            depth_at = index
        elif char == "}":
            if depth_at is None:
                depth_at = index
                break
            depth_at = None
        index += 1
    if depth_at is None:
        return ""
    line = text.count("\n", 0, depth_at) + 1
    column = depth_at - (text.rfind("\n", 0, depth_at) + 1) + 1
    return f" (line {line}, character {column})"


def check_placeholders(text: str, field: str = "body") -> None:
    """Every placeholder must be one Footprint fills; the first unknown one is named."""
    for name in placeholders_in(text, field):
        if name not in PLACEHOLDERS:
            close = difflib.get_close_matches(name, PLACEHOLDERS, n=1)
            hint = f" Did you mean {{{close[0]}}}?" if close else ""
            shown = name or "(empty)"
            raise ValidationError(field, f"Unknown placeholder {{{shown}}}.{hint}")


def parse_template(key: str, text: str) -> LetterTemplate:
    """Read "title:", "subject:", a "---" line, then the body; check the placeholders."""
    head, separator, body = text.replace("\r\n", "\n").partition("\n---\n")
    if not separator:
        raise ValidationError(
            "body",
            "The template needs its heading lines, then a line "
            "with three dashes (---), then the letter.",
        )
    fields = {}
    for line in head.splitlines():
        name, _, value = line.partition(":")
        fields[name.strip().lower()] = value.strip()
    template = LetterTemplate(
        key, fields.get("title", key), fields.get("subject", ""), body.strip()
    )
    if not template.subject:
        raise ValidationError("subject", "The template needs a subject line.")
    check_placeholders(template.subject, "subject")
    check_placeholders(template.body, "body")
    return template


def fill(template: LetterTemplate, values: Mapping[str, str]) -> tuple[str, list[str]]:
    """The subject and paragraphs with every placeholder filled (blank where unknown)."""
    check_placeholders(template.subject, "subject")
    check_placeholders(template.body, "body")
    complete = {name: values.get(name, "") for name in PLACEHOLDERS}
    return (
        template.subject.format_map(complete),
        [paragraph.format_map(complete) for paragraph in template.paragraphs],
    )


def default_templates() -> dict[str, LetterTemplate]:
    """The templates Footprint ships, by key (the file name); a fresh dict each time."""
    return dict(_shipped())


@cache
def _shipped() -> dict[str, LetterTemplate]:
    """Read and checked once per run: the files are part of the installation."""
    folder = resource_path("letters")
    return {
        path.stem: parse_template(path.stem, path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("*.txt"))
    }
