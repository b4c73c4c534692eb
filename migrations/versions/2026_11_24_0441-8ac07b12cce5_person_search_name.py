"""person search name: a folded copy of each name, so "zoe" finds "Zoë" in the directory

Revision ID: 8ac07b12cce5
Revises: 0a35056603bd
Create Date: 2026-11-24 04:41:18.687167
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8ac07b12cce5"
down_revision: str | None = "0a35056603bd"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_name", sa.Text(), server_default="", nullable=False))
        batch_op.create_index("ix_person_search_name", ["search_name"], unique=False)

    # Fill it for the people already in the log. The rule is copied here (from
    # app/core/folding.py and people.searchable_name as they stood) so that this revision
    # never depends on code that may change later.

    person = sa.table(
        "person",
        sa.column("id", sa.Integer),
        sa.column("given_name", sa.Text),
        sa.column("family_name", sa.Text),
        sa.column("search_name", sa.Text),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(person.c.id, person.c.given_name, person.c.family_name)).all()
    for row in rows:
        bind.execute(
            person.update()
            .where(person.c.id == row.id)
            .values(search_name=searchable_name(row.given_name, row.family_name))
        )


_UNDECOMPOSED = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ħ": "h",
        "ı": "i",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
        "ð": "d",
        "ŀ": "l",
    }
)


def searchable_name(given_name: str, family_name: str) -> str:
    text = unicodedata.normalize(
        "NFKD", f"{given_name} {family_name}".casefold().translate(_UNDECOMPOSED)
    )
    folded = "".join(c for c in text if not unicodedata.combining(c))
    return "".join(f" {word}" for word in re.findall(r"[^\W_]+", folded))


def downgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index("ix_person_search_name")
        batch_op.drop_column("search_name")
