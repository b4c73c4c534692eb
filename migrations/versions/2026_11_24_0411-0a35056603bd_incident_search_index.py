"""incident search index: FTS5 on SQLite, a tsvector with a GIN index on PostgreSQL

The index is not a model (alembic's autogenerate is told to ignore it): the services
keep it up to date (app/core/services/search_index.py). A log that already holds
incidents has its index built at the next start (search_index.ensure_built), so this
revision needs no application code.

Revision ID: 0a35056603bd
Revises: 9c41b904bfe3
Create Date: 2026-11-24 04:11:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0a35056603bd"
down_revision: str | None = "9c41b904bfe3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TABLE incident_search ("
            " incident_id INTEGER PRIMARY KEY REFERENCES incident (id),"
            " body TEXT NOT NULL,"
            " document tsvector GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED)"
        )
        op.execute(
            "CREATE INDEX ix_incident_search_document ON incident_search USING GIN (document)"
        )
    else:
        # The body is already folded to plain lower-case words, so the tokenizer needs
        # no diacritic rules of its own; rowid is the incident's id. Prefix indexes make
        # the first letters typed (search as you type) as quick as whole words.
        op.execute(
            "CREATE VIRTUAL TABLE incident_search USING fts5("
            "body, tokenize = 'unicode61 remove_diacritics 0', prefix = '1 2 3')"
        )


def downgrade() -> None:
    op.execute("DROP TABLE incident_search")
