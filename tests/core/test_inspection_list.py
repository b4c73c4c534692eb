"""The inspection list: every row the incident list shows for a filter, in its order, for
the account that asks (restricted incidents exactly as on screen), as CSV for Excel and a
landscape PDF, with the export on the audit trail."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.core.audit import Action
from app.core.db import Database
from app.core.models import AuditEntry, User
from app.core.services.escalations import create_escalation
from app.core.services.incident_queries import (
    IncidentFilter,
    IncidentSort,
    find_incidents,
)
from app.core.services.incidents import details_of, update_incident
from app.core.services.inspection_list import (
    ExportFacts,
    ExportFormat,
    inspection_heading,
    inspection_rows,
    record_inspection_export,
)
from app.core.services.letter_values import letterhead
from app.core.services.school import SchoolDetails, get_settings, save_settings
from app.core.vocab import (
    Category,
    EscalationKind,
    IncidentOutcome,
    IncidentStatus,
    PrejudiceType,
    Severity,
    UserRole,
)
from app.documents.inspection_csv import cell_for_excel, write_inspection_csv
from app.documents.inspection_list import InspectionListDocument
from tests.factories import make_account, make_incident

SEEN = datetime(2026, 10, 5, 9, 30, tzinfo=UTC)


def _csv(rows: object) -> bytes:
    out = io.BytesIO()
    write_inspection_csv(rows, out)  # type: ignore[arg-type]
    return out.getvalue()


@pytest.fixture
def school(database: Database, actor: User) -> dict[str, object]:
    """Incidents of several kinds; one restricted; an office account's own one."""
    with database.write(actor) as s:
        save_settings(s, actor, SchoolDetails(name="Oakfield & Co Primary"))
        racist = make_incident(
            s,
            actor,
            happened_at=None,
            seen_at=SEEN,
            reported_at=SEEN + timedelta(days=1),
            categories=frozenset({Category.PREJUDICE_BASED, Category.BULLYING}),
            prejudice_type=PrejudiceType.RACIST,
            severity=Severity.HIGH,
        )
        create_escalation(
            s,
            actor,
            racist.id,
            kind=EscalationKind.POLICE_NON_EMERGENCY,
            escalated_at=SEEN + timedelta(hours=2),
            reference_number="CR/123/26",
        )
        create_escalation(
            s,
            actor,
            racist.id,
            kind=EscalationKind.CHILDRENS_SOCIAL_CARE,
            escalated_at=SEEN + timedelta(hours=3),
        )
        homophobic = make_incident(
            s,
            actor,
            happened_at=None,
            seen_at=SEEN + timedelta(days=2),
            categories=frozenset({Category.PREJUDICE_BASED}),
            prejudice_type=PrejudiceType.HOMOPHOBIC,
        )
        closed = make_incident(s, actor, happened_at=None, seen_at=SEEN + timedelta(days=3))
        details = details_of(closed)
        from dataclasses import replace

        update_incident(
            s,
            actor,
            closed.id,
            replace(
                details,
                status=IncidentStatus.CLOSED,
                outcome=IncidentOutcome.POST_REMOVED,
                outcome_rationale='=HYPERLINK("http://x")\nRemoved after the letter; Zoë\'s '
                "mother <agreed> & thanked us.",
            ),
            expected_version=closed.version,
        )
        restricted = make_incident(
            s,
            actor,
            happened_at=None,
            seen_at=SEEN + timedelta(days=4),
            dsl_only=True,
            categories=frozenset({Category.PREJUDICE_BASED}),
            prejudice_type=PrejudiceType.RACIST,
        )
        head = make_account(s, actor, UserRole.HEADTEACHER, "head")
        office = make_account(s, actor, UserRole.OFFICE, "office")
    with database.write(office) as s:
        own = make_incident(s, office, happened_at=None, seen_at=SEEN + timedelta(days=5))
    return {
        "racist": racist.reference,
        "homophobic": homophobic.reference,
        "closed": closed.reference,
        "restricted": restricted.reference,
        "own": own.reference,
        "head": head,
        "office": office,
    }


def test_rows_are_the_lists_rows_in_its_order_for_each_account(
    database: Database, actor: User, school: dict[str, object]
) -> None:
    cases = [
        (IncidentFilter(), IncidentSort.SEEN_AT, True),
        (IncidentFilter(), IncidentSort.REFERENCE, False),
        (
            IncidentFilter(categories=frozenset({Category.PREJUDICE_BASED})),
            IncidentSort.SEVERITY,
            True,
        ),
        (IncidentFilter(statuses=frozenset({IncidentStatus.CLOSED})), IncidentSort.SEEN_AT, True),
        (IncidentFilter(text="complaint"), IncidentSort.SEEN_AT, True),
    ]
    for who in (actor, school["head"], school["office"]):
        assert isinstance(who, User)
        with database.read(who) as s:
            for flt, sort, descending in cases:
                shown = [
                    r.reference
                    for r in find_incidents(s, flt, sort=sort, descending=descending, limit=500)
                ]
                exported = [
                    r.reference for r in inspection_rows(s, flt, sort=sort, descending=descending)
                ]
                assert exported == shown, (who.username, flt, sort)
    with database.read(school["head"]) as s:  # type: ignore[arg-type]
        references = [r.reference for r in inspection_rows(s, IncidentFilter())]
    assert school["restricted"] not in references and school["racist"] in references
    with database.read(school["office"]) as s:  # type: ignore[arg-type]
        assert [r.reference for r in inspection_rows(s, IncidentFilter())] == [school["own"]]


def test_a_row_says_categories_referrals_and_resolution_in_words(
    database: Database, actor: User, school: dict[str, object]
) -> None:
    with database.read(actor) as s:
        rows = {r.reference: r for r in inspection_rows(s, IncidentFilter())}
    racist = rows[str(school["racist"])]
    assert racist.seen_on == "05/10/2026" and racist.reported_on == "06/10/2026"
    assert racist.categories == "Bullying; Prejudice-based (racist)"
    assert racist.severity == "High"
    assert racist.referred_to == (
        "Police (non-emergency, 101), ref. CR/123/26: Open; Children's social care: Open"
    )
    assert racist.resolution == "Not resolved yet" and racist.outcome == ""
    closed = rows[str(school["closed"])]
    assert closed.status == "Closed" and closed.outcome == "Post removed"
    assert closed.resolution.startswith("Closed on ")
    assert "\n" not in closed.resolution
    assert closed.resolution.endswith(
        ': =HYPERLINK("http://x") Removed after the letter; Zoë\'s mother <agreed> & thanked us.'
    )


def test_prejudice_summary_counts_by_type_over_the_same_filter(
    database: Database, actor: User, school: dict[str, object]
) -> None:
    with database.read(actor) as s:
        heading = inspection_heading(s, IncidentFilter())
        counts = {c.label: c.count for c in heading.prejudice}
        assert counts["Racist"] == 2 and counts["Homophobic"] == 1
        assert heading.prejudice_total == 3 and heading.total == 5
        assert heading.school_name == "Oakfield & Co Primary"
        narrowed = inspection_heading(s, IncidentFilter(seen_to=(SEEN + timedelta(days=1)).date()))
        assert {c.label: c.count for c in narrowed.prejudice}["Racist"] == 1
        assert narrowed.prejudice_total == 1
        assert "Seen on or before 06/10/2026" in narrowed.filter_lines
    with database.read(school["head"]) as s:  # type: ignore[arg-type]
        # The restricted racist incident is not the headteacher's to see, nor to count.
        assert inspection_heading(s, IncidentFilter()).prejudice_total == 2


def test_the_filter_is_described_in_words(database: Database, actor: User) -> None:
    from app.core.services.inspection_list import describe_filter

    flt = IncidentFilter(
        statuses=frozenset({IncidentStatus.CLOSED}),
        categories=frozenset({Category.BULLYING}),
        safeguarding_only=True,
        text="  bus\nstop ",
    )
    with database.read(actor) as s:
        lines = describe_filter(s, flt, sort=IncidentSort.SEVERITY)
        everything = describe_filter(s, IncidentFilter())
    assert lines == [
        "Status: Closed",
        "Category: Bullying",
        "Safeguarding concerns only",
        "Matching the search “bus stop”",
        "Withdrawn incidents left out",
        "In order of severity, most severe first",
    ]
    assert everything[0] == "Every incident"


def test_csv_is_excel_utf8_with_bom_and_defuses_formulas(
    database: Database, actor: User, school: dict[str, object]
) -> None:
    with database.read(actor) as s:
        data = _csv(inspection_rows(s, IncidentFilter()))
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\xef\xbb\xbf") == 1
    assert b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Reference", "Date seen", "Date reported"]
    assert len(rows) == 6 and all(len(r) == 9 for r in rows)
    closed = next(r for r in rows if r[0] == school["closed"])
    # The rationale begins with a formula only after "Closed on …: ", so it is kept as is.
    assert "=HYPERLINK" in closed[8] and not closed[8].startswith("'")
    for value in ("=1+1", "+44 7700", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert cell_for_excel(value) == "'" + value
    for value in ("SM-2026-0001", "05/10/2026", "Zoë", ""):
        assert cell_for_excel(value) == value


def test_pdf_reads_back_with_the_filter_the_summary_and_every_row(
    database: Database, actor: User, school: dict[str, object]
) -> None:
    flt = IncidentFilter(seen_from=SEEN.date())
    with database.read(actor) as s:
        heading = inspection_heading(s, flt)
        doc = InspectionListDocument(letterhead(get_settings(s)), heading, inspection_rows(s, flt))
        pdf = doc.render()
    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "List of referrals and their resolution" in text
    assert "Seen on or after 05/10/2026" in text
    assert "Prejudice-based incidents: summary by type" in text
    assert "Oakfield & Co Primary" in text
    for key in ("racist", "homophobic", "closed", "restricted", "own"):
        assert str(school[key]) in text
    assert "Zoë's mother <agreed> & thanked us." in " ".join(text.split())
    assert f"Page 1 of {len(reader.pages)}" in text
    assert doc.row_count == 5
    # No names, no filter in the metadata: the title is the document's kind.
    meta: dict[str, object] = dict(reader.metadata or {})
    assert meta.get("/Title") == "List of referrals and their resolution"
    assert "05/10/2026" not in json.dumps({k: str(v) for k, v in meta.items()})


def test_a_long_pdf_repeats_the_header_on_every_page(database: Database, actor: User) -> None:
    from datetime import date

    from app.core.inspection import InspectionHeading, InspectionRow
    from app.documents.base import Letterhead

    rows = (
        InspectionRow(
            f"SM-2026-{n:04d}",
            "01/02/2026",
            "",
            "Bullying",
            "Low",
            "Closed",
            "",
            "",
            "Closed on 02/02/2026: " + "a long reason that wraps " * (n % 9),
        )
        for n in range(1, 401)
    )
    heading = InspectionHeading("School", date(2026, 2, 3), ("Every incident",), 400, (), 0)
    doc = InspectionListDocument(Letterhead("School"), heading, rows)
    reader = PdfReader(io.BytesIO(doc.render()))
    assert len(reader.pages) > 5
    table_pages = [p.extract_text() for p in reader.pages[1:]]
    assert all(t.count("Resolution") == 1 for t in table_pages)
    joined = "\n".join(table_pages)
    assert all(f"SM-2026-{n:04d}" in joined for n in range(1, 401))


def test_the_export_is_on_the_trail_with_format_filter_count_and_fingerprint(
    database: Database, actor: User, school: dict[str, object]
) -> None:
    flt = IncidentFilter(text="Zoë", categories=frozenset({Category.BULLYING}))
    with database.read(actor) as s:
        data = _csv(inspection_rows(s, flt))
    facts = ExportFacts(rows=data.count(b"\r\n") - 1, sha256=hashlib.sha256(data).hexdigest())
    with database.write(actor) as s:
        record_inspection_export(s, flt, file_format=ExportFormat.CSV, facts=facts, by="window")
    with database.read(actor) as s:
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    assert (entry.action, entry.table_name) == (Action.EXPORT, "inspection_list")
    detail = json.loads(entry.changes)
    assert detail["format"] == "csv" and detail["sha256"] == facts.sha256
    assert detail["rows"] == facts.rows
    assert detail["filter"] == {"categories": ["bullying"], "search": "(text not recorded)"}
    assert "Zoë" not in entry.changes  # the search text may be a name
