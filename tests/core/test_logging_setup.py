"""Crash reports and SQL errors never carry the personal data involved."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app.core.db import Database
from app.core.models import User
from app.logging_setup import sanitised_traceback


def test_a_sanitised_traceback_names_places_not_values() -> None:
    try:
        secret = "Zoë O'Neill, Year 4"
        raise ValueError(f"could not save {secret}")
    except ValueError as exc:
        report = sanitised_traceback(type(exc), exc.__traceback__)
    assert "builtins.ValueError" in report
    assert "test_logging_setup.py" in report
    assert "Zoë" not in report and "O'Neill" not in report


def test_a_database_error_reaches_the_log_without_the_values_written(
    database: Database, actor: User
) -> None:
    with pytest.raises(IntegrityError) as raised, database.write(actor) as s:
        s.execute(
            text("INSERT INTO person (id, kind, given_name) VALUES (:i, :k, :n)"),
            {"i": 1, "k": "pupil", "n": "Łukasz Secret-Name"},
        )
    # SQLAlchemy hides the parameters; PostgreSQL may still quote the failing row in its
    # own message, which is why crash reports never include exception messages.
    assert "SQL parameters hidden" in str(raised.value)
    report = sanitised_traceback(type(raised.value), raised.value.__traceback__)
    assert "IntegrityError" in report
    assert "Secret-Name" not in report
