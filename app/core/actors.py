"""Who acts in a unit of work: a signed-in account, or Footprint itself.

Every `Database.read(actor)` and `Database.write(actor)` names one; there is no unit of
work in which "nobody" may see or do anything. `SYSTEM` is Footprint's own work —
start-up, migrations, the demonstration school, checking a password before anyone is
signed in — and is recorded on the trail as "Footprint".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, TypeAlias

if TYPE_CHECKING:
    from app.core.models import User


class SystemActor:
    """Footprint itself (start-up, migrations, the demo builder, sign-in checks)."""

    _instance: SystemActor | None = None

    def __new__(cls) -> SystemActor:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM: Final = SystemActor()
#: Who a unit of work is opened for: a user (or their id) or Footprint itself.
Actor: TypeAlias = "User | int | SystemActor"
#: The session.info key holding the unit of work's actor: a user id, or SYSTEM.
ACTOR: Final = "footprint_actor_id"


def actor_key(actor: Actor) -> int | SystemActor:
    """What a unit of work keeps: a user's id, or SYSTEM."""
    if isinstance(actor, SystemActor):
        return actor
    if isinstance(actor, int) and not isinstance(actor, bool):
        return actor
    user_id = getattr(actor, "id", None)
    if isinstance(user_id, int):
        return user_id
    raise TypeError(f"a unit of work needs a User, a user id or SYSTEM, not {actor!r}")
