"""The encrypted log as the DSL sees it: who may encrypt it, which accounts still need a
password that opens it, and the encryption on the trail."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.audit import Action, Record, record_look
from app.core.models import User
from app.core.permissions import Permission, may, requires
from app.core.security.logkeys import keys_of


def may_encrypt(session: Session) -> bool:
    """A plain log is encrypted when someone who manages accounts signs in (so the DSL
    or a deputy always has a password that opens it)."""
    return may(session, Permission.ACCOUNTS)


@requires(Permission.ACCOUNTS)
def record_encryption(session: Session, *, backups_left_plain: int) -> None:
    """The log was encrypted (on its own, new trail head): by whom, and whether any old
    backup could not be encrypted with it."""
    record_look(
        session,
        Action.ENCRYPT,
        Record.LOG,
        None,
        cipher="SQLCipher 4 (AES-256)",
        backups_left_plain=backups_left_plain,
    )


@requires(Permission.ACCOUNTS)
def accounts_needing_password(session: Session) -> list[str]:
    """Active accounts whose password doesn't open the encrypted log yet (accounts from
    before it was encrypted): their display names, for the DSL to give new passwords."""
    keys = keys_of(session)
    if keys is None:
        return []
    with_slots = keys.ring.accounts()
    users = session.scalars(
        select(User)
        .where(User.is_active.is_(True), User.password_hash.is_not(None))
        .order_by(User.display_name)
    )
    return [user.display_name for user in users if user.id not in with_slots]
