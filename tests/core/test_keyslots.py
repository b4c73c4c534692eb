"""Key slots (groundwork for the encrypted log): each account's password and the printed
recovery key open the one data key; a removed or replaced slot, a wrong secret or a
doctored file open nothing; the key file is private and never holds the key itself."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from app.core.security import keyslots
from app.core.security.keyslots import KeyRing, SlotRefused, new_data_key


@pytest.fixture(autouse=True)
def _quick_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2id parameters for the tests (the product uses RFC 9106's)."""
    monkeypatch.setattr(keyslots, "KDF", {"time_cost": 1, "memory_cost": 1024, "parallelism": 1})


def test_each_secret_opens_the_one_data_key(tmp_path: Path) -> None:
    data_key = new_data_key()
    ring = KeyRing()
    ring.set_account(data_key, 1, "river lantern orchard")
    ring.set_account(data_key, 2, "quiet meadow lantern")
    printed = ring.new_recovery_key(data_key)
    path = tmp_path / "footprint.sqlite3.keys"
    ring.save(path)
    loaded = KeyRing.load(path)
    assert loaded.open_with_password(1, "river lantern orchard") == data_key
    assert loaded.open_with_password(2, "quiet meadow lantern") == data_key
    assert loaded.open_with_recovery(printed.lower().replace("-", " ")) == data_key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert data_key.hex() not in path.read_text() and printed not in path.read_text()


def test_wrong_removed_replaced_or_moved_secrets_open_nothing(tmp_path: Path) -> None:
    data_key = new_data_key()
    ring = KeyRing()
    ring.set_account(data_key, 1, "river lantern orchard")
    ring.set_account(data_key, 2, "quiet meadow lantern")
    old_recovery = ring.new_recovery_key(data_key)
    with pytest.raises(SlotRefused):
        ring.open_with_password(1, "river lantern orchar")
    ring.set_account(data_key, 1, "a new passphrase here")  # the password changed
    with pytest.raises(SlotRefused):
        ring.open_with_password(1, "river lantern orchard")
    assert ring.open_with_password(1, "a new passphrase here") == data_key
    ring.remove_account(2)  # deactivated
    with pytest.raises(SlotRefused):
        ring.open_with_password(2, "quiet meadow lantern")
    new_recovery = ring.new_recovery_key(data_key)  # the old sheet stops working
    with pytest.raises(SlotRefused):
        ring.open_with_recovery(old_recovery)
    assert ring.open_with_recovery(new_recovery) == data_key
    # A slot copied onto another account doesn't open: its owner is bound in.
    ring.slots["account:3"] = ring.slots["account:1"]
    ring.slots["account:3"].owner = "account:3"
    with pytest.raises(SlotRefused):
        ring.open_with_password(3, "a new passphrase here")


def test_a_doctored_or_foreign_key_file_is_refused(tmp_path: Path) -> None:
    data_key = new_data_key()
    ring = KeyRing()
    ring.set_account(data_key, 1, "river lantern orchard")
    path = tmp_path / "keys"
    ring.save(path)
    data = json.loads(path.read_text())
    wrapped = bytearray(ring.slots["account:1"].wrapped)
    wrapped[0] ^= 1
    data["slots"][0]["wrapped"] = keyslots._b64(bytes(wrapped))
    path.write_text(json.dumps(data))
    with pytest.raises(SlotRefused):
        KeyRing.load(path).open_with_password(1, "river lantern orchard")
    path.write_text('{"something": "else"}')
    with pytest.raises(ValueError, match="not a Footprint key file"):
        KeyRing.load(path)
