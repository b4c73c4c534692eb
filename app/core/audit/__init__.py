"""The tamper-evident audit trail, owned by each `Database`.

- `capture`: one recorder per database puts every insert, change, withdrawal and
  deletion made through its sessions on the trail, with who, when and the field-level
  before and after; looks, exports and printing are added by the services (`record_read`).
- `chain`: entries form a SHA-256 hash chain; the database refuses UPDATE and DELETE on
  the table (triggers).
- `head`: the newest entry is also kept outside the database, written only once the
  outermost commit is on disk; checkpoints (entry + hash) are printed to be kept off
  the PC.
- `baseline`: what an older log held when its trail began, written by the migration
  that introduced the trail.
- `verify`: checks all of it, and every record against what the trail says it holds.
"""

from __future__ import annotations

from app.core.actors import ACTOR
from app.core.audit.baseline import write_baseline
from app.core.audit.capture import RECORDER, AuditRecorder, record_read
from app.core.audit.chain import GENESIS, Action, canonical, chain_hash
from app.core.audit.head import Checkpoint, load_head, save_head
from app.core.audit.looks import LookNotRecorded, Record, record_look
from app.core.audit.verify import (
    Cancelled,
    Progress,
    Verification,
    VerifyCancelled,
    current_checkpoint,
    verify,
)

__all__ = [
    "ACTOR",
    "GENESIS",
    "RECORDER",
    "Action",
    "AuditRecorder",
    "Cancelled",
    "Checkpoint",
    "LookNotRecorded",
    "Progress",
    "Record",
    "Verification",
    "VerifyCancelled",
    "canonical",
    "chain_hash",
    "current_checkpoint",
    "load_head",
    "record_look",
    "record_read",
    "save_head",
    "verify",
    "write_baseline",
]
