"""alembic environment: every model is imported so autogenerate sees the whole schema."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

import app.core.models  # noqa: F401  (registers every table)
from app.core.migrate import include_object, render_item
from app.core.models.base import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection: Connection | None = None, url: str | None = None) -> None:
    context.configure(
        connection=connection,
        url=url,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        include_object=include_object,
        render_item=render_item,
        literal_binds=connection is None,
    )


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    from app.core.db import create_db_engine

    engine = create_db_engine(config.get_main_option("sqlalchemy.url") or None)
    with engine.connect() as conn:
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    _configure(url=config.get_main_option("sqlalchemy.url"))
    with context.begin_transaction():
        context.run_migrations()
else:
    run_online()
