"""A Footprint that writes for ever, for the crash test to kill at random moments: each
unit of work records an incident or a note, and some include a save refused half-way
(an oversized screenshot), as the window's editor does."""

from __future__ import annotations

import contextlib
import sys

from app.core.errors import ValidationError
from app.core.services.chronology import add_note
from app.core.services.evidence import MAX_EVIDENCE_BYTES, add_evidence_file
from app.core.services.users import get_user
from app.core.startup import open_log
from tests.factories import make_incident

PNG = bytes.fromhex("89504e470d0a1a0a")


def main(url: str) -> None:
    log = open_log(url)
    print("ready", flush=True)
    number = 0
    while True:
        number += 1
        with log.database.write(log.user_id) as session:
            actor = get_user(session, log.user_id)
            incident = make_incident(session, actor, summary=f"Crash-test incident {number}")
            if number % 3 == 0:
                # Refused inside its savepoint; the rest of the unit is kept.
                with contextlib.suppress(ValidationError):
                    add_evidence_file(
                        session, actor, incident.id, "big.png", PNG * (MAX_EVIDENCE_BYTES // 4)
                    )
            add_note(session, actor, incident.id, f"Note {number}")


if __name__ == "__main__":
    main(sys.argv[1])
