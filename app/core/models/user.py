"""Accounts of the people who use Footprint."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column

from app.core.clock import utc_now
from app.core.models.base import Base, UTCDateTime, VocabType
from app.core.vocab import UserRole


class User(Base):
    """Someone who signs in; never deleted, only deactivated, so history keeps the name."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str]
    role: Mapped[UserRole] = mapped_column(VocabType(UserRole))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    # The first account is created by nobody.
    created_by_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("app_user.id"))
    # argon2id; None for an account that has never had a password (logs from before
    # accounts: the first start asks the DSL to set one).
    password_hash: Mapped[str | None] = mapped_column(String(200))
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=sa_false()
    )
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
