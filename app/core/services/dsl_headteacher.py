"""The DSL who is also the headteacher (a school setting, Settings → Accounts).

Exceptions are approved by the headteacher (the school's policy). In a small school the
headteacher may be the DSL or a deputy: the DSL names that account here, and from then
on it may approve exceptions, each approval saying it was given by the DSL as
headteacher. Changing the setting is on the audit trail like any record."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.core.errors import ValidationError
from app.core.models import User
from app.core.permissions import DSL_TEAM, Permission, requires
from app.core.services.school import find_settings
from app.core.services.validation import atomic


@requires(Permission.ACCOUNTS)
def dsl_headteacher_id(session: Session) -> int | None:
    """The DSL's (or deputy's) account named as also the headteacher, if any."""
    settings = find_settings(session)
    return settings.dsl_headteacher_id if settings is not None else None


@requires(Permission.ACCOUNTS)
def set_dsl_headteacher(session: Session, actor: User, user_id: int | None) -> None:
    """Name an active DSL or deputy account as also the headteacher (None: nobody)."""
    with atomic(session):
        settings = find_settings(session)
        if settings is None:
            raise ValidationError("dsl_headteacher", "Set up the school's details first.")
        if user_id is not None:
            user = session.get(User, user_id)
            if user is None or not user.is_active or user.role not in DSL_TEAM:
                raise ValidationError(
                    "dsl_headteacher",
                    "Only an active DSL's or deputy DSL's account can be named as also "
                    "the headteacher; a headteacher who isn't in the DSL team has a "
                    "headteacher's account.",
                )
        settings.dsl_headteacher_id = user_id
        settings.updated_by_id = actor.id
        session.flush()
