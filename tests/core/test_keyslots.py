"""Key slots: each account's password and the printed recovery key open the one data
key; a removed or replaced slot, a wrong secret, a slot moved to another account or
copied from another log's file, and a doctored file open nothing; the key file is
private and holds neither the key nor anyone's name."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from app.core.security import keyslots
from app.core.security.keyslots import KeyRing, SlotRefused, key_fingerprint, new_data_key


@pytest.fixture(autouse=True)
def _quick_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2id parameters for the tests (the product uses RFC 9106's)."""
    monkeypatch.setattr(keyslots, "KDF", {"time_cost": 1, "memory_cost": 1024, "parallelism": 1})


def test_each_secret_opens_the_one_data_key(tmp_path: Path) -> None:
    data_key = new_data_key()
    ring = KeyRing.for_key(data_key)
    ring.set_account(data_key, 1, "dsl.okafor", "river lantern orchard")
    ring.set_account(data_key, 2, "deputy", "quiet meadow lantern")
    printed = ring.new_recovery_key(data_key)
    path = tmp_path / "footprint.sqlite3.keys"
    ring.save(path)
    loaded = KeyRing.load(path)
    assert loaded.open_account(" DSL.Okafor ", "river lantern orchard") == (1, data_key)
    assert loaded.open_account("deputy", "quiet meadow lantern") == (2, data_key)
    assert loaded.open_with_recovery(printed.lower().replace("-", " ")) == data_key
    assert loaded.accounts() == {1, 2} and loaded.has_recovery()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert data_key.hex() not in text and printed not in text
    assert "okafor" not in text.lower() and "deputy" not in text
    assert json.loads(text)["key_id"] == key_fingerprint(data_key)


def test_wrong_removed_replaced_or_moved_secrets_open_nothing() -> None:
    data_key = new_data_key()
    ring = KeyRing.for_key(data_key)
    ring.set_account(data_key, 1, "dsl", "river lantern orchard")
    ring.set_account(data_key, 2, "deputy", "quiet meadow lantern")
    old_recovery = ring.new_recovery_key(data_key)
    with pytest.raises(SlotRefused):
        ring.open_account("dsl", "river lantern orchar")
    with pytest.raises(SlotRefused):
        ring.open_account("nobody", "river lantern orchard")
    with pytest.raises(SlotRefused):  # another account's password
        ring.open_account("dsl", "quiet meadow lantern")
    ring.set_account(data_key, 1, "dsl", "a new passphrase here")  # the password changed
    with pytest.raises(SlotRefused):
        ring.open_account("dsl", "river lantern orchard")
    assert ring.open_account("dsl", "a new passphrase here") == (1, data_key)
    ring.remove_account(2)  # deactivated
    with pytest.raises(SlotRefused):
        ring.open_account("deputy", "quiet meadow lantern")
    new_recovery = ring.new_recovery_key(data_key)  # the old sheet stops working
    with pytest.raises(SlotRefused):
        ring.open_with_recovery(old_recovery)
    assert ring.open_with_recovery(new_recovery) == data_key
    # A slot relabelled as another account's fails its authentication.
    moved = ring.slots[0]
    moved.owner = "account:3"
    with pytest.raises(SlotRefused):
        ring.open_account("dsl", "a new passphrase here")


def test_while_a_change_is_committed_both_passwords_open() -> None:
    data_key = new_data_key()
    ring = KeyRing.for_key(data_key)
    ring.set_account(data_key, 1, "dsl", "river lantern orchard")
    staged = ring.copy()
    staged.set_account(data_key, 1, "dsl", "a new passphrase here")
    both = ring.merged(staged)
    assert both.open_account("dsl", "river lantern orchard") == (1, data_key)
    assert both.open_account("dsl", "a new passphrase here") == (1, data_key)
    with pytest.raises(SlotRefused):
        staged.open_account("dsl", "river lantern orchard")


def test_a_slot_from_another_logs_file_is_refused() -> None:
    ours, theirs = new_data_key(), new_data_key()
    ring = KeyRing.for_key(ours)
    foreign = KeyRing.for_key(theirs)
    foreign.salt = ring.salt
    foreign.set_account(theirs, 1, "dsl", "river lantern orchard")
    ring.slots.extend(foreign.slots)
    with pytest.raises(SlotRefused):
        ring.open_account("dsl", "river lantern orchard")


def test_a_doctored_or_foreign_key_file_is_refused(tmp_path: Path) -> None:
    data_key = new_data_key()
    ring = KeyRing.for_key(data_key)
    ring.set_account(data_key, 1, "dsl", "river lantern orchard")
    path = tmp_path / "keys"
    ring.save(path)
    data = json.loads(path.read_text())
    wrapped = bytearray(ring.slots[0].wrapped)
    wrapped[0] ^= 1
    data["slots"][0]["wrapped"] = keyslots._b64(bytes(wrapped))
    path.write_text(json.dumps(data))
    with pytest.raises(SlotRefused):
        KeyRing.load(path).open_account("dsl", "river lantern orchard")
    for text in ('{"something": "else"}', "not json", '{"format": "footprint-keyslots-2"}'):
        path.write_text(text)
        with pytest.raises(ValueError, match="not a Footprint key file"):
            KeyRing.load(path)
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(ValueError, match="not a Footprint key file"):
        KeyRing.load(path)
