"""Declarative base, the UTC datetime type and the mixins every record shares."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import DateTime, ForeignKey, Integer, MetaData, String, Text, types
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from app.core.clock import utc_now

# Stable constraint names, so alembic batch migrations on SQLite can find them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(types.TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every database (SQLite stores naive UTC text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: Footprint stores only timezone-aware times")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class VocabType(types.TypeDecorator[StrEnum]):
    """Stores a vocabulary member by its value in a plain VARCHAR (no native enum, no
    CHECK), so adding a value later needs no table rebuild; reads give the member back."""

    impl = String(40)
    cache_ok = True

    def __init__(self, enum: type[StrEnum]) -> None:
        super().__init__()
        self.enum = enum

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return self.enum(value).value

    def process_result_value(self, value: str | None, dialect: Dialect) -> StrEnum | None:
        return None if value is None else self.enum(value)


class Base(DeclarativeBase):
    """Every Footprint table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), str: Text()}


class Created:
    """Who created the row and when (every table has these)."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)

    @declared_attr
    def created_by_id(cls) -> Mapped[int]:
        return mapped_column(Integer, ForeignKey("app_user.id"), index=False)


class Updated:
    """Who last changed the row and when, with a version counter against lost updates."""

    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), onupdate=utc_now)
    version: Mapped[int] = mapped_column(Integer, default=1)

    @declared_attr
    def updated_by_id(cls) -> Mapped[int | None]:
        return mapped_column(Integer, ForeignKey("app_user.id"))

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


class Withdrawable:
    """Records are never deleted: they are withdrawn, by someone, with a reason."""

    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_reason: Mapped[str | None]

    @declared_attr
    def withdrawn_by_id(cls) -> Mapped[int | None]:
        return mapped_column(Integer, ForeignKey("app_user.id"))

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None
