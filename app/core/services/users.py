"""Users of the app. Until accounts exist, everything is done as the first-run DSL user."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.errors import NotFound
from app.core.models import User
from app.core.vocab import UserRole

DEFAULT_USERNAME = "dsl"


def ensure_default_user(session: Session) -> User:
    """The first-run "DSL" account, created if there are no users yet."""
    user = session.scalars(select(User).order_by(User.id).limit(1)).first()
    if user is not None:
        return user
    user = User(username=DEFAULT_USERNAME, display_name="DSL", role=UserRole.DSL)
    session.add(user)
    session.flush()
    return user


def first_user_id(session: Session) -> int | None:
    """The first user of a log from before accounts (None in a log with no users)."""
    return session.scalars(select(User.id).order_by(User.id).limit(1)).first()


def get_user(session: Session, user_id: int) -> User:
    """A user by id."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("That user does not exist.")
    return user
