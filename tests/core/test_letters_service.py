"""Letters on record: filled from the incident, the addressee and the settings; stored
byte for byte; reprinted identically; templates the school edits; the command line."""

from __future__ import annotations

import hashlib
import io
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import cast

import pytest
from pypdf import PdfReader
from sqlalchemy import text

from app.cli import main
from app.core.actors import SYSTEM
from app.core.clock import set_clock
from app.core.db import Database
from app.core.errors import Conflict, NotFound, ValidationError
from app.core.letter_templates import default_templates
from app.core.models import Letter, Person, User
from app.core.services.chronology import list_chronology
from app.core.services.deletion_requests import (
    create_request,
    record_outcome,
    record_reply,
    send_second_request,
)
from app.core.services.involvements import add_involvement
from app.core.services.letter_recipients import recipients
from app.core.services.letter_records import letter_pdf, list_letters, withdraw_letter
from app.core.services.letter_wording import (
    current_templates,
    restore_default,
    save_template,
    template_rows,
)
from app.core.services.letters import make_letters, prepare_letters
from app.core.services.people import family_links, link_parent, set_no_contact
from app.core.services.platforms import minimum_age, save_minimum_ages
from app.core.services.school import SchoolDetails, save_settings, set_image
from app.core.services.terms import ensure_default_terms
from app.core.vocab import (
    ChronologyKind,
    DeletionMethod,
    DeletionOutcome,
    InvolvementRole,
    LetterDelivery,
    LetterSigner,
    PersonKind,
    Platform,
)
from tests.factories import make_incident, make_person

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SCHOOL = SchoolDetails(
    name="Kestrel Vale Primary School",
    address="Kestrel Way\nElmford\nEF4 7QX",
    phone="01632 960418",
    headteacher_name="Ms Harriet Fairbairn",
    dsl_names="Mr Ł. Nowak (DSL)",
    complaints_url="https://kestrelvale.example.org/complaints",
)


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _flat(pdf: bytes) -> str:
    """The text with line breaks as spaces (a long sentence wraps in the PDF)."""
    return " ".join(_text(pdf).split())


@pytest.fixture
def case(database: Database, actor: User) -> dict[str, int]:
    """A pupil who posted (with two parents), a target pupil (one parent), a parent poster."""
    set_clock(lambda: MONDAY)
    with database.write(actor) as s:
        save_settings(s, actor, SCHOOL)
        ensure_default_terms(s, actor)
        incident = make_incident(
            s,
            actor,
            seen_at=MONDAY - timedelta(days=3),
            happened_at=MONDAY - timedelta(days=4),
            platform=Platform.WHATSAPP,
        )
        poster = make_person(
            s,
            actor,
            kind=PersonKind.PUPIL,
            given_name="Zoë",
            family_name="Nguyễn",
            year_group="5",
            class_name=None,
        )
        mother = make_person(
            s,
            actor,
            title="Mrs",
            given_name="Ольга",
            family_name="Nguyễn",
            address="O'Brien & Sons <Ltd>\n12 Oak Road\nElmford",
            postcode="EF4 1AB",
        )
        father = make_person(
            s, actor, title="Mr", given_name="Şükrü", family_name="Nguyễn", postcode="EF4 1AB"
        )
        target = make_person(
            s,
            actor,
            kind=PersonKind.PUPIL,
            given_name="Łukasz",
            family_name="Byrne",
            year_group="5",
            class_name="5 Rowan",
        )
        carer = make_person(s, actor, given_name="Siobhán", family_name="O'Neill")
        adult = make_person(
            s, actor, title="Mr", given_name="Dara", family_name="Kelly", address="1 Elm Row"
        )
        link_parent(s, actor, mother.id, poster.id, relationship_label="Mother")
        link_parent(s, actor, father.id, poster.id, relationship_label="Father")
        link_parent(s, actor, carer.id, target.id)
        for person, role in [
            (poster, InvolvementRole.POSTER),
            (target, InvolvementRole.TARGET),
            (adult, InvolvementRole.POSTER),
        ]:
            add_involvement(s, actor, incident.id, person.id, role)
        request = create_request(
            s,
            actor,
            incident.id,
            addressee_id=poster.id,
            method=DeletionMethod.LETTER,
            sent_at=MONDAY,
        )
        return {
            "incident": incident.id,
            "poster": poster.id,
            "mother": mother.id,
            "father": father.id,
            "target": target.id,
            "carer": carer.id,
            "adult": adult.id,
            "request": request.id,
        }


def test_the_usual_addressees_are_suggested(database: Database, case: dict[str, int]) -> None:
    with database.read(SYSTEM) as s:
        about_post = recipients(s, case["incident"], "request_removal")
        about_child = recipients(s, case["incident"], "child_involved")
        from_request = recipients(s, case["incident"], "request_removal", case["request"])
    suggested = {r.person_id for r in about_post if r.suggested}
    # A pupil poster's letter goes to their parents; an adult poster gets their own.
    assert suggested == {case["mother"], case["father"], case["adult"]}
    assert {r.person_id for r in about_child if r.suggested} == {
        case["mother"],
        case["father"],
        case["carer"],
    }
    assert {r.person_id for r in from_request if r.suggested} == {case["mother"], case["father"]}
    mother = next(r for r in about_post if r.person_id == case["mother"])
    assert mother.reason == "Mother of Zoë Nguyễn (poster)" and mother.has_address
    assert mother.child_id == case["poster"]


def test_every_template_prints_every_filled_field(
    database: Database, actor: User, case: dict[str, int]
) -> None:
    expected_everywhere = [
        "Mrs Ольга Nguyễn",
        "O'Brien & Sons <Ltd>",
        "12 Oak Road",
        "EF4 1AB",
        "Dear Mrs Nguyễn,",
        "23 November 2026",
        "Our reference: SM-2026-0001",
        "Ms Harriet Fairbairn",
        "Headteacher",
        "Kestrel Vale Primary School",
        "Page 1 of 1",
    ]
    by_placeholder = {
        "{child_name}": "Zoë Nguyễn",
        "{child_class}": "Year 5",
        "{platform}": "WhatsApp",
        "{date_seen}": "20 November 2026",
        # Posted on Monday 23rd, delivered by Thursday 26th (three working days), then
        # two school days to act.
        "{deadline}": "30 November 2026",
        "{incident_reference}": "SM-2026-0001",
        "{complaints_url}": "https://kestrelvale.example.org/complaints",
        "{dsl_names}": "Mr Ł. Nowak (DSL)",
    }
    templates = default_templates()

    def check(key: str) -> None:
        template = templates[key]
        with database.write(SYSTEM) as s:
            [letter] = prepare_letters(s, case["incident"], key, [case["mother"]])
        flat = _flat(letter.pdf)
        for field in expected_everywhere:
            assert field in flat, (key, field)
        for placeholder, value in by_placeholder.items():
            if placeholder in template.subject + template.body:
                assert value in flat, (key, placeholder)
        assert "{" not in flat, key

    for key in templates:
        if key != "second_request":
            check(key)
    # The second request: the first's deadline passed on Monday 30th; on Tuesday a second
    # request is posted, delivered by Friday, due two school days later, and its letter
    # gives that deadline.
    set_clock(lambda: MONDAY + timedelta(days=8))
    with database.write(actor) as s:
        send_second_request(
            s,
            actor,
            case["request"],
            method=DeletionMethod.LETTER,
            sent_at=MONDAY + timedelta(days=8),
        )
    expected_everywhere[5] = "1 December 2026"
    by_placeholder["{deadline}"] = "8 December 2026"
    check("second_request")


def test_a_letter_about_a_child_needs_a_parent_of_a_pupil_involved(
    database: Database, case: dict[str, int]
) -> None:
    not_parent = "Mr Dara Kelly is not the parent"
    with pytest.raises(ValidationError, match=not_parent) as raised, database.write(SYSTEM) as s:
        prepare_letters(s, case["incident"], "child_involved", [case["adult"]])
    assert raised.value.field == "addressee"


def test_a_deadline_letter_needs_a_recorded_request(
    database: Database, case: dict[str, int]
) -> None:
    no_request = "no deletion request to Mr Dara Kelly"
    with pytest.raises(ValidationError, match=no_request), database.write(SYSTEM) as s:
        prepare_letters(s, case["incident"], "request_removal", [case["adult"]])
    with database.write(SYSTEM) as s:  # a letter without a deadline is fine
        [letter] = prepare_letters(s, case["incident"], "proper_channels", [case["adult"]])
    assert "1 Elm Row" in _text(letter.pdf) and not letter.warnings


def test_a_letter_without_an_address_is_refused_by_post_and_can_be_handed_over(
    database: Database, case: dict[str, int]
) -> None:
    no_address = "no postal address for Siobhán O'Neill.*Hand delivered"
    with pytest.raises(ValidationError, match=no_address), database.write(SYSTEM) as s:
        prepare_letters(s, case["incident"], "child_involved", [case["carer"]])
    with database.write(SYSTEM) as s:
        [letter] = prepare_letters(
            s, case["incident"], "child_involved", [case["carer"]], delivery=LetterDelivery.HAND
        )
    text = _text(letter.pdf)
    assert not letter.warnings
    assert "Siobhán O'Neill\nBy hand" in text
    assert "no postal address" not in text and "on record" not in text
    assert "Private and confidential — addressee only" in text


def test_letters_are_kept_on_record_and_reprint_identically(
    database: Database, actor: User, case: dict[str, int]
) -> None:
    with database.write(actor) as s:
        made = make_letters(
            s, actor, case["incident"], "request_removal", [case["mother"], case["father"]]
        )
        ids = [letter.id for letter in made]
    with database.read(actor) as s:
        first = [letter_pdf(s, i) for i in ids]
        rows = list_letters(s, case["incident"])
        stored = s.get(Letter, ids[0])
        assert stored is not None
        assert stored.sha256 == hashlib.sha256(first[0]).hexdigest()
        assert stored.size_bytes == len(first[0]) and stored.page_count == 1
        assert stored.deletion_request_id == case["request"]
        assert stored.letter_date == date(2026, 11, 23)
        assert stored.subject == "Request to remove a social media post"
        timeline = [e.text for e in list_chronology(s, case["incident"])]
        kinds = [e.kind for e in list_chronology(s, case["incident"])]
    assert [r.addressee_name for r in rows] == ["Mr Şükrü Nguyễn", "Mrs Ольга Nguyễn"]
    assert rows[0].made_by == actor.display_name
    assert kinds.count(ChronologyKind.LETTER) == 2
    assert (
        "Letter “Request to remove a post” to Mrs Ольга Nguyễn (1 page; signed by "
        "Ms Harriet Fairbairn)." in timeline
    )

    # A week later, with a new headteacher and new wording, the reprint is unchanged.
    set_clock(lambda: MONDAY + timedelta(days=7))
    with database.write(actor) as s:
        save_settings(s, actor, SchoolDetails(name="Renamed School", headteacher_name="Mr New"))
        save_template(s, actor, "request_removal", "New", "New subject", "New body.")
    with database.read(actor) as s:
        assert [letter_pdf(s, i) for i in ids] == first
    assert "24 November 2026" not in _text(first[0])


def test_a_damaged_stored_letter_is_not_reprinted(
    database: Database, actor: User, case: dict[str, int]
) -> None:
    with database.write(actor) as s:
        [letter] = make_letters(s, actor, case["incident"], "proper_channels", [case["adult"]])
        s.execute(text("UPDATE letter SET pdf = :pdf"), {"pdf": b"%PDF-1.4 forged"})
    with pytest.raises(Conflict, match="doesn't match the fingerprint"), database.read(actor) as s:
        letter_pdf(s, letter.id)


def test_the_school_edits_a_template_and_can_restore_the_default(
    database: Database, actor: User, case: dict[str, int]
) -> None:
    misspelt = r"\{child_nme\}.*Did you mean \{child_name\}"
    with pytest.raises(ValidationError, match=misspelt), database.write(actor) as s:
        save_template(s, actor, "child_involved", "T", "About {child_nme}", "Body")
    with database.write(actor) as s:
        save_template(
            s, actor, "child_involved", "About your child", "A note about {child_name}", "Hello."
        )
    with database.write(actor) as s:
        assert current_templates(s)["child_involved"].subject == "A note about {child_name}"
        [letter] = prepare_letters(
            s, case["incident"], "child_involved", [case["carer"]], delivery=LetterDelivery.HAND
        )
        row = next(r for r in template_rows(s) if r.key == "child_involved")
    assert "A note about Łukasz Byrne" in _text(letter.pdf)
    assert row.customised and row.changed_by == actor.display_name
    with database.write(actor) as s:
        restore_default(s, actor, "child_involved")
    with database.read(actor) as s:
        assert current_templates(s)["child_involved"] == default_templates()["child_involved"]
        assert not next(r for r in template_rows(s) if r.key == "child_involved").customised
    with pytest.raises(NotFound), database.write(actor) as s:
        save_template(s, actor, "no_such_letter", "T", "S", "B")


def test_logo_and_signature_must_be_pictures(database: Database, actor: User) -> None:
    from PySide6.QtCore import QBuffer, QIODevice
    from PySide6.QtGui import QColor, QImage

    image = QImage(40, 20, QImage.Format.Format_RGB32)
    image.fill(QColor("navy"))
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, cast(bytes, "PNG"))  # the stubs say bytes; PySide6 takes only str
    png = bytes(buffer.data().data())
    with database.write(actor) as s:
        save_settings(s, actor, SCHOOL)
        settings = set_image(s, actor, "logo", png)
        assert settings.logo_media_type == "image/png"
    for bad, message in [
        (b"GIF89a....", "must be a PNG, JPEG or SVG"),
        (png[:40], "damaged"),
        (b"\x89PNG\r\n\x1a\n" + bytes(3 * 1024 * 1024), "at most 2 MB"),
    ]:
        with pytest.raises(ValidationError, match=message), database.write(actor) as s:
            set_image(s, actor, "signature_image", bad)
    with database.write(actor) as s:
        assert set_image(s, actor, "logo", None).logo is None


def test_the_command_line_makes_and_records_a_letter(
    db_url: str,
    database: Database,
    case: dict[str, int],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "letter.pdf"
    args = ["letter", "--database", db_url, "--incident", "sm-2026-0001"]
    assert main([*args, "--template", "request_removal", "--to", "ольга", "--out", str(out)]) == 0
    assert "Dear Mrs Nguyễn," in _text(out.read_bytes())
    with database.read(SYSTEM) as s:
        [row] = list_letters(s, case["incident"])
        assert letter_pdf(s, row.id) == out.read_bytes()

    # Ambiguous or unknown addressees list who the letter could go to; nothing is written.
    assert main([*args, "--template", "child_involved", "--to", "Nguyễn", "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert "matches more than one person" in error and "Mother of Zoë Nguyễn (poster)" in error
    assert main([*args, "--template", "nonsense", "--to", "x", "--out", str(out)]) == 2
    assert "no letter template called “nonsense”" in capsys.readouterr().err
    assert main(["--database", db_url, "letter", "--list-templates"]) == 0
    listed = capsys.readouterr().out
    assert "request_removal" in listed and "Underage use of a platform" in listed
    # A parent with no address on record: refused by post, made by hand.
    carer = ["--template", "child_involved", "--to", "Siobhán", "--out", str(out)]
    assert main([*args, *carer]) == 2
    assert "no postal address for Siobhán O'Neill" in capsys.readouterr().err
    assert main([*args, *carer, "--delivery", "hand", "--signer", "headteacher"]) == 0
    assert "Siobhán O'Neill\nBy hand" in _text(out.read_bytes())
    with database.read(SYSTEM) as s:  # the refused ones left nothing on record
        assert len(list_letters(s, case["incident"])) == 2


def test_a_parent_is_written_to_only_about_a_child_they_receive_letters_for(
    database: Database, actor: User, case: dict[str, int]
) -> None:
    with database.write(actor) as s:
        step = make_person(s, actor, kind=PersonKind.PUPIL, given_name="Alpha", year_group="3")
        sibling = make_person(s, actor, kind=PersonKind.PUPIL, given_name="Beta", year_group="1")
        parent = make_person(
            s, actor, title="Ms", given_name="Pat", family_name="Quinn", address="3 Elm Row"
        )
        link_parent(s, actor, parent.id, step.id, receives_letters=False)
        link_parent(s, actor, parent.id, sibling.id)
        add_involvement(s, actor, case["incident"], step.id, InvolvementRole.POSTER)
        add_involvement(s, actor, case["incident"], sibling.id, InvolvementRole.TARGET)
    with database.write(actor) as s:
        [offered] = [
            r for r in recipients(s, case["incident"], "child_involved") if r.person_id == parent.id
        ]
        [letter] = prepare_letters(s, case["incident"], "child_involved", [parent.id])
    assert offered.child_id == sibling.id and "of Beta" in offered.reason
    text = _flat(letter.pdf)
    assert "involving Beta" in text and "Alpha" not in text


def test_a_request_applies_only_to_its_own_addressee(
    database: Database, actor: User, case: dict[str, int]
) -> None:
    with database.write(actor) as s:
        [letter] = prepare_letters(
            s, case["incident"], "request_removal", [case["mother"]], request_id=case["request"]
        )
        assert letter.deletion_request_id == case["request"]
        # Ticking the adult poster too: their letter would need their own request.
        with pytest.raises(ValidationError, match="no deletion request to Mr Dara Kelly"):
            prepare_letters(
                s,
                case["incident"],
                "request_removal",
                [case["mother"], case["adult"]],
                request_id=case["request"],
            )
        # Someone with nothing to do with the incident can't be written to about it.
        stranger = make_person(s, actor, given_name="Stranger")
        with pytest.raises(ValidationError, match="Stranger O'Neill is not in this incident"):
            prepare_letters(s, case["incident"], "proper_channels", [stranger.id])


def test_a_deadline_letter_needs_an_open_request_with_a_deadline_ahead(
    database: Database, actor: User, case: dict[str, int]
) -> None:
    with database.write(actor) as s:
        draft = create_request(
            s,
            actor,
            case["incident"],
            addressee_id=case["adult"],
            method=DeletionMethod.LETTER,
            sent_at=None,
        )
    with database.write(actor) as s:
        [letter] = prepare_letters(s, case["incident"], "request_removal", [case["adult"]])
    assert letter.deletion_request_id == draft.id
    assert any("not marked as sent" in w and "30 November 2026" in w for w in letter.warnings)
    assert "by 30 November 2026" in _flat(letter.pdf)

    set_clock(lambda: MONDAY + timedelta(days=7))  # Monday 30th: the pupil's deadline is today
    with (
        pytest.raises(ValidationError, match=r"\(30 November 2026\) is today or has passed"),
        database.read(actor) as s,
    ):
        prepare_letters(s, case["incident"], "request_removal", [case["mother"]])
    with database.write(actor) as s:
        record_outcome(s, actor, case["request"], DeletionOutcome.REFUSED)
    with (
        pytest.raises(ValidationError, match="already closed \\(refused\\)"),
        database.read(actor) as s,
    ):
        prepare_letters(s, case["incident"], "request_removal", [case["mother"]])


def test_placeholders_with_formatting_are_refused(database: Database, actor: User) -> None:
    for body in ("Seen {date_seen:%d/%m}", "Dear {child_name!r}", "Width {platform:>99999999}"):
        with (
            pytest.raises(ValidationError, match="Write placeholders plainly"),
            database.write(actor) as s,
        ):
            save_template(s, actor, "child_involved", "T", "Subject", body)
    with pytest.raises(ValidationError, match=r"line 2, character 5"), database.write(actor) as s:
        save_template(s, actor, "child_involved", "T", "Subject", "Fine\nBad { brace")


def test_a_blank_value_is_a_warning_not_a_silent_gap(
    database: Database, actor: User, case: dict[str, int]
) -> None:
    with database.write(actor) as s:
        pupil = make_person(s, actor, kind=PersonKind.PUPIL, given_name="Nia")  # no class
        add_involvement(s, actor, case["incident"], pupil.id, InvolvementRole.WITNESS)
        link_parent(s, actor, case["adult"], pupil.id)
    with database.write(actor) as s:
        [letter] = prepare_letters(s, case["incident"], "child_involved", [case["adult"]])
    assert any(
        w.startswith("{child_class} is blank in the letter to Mr Dara Kelly")
        for w in letter.warnings
    )


def test_a_letter_made_in_error_is_withdrawn_not_deleted(
    database: Database, actor: User, case: dict[str, int]
) -> None:
    with database.write(actor) as s:
        [letter] = make_letters(s, actor, case["incident"], "proper_channels", [case["adult"]])
    with database.write(actor) as s:
        withdraw_letter(s, actor, letter.id, "Printed twice")
    with database.read(actor) as s:
        assert list_letters(s, case["incident"]) == []
        assert letter_pdf(s, letter.id).startswith(b"%PDF")  # still on record
        last = list_chronology(s, case["incident"])[0]  # newest first
    assert "withdrawn: Printed twice" in last.text
    with pytest.raises(Conflict), database.write(actor) as s:
        withdraw_letter(s, actor, letter.id, "Again")


# --- Letters a headteacher will sign (issue 14) ---------------------------------------


def _second_request_letter(
    database: Database, actor: User, case: dict[str, int], outcome: DeletionOutcome
) -> str:
    """The first request closed as `outcome` (with a reply where one exists), a second
    request posted on Tuesday 1 December, and its letter's text."""
    set_clock(lambda: MONDAY + timedelta(days=8))
    with database.write(actor) as s:
        if outcome is not DeletionOutcome.NO_REPLY:
            record_reply(
                s, actor, case["request"], reply_at=MONDAY + timedelta(days=2), summary="Gist"
            )
        verified = MONDAY + timedelta(days=3) if outcome is DeletionOutcome.PARTLY_REMOVED else None
        record_outcome(s, actor, case["request"], outcome, verified_at=verified)
        send_second_request(
            s, actor, case["request"], method=DeletionMethod.LETTER, sent_at=MONDAY + timedelta(8)
        )
    with database.write(SYSTEM) as s:
        [letter] = prepare_letters(s, case["incident"], "second_request", [case["mother"]])
    return _flat(letter.pdf)


@pytest.mark.parametrize(
    ("outcome", "said", "not_said"),
    [
        (
            DeletionOutcome.NO_REPLY,
            "We have not received a reply, and the post has not been removed.",
            "Thank you for your reply",
        ),
        (
            DeletionOutcome.REFUSED,
            "Thank you for your reply of 25 November 2026. We understand that the post will "
            "not be removed, and we ask you to reconsider.",
            "not received a reply",
        ),
        (
            DeletionOutcome.PARTLY_REMOVED,
            "Thank you for your reply of 25 November 2026. Part of the post has been removed, "
            "but some of it can still be seen.",
            "not received a reply",
        ),
    ],
)
def test_the_second_request_says_what_was_recorded_about_the_first(
    database: Database,
    actor: User,
    case: dict[str, int],
    outcome: DeletionOutcome,
    said: str,
    not_said: str,
) -> None:
    text = _second_request_letter(database, actor, case, outcome)
    assert said in text
    assert not_said not in text
    assert "It was posted by your child Zoë Nguyễn" in text  # to the pupil's mother


def test_a_pupils_post_is_their_childs_in_the_letter_and_an_adults_is_theirs(
    database: Database, actor: User, case: dict[str, int]
) -> None:
    with database.write(actor) as s:
        create_request(
            s,
            actor,
            case["incident"],
            addressee_id=case["adult"],
            method=DeletionMethod.LETTER,
            sent_at=MONDAY,
            post_description="your comment on the school's Facebook page on 14 November",
        )
    with database.write(SYSTEM) as s:
        [mother] = prepare_letters(s, case["incident"], "request_removal", [case["mother"]])
        [adult] = prepare_letters(s, case["incident"], "request_removal", [case["adult"]])
    to_mother, to_adult = _flat(mother.pdf), _flat(adult.pdf)
    # No description on the pupil's request: where and when it was posted, unquoted.
    assert "We are writing about a post on WhatsApp on 19 November 2026." in to_mother
    assert "It was posted by your child Zoë Nguyễn and came to" in to_mother
    assert "posted by you and" not in to_mother and "We ask you to delete" not in to_mother
    assert "We are writing about your comment on the school's Facebook page on 14 November" in (
        to_adult
    )
    assert "It was posted by you and came to" in to_adult
    assert "We ask that the post is deleted by 30 November 2026." in to_adult


def test_a_childs_part_is_told_by_role_with_support_for_a_target(
    database: Database, actor: User, case: dict[str, int]
) -> None:
    with database.write(actor) as s:
        witness = make_person(s, actor, kind=PersonKind.PUPIL, given_name="Nia", year_group="5")
        add_involvement(s, actor, case["incident"], witness.id, InvolvementRole.WITNESS)
        link_parent(s, actor, case["adult"], witness.id)
    with database.write(SYSTEM) as s:
        [target] = prepare_letters(
            s, case["incident"], "child_involved", [case["carer"]], delivery=LetterDelivery.HAND
        )
        [poster] = prepare_letters(s, case["incident"], "child_involved", [case["mother"]])
        [seen] = prepare_letters(s, case["incident"], "child_involved", [case["adult"]])
    to_target, to_poster, to_witness = _flat(target.pdf), _flat(poster.pdf), _flat(seen.pdf)
    assert "It was aimed at Łukasz." in to_target
    assert "NSPCC's helpline for parents and carers" in to_target
    assert "Zoë posted it." in to_poster and "NSPCC" not in to_poster
    assert "Nia saw it" in to_witness and "is not in trouble" in to_witness
    assert "NSPCC" not in to_witness
    # Nobody else's child is named in a letter about one child.
    assert "Zoë" not in to_target and "Łukasz" not in to_poster


def test_no_letter_goes_to_a_parent_with_no_contact(
    database: Database, actor: User, case: dict[str, int]
) -> None:
    with database.write(actor) as s:
        [link] = [
            link for link in family_links(s, case["father"]) if link.other_id == case["poster"]
        ]
        set_no_contact(s, actor, link.link_id, True)
    with database.read(SYSTEM) as s:
        offered = {r.person_id for r in recipients(s, case["incident"], "request_removal")}
        assert case["father"] not in offered and case["mother"] in offered
    with (
        pytest.raises(ValidationError, match="Mr Şükrü Nguyễn is recorded as having no contact"),
        database.write(SYSTEM) as s,
    ):
        prepare_letters(s, case["incident"], "child_involved", [case["father"]])


def test_a_posted_letter_must_arrive_before_its_deadline(
    database: Database, actor: User, case: dict[str, int]
) -> None:
    with database.write(actor) as s:
        create_request(
            s,
            actor,
            case["incident"],
            addressee_id=case["adult"],
            method=DeletionMethod.EMAIL,
            sent_at=MONDAY,
        )  # due Wednesday 25th: an email can meet it, a posted letter can't
    with (
        pytest.raises(
            ValidationError, match=r"should arrive by 26 November 2026.*could not be met"
        ),
        database.write(SYSTEM) as s,
    ):
        prepare_letters(s, case["incident"], "request_removal", [case["adult"]])
    with database.write(SYSTEM) as s:
        [letter] = prepare_letters(
            s, case["incident"], "request_removal", [case["adult"]], delivery=LetterDelivery.EMAIL
        )
    assert "by 25 November 2026" in _flat(letter.pdf) and "By email" in _text(letter.pdf)


def test_the_underage_letter_states_the_platforms_own_minimum_age_or_none(
    database: Database, actor: User, case: dict[str, int]
) -> None:
    def underage() -> str:
        with database.write(SYSTEM) as s:
            [letter] = prepare_letters(s, case["incident"], "underage_use", [case["mother"]])
        return _flat(letter.pdf)

    assert "WhatsApp's terms set a minimum age of 13 for users in the UK." in underage()
    with database.write(actor) as s:  # the school corrects it
        save_minimum_ages(s, actor, {Platform.WHATSAPP: (16, "Checked 2026")})
        assert minimum_age(s, Platform.WHATSAPP) == 16
    assert "minimum age of 16" in underage()
    with database.write(actor) as s:
        save_minimum_ages(s, actor, {Platform.WHATSAPP: (None, "")})
    text = underage()
    assert "minimum age" not in text and "WhatsApp sets its own rules about age" in text
    with database.read(SYSTEM) as s:
        assert minimum_age(s, Platform.ROBLOX) is None  # Roblox: no single minimum age
        assert minimum_age(s, Platform.INSTAGRAM) == 13
    # A child old enough for the platform: the letter would not be true.
    with database.write(actor) as s:
        save_minimum_ages(s, actor, {Platform.WHATSAPP: (13, "")})
        s.get(Person, case["poster"]).date_of_birth = date(2012, 1, 5)  # type: ignore[union-attr]
    with pytest.raises(ValidationError, match="Zoë Nguyễn is 14, and WhatsApp's minimum age is 13"):
        underage()


def test_the_signer_is_chosen_per_letter_and_no_name_reaches_the_metadata(
    database: Database, actor: User, case: dict[str, int]
) -> None:
    with (
        pytest.raises(ValidationError, match="chair of governors' name is not set"),
        database.write(SYSTEM) as s,
    ):
        prepare_letters(
            s,
            case["incident"],
            "pupil_staff_contact",
            [case["mother"]],
            signer=LetterSigner.CHAIR_OF_GOVERNORS,
        )
    with database.write(actor) as s:
        save_settings(
            s,
            actor,
            replace(SCHOOL, chair_of_governors_name="Dr Priya Shah", deputy_name="Mr Jo Obi"),
        )
    with database.write(actor) as s:
        [letter] = make_letters(
            s,
            actor,
            case["incident"],
            "pupil_staff_contact",
            [case["mother"]],
            signer=LetterSigner.CHAIR_OF_GOVERNORS,
        )
        pdf = letter_pdf(s, letter.id)
        timeline = [e.text for e in list_chronology(s, case["incident"])]
    text = _flat(pdf)
    assert "Dr Priya Shah Chair of Governors" in text and "Harriet Fairbairn" not in text
    assert "Private and confidential — addressee only" in text
    assert "Staff may not accept such a request or reply to it." in text
    assert "Zoë Nguyễn (Year 5) contacted, or asked to connect with, a member of staff" in text
    assert any("signed by Dr Priya Shah" in entry for entry in timeline)
    meta = PdfReader(io.BytesIO(pdf)).metadata
    assert meta is not None
    assert meta.title == "Pupil contact with staff on social media"
    everything = " ".join(str(value) for value in meta.values())
    for name in ("Zoë", "Nguyễn", "Ольга"):
        assert name not in everything
    with database.read(SYSTEM) as s:
        suggested = {
            r.person_id
            for r in recipients(s, case["incident"], "pupil_staff_contact")
            if r.suggested
        }
    assert suggested == {case["mother"], case["father"]}  # the parents of the pupil who did it
