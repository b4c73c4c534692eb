"""The copy of the trail's newest entry kept outside the database, and checkpoints.

The head file sits beside a SQLite log (or in this PC's data folder for a PostgreSQL
log). It is written only after the outermost commit has reached the disk, and fsynced
with its folder, so after a crash it can be *behind* the trail (it catches up at the next
start) but never *ahead* of it: a head ahead of the trail means entries were removed.

A *checkpoint* is an entry number and the first 16 hex digits of its hash, short enough
to print on a governors' report or read aloud. Any rewrite of the trail before that
entry changes its hash, so a checkpoint kept off this PC proves history still holds.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from app.core.files import write_privately

CHECKPOINT_DIGITS = 16
log = logging.getLogger(__name__)


def save_head(path: Path, entry_id: int, digest: str) -> None:
    """Remember the newest committed entry this PC has seen (only ever moves forward)."""
    current = load_head(path)
    if current is not None and current[0] >= entry_id:
        return
    reset_head(path, entry_id, digest)


def reset_head(path: Path, entry_id: int, digest: str) -> None:
    """Write the outside copy as given: forward, at a new log's start (entry 0), or back
    when a backup is restored. Written under a name of its own, synced, then renamed over
    the copy, so two processes never mix their writes and a crash leaves the old copy."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_privately(path, json.dumps({"id": entry_id, "hash": digest}).encode("utf-8"))
    except OSError as exc:
        # Work must go on (a read-only folder); `verify` will say the copy is missing or
        # behind. The technical log says why, without any personal data.
        log.warning("the audit trail's outside copy was not written: %s", exc.strerror)


def load_head(path: Path) -> tuple[int, str] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return int(data["id"]), str(data["hash"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


@dataclass(frozen=True)
class Checkpoint:
    """An entry of the trail and the start of its hash: `1234:4f3a 9c12 0b7e 55d1`."""

    entry_id: int
    digest: str  # the first CHECKPOINT_DIGITS hex digits, lower case

    @classmethod
    def of(cls, entry_id: int, full_hash: str) -> Checkpoint:
        return cls(entry_id, full_hash[:CHECKPOINT_DIGITS].lower())

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Read a checkpoint as printed (spaces and case don't matter); ValueError if not."""
        number, _, digits = text.strip().partition(":")
        digits = re.sub(r"[\s-]", "", digits).lower()
        if not number.strip().isdigit() or not re.fullmatch(
            f"[0-9a-f]{{{CHECKPOINT_DIGITS}}}", digits
        ):
            raise ValueError(
                f"A checkpoint is the entry number, a colon and {CHECKPOINT_DIGITS} letters and "
                "digits, as printed: 1234:4f3a 9c12 0b7e 55d1."
            )
        return cls(int(number), digits)

    def matches(self, full_hash: str) -> bool:
        return full_hash.lower().startswith(self.digest)

    def __str__(self) -> str:
        groups = " ".join(self.digest[i : i + 4] for i in range(0, len(self.digest), 4))
        return f"{self.entry_id}:{groups}"
