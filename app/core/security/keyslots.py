"""Key slots: how an encrypted log's one data key is opened by each account's password
and by the school's recovery key.

A log has one random 256-bit data key. It is never stored as it is: each *slot* holds it
encrypted (AES-256-GCM, from `cryptography`) under a key derived from one secret —
an account's password, or the recovery key printed for the school safe — with argon2id
and a salt of its own. The slot's owner is bound into the encryption as associated
data, so a slot can't be moved to another account. Adding, resetting or deactivating an
account adds, replaces or removes its slot; changing a password rewraps it; a new
recovery key replaces the old slot, so the old key stops working. The slots live in a
small file beside the log (`<log>.keys`), private to the user and written atomically.

The file holds no names: an account's slot is found at sign-in by a *tag*, a keyed hash
of its user name under a random salt of the file's own. An owner may briefly have two
slots (the old password's and the new one's) while a change is being committed, so a
crash between the log and the key file never leaves an account unable to sign in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.core.files import write_privately

KEY_BYTES = 32
FORMAT = "footprint-keyslots-2"
RECOVERY = "recovery"
#: argon2id for key derivation (RFC 9106's second recommended option, 64 MiB).
KDF = {"time_cost": 3, "memory_cost": 65_536, "parallelism": 4}
_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off paper
# What a slot read from a file must look like (argon2 refuses salts under 8 bytes; AES-GCM
# nonces here are 12; a memory cost above 1 GiB is a doctored file, not a real slot).
_MIN_SALT, _NONCE, _MAX_MEMORY = 8, 12, 1 << 20
_KDF_ORDER = ("time_cost", "memory_cost", "parallelism")
_KDF_NAMES = set(_KDF_ORDER)


class SlotRefused(Exception):
    """The secret does not open any slot it was tried on (said plainly by the caller)."""


@dataclass
class Slot:
    """The data key, wrapped under one secret."""

    owner: str  # "account:<id>" or "recovery"
    salt: bytes
    nonce: bytes
    wrapped: bytes
    kdf: dict[str, int] = field(default_factory=lambda: dict(KDF))
    tag: str = ""  # an account's user name, hashed under the file's salt

    def as_json(self) -> dict[str, Any]:
        return {
            "owner": self.owner,
            "tag": self.tag,
            "salt": _b64(self.salt),
            "nonce": _b64(self.nonce),
            "wrapped": _b64(self.wrapped),
            "kdf": self.kdf,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Slot:
        """A slot as Footprint writes them; ValueError for anything else (a damaged or
        doctored file must be refused in words, never crash argon2 or AES-GCM)."""
        slot = cls(
            str(data["owner"]),
            _unb64(data["salt"]),
            _unb64(data["nonce"]),
            _unb64(data["wrapped"]),
            {k: int(v) for k, v in dict(data["kdf"]).items()},
            str(data.get("tag", "")),
        )
        kind, _, number = slot.owner.partition(":")
        if slot.owner != RECOVERY and (kind != "account" or not number.isdecimal()):
            raise ValueError("not a slot's owner")
        if len(slot.salt) < _MIN_SALT or len(slot.nonce) != _NONCE or set(slot.kdf) != _KDF_NAMES:
            raise ValueError("not a slot")
        cost, memory, lanes = (slot.kdf[name] for name in _KDF_ORDER)
        if not (1 <= cost <= 64 and 1 <= lanes <= 64 and 8 * lanes <= memory <= _MAX_MEMORY):
            raise ValueError("not a slot's key derivation")
        return slot


@dataclass
class KeyRing:
    """Every slot of one log, and the fingerprint of the data key they open."""

    key_id: str = ""
    salt: bytes = field(default_factory=lambda: secrets.token_bytes(16))
    slots: list[Slot] = field(default_factory=list)
    #: Whether the DSL said the recovery sheet was printed or saved (if not, the DSL is
    #: asked to make a new recovery key at each sign-in).
    sheet_confirmed: bool = True

    @classmethod
    def for_key(cls, data_key: bytes) -> KeyRing:
        """An empty ring for a new log's data key."""
        return cls(key_id=key_fingerprint(data_key))

    # -- opening ----------------------------------------------------------------------
    def open_account(self, username: str, password: str) -> tuple[int, bytes]:
        """(the account's id, the data key) if `password` opens a slot of the account
        called `username`; SlotRefused otherwise (also for a name with no slot)."""
        tag = self._tag(username)
        candidates = [slot for slot in self.slots if slot.tag == tag]
        if not candidates:
            _derive(password, self.salt, KDF)  # the same work as for a real account
            raise SlotRefused("account")
        for slot in candidates:
            try:
                return int(slot.owner.split(":", 1)[1]), self._open(slot, password)
            except SlotRefused:
                continue
        raise SlotRefused("account")

    def open_with_recovery(self, recovery_key: str) -> bytes:
        """The data key, from the printed recovery key (spaces, dashes, case ignored)."""
        secret = normalise_recovery_key(recovery_key)
        for slot in self.slots:  # two while a new key is being committed: either opens
            if slot.owner == RECOVERY:
                try:
                    return self._open(slot, secret)
                except SlotRefused:
                    continue
        raise SlotRefused(RECOVERY)

    def _open(self, slot: Slot, secret: str) -> bytes:
        key = _derive(secret, slot.salt, slot.kdf)
        try:
            data_key = AESGCM(key).decrypt(slot.nonce, slot.wrapped, slot.owner.encode())
        except InvalidTag:
            raise SlotRefused(slot.owner) from None
        if self.key_id and key_fingerprint(data_key) != self.key_id:
            raise SlotRefused(slot.owner)  # a slot copied in from another log's file
        return data_key

    def accounts(self) -> set[int]:
        """The ids of the accounts whose password opens the log."""
        return {
            int(slot.owner.split(":", 1)[1])
            for slot in self.slots
            if slot.owner.startswith("account:")
        }

    def has_recovery(self) -> bool:
        return any(slot.owner == RECOVERY for slot in self.slots)

    # -- changing -----------------------------------------------------------------------
    def set_account(
        self, data_key: bytes, user_id: int, username: str, password: str, *, keep_old: bool = False
    ) -> None:
        """Add the account's slot, or replace it (a reset or a changed password). With
        `keep_old` the previous slot stays too, until the change is committed."""
        owner = _account(user_id)
        if not keep_old:
            self.remove_account(user_id)
        slot = _wrap(data_key, owner, password)
        slot.tag = self._tag(username)
        self.slots.append(slot)

    def remove_account(self, user_id: int) -> None:
        """A deactivated account's password no longer opens the log."""
        self.slots = [slot for slot in self.slots if slot.owner != _account(user_id)]

    def new_recovery_key(self, data_key: bytes, key: str | None = None) -> str:
        """A new recovery key (`key`, from `make_recovery_key`, or a fresh one); the old
        one stops working. Print it once for the safe."""
        key = normalise_recovery_key(key or make_recovery_key())
        self.slots = [slot for slot in self.slots if slot.owner != RECOVERY]
        self.slots.append(_wrap(data_key, RECOVERY, key))
        return format_recovery_key(key)

    def copy(self) -> KeyRing:
        return KeyRing(self.key_id, self.salt, list(self.slots), self.sheet_confirmed)

    def merged(self, other: KeyRing) -> KeyRing:
        """Every slot of both rings (while a change is committed, both secrets open)."""
        ids = {id(slot) for slot in self.slots}
        added = [slot for slot in other.slots if id(slot) not in ids]
        return KeyRing(self.key_id, self.salt, self.slots + added, other.sheet_confirmed)

    def _tag(self, username: str) -> str:
        name = username.strip().lower().encode("utf-8")
        return hmac.new(self.salt, name, hashlib.sha256).hexdigest()

    # -- the file ---------------------------------------------------------------------
    def save(self, path: Path) -> None:
        """Write the slots beside the log: private to the user, replaced in one step."""
        data = {
            "format": FORMAT,
            "key_id": self.key_id,
            "salt": _b64(self.salt),
            "sheet_confirmed": self.sheet_confirmed,
            "slots": [s.as_json() for s in self.slots],
        }
        write_privately(path, json.dumps(data, indent=1).encode("utf-8"))

    @classmethod
    def load(cls, path: Path) -> KeyRing:
        """The slots from `path`; ValueError if it isn't a Footprint key file (OSError
        if it can't be read)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise ValueError
            ring = cls(
                str(data["key_id"]),
                _unb64(data["salt"]),
                [Slot.from_json(item) for item in data["slots"]],
                data.get("sheet_confirmed", True) is True,
            )
            if len(ring.salt) < _MIN_SALT:  # also argon2's salt for an unknown name
                raise ValueError
            return ring
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            raise ValueError("not a Footprint key file") from None


def make_recovery_key() -> str:
    """A new recovery key, grouped for the sheet (not yet in any ring)."""
    return format_recovery_key("".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(32)))


def new_data_key() -> bytes:
    """A fresh random 256-bit key for a new log."""
    return secrets.token_bytes(KEY_BYTES)


def key_fingerprint(data_key: bytes) -> str:
    """16 hex digits naming a data key (which log, which backups), revealing nothing of it."""
    return hmac.new(data_key, b"footprint key fingerprint", hashlib.sha256).hexdigest()[:16]


def normalise_recovery_key(text: str) -> str:
    """The recovery key as typed from paper: spaces, dashes and case don't matter."""
    return "".join(char for char in text.upper() if char.isalnum())


def format_recovery_key(key: str) -> str:
    """Eight groups of four, as printed on the recovery sheet."""
    key = normalise_recovery_key(key)
    return "-".join(key[i : i + 4] for i in range(0, len(key), 4))


def _account(user_id: int) -> str:
    return f"account:{user_id}"


def _wrap(data_key: bytes, owner: str, secret: str) -> Slot:
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    key = _derive(secret, salt, KDF)
    return Slot(owner, salt, nonce, AESGCM(key).encrypt(nonce, data_key, owner.encode()))


def _derive(secret: str, salt: bytes, kdf: dict[str, int]) -> bytes:
    return hash_secret_raw(
        secret.encode("utf-8"),
        salt,
        time_cost=kdf["time_cost"],
        memory_cost=kdf["memory_cost"],
        parallelism=kdf["parallelism"],
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object) -> bytes:
    return base64.b64decode(str(text), validate=True)
