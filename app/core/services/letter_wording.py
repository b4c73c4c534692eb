"""The school's wording of each letter: versions kept as history, the default restorable,
and a preview with invented values (Settings → Letters)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.clock import today_london
from app.core.errors import NotFound
from app.core.letter_templates import (
    PLACEHOLDERS,
    LetterTemplate,
    check_placeholders,
    default_templates,
    fill,
)
from app.core.models import (
    LetterTemplateVersion,
    User,
)
from app.core.permissions import Permission, requires
from app.core.services.letter_values import letterhead, long_date, school_values
from app.core.services.school import get_settings
from app.core.services.validation import atomic, check_text
from app.documents.letters import LetterContent, LetterDocument


@dataclass(frozen=True)
class TemplateRow:
    """A template as Settings → Letters lists it."""

    key: str
    title: str
    customised: bool
    changed_at: datetime | None
    changed_by: str


def current_templates(session: Session) -> dict[str, LetterTemplate]:
    """Every template in use: the school's newest version of each, else the shipped one."""
    templates = default_templates()
    for version in _newest_versions(session):
        if version.template_key in templates and not version.is_default:
            templates[version.template_key] = LetterTemplate(
                version.template_key, version.title, version.subject, version.body
            )
    return templates


def get_template(session: Session, key: str) -> LetterTemplate:
    """One template in use, by key."""
    templates = current_templates(session)
    if key not in templates:
        known = ", ".join(templates)
        raise NotFound(f"There is no letter template called “{key}”. The templates are: {known}.")
    return templates[key]


def template_rows(session: Session) -> list[TemplateRow]:
    """The templates with whether the school has changed them, and who did last."""
    newest = {v.template_key: v for v in _newest_versions(session)}
    users = {u.id: u.display_name for u in session.scalars(select(User))}
    rows = []
    for key, template in current_templates(session).items():
        version = newest.get(key)
        rows.append(
            TemplateRow(
                key=key,
                title=template.title,
                customised=version is not None and not version.is_default,
                changed_at=version.created_at if version else None,
                changed_by=users.get(version.created_by_id, "") if version else "",
            )
        )
    return rows


def check_template(title: str, subject: str, body: str) -> LetterTemplate:
    """A template as typed, checked: lengths, characters, and every placeholder known."""
    check_text("title", title, label="The template's name", max_length=120, required=True)
    check_text("subject", subject, label="The subject line", max_length=300, required=True)
    check_text("body", body, label="The letter", max_length=20_000, required=True, multiline=True)
    check_placeholders(subject, "subject")
    check_placeholders(body, "body")
    return LetterTemplate("", title.strip(), subject.strip(), body.strip())


@requires(Permission.LETTER_TEMPLATES)
def save_template(
    session: Session, actor: User, key: str, title: str, subject: str, body: str
) -> LetterTemplate:
    """Save the school's wording for a template (the earlier wording stays as history)."""
    if key not in default_templates():
        raise NotFound(f"There is no letter template called “{key}”.")
    checked = check_template(title, subject, body)
    current = current_templates(session)[key]
    if (current.title, current.subject, current.body) == (
        checked.title,
        checked.subject,
        checked.body,
    ):
        return current  # unchanged: no new version
    with atomic(session):
        session.add(
            LetterTemplateVersion(
                template_key=key,
                title=checked.title,
                subject=checked.subject,
                body=checked.body,
                created_by_id=actor.id,
            )
        )
        session.flush()
    return LetterTemplate(key, checked.title, checked.subject, checked.body)


@requires(Permission.LETTER_TEMPLATES)
def restore_default(session: Session, actor: User, key: str) -> LetterTemplate:
    """Go back to Footprint's wording (recorded as a version, so the history stays whole)."""
    defaults = default_templates()
    if key not in defaults:
        raise NotFound(f"There is no letter template called “{key}”.")
    shipped = defaults[key]
    with atomic(session):
        session.add(
            LetterTemplateVersion(
                template_key=key,
                is_default=True,
                title=shipped.title,
                subject=shipped.subject,
                body=shipped.body,
                created_by_id=actor.id,
            )
        )
        session.flush()
    return shipped


def _newest_versions(session: Session) -> list[LetterTemplateVersion]:
    newest = (
        select(func.max(LetterTemplateVersion.id))
        .group_by(LetterTemplateVersion.template_key)
        .scalar_subquery()
    )
    return list(
        session.scalars(select(LetterTemplateVersion).where(LetterTemplateVersion.id.in_(newest)))
    )


#: Invented values for previewing a template in Settings (no real person appears).
SAMPLE_VALUES = {
    "addressee_name": "Mrs Alex Example",
    "child_name": "Sam Example",
    "child_class": "Year 4",
    "incident_reference": "SM-2026-0001",
    "platform": "Facebook",
    "where": "in a private group on Facebook",
    "post_description": "a message in the Year 4 parents' Facebook group on 14 November",
    "poster": "your child Sam Example",
    "child_involvement": "It was aimed at Sam. [What is said depends on the pupil's part.]",
    "reply_so_far": "[What was recorded: no reply, refused, or partly removed.]",
    "age_rule": "Facebook's terms set a minimum age of 13 for users in the UK.",
}


@requires(Permission.LETTER_TEMPLATES)
def preview_template(session: Session, title: str, subject: str, body: str) -> bytes:
    """A template as typed, filled with invented values, on the school's letterhead."""
    template = check_template(title, subject, body)
    settings = get_settings(session)
    today = today_london()
    values = {name: f"[{name}]" for name in PLACEHOLDERS}
    values.update(
        {
            **school_values(settings),
            "date_seen": long_date(today),
            "date_posted": long_date(today),
            "deadline": long_date(today),
            "letter_date": long_date(today),
            **SAMPLE_VALUES,
        }
    )
    filled_subject, paragraphs = fill(template, values)
    content = LetterContent(
        letter_date=today,
        reference=SAMPLE_VALUES["incident_reference"],
        addressee_name=SAMPLE_VALUES["addressee_name"],
        address_lines=["1 Example Street", "Exampletown", "EX1 2MP"],
        salutation="Dear Mrs Example,",
        subject=filled_subject,
        paragraphs=paragraphs,
        signatory_name=settings.headteacher_name,
        signatory_title=settings.signatory_title,
        signature_image=settings.signature_image,
        title=template.title,
    )
    return LetterDocument(letterhead(settings), content).render()
