"""The trail's two ways of writing an entry's hashed text agree, and the baseline's fast
reader writes what the type layer would."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.core.audit import baseline as baseline_module
from app.core.audit.baseline import write_baseline
from app.core.audit.chain import canonical, entry_content, stored_content
from app.core.db import Database
from app.core.models import AuditEntry, Base, User
from tests.factories import make_incident

_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=False),
    st.text(),
    st.fixed_dictionaries({"sha256": st.text(max_size=64), "bytes": st.integers(0, 10**9)}),
)


@given(
    changes=st.dictionaries(st.text(max_size=30), st.one_of(_VALUES, st.tuples(_VALUES, _VALUES))),
    entry_id=st.integers(1, 2**62),
    record=st.one_of(st.none(), st.integers(-(2**62), 2**62)),
    user=st.one_of(st.none(), st.integers(1, 2**31)),
    table=st.text(max_size=60),
    action=st.sampled_from(["insert", "update", "baseline", "sign-in refused"]),
)
def test_the_spliced_text_is_the_canonical_text(
    changes: dict[str, object],
    entry_id: int,
    record: int | None,
    user: int | None,
    table: str,
    action: str,
) -> None:
    # `append` writes entries with the spliced text; `verify` falls back to the full one.
    text = canonical(changes)
    at = "2026-12-02T15:18:44.123456+00:00"
    assert stored_content(entry_id, at, user, action, table, record, text) == entry_content(
        entry_id, at, user, action, table, record, text
    )


def test_the_fast_baseline_writes_what_the_type_layer_reads(
    database: Database, actor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same rows on the trail through each reader give the same text, hostile text and
    # times included (the slow reader is what every older log's baseline went through).
    with database.write(actor) as s:
        for summary in ["Zoë & <Łukasz> 'O’Neill' \u202e", "plain"]:
            make_incident(s, actor, summary=summary)

    def baseline() -> dict[tuple[str, int | None], list[str]]:
        with database.engine.begin() as connection:
            start = connection.scalar(select(func.max(AuditEntry.id)))
            write_baseline(connection)
            written: dict[tuple[str, int | None], list[str]] = {}
            for t, r, c in connection.execute(
                select(AuditEntry.table_name, AuditEntry.record_id, AuditEntry.changes)
                .where(AuditEntry.id > start)
                .order_by(AuditEntry.id)
            ):
                written.setdefault((t, r), []).append(c)
        return written

    with database.engine.connect() as connection:  # the fast reader is the one taken
        assert baseline_module._raw_form(connection, Base.metadata.tables["incident"]) is not None
    fast = baseline()
    monkeypatch.setattr(baseline_module, "_raw_form", lambda *_args: None)
    slow = baseline()
    assert fast == slow
    assert any(table == "incident" for table, _ in fast)
    assert any("Łukasz" in text for texts in fast.values() for text in texts)
