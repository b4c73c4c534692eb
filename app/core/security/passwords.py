"""Passwords: hashed with argon2id (argon2-cffi's defaults, rehashed when they change),
and a rule that refuses short and common passwords, explained in plain words."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from app.core.errors import ValidationError
from app.core.folding import fold
from app.resources import resource_path

MIN_LENGTH = 10
MAX_LENGTH = 200


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()  # argon2id with the library's current recommended parameters


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """True if `password` matches the stored hash (False for no hash or a damaged one)."""
    if not stored:
        return False
    try:
        return _hasher().verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """The hash was made with older parameters: hash the password again after sign-in."""
    try:
        return _hasher().check_needs_rehash(stored)
    except InvalidHashError:
        return True


@cache
def common_passwords() -> frozenset[str]:
    """Passwords too common to allow (a list shipped in resources, compared folded)."""
    text = resource_path("common-passwords.txt").read_text(encoding="utf-8")
    return frozenset(
        fold(line.strip())
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )


def check_password_rule(password: str, *, username: str = "", name: str = "") -> None:
    """Refuse a password that is easy to guess, saying why in plain words."""
    field = "password"
    if len(password) < MIN_LENGTH:
        raise ValidationError(
            field,
            f"The password needs at least {MIN_LENGTH} characters (it has {len(password)}). "
            "A few unrelated words together are easy to remember and hard to guess.",
        )
    if len(password) > MAX_LENGTH:
        raise ValidationError(field, f"The password can have at most {MAX_LENGTH} characters.")
    folded = fold(password)
    if folded in common_passwords() or fold(password.rstrip("0123456789!?.")) in common_passwords():
        raise ValidationError(
            field,
            "That password is one of the most common ones, which people try first. "
            "Choose something less predictable.",
        )
    if len(set(password)) < 4:
        raise ValidationError(field, "The password repeats too few different characters.")
    for own, what in ((username, "user name"), (name, "name")):
        for part in fold(own).split():
            if len(part) >= 3 and part in folded:
                raise ValidationError(field, f"The password must not contain your {what}.")
    for word in ("footprint", "password", "safeguard", "qwerty", "123456"):
        if word in folded:
            raise ValidationError(field, f"The password contains “{word}”, which is easy to guess.")
