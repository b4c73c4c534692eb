"""The governors' termly summary: anonymous by construction (canaries never leak), every
figure equal to a count made here from what was seeded, the suppression rule, an empty
term, a big term, the CSV and the command line."""

from __future__ import annotations

import csv
import io
import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import holidays
import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app.cli import main
from app.core.actors import SYSTEM
from app.core.clock import LONDON, set_clock
from app.core.db import Database
from app.core.models import Incident, User
from app.core.rules.school_days import Term
from app.core.services.chronology import add_note
from app.core.services.deletion_requests import create_request, record_outcome
from app.core.services.escalations import create_escalation, update_escalation
from app.core.services.evidence import add_evidence_description, add_evidence_file
from app.core.services.governors import build_report, find_term, period_of
from app.core.services.governors_commentary import (
    commentary_warnings,
    latest_commentary,
    save_commentary,
)
from app.core.services.governors_rows import CSV_HEADINGS, anonymised_rows, rows_csv
from app.core.services.incidents import withdraw_incident
from app.core.services.involvements import add_involvement
from app.core.services.letter_values import letterhead
from app.core.services.school import SchoolDetails, get_settings, save_settings
from app.core.services.terms import ensure_default_terms, list_terms
from app.core.vocab import (
    Category,
    DeletionMethod,
    DeletionOutcome,
    EscalationKind,
    EscalationStatus,
    InvolvementRole,
    PersonKind,
    Platform,
    PrejudiceType,
    Severity,
)
from app.documents.governors import GovernorsReportDocument
from tests.factories import make_incident, make_person

TERM_KEY = "2025-summer"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c63f8ffff3f030008fc02fea79aa0a00000000049454e44ae426082"
)
POSTER_GROUP = {
    PersonKind.PUPIL: "Pupil",
    PersonKind.PARENT: "Parent/carer",
    PersonKind.STAFF: "Staff, governor or volunteer",
    PersonKind.THIRD_PARTY: "Third party",
}


@dataclass
class Seeded:
    """What the test put in the period, counted here without the app's code."""

    term: Term
    incidents: int = 0
    safeguarding: int = 0
    categories: Counter[str] = field(default_factory=Counter)
    prejudice: Counter[str] = field(default_factory=Counter)
    platforms: Counter[str] = field(default_factory=Counter)
    posters: Counter[str] = field(default_factory=Counter)
    severities: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    removal_days: list[int] = field(default_factory=list)
    escalations: Counter[tuple[str, str]] = field(default_factory=Counter)
    canaries: list[str] = field(default_factory=list)


def _mondays(term: Term) -> list[date]:
    """Mondays of the term whose whole week is school days (no half term, no bank holiday)."""
    bank = holidays.country_holidays("GB", subdiv="ENG", years=[term.starts_on.year])
    days = []
    day = term.starts_on + timedelta(days=(7 - term.starts_on.weekday()) % 7)
    while day + timedelta(days=4) <= term.ends_on:
        week = [day + timedelta(days=i) for i in range(5)]
        in_half_term = term.half_term_starts_on and any(
            term.half_term_starts_on <= d <= term.half_term_ends_on  # type: ignore[operator]
            for d in week
        )
        if not in_half_term and not any(d in bank for d in week):
            days.append(day)
        day += timedelta(days=7)
    return days


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), LONDON).astimezone(UTC)


def _seed(database: Database, actor: User, count: int = 36, seed: int = 7) -> Seeded:
    rng = random.Random(seed)
    with database.write(actor) as s:
        save_settings(s, actor, SchoolDetails(name="Kestrel Vale Primary School"))
        ensure_default_terms(s, actor)
        term = find_term(s, TERM_KEY)
        period = period_of(term, list_terms(s))
        mondays = _mondays(term)
        seeded = Seeded(term)
        kinds = [
            PersonKind.PUPIL,
            PersonKind.PARENT,
            PersonKind.STAFF,
            PersonKind.THIRD_PARTY,
            None,
        ]
        for n in range(count):
            canary = f"CANARY{n:03d}X"
            seeded.canaries.append(canary)
            monday = mondays[n % len(mondays)]
            seen = _at(monday, 9)
            categories = frozenset(rng.sample(list(Category), rng.randint(1, 2)))
            platform = rng.choice(
                [Platform.FACEBOOK, Platform.WHATSAPP, Platform.TIKTOK, Platform.OTHER]
            )
            severity = rng.choice(list(Severity))
            concern = rng.random() < 0.3
            prejudice = (
                rng.choice(list(PrejudiceType)) if Category.PREJUDICE_BASED in categories else None
            )
            incident = make_incident(
                s,
                actor,
                seen_at=seen,
                happened_at=seen - timedelta(hours=1),
                summary=f"Summary {canary} about the post",
                url=f"https://example.org/{canary}",
                account_handle=f"@{canary}handle",
                platform=platform,
                platform_other=f"Forum{canary}" if platform is Platform.OTHER else "",
                severity=severity,
                categories=categories,
                prejudice_type=prejudice,
                safeguarding_concern=concern,
            )
            add_note(s, actor, incident.id, f"Note {canary}")
            if Category.NUDE_IMAGE in categories:  # described, never stored
                add_evidence_description(s, actor, incident.id, f"Described {canary}")
            else:
                add_evidence_file(s, actor, incident.id, f"screenshot-{canary}.png", PNG)
            if prejudice is not None:
                seeded.prejudice[prejudice.label] += 1
            kind = kinds[n % len(kinds)]
            seeded.incidents += 1
            seeded.safeguarding += concern
            seeded.platforms[platform.label] += 1
            seeded.severities[severity.label] += 1
            for category in categories:
                seeded.categories[category.label] += 1
            seeded.posters[POSTER_GROUP[kind] if kind else "Unknown"] += 1
            if kind is None:
                continue
            poster = make_person(
                s,
                actor,
                kind=kind,
                given_name=f"Given{canary}",
                family_name=f"Family{canary}",
                year_group="4" if kind is PersonKind.PUPIL else None,
            )
            add_involvement(s, actor, incident.id, poster.id, InvolvementRole.POSTER)
            if n % 3 == 0:
                request = create_request(
                    s,
                    actor,
                    incident.id,
                    addressee_id=poster.id,
                    method=DeletionMethod.LETTER,
                    sent_at=seen,
                    notes=f"Request {canary}",
                )
                outcome = [
                    DeletionOutcome.REMOVED,
                    DeletionOutcome.REMOVED,
                    DeletionOutcome.PARTLY_REMOVED,
                    DeletionOutcome.REFUSED,
                    DeletionOutcome.NO_REPLY,
                    DeletionOutcome.PENDING,
                ][(n // 3) % 6]
                label = {
                    DeletionOutcome.REMOVED: "Post removed",
                    DeletionOutcome.PARTLY_REMOVED: "Partly removed",
                    DeletionOutcome.REFUSED: "Refused",
                    DeletionOutcome.NO_REPLY: "No reply",
                    DeletionOutcome.PENDING: "Still waiting",
                }[outcome]
                seeded.outcomes[label] += 1
                if outcome is DeletionOutcome.REMOVED:
                    days = n % 5  # checked on the same week's Monday … Friday
                    record_outcome(
                        s,
                        actor,
                        request.id,
                        outcome,
                        verified_at=_at(monday + timedelta(days=days), 15),
                        note=f"Done {canary}",
                    )
                    seeded.removal_days.append(days)
                elif outcome is DeletionOutcome.PARTLY_REMOVED:
                    record_outcome(
                        s,
                        actor,
                        request.id,
                        outcome,
                        verified_at=_at(monday + timedelta(days=1), 15),
                        note=f"Part {canary}",
                    )
                elif outcome is not DeletionOutcome.PENDING:
                    record_outcome(s, actor, request.id, outcome, note=f"Outcome {canary}")
            if n % 4 == 1:
                kind_e = [EscalationKind.PLATFORM_REPORT, EscalationKind.POSH, EscalationKind.LADO][
                    n % 3
                ]
                escalation = create_escalation(
                    s,
                    actor,
                    incident.id,
                    kind=kind_e,
                    escalated_at=seen + timedelta(hours=2),
                    reference_number=f"REF{canary}",
                    contact=f"Contact {canary}",
                    notes=f"Escalated {canary}",
                )
                status = EscalationStatus.OPEN
                if n % 8 == 1:
                    status = EscalationStatus.ACTIONED
                    update_escalation(
                        s, actor, escalation.id, status=status, outcome=f"Outcome {canary}"
                    )
                seeded.escalations[(kind_e.label, status.label)] += 1
        # Outside the period, and withdrawn: never counted.
        make_incident(
            s,
            actor,
            seen_at=period.start - timedelta(days=2),
            summary="Before CANARYOUT",
            happened_at=None,
        )
        make_incident(
            s,
            actor,
            seen_at=period.end + timedelta(hours=1),
            summary="After CANARYOUT",
            happened_at=None,
        )
        gone = make_incident(
            s, actor, seen_at=_at(mondays[0], 11), summary="Withdrawn CANARYOUT", happened_at=None
        )
        withdraw_incident(s, actor, gone.id, "Recorded twice")
        save_commentary(s, actor, TERM_KEY, "A calm term. Thanks to staff & <parents>.")
    return seeded


def _pdf(database: Database, term: Term, *, suppress: bool = True) -> tuple[bytes, str]:
    with database.read(SYSTEM) as s:
        report = build_report(s, term, suppress=suppress)
        pdf = GovernorsReportDocument(letterhead(get_settings(s)), report).render()
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return pdf, text


def _figure(text: str, label: str) -> str:
    """The figure printed after `label` on its line ("12" or "fewer than 3")."""
    found = re.search(rf"^{re.escape(label)}\s+(\d[\d,]*|fewer than 3)\s*$", text, re.MULTILINE)
    assert found, f"no figure for {label!r}"
    return found.group(1)


def _expected(count: int, suppress: bool = True) -> str:
    return "fewer than 3" if suppress and 0 < count < 3 else str(count)


#: The tests run as if on this day (autumn 2026: the summer term of 2025–26 is over).
TODAY = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _today() -> None:
    set_clock(lambda: TODAY)


@pytest.fixture
def seeded(database: Database, actor: User) -> Seeded:
    return _seed(database, actor)


def test_no_canary_reaches_the_pdf_or_the_csv(database: Database, seeded: Seeded) -> None:
    pdf, text = _pdf(database, seeded.term)
    with database.read(SYSTEM) as s:
        exported = rows_csv(anonymised_rows(s, seeded.term)).decode("utf-8-sig")
    reader = PdfReader(io.BytesIO(pdf))
    metadata = " ".join(str(v) for v in (reader.metadata or {}).values())
    for canary in [*seeded.canaries, "CANARYOUT"]:
        assert canary not in text, canary
        assert canary not in exported, canary
        assert canary not in metadata, canary
        assert canary.encode() not in pdf, canary
    assert "This report contains no personal data." in text


def _merged(counts: Counter[str], order: Sequence[str], suppress: bool) -> dict[str, str]:
    """How an additive group should print, worked out here: with suppression, the rows
    under 3 and then the next smallest are combined until the combined row is at least 3
    and covers two rows or more."""
    rows = [(label, counts[label]) for label in order if counts[label]]
    if not suppress or all(c >= 3 for _, c in rows):
        return {label: f"{c:,}" for label, c in rows}
    group = [row for row in rows if row[1] < 3]
    larger = sorted((row for row in rows if row[1] >= 3), key=lambda r: (r[1], order.index(r[0])))
    while (sum(c for _, c in group) < 3 or len(group) < 2) and larger:
        group.append(larger.pop(0))
    printed = {label: f"{c:,}" for label, c in rows if (label, c) not in group}
    names = ", ".join(label for label in order if label in {g[0] for g in group})
    printed[f"Combined: {names}"] = f"{sum(c for _, c in group):,}"
    return printed


def test_every_figure_equals_the_seeded_counts(database: Database, seeded: Seeded) -> None:
    for suppress in (True, False):
        _, text = _pdf(database, seeded.term, suppress=suppress)
        flat = " ".join(text.split())

        def expect(label: str, count: int, text: str = text, suppress: bool = suppress) -> None:
            assert _figure(text, label) == _expected(count, suppress), (label, suppress)

        def expect_group(
            counts: Counter[str], order: Sequence[str], flat: str = flat, suppress: bool = suppress
        ) -> None:
            for label, value in _merged(counts, order, suppress).items():
                assert f"{label} {value}" in flat, (label, value, suppress)

        expect("Incidents recorded", seeded.incidents)
        expect("Safeguarding concerns raised", seeded.safeguarding)
        expect("Deletion requests sent", sum(seeded.outcomes.values()))
        expect("Requests that ended with the post removed", seeded.outcomes["Post removed"])
        expect("Escalations to other bodies or procedures", sum(seeded.escalations.values()))
        for label, count in seeded.categories.items():  # not additive: "fewer than 3"
            expect(label, count)
        expect_group(seeded.platforms, [p.label for p in Platform])
        expect_group(seeded.posters, [*POSTER_GROUP.values(), "Unknown"])
        expect_group(seeded.severities, [v.label for v in Severity])
        expect_group(
            seeded.outcomes,
            ["Post removed", "Partly removed", "Refused", "No reply", "Still waiting"],
        )
        by_kind: Counter[str] = Counter()
        by_status: Counter[str] = Counter()
        for (kind, status), count in seeded.escalations.items():
            by_kind[kind] += count
            by_status[status] += count
        expect_group(by_kind, [k.label for k in EscalationKind])
        expect_group(by_status, [s.label for s in EscalationStatus])
        days = sorted(seeded.removal_days)
        median = (days[len(days) // 2] + days[(len(days) - 1) // 2]) / 2
        assert f"median {median:g} school day" in flat
        assert f"longest {max(days)} school day" in flat
    assert "A calm term. Thanks to staff & <parents>." in flat


def test_no_suppressed_figure_can_be_worked_out_from_a_total(
    database: Database, actor: User
) -> None:
    with database.write(actor) as s:
        save_settings(s, actor, SchoolDetails(name="Small School"))
        ensure_default_terms(s, actor)
        term = find_term(s, TERM_KEY)
        monday = _mondays(term)[0]
        severities = [Severity.LOW] * 5 + [Severity.MEDIUM] * 4 + [Severity.HIGH]
        for n, severity in enumerate(severities):
            make_incident(
                s,
                actor,
                seen_at=_at(monday, 9 + n % 5),
                happened_at=None,
                severity=severity,
                platform=Platform.TIKTOK if n == 0 else Platform.FACEBOOK,
                categories=frozenset({Category.BULLYING if n == 0 else Category.AGGRESSIVE}),
            )
    _, text = _pdf(database, term)
    flat = " ".join(text.split())
    assert "Incidents recorded 10" in flat
    # High (1) is combined with the next smallest, Medium (4): Low 5 + 5 = 10, no remainder.
    assert "Low 5" in flat and "Combined: Medium, High 5" in flat
    assert not re.search(r"^High\s", text, re.MULTILINE)
    # TikTok (1) can't stand alone beside Facebook (9) either.
    assert "Combined: Facebook, TikTok 10" in flat and "Facebook 9" not in flat
    assert "Rows with small numbers are combined" in flat


def test_prejudice_based_incidents_are_counted_by_type(database: Database, seeded: Seeded) -> None:
    """Ofsted looks for this analysis: the report's data carries it (the layout is not
    this test's concern)."""
    assert sum(seeded.prejudice.values()) > 0, "the seed should include prejudice-based incidents"
    with database.read(SYSTEM) as s:
        report = build_report(s, seeded.term)
    assert {row.label: row.count for row in report.by_prejudice_type} == dict(seeded.prejudice)
    order = [t.label for t in PrejudiceType]
    labels = [row.label for row in report.by_prejudice_type]
    assert labels == sorted(labels, key=order.index)


def test_an_incident_with_two_posters_of_one_group_counts_once(
    database: Database, actor: User
) -> None:
    with database.write(actor) as s:
        save_settings(s, actor, SchoolDetails(name="Small School"))
        ensure_default_terms(s, actor)
        term = find_term(s, TERM_KEY)
        for n in range(3):
            incident = make_incident(
                s, actor, seen_at=_at(_mondays(term)[0], 9 + n), happened_at=None
            )
            for kind in (PersonKind.STAFF, PersonKind.GOVERNOR):
                person = make_person(s, actor, kind=kind, given_name=f"P{n}{kind}")
                add_involvement(s, actor, incident.id, person.id, InvolvementRole.POSTER)
    with database.read(actor) as s:
        report = build_report(s, term)
    assert [(r.label, r.count) for r in report.by_poster] == [("Staff, governor or volunteer", 3)]


def test_the_chart_cannot_tell_a_suppressed_two_from_a_one() -> None:
    from app.core.rules.suppression import Row
    from app.documents.governors import chart_rows

    rows = [Row("Bullying", 1), Row("Aggressive", 2), Row("Rude", 7), Row("Illegal", 4)]
    assert [r.label for r in chart_rows(rows, True)] == [
        "Rude",
        "Illegal",
        "Bullying",
        "Aggressive",
    ]
    assert [r.label for r in chart_rows(rows, False)] == [
        "Rude",
        "Illegal",
        "Aggressive",
        "Bullying",
    ]


def test_the_csv_has_one_anonymous_row_per_incident(database: Database, seeded: Seeded) -> None:
    with database.read(SYSTEM) as s:
        data = rows_csv(anonymised_rows(s, seeded.term))
    assert data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == seeded.incidents
    assert list(rows[0]) == list(CSV_HEADINGS.values())
    assert Counter(r["Platform"] for r in rows) == seeded.platforms
    assert Counter(r["Severity"] for r in rows) == seeded.severities
    assert sorted(
        int(r["School days to removal"]) for r in rows if r["School days to removal"]
    ) == sorted(seeded.removal_days)
    assert all(r["Term"] == "Summer term 2026" for r in rows)
    assert all(date.fromisoformat(r["Week commencing"]).weekday() == 0 for r in rows)


def test_an_empty_term_gives_a_valid_report(database: Database, actor: User) -> None:
    with database.write(actor) as s:
        save_settings(s, actor, SchoolDetails(name="Empty School"))
        ensure_default_terms(s, actor)
        term = find_term(s, TERM_KEY)
    pdf, text = _pdf(database, term)
    assert "There were no social media incidents recorded in this period." in text
    assert _figure(text, "Incidents recorded") == "0"
    assert "No deletion requests were sent in this period." in text
    assert "Page 1 of" in text and pdf.startswith(b"%PDF")
    with database.read(actor) as s:
        assert rows_csv(anonymised_rows(s, term)).decode("utf-8-sig").count("\n") == 1


def test_the_commentary_is_checked_and_kept(
    database: Database, actor: User, seeded: Seeded
) -> None:
    with database.read(actor) as s:
        warnings = commentary_warnings(
            s, "GivenCANARY000X FamilyCANARY000X posted (SM-2026-0001) at https://x.example @kid"
        )
        assert latest_commentary(s, TERM_KEY) == "A calm term. Thanks to staff & <parents>."
    assert len(warnings) == 4 and "It names GivenCANARY000X FamilyCANARY000X" in warnings[0]
    with database.read(actor) as s:
        assert commentary_warnings(s, "Incidents fell; staff training went well.") == []


def test_the_command_line_writes_the_pdf_and_csv(
    db_url: str,
    database: Database,
    seeded: Seeded,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out, rows = tmp_path / "report.pdf", tmp_path / "rows.csv"
    args = ["--database", db_url, "report", "governors", "--term", TERM_KEY]
    assert main([*args, "--out", str(out), "--csv", str(rows)]) == 0
    text = "\n".join(p.extract_text() for p in PdfReader(out).pages)
    assert _figure(text, "Incidents recorded") == str(seeded.incidents)
    assert rows.read_bytes().decode("utf-8-sig").count("\n") == seeded.incidents + 1
    assert main([*args[:4], "--term", "1999-winter", "--out", str(out)]) == 2
    assert "There is no term “1999-winter”" in capsys.readouterr().err


def test_a_term_with_ten_thousand_incidents(database: Database, actor: User) -> None:
    from bench.synthetic import build_synthetic_log

    with database.write(actor) as s:
        save_settings(s, actor, SchoolDetails(name="Big School"))
        ensure_default_terms(s, actor)
    # Every incident seen this autumn term (which began on 1 September 2026).
    build_synthetic_log(database, actor.id, incidents=10_000, people=3_000, days=80, seed=5)
    with database.read(actor) as s:
        term = find_term(s, "2026-autumn")
        report = build_report(s, term)
        rows = anonymised_rows(s, term)
        pdf = GovernorsReportDocument(letterhead(get_settings(s)), report).render()
        kept = s.scalar(
            select(func.count()).select_from(Incident).where(Incident.withdrawn_at.is_(None))
        )
    assert kept is not None and kept > 9_900  # the synthetic log withdraws a few
    assert report.incidents == len(rows) == sum(r.count for r in report.by_severity) == kept
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert f"Incidents recorded {kept:,}" in " ".join(text.split())


def test_the_report_prints_the_trails_checkpoint_for_the_clerk(
    database: Database, seeded: Seeded
) -> None:
    from app.core.audit import current_checkpoint

    with database.read(SYSTEM) as s:
        checkpoint = current_checkpoint(s)
    assert checkpoint is not None
    _, text = _pdf(database, seeded.term)
    flat = " ".join(text.split())
    assert f"Checkpoint {checkpoint}:" in flat
    assert "The clerk keeps this copy" in flat


def test_a_governors_export_from_the_command_line_is_on_the_trail_as_theirs(
    db_url: str,
    database: Database,
    seeded: Seeded,
    actor: User,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sqlalchemy import select

    from app.core.models import AuditEntry
    from app.core.services.accounts import add_account, change_own_password, create_first_account
    from app.core.vocab import UserRole

    with database.write(SYSTEM) as s:
        dsl = create_first_account(s, "Ada Okafor", "aokafor", "river lantern orchard")
    with database.write(dsl) as s:
        governor = add_account(
            s, dsl, "Gil Vernor", "gvernor", UserRole.GOVERNOR, "harbour lamp 42"
        )
    with database.write(governor) as s:
        change_own_password(s, governor, "harbour lamp 42", "quiet meadow lantern")
    monkeypatch.setenv("FOOTPRINT_PASSWORD", "quiet meadow lantern")
    out = tmp_path / "report.pdf"
    args = ["--database", db_url, "report", "governors", "--term", TERM_KEY, "--out", str(out)]
    assert main([*args, "--user", "gvernor"]) == 0
    with database.read(SYSTEM) as s:
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    assert (entry.action, entry.table_name) == ("export", "governors_report")
    assert entry.user_id == governor.id != dsl.id
