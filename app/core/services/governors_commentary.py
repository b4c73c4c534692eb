"""The DSL's commentary on a term's governors' report: kept per term (each save a new
version), and checked for anything that looks personal before it goes out."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.models import (
    Person,
    ReportCommentary,
    User,
)
from app.core.permissions import Permission, requires
from app.core.rules.commentary import name_warnings
from app.core.services.validation import atomic, check_text

COMMENTARY_MAX = 4_000


@requires(Permission.GOVERNORS_REPORT)
def latest_commentary(session: Session, term_key: str) -> str:
    """The DSL's commentary for a term, as last saved (empty if none)."""
    text = session.scalars(
        select(ReportCommentary.text)
        .where(ReportCommentary.term_key == term_key)
        .order_by(ReportCommentary.id.desc())
        .limit(1)
    ).first()
    return text or ""


@requires(Permission.REPORT_COMMENTARY)
def save_commentary(session: Session, actor: User, term_key: str, text: str) -> None:
    """Keep the commentary (each save is a new version; the newest is used)."""
    check_text(
        "commentary", text, label="The commentary", max_length=COMMENTARY_MAX, multiline=True
    )
    with atomic(session):
        if latest_commentary(session, term_key) == text:
            return
        session.add(ReportCommentary(term_key=term_key, text=text, created_by_id=actor.id))
        session.flush()


def commentary_warnings(session: Session, text: str) -> list[str]:
    """Things in the commentary that look personal: a name from the log (see
    `rules.commentary`), an incident reference, a link or an account handle. The DSL
    decides; this only warns."""
    import re

    people = [
        (given, family)
        for given, family in session.execute(
            select(Person.given_name, Person.family_name).where(Person.withdrawn_at.is_(None))
        )
    ]
    warnings = name_warnings(text, people)
    if re.search(r"\bSM-\d{4}-\d{3,}\b", text, re.IGNORECASE):
        warnings.append("It gives an incident reference.")
    if re.search(r"https?://|www\.", text, re.IGNORECASE):
        warnings.append("It contains a link.")
    if re.search(r"(^|\s)@\w", text):
        warnings.append("It contains an account name (@…).")
    return warnings
