"""Disposal: what it erases (canaries gone from the log file, its -wal, the trail and a
fresh backup), what it keeps (the governors' figures for past terms, unchanged), that
the trail still verifies, and who may do it and when (the DSL alone, once due, never
under a legal hold)."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from app.cli import main
from app.core import audit
from app.core.actors import SYSTEM
from app.core.backups import backup_folder, backups_holding_disposed, create_backup, replace_backups
from app.core.db import Database
from app.core.errors import Conflict, NotAllowed
from app.core.models import (
    AuditEntry,
    ChronologyEntry,
    DeletionRequest,
    Escalation,
    Evidence,
    Incident,
    Involvement,
    Letter,
    ParentChildLink,
    Person,
    RetentionDisposal,
    User,
)
from app.core.reports import GovernorsReport
from app.core.services.chronology import add_note
from app.core.services.disposal import (
    DisposalRow,
    dispose_of_incident,
    list_disposals,
    preview_disposal,
)
from app.core.services.governors import build_report, find_term
from app.core.services.governors_rows import anonymised_rows
from app.core.services.legal_holds import lift_hold, list_holds, place_hold
from app.core.services.retention import (
    incident_retention,
    keep_longer,
    retention_review,
    set_retention_periods,
)
from app.core.vocab import DeletionOutcome, EscalationStatus, PersonKind, UserRole
from tests.core.retention_scene import TERM_KEY, Scene, build_scene
from tests.factories import make_account


@pytest.fixture
def scene(database: Database, actor: User) -> Scene:
    return build_scene(database, actor)


def _dispose(database: Database, actor: User, scene: Scene) -> None:
    with database.write(actor) as s:
        dispose_of_incident(s, actor, scene.disposed_id)
    assert database.erase_freed_space() == []


def _found(blob: bytes, scene: Scene) -> set[str]:
    """The canaries in `blob`, as typed or folded to lower case (the search index)."""
    return {
        name
        for name, canary in scene.canaries.items()
        if canary.encode() in blob or canary.lower().encode() in blob
    }


def _trail_text(database: Database) -> bytes:
    with database.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT action, table_name, changes, hash, prev_hash FROM audit_entry")
        ).all()
    return "\n".join("|".join(map(str, row)) for row in rows).encode()


def test_no_canary_is_left_in_the_file_the_wal_the_trail_or_a_fresh_backup(
    database: Database, actor: User, scene: Scene
) -> None:
    if database.file is None:
        pytest.skip("the files are a SQLite log's")
    log = database.file
    database.erase_freed_space()
    before = log.read_bytes()
    every = set(scene.canaries)
    assert _found(before, scene) == every  # the check can fail: all are there to begin with
    # The trail held every typed value (files only as fingerprints).
    assert _found(_trail_text(database), scene) == every - {"evidence", "letter"}
    _dispose(database, actor, scene)
    wal = Path(f"{log}-wal")
    assert _found(log.read_bytes(), scene) == set()
    assert not wal.exists() or _found(wal.read_bytes(), scene) == set()
    assert _found(_trail_text(database), scene) == set()
    backup = create_backup(log)
    assert _found(backup.path.read_bytes(), scene) == set()


def _every_table(database: Database) -> bytes:
    """Every row of every table (the search index too), as text."""
    from app.core.models import Base

    names = [*Base.metadata.tables, "incident_search"]
    with database.engine.connect() as conn:
        rows = [row for name in names for row in conn.execute(text(f"SELECT * FROM {name}"))]
    return "\n".join(
        "|".join(v.decode("latin-1") if isinstance(v, bytes) else str(v) for v in row)
        for row in rows
    ).encode()


def test_no_canary_is_left_in_any_table_or_the_trail(
    database: Database, actor: User, scene: Scene
) -> None:
    """On either database: every row of every table, read back as text."""
    assert _found(_every_table(database), scene) == set(scene.canaries)
    _dispose(database, actor, scene)
    assert _found(_every_table(database), scene) == set()


def test_the_trail_still_verifies_after_disposal(
    database: Database, actor: User, scene: Scene, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _dispose(database, actor, scene)
    with database.read(SYSTEM) as s:
        result = audit.verify(s, database.audit_head)
    assert result.ok, result.problems
    assert main(["audit", "verify", "--database", db_url]) == 0
    with database.read(SYSTEM) as s:
        erasure = s.scalars(select(AuditEntry).where(AuditEntry.action == "erasure")).one()
        vouched = json.loads(erasure.changes)["entries"]
        erased = s.scalars(
            select(AuditEntry).where(AuditEntry.changes.like('{"disposal":%,"erased":true}'))
        ).all()
    assert {str(e.id) for e in erased} == set(vouched)
    assert all(vouched[str(e.id)][0] == e.hash for e in erased)
    assert len(erased) > 30
    # The Audit screen says what became of them.
    from app.core.services.audit_log import audit_entries

    with database.read(actor) as s:
        shown = {row.changes for row in audit_entries(s, limit=5_000)}
    assert "(its values were erased by disposal 1)" in shown
    assert f"disposal 1 erased the values of {len(erased)} entries" in shown
    assert {"disposal 1: removed", "disposal 1: kept without its erased values"} <= shown


def _figures(database: Database) -> tuple[GovernorsReport, list[dict[str, str]]]:
    """The term's report and rows, without what changes by itself (the day it is made,
    the trail's newest entry)."""
    with database.read(SYSTEM) as s:
        term = find_term(s, TERM_KEY)
        report = build_report(s, term)
        rows = anonymised_rows(s, term)
    return dataclasses.replace(report, checkpoint="", produced_on=date.min), rows


def test_the_governors_figures_for_past_terms_are_unchanged(
    database: Database, actor: User, scene: Scene
) -> None:
    report, rows = _figures(database)
    # Not an empty comparison: the disposed incident is counted in every table it can be.
    assert report.incidents == 2
    assert [r.label for r in report.by_year_group] == ["Year 5", "Year 6"]
    assert any(r.label == "Pupil" and r.count == 1 for r in report.by_poster)
    assert report.requests_sent == 1 and report.escalations_total == 1
    assert report.removals_timed == 1
    assert {r["outcome"] for r in rows} == {"", "Post removed"}
    _dispose(database, actor, scene)
    assert _figures(database) == (report, rows)


def test_what_a_disposal_keeps_and_what_it_erases(
    database: Database, actor: User, scene: Scene
) -> None:
    _dispose(database, actor, scene)
    with database.read(SYSTEM) as s:
        incident = s.get(Incident, scene.disposed_id)
        assert incident is not None and incident.disposed_at is not None
        assert incident.reference == scene.disposed_reference
        assert incident.summary.startswith("Disposed of on ")
        assert (incident.url, incident.account_handle, incident.outcome_rationale) == ("", "", "")
        assert incident.reported_by_id is None and incident.closed_at is not None
        assert incident.category_set  # kept: the governors count them
        for model in (ChronologyEntry, Evidence, Letter):
            count = s.scalar(
                select(func.count()).select_from(model).where(model.incident_id == incident.id)
            )
            assert count == 0, model
        request = s.scalars(select(DeletionRequest)).one()
        assert request.outcome is DeletionOutcome.REMOVED and request.sent_at is not None
        assert (request.notes, request.post_description, request.reply_summary) == ("", "", "")
        escalation = s.scalars(
            select(Escalation).where(Escalation.incident_id == incident.id)
        ).one()
        assert escalation.status is EscalationStatus.ACTIONED
        assert (escalation.reference_number, escalation.contact, escalation.outcome) == ("", "", "")
        # Every role now points at an anonymous stand-in of the same kind.
        roles = s.execute(
            select(Involvement.role, Involvement.year_group_then, Person)
            .join(Person, Person.id == Involvement.person_id)
            .where(Involvement.incident_id == incident.id)
        ).all()
        assert {(p.kind, p.full_name, p.withdrawn_at is not None) for _r, _y, p in roles} == {
            (PersonKind.PUPIL, "", True)
        }
        assert sorted(str(y) for _r, y, _p in roles) == ["5", "6"]
        assert request.addressee_id in {p.id for _r, _y, p in roles}
        # The people on no kept record are gone; the others are still there, unlinked.
        for gone in (scene.pupil_id, scene.parent_id, scene.other_parent_id):
            assert s.get(Person, gone) is None
        for kept in (scene.kept_pupil_id, scene.kept_parent_id):
            assert s.get(Person, kept) is not None
        assert s.scalars(select(ParentChildLink)).one().child_id == scene.kept_pupil_id
        kept_roles = s.scalars(
            select(Involvement.incident_id).where(Involvement.person_id == scene.kept_pupil_id)
        ).all()
        assert kept_roles == [scene.kept_id]
        record = s.scalars(select(RetentionDisposal)).one()
        assert record.created_by_id == actor.id and record.reference == scene.disposed_reference
    (row,) = _listed(database, actor)
    assert row.counts["people erased"] == 3 and row.counts["letters"] == 2
    assert row.counts["stored files"] == 1 and row.counts["audit entries erased"] > 30
    assert "6 years after closing" in row.rule_reason


def _listed(database: Database, actor: User) -> list[DisposalRow]:
    with database.read(actor) as s:
        return list_disposals(s)


def test_a_legal_hold_blocks_disposal_until_the_dsl_lifts_it(
    database: Database, actor: User, scene: Scene
) -> None:
    with database.write(actor) as s:
        hold = place_hold(
            s,
            actor,
            "Independent inquiry",
            "Letter of 2 March",
            references=[scene.disposed_reference],
        )
    with database.write(actor) as s:
        (item,) = retention_review(s)
        assert item.holds == ("Independent inquiry",)
        with pytest.raises(NotAllowed, match="under the legal hold “Independent inquiry”"):
            dispose_of_incident(s, actor, scene.disposed_id)
        assert preview_disposal(s, scene.disposed_id).refusal
    with database.write(actor) as s:
        lift_hold(s, actor, hold.id, "The inquiry has reported")
        everything = place_hold(s, actor, "Civil claim", "", covers_all=True)
    with database.write(actor) as s:
        with pytest.raises(NotAllowed, match="Civil claim"):
            dispose_of_incident(s, actor, scene.disposed_id)
        lift_hold(s, actor, everything.id, "Settled")
    with database.read(actor) as s:
        holds = list_holds(s)
        assert [(h.name, h.active) for h in holds] == [
            ("Civil claim", False),
            ("Independent inquiry", False),
        ]
        assert holds[1].covers == scene.disposed_reference and holds[0].covers == "Every record"
    _dispose(database, actor, scene)


def test_only_the_dsl_disposes_keeps_or_lifts_holds(
    database: Database, actor: User, scene: Scene
) -> None:
    with database.write(actor) as s:
        deputy = make_account(s, actor, UserRole.DEPUTY_DSL, "deputy")
        head = make_account(s, actor, UserRole.HEADTEACHER, "head")
    for someone in (deputy, head):
        with database.write(someone) as s:
            with pytest.raises(NotAllowed, match="can't dispose of records"):
                dispose_of_incident(s, someone, scene.disposed_id)
            with pytest.raises(NotAllowed):
                keep_longer(s, someone, scene.disposed_id, date(2099, 1, 1), "An inquiry")
            with pytest.raises(NotAllowed):
                set_retention_periods(s, someone, safeguarding_years=25, years_after_closing=1)
    with database.write(head) as s, pytest.raises(NotAllowed):
        retention_review(s)
    with database.write(deputy) as s:  # a deputy may stop disposal, never allow it
        hold = place_hold(s, deputy, "Police enquiry", "", references=[scene.disposed_reference])
        with pytest.raises(NotAllowed):
            lift_hold(s, deputy, hold.id, "Over")
    with database.read(SYSTEM) as s:
        assert s.scalar(select(func.count()).select_from(RetentionDisposal)) == 0


def test_what_is_due_and_keeping_it_longer(database: Database, actor: User, scene: Scene) -> None:
    with database.write(actor) as s:
        (item,) = retention_review(s)  # the kept incident is still open: never due
        assert item.reference == scene.disposed_reference
        assert item.review_on == date(2025, 10, 10)  # closed 10/10/2019, + 6 years
        assert "6 years after closing (10/10/2019)" in item.rule.reason
        with pytest.raises(NotAllowed, match="is open"):
            dispose_of_incident(s, actor, scene.kept_id)
        keep_longer(s, actor, scene.disposed_id, date(2099, 1, 31), "Sibling's case open")
    with database.write(actor) as s:
        assert retention_review(s) == []
        shown = incident_retention(s, scene.disposed_id)
        assert shown.review_on == date(2099, 1, 31)
        assert "Kept until 31/01/2099" in shown.summary
        with pytest.raises(NotAllowed, match="not due for disposal until 31/01/2099"):
            dispose_of_incident(s, actor, scene.disposed_id)


def test_nothing_can_be_added_to_a_disposed_incident(
    database: Database, actor: User, scene: Scene
) -> None:
    _dispose(database, actor, scene)
    with database.write(actor) as s, pytest.raises(Conflict, match="was disposed of"):
        add_note(s, actor, scene.disposed_id, "More")
    with database.write(actor) as s, pytest.raises(Conflict, match="already disposed of"):
        dispose_of_incident(s, actor, scene.disposed_id)
    with database.read(actor) as s:
        shown = incident_retention(s, scene.disposed_id).summary
    assert shown.startswith("Disposed of on ") and "under the retention rule" in shown


def test_the_backups_made_before_still_hold_it_until_the_dsl_deletes_them(
    database: Database, actor: User, scene: Scene
) -> None:
    if database.file is None:
        pytest.skip("Footprint keeps backups of a SQLite log only")
    log = database.file
    older = [create_backup(log), create_backup(log)]
    _dispose(database, actor, scene)
    holding = backups_holding_disposed(log, [scene.disposed_id], None)
    assert sorted(holding.files) == sorted(b.path for b in older)
    replaced = replace_backups(log, holding.files, None)
    assert sorted(replaced.removed) == sorted(b.path.name for b in older) and not replaced.left
    assert not backups_holding_disposed(log, [scene.disposed_id], None).files
    assert replaced.made.path.exists() and _found(replaced.made.path.read_bytes(), scene) == set()
    assert [p.name for p in backup_folder(log).glob("*.sqlite3")] == [replaced.made.path.name]


def test_every_table_about_an_incident_or_a_person_is_placed_in_the_disposal() -> None:
    """A table added later that refers to an incident or a person fails here until the
    disposal says what becomes of it."""
    from app.core.models import Base
    from app.core.services.disposal import TABLES

    referring = {
        table.name
        for table in Base.metadata.tables.values()
        for fk in table.foreign_keys
        if fk.column.table.name in ("incident", "person")
    }
    assert referring == set(TABLES), referring ^ set(TABLES)
