"""Accounts: the first DSL account, signing in (with a pause after 5 wrong passwords),
changing one's password, and the DSL's management of everyone else's account. Accounts
are deactivated, never deleted, so the history keeps every name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.actors import SystemActor
from app.core.audit import ACTOR, Action, Record, record_look, record_read
from app.core.clock import utc_now
from app.core.errors import Conflict, NotAllowed, NotFound, ValidationError
from app.core.models import User
from app.core.permissions import Permission, requires
from app.core.security.keyslots import KeyRing
from app.core.security.logkeys import keys_of
from app.core.security.passwords import (
    check_password_rule,
    hash_password,
    needs_rehash,
    verify_password,
)
from app.core.services.validation import atomic, check_choice, check_text
from app.core.vocab import UserRole

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=1)
USERNAME_MAX = 80


@dataclass(frozen=True)
class AccountRow:
    """An account as Settings → Accounts lists it."""

    id: int
    username: str
    display_name: str
    role: UserRole
    is_active: bool
    must_change_password: bool
    last_login_at: datetime | None
    #: False when the log is encrypted and this account's password doesn't open it yet
    #: (an account from before the log was encrypted: a new password gives it a slot).
    opens_log: bool = True


class SignInRefused(NotAllowed):
    """A refused sign-in, with the plain reason (and how long to wait, if locked)."""

    def __init__(self, message: str, wait_seconds: int = 0) -> None:
        super().__init__(message)
        self.wait_seconds = wait_seconds


def needs_first_account(session: Session) -> bool:
    """True until some account has a password (a new log, or one from before accounts)."""
    return not session.scalar(
        select(func.count()).select_from(User).where(User.password_hash.is_not(None))
    )


def _check_names(display_name: str, username: str) -> str:
    check_text("display_name", display_name, label="The name", max_length=200, required=True)
    check_text("username", username, label="The user name", max_length=USERNAME_MAX, required=True)
    username = username.strip().lower()
    if any(c.isspace() for c in username):
        raise ValidationError("username", "The user name can't contain spaces.")
    return username


def create_first_account(session: Session, display_name: str, username: str, password: str) -> User:
    """The first DSL account. In a log from before accounts, the existing "DSL" user gets
    the name and password, so everything already recorded stays under the same person."""
    username = _check_names(display_name, username)
    check_password_rule(password, username=username, name=display_name)
    with atomic(session):
        if not needs_first_account(session):
            raise Conflict("The first account has already been set up: sign in instead.")
        user = session.scalars(select(User).order_by(User.id).limit(1)).first()
        if user is None:
            user = User(username=username, display_name=display_name.strip(), role=UserRole.DSL)
            session.add(user)
        else:
            user.username = username
            user.display_name = display_name.strip()
            user.role = UserRole.DSL
            user.is_active = True
        user.password_hash = hash_password(password)
        user.must_change_password = False
        session.flush()
        _set_slot(session, user, password)
    return user


def _set_slot(session: Session, user: User, password: str) -> None:
    """An encrypted log: the account's password opens the log (its key slot is added or
    replaced with the change, see app.core.security.logkeys)."""
    keys = keys_of(session)
    if keys is not None:
        user_id, username = user.id, user.username
        keys.stage(
            session, lambda ring: ring.set_account(keys.data_key, user_id, username, password)
        )


def sign_in(session: Session, username: str, password: str) -> User:
    """The account, if the password is right; SignInRefused with the reason if not. Five
    wrong passwords in a row make the account wait a minute before the next try.

    The count of wrong passwords is written even though the sign-in is refused, so the
    caller must commit the unit of work before showing the refusal: use
    `attempt_sign_in` from a write that is allowed to finish."""
    user, refusal = attempt_sign_in(session, username, password)
    if refusal is not None:
        raise refusal
    assert user is not None
    return user


NO_MATCH = "That user name and password don't match an account."
WRONG = f"{NO_MATCH} After {MAX_FAILURES} wrong passwords in a row, an account waits a minute."


def attempt_sign_in(
    session: Session, username: str, password: str
) -> tuple[User | None, SignInRefused | None]:
    """(the account, None) or (None, why not), with the failure counted either way. The
    reply doesn't say whether a user name exists (the same words, the same hashing work)
    until the password is right or the account has had to wait."""
    now = utc_now()
    user = session.scalars(select(User).where(User.username == username.strip().lower())).first()
    if user is not None:
        session.info[ACTOR] = user.id  # the trail records the attempt against the account
    if user is None or user.password_hash is None:
        verify_password(_dummy_hash(), password)  # the same work as for a real account
        record_read(session, None, Action.SIGN_IN_REFUSED, "app_user", None)
        return None, SignInRefused(WRONG)
    refused = _refusal(session, user, password, now)
    record_read(
        session,
        user.id,
        Action.SIGN_IN if refused is None else Action.SIGN_IN_REFUSED,
        "app_user",
        user.id,
    )
    if refused is not None:
        return None, refused
    keys = keys_of(session)
    if keys is not None and user.id not in keys.ring.accounts():
        # An account from before encryption (switch user, the lock screen): its password
        # was just typed and checked, so from now on it opens the log too.
        _set_slot(session, user, password)
    return user, None


def take_password_from_key_slot(session: Session, user_id: int, password: str) -> bool:
    """The account's key slot opened the encrypted log with `password`, but the log holds
    another password for it — the log was restored from a backup made before the
    password was last changed. The key file is the newer record, so the log takes the
    password (on the trail). True if it had to; False if they agreed already."""
    if not isinstance(session.info.get(ACTOR), SystemActor) or keys_of(session) is None:
        raise NotAllowed("Only the password that opened the encrypted log can be taken.")
    user = session.get(User, user_id)
    if user is None or not user.is_active or verify_password(user.password_hash, password):
        return False
    with atomic(session):
        user.password_hash = hash_password(password)
        user.failed_logins = 0
        user.locked_until = None
        session.flush()  # on the trail as Footprint's change to the account
    return True


def _refusal(session: Session, user: User, password: str, now: datetime) -> SignInRefused | None:
    """Why this account can't sign in with this password now (None: it can)."""
    if user.locked_until is not None and user.locked_until > now:
        wait = int((user.locked_until - now).total_seconds()) + 1
        return SignInRefused(
            f"Too many wrong passwords: wait {wait} seconds, then try again.", wait
        )
    if not verify_password(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILURES:
            user.failed_logins = 0
            user.locked_until = now + LOCKOUT
            session.flush()
            return SignInRefused(
                f"{MAX_FAILURES} wrong passwords in a row: wait a minute before the next try.",
                int(LOCKOUT.total_seconds()),
            )
        session.flush()
        return SignInRefused(WRONG)
    if not user.is_active:
        return SignInRefused("This account has been deactivated. Ask the DSL if you need it again.")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if user.password_hash is not None and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.flush()
    return None


@cache
def _dummy_hash() -> str:
    return hash_password("no account has this password")


def unlock(session: Session, user_id: int, password: str) -> SignInRefused | None:
    """For unlocking the window: the signed-in user's password, with the same counting
    and wait as signing in. None when it is right."""
    user = session.get(User, user_id)
    if user is None:
        return SignInRefused(NO_MATCH)
    found, refusal = attempt_sign_in(session, user.username, password)
    return refusal if found is None else None


def change_own_password(session: Session, actor: User, current: str, new: str) -> User:
    """Change one's own password (also how a password reset by the DSL is replaced)."""
    with atomic(session):
        user = session.get(User, actor.id)
        if user is None:
            raise NotFound("That account does not exist.")
        if not verify_password(user.password_hash, current):
            raise ValidationError("current", "The current password isn't right.")
        if current == new:
            raise ValidationError("password", "The new password must be different.")
        check_password_rule(new, username=user.username, name=user.display_name)
        user.password_hash = hash_password(new)
        user.must_change_password = False
        session.flush()
        _set_slot(session, user, new)
    return user


@requires(Permission.ACCOUNTS)
def list_accounts(session: Session) -> list[AccountRow]:
    keys = keys_of(session)
    with_slots = keys.ring.accounts() if keys is not None else None
    return [
        AccountRow(
            u.id,
            u.username,
            u.display_name,
            u.role,
            u.is_active,
            u.must_change_password,
            u.last_login_at,
            opens_log=with_slots is None or u.id in with_slots or u.password_hash is None,
        )
        for u in session.scalars(select(User).order_by(User.is_active.desc(), User.display_name))
    ]


@requires(Permission.ACCOUNTS)
def add_account(
    session: Session,
    actor: User,
    display_name: str,
    username: str,
    role: UserRole,
    temporary_password: str,
) -> User:
    """A new account; its first password is temporary (changed at first sign-in)."""
    username = _check_names(display_name, username)
    role = check_choice("role", UserRole, role, label="The role")
    check_password_rule(temporary_password, username=username, name=display_name)
    with atomic(session):
        if session.scalars(select(User.id).where(User.username == username)).first():
            raise ValidationError("username", f"There is already an account called “{username}”.")
        user = User(
            username=username,
            display_name=display_name.strip(),
            role=role,
            created_by_id=actor.id,
            password_hash=hash_password(temporary_password),
            must_change_password=True,
        )
        session.add(user)
        session.flush()
        _set_slot(session, user, temporary_password)
    return user


@requires(Permission.ACCOUNTS)
def change_role(session: Session, actor: User, user_id: int, role: UserRole) -> User:
    role = check_choice("role", UserRole, role, label="The role")
    with atomic(session):
        user = _account(session, user_id)
        if user.role in _MANAGERS and role not in _MANAGERS:
            _keep_a_manager(session, user)
        user.role = role
        session.flush()
    return user


@requires(Permission.ACCOUNTS)
def reset_password(session: Session, actor: User, user_id: int, temporary_password: str) -> User:
    """Give the account a temporary password; it must be changed at the next sign-in."""
    with atomic(session):
        user = _account(session, user_id)
        check_password_rule(temporary_password, username=user.username, name=user.display_name)
        user.password_hash = hash_password(temporary_password)
        user.must_change_password = True
        user.failed_logins = 0
        user.locked_until = None
        session.flush()
        _set_slot(session, user, temporary_password)
    return user


@requires(Permission.ACCOUNTS)
def set_active(
    session: Session,
    actor: User,
    user_id: int,
    active: bool,
    temporary_password: str | None = None,
) -> User:
    """Deactivate (never delete) or reactivate an account. In an encrypted log a
    deactivated account's password stops opening the log, so reactivating one takes a
    temporary password (changed at its next sign-in), as a reset does."""
    keys = keys_of(session)
    with atomic(session):
        user = _account(session, user_id)
        if not active:
            if user.id == actor.id:
                raise NotAllowed("You can't deactivate your own account.")
            if user.role in _MANAGERS:
                _keep_a_manager(session, user)
        user.is_active = active
        session.flush()
        if keys is not None and not active:
            keys.stage(session, lambda ring: ring.remove_account(user_id))
        elif keys is not None and user_id not in keys.ring.accounts():
            if not temporary_password:
                raise ValidationError(
                    "password",
                    "The log is encrypted: give the account a temporary password to "
                    "reactivate it (they choose their own when they next sign in).",
                )
            check_password_rule(temporary_password, username=user.username, name=user.display_name)
            user.password_hash = hash_password(temporary_password)
            user.must_change_password = True
            session.flush()
            _set_slot(session, user, temporary_password)
    return user


@requires(Permission.ACCOUNTS)
def new_recovery_key(session: Session, actor: User, key: str | None = None) -> str:
    """A new recovery key for the encrypted log (`key`: the one already shown on its
    sheet, which the DSL confirmed); the old one stops opening the log (and the backups)
    when this unit of work commits. The DSL's alone: a deputy can't void the sheet."""
    keys = keys_of(session)
    if keys is None:
        raise NotAllowed("This log isn't encrypted on this computer, so it has no recovery key.")
    if actor.role is not UserRole.DSL:
        raise NotAllowed("Only the DSL makes a new recovery key.")
    made: list[str] = []

    def change(ring: KeyRing) -> None:
        made.append(ring.new_recovery_key(keys.data_key, key))
        ring.sheet_confirmed = True

    keys.stage(session, change)
    record_look(session, Action.RECOVERY_KEY, Record.LOG, None, made="a new recovery key")
    return made[0]


def set_password_with_recovery(session: Session, user_id: int, password: str) -> User:
    """The recovery key opened the log (every password lost): a DSL's or deputy's
    account gets a new password of their choosing, on the trail."""
    if not isinstance(session.info.get(ACTOR), SystemActor) or keys_of(session) is None:
        raise NotAllowed("Only a log opened with its recovery key can be recovered this way.")
    with atomic(session):
        user = _account(session, user_id)
        if not user.is_active or user.role not in _MANAGERS:
            raise NotAllowed("Only an active DSL's or deputy's account can be recovered.")
        check_password_rule(password, username=user.username, name=user.display_name)
        user.password_hash = hash_password(password)
        user.must_change_password = False
        user.failed_logins = 0
        user.locked_until = None
        session.flush()
        _set_slot(session, user, password)
        record_read(
            session,
            None,
            Action.RECOVERY_KEY,
            str(Record.LOG),
            None,
            {"used_for": "a new password", "account": user.id},
        )
    return user


@requires(Permission.ACCOUNTS)
def recovery_candidates(session: Session) -> list[AccountRow]:
    """Accounts a recovery may give a new password to: active DSLs and deputies."""
    return [row for row in list_accounts(session) if row.is_active and row.role in _MANAGERS]


_MANAGERS = (UserRole.DSL, UserRole.DEPUTY_DSL)


def _account(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("That account does not exist.")
    return user


def _keep_a_manager(session: Session, leaving: User) -> None:
    """There must always be an active DSL or deputy who can manage accounts."""
    others = session.scalar(
        select(func.count())
        .select_from(User)
        .where(
            User.id != leaving.id,
            User.is_active.is_(True),
            User.role.in_(_MANAGERS),
            User.password_hash.is_not(None),
        )
    )
    if not others:
        raise NotAllowed(
            "This is the only active DSL or deputy account: add another before changing it."
        )
