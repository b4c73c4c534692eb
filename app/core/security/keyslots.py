"""Key slots: how an encrypted log's one data key is opened by each account's password
and by the school's recovery key (groundwork for SQLCipher encryption, issue 13).

A log has one random 256-bit data key. It is never stored as it is: each *slot* holds it
encrypted (AES-256-GCM, from `cryptography`) under a key derived from one secret —
an account's password, or the recovery key printed for the school safe — with argon2id
and a salt of its own. The slot's owner is bound into the encryption as associated
data, so a slot can't be moved to another account. Adding, resetting or deactivating an
account adds, replaces or removes its slot; changing a password rewraps it; a new
recovery key replaces the old slot, so the old key stops working. The slots live in a
small file beside the log (`<log>.keys`), private to the user and written atomically.
"""

from __future__ import annotations

import base64
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
FORMAT = "footprint-keyslots-1"
#: argon2id for key derivation (RFC 9106's second recommended option, 64 MiB).
KDF = {"time_cost": 3, "memory_cost": 65_536, "parallelism": 4}
_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off paper


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

    def as_json(self) -> dict[str, Any]:
        return {
            "owner": self.owner,
            "salt": _b64(self.salt),
            "nonce": _b64(self.nonce),
            "wrapped": _b64(self.wrapped),
            "kdf": self.kdf,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Slot:
        return cls(
            str(data["owner"]),
            _unb64(data["salt"]),
            _unb64(data["nonce"]),
            _unb64(data["wrapped"]),
            {k: int(v) for k, v in dict(data["kdf"]).items()},
        )


@dataclass
class KeyRing:
    """Every slot of one log."""

    slots: dict[str, Slot] = field(default_factory=dict)

    # -- opening ----------------------------------------------------------------------
    def open_with_password(self, user_id: int, password: str) -> bytes:
        """The data key, if `password` is the account's; SlotRefused otherwise."""
        return self._open(_account(user_id), password)

    def open_with_recovery(self, recovery_key: str) -> bytes:
        """The data key, from the printed recovery key (spaces, dashes, case ignored)."""
        return self._open("recovery", normalise_recovery_key(recovery_key))

    def _open(self, owner: str, secret: str) -> bytes:
        slot = self.slots.get(owner)
        if slot is None:
            raise SlotRefused(owner)
        key = _derive(secret, slot.salt, slot.kdf)
        try:
            return AESGCM(key).decrypt(slot.nonce, slot.wrapped, owner.encode())
        except InvalidTag:
            raise SlotRefused(owner) from None

    # -- changing -----------------------------------------------------------------------
    def set_account(self, data_key: bytes, user_id: int, password: str) -> None:
        """Add the account's slot, or replace it (a reset or a changed password)."""
        self.slots[_account(user_id)] = _wrap(data_key, _account(user_id), password)

    def remove_account(self, user_id: int) -> None:
        """A deactivated account's password no longer opens the log."""
        self.slots.pop(_account(user_id), None)

    def new_recovery_key(self, data_key: bytes) -> str:
        """A new recovery key (the old one stops working); print it once for the safe."""
        key = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(32))
        self.slots["recovery"] = _wrap(data_key, "recovery", key)
        return "-".join(key[i : i + 4] for i in range(0, 32, 4))

    # -- the file ---------------------------------------------------------------------
    def save(self, path: Path) -> None:
        """Write the slots beside the log: private to the user, replaced in one step."""
        data = {"format": FORMAT, "slots": [s.as_json() for s in self.slots.values()]}
        write_privately(path, json.dumps(data, indent=1).encode("utf-8"))

    @classmethod
    def load(cls, path: Path) -> KeyRing:
        """The slots from `path`; ValueError if it isn't a Footprint key file."""
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("not a Footprint key file")
        slots = [Slot.from_json(item) for item in data["slots"]]
        return cls({slot.owner: slot for slot in slots})


def new_data_key() -> bytes:
    """A fresh random 256-bit key for a new log."""
    return secrets.token_bytes(KEY_BYTES)


def normalise_recovery_key(text: str) -> str:
    """The recovery key as typed from paper: spaces, dashes and case don't matter."""
    return "".join(char for char in text.upper() if char.isalnum())


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
