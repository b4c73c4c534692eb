"""Every unit of work knows who is acting: `Database.read(actor)` and `write(actor)` need
one, services read it from the unit of work (never from their parameters' names), a
session opened for nobody is refused, and every public service that takes a unit of work
is guarded by `@requires` or is on the short list below with the reason it needs none."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from types import FunctionType

import pytest
from sqlalchemy.orm import Session

import app.core.services
from app.core.actors import SYSTEM
from app.core.db import Database
from app.core.errors import NotAllowed, NotFound
from app.core.models import User
from app.core.permissions import INCIDENT_OPERATIONS, OPERATIONS
from app.core.services.accounts import add_account
from app.core.services.incident_queries import IncidentFilter, find_incidents
from app.core.services.lookups import get_incident
from app.core.vocab import UserRole
from tests.factories import make_incident

#: Public service functions that take a unit of work but need no permission, and why.
UNGUARDED = {
    # Signing in: how someone becomes the actor; each counts failures itself.
    "accounts.needs_first_account": "whether the DSL's account must be made first",
    "accounts.create_first_account": "the first account, only while there is none",
    "accounts.sign_in": "checks a password",
    "accounts.attempt_sign_in": "checks a password",
    "accounts.unlock": "checks the signed-in account's own password",
    "accounts.change_own_password": "the actor's own account, after its current password",
    "accounts.set_password_with_recovery": "only by Footprint, in a log its recovery key opened",
    "accounts.take_password_from_key_slot": "only by Footprint, with the password that opened it",
    "encryption.may_encrypt": "asks whether the actor may manage accounts",
    # Helpers of guarded operations, given records those already checked.
    "chronology.record": "writes the timeline entry of a guarded operation",
    "closing.needs_no_escalation_decision": "part of closing, which is guarded",
    "closing.check_and_record_closing": "part of closing, which is guarded",
    "guidance.incident_facts": "part of guidance_for, which is guarded",
    "incidents.validate_details": "part of recording and changing, which are guarded",
    "incidents.describe_changes": "part of changing an incident, which is guarded",
    "letter_recipients.get_request": "part of preparing letters, which is guarded",
    "letter_recipients.no_contact_children": "part of preparing letters, which is guarded",
    "due.next_action_due_for": "for incident ids the caller already filtered",
    "due.page_due": "for a list page's ids, which rows_for_ids (guarded) filtered",
    "casefile.gather_case_file": "part of the case file and transfer exports, which are guarded",
    "casefile_names.children_on_incident": "part of the case file, which is guarded",
    "casefile_sections.users_by_id": "part of the case file, which is guarded",
    "casefile_sections.timeline": "part of the case file, which is guarded",
    "casefile_sections.requests": "part of the case file, which is guarded",
    "casefile_sections.escalations": "part of the case file, which is guarded",
    "casefile_sections.letters": "part of the case file, which is guarded",
    "casefile_sections.evidence": "part of the case file, which is guarded",
    "cp_transfer.due_on_for": "term dates",
    "cp_transfer.awaiting_receipt": "asks whether the actor may transfer files (due items)",
    "cp_transfer_bundle.incidents_of": "part of the guarded transfer; visible incidents only",
    "cp_transfer_bundle.is_mention_only": "part of the guarded transfer",
    "cp_transfer_bundle.render_bundle": "part of the guarded transfer",
    "changes.recording_changes": "watches a guarded write; reads only what the actor may see",
    "changes.standings": "the incidents a write touched, filtered to what the actor may see",
    "incident_status.follow_the_work": "part of the guarded request and escalation writes",
    "incident_status.work_done": "part of follow_the_work, inside guarded writes",
    "governors.school_days_to_removal": "part of the report and its rows, which are guarded",
    "governors_people.poster_groups": "part of the report, which is guarded",
    "governors_people.year_group_rows": "part of the report, which is guarded",
    "lookups.get_incident": "checks that the actor may see the incident itself",
    "disposal_people.fates": "part of previewing and disposing, which are guarded",
    "disposal_people.people_on": "part of previewing and disposing, which are guarded",
    "legal_holds.holds_on": "part of the guarded review, disposal and incident window",
    "retention.review_items": "part of the guarded review, disposal and incident window",
    "mis_import_store.load_snapshot": "part of previewing and applying imports, guarded",
    "mis_import_store.write": "part of applying an import, which is guarded",
    "subject_access_records.gather": "part of reviewing and making a pack, which are guarded",
    "subject_access_items.person_items": "part of gathering a pack (review and make, guarded)",
    "subject_access_incidents.incident_items": "part of gathering a pack (review, make: guarded)",
    "references.next_reference": "numbers a new incident inside a guarded operation",
    "search_index.matching_ids": "a condition the guarded queries add",
    "search_plan.walk_may_pay": "how a guarded query fetches its rows; reads nothing",
    "search_plan.plan_for": "counts index matches (no rows) for a guarded query's plan",
    "search_plan.reference_plan": "counts references (no rows) for a guarded query's plan",
    "search_index.refresh": "index upkeep inside guarded writes",
    "search_index.refresh_for_person": "index upkeep inside guarded writes",
    "search_index.rebuild": "index upkeep at start-up",
    "search_index.ensure_built": "index upkeep at start-up",
    "search_index.build_documents": "index upkeep inside guarded writes",
    # No personal data: the school's own settings, wording and calendar.
    "casefile.school_letterhead": "the school's letterhead",
    "deletion_requests.default_deadline": "school days from the calendar",
    "deletion_requests.delivery_date": "working days from the calendar",
    "governors.term_context": "term dates",
    "retention.settings_of": "the school's retention periods",
    "governors.find_term": "term dates",
    "governors_commentary.commentary_warnings": "checks text its own writer typed",
    "letter_wording.current_templates": "the school's letter wording",
    "letter_wording.get_template": "the school's letter wording",
    "letter_wording.template_rows": "the school's letter wording",
    "platforms.minimum_ages": "platforms' minimum ages, the school's settings",
    "platforms.minimum_age": "platforms' minimum ages, the school's settings",
    "school.find_settings": "the school's details",
    "school.get_settings": "the school's details",
    "terms.list_terms": "term dates",
    "terms.school_calendar": "term dates",
    "terms.term_by_key": "term dates",
    "terms.ensure_default_terms": "term dates, at start-up",
    "users.ensure_default_user": "start-up, before any account exists",
    "users.get_user": "the actor's own account and staff names on records",
    "users.first_user_id": "who a command acts as in a log from before accounts",
    "validation.atomic": "a savepoint, not an operation",
}


def _service_functions() -> dict[str, FunctionType]:
    found: dict[str, FunctionType] = {}
    for module_info in pkgutil.iter_modules(app.core.services.__path__):
        module = importlib.import_module(f"app.core.services.{module_info.name}")
        for name, function in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(function):
                continue
            if getattr(function, "__module__", None) != module.__name__:
                continue
            parameters = list(inspect.signature(function).parameters)
            if parameters[:1] == ["session"]:
                found[f"{module_info.name}.{name}"] = function
    return found


def test_every_service_that_takes_a_unit_of_work_is_guarded_or_listed_with_a_reason() -> None:
    functions = _service_functions()
    guarded = {name.removeprefix("app.core.services.") for name in OPERATIONS}
    unlisted = sorted(set(functions) - guarded - set(UNGUARDED))
    assert not unlisted, f"neither @requires nor on the list (with a reason): {unlisted}"
    stale = sorted(set(UNGUARDED) - set(functions))
    assert not stale, f"listed but no longer a service taking a unit of work: {stale}"
    assert not set(UNGUARDED) & guarded, "listed as unguarded but guarded"


def test_every_operation_about_one_incident_checks_it_can_be_seen() -> None:
    for name, function in _service_functions().items():
        if f"app.core.services.{name}" not in OPERATIONS:
            continue
        if "incident_id" in inspect.signature(function).parameters:
            assert f"app.core.services.{name}" in INCIDENT_OPERATIONS, name


def test_a_unit_of_work_needs_someone_acting(database: Database) -> None:
    with pytest.raises(TypeError):
        database.read()  # type: ignore[call-arg]
    with (
        pytest.raises(TypeError, match="User, a user id or SYSTEM"),
        database.write(None),  # type: ignore[arg-type]
    ):
        pass


def test_a_session_opened_for_nobody_may_see_and_do_nothing(
    database: Database, actor: User
) -> None:
    with database.write(actor) as s:
        incident = make_incident(s, actor)
    with Session(database.engine) as bare:  # not through the Database: no actor
        with pytest.raises(NotAllowed, match="No one is signed in"):
            find_incidents(bare, IncidentFilter())
        with pytest.raises(NotAllowed, match="No one is signed in"):
            get_incident(bare, incident.id)


def test_who_acts_is_the_unit_of_works_not_an_argument(database: Database, actor: User) -> None:
    with database.write(actor) as s:
        office = add_account(s, actor, "Pat Office", "poffice", UserRole.OFFICE, "harbour lamp 42")
        incident = make_incident(s, actor)
    # Office staff can't add accounts, whoever is named as the actor argument.
    with pytest.raises(NotAllowed), database.write(office.id) as s:
        add_account(s, actor, "Sneaky", "sneaky", UserRole.DSL, "harbour lamp 42")
    with pytest.raises(NotAllowed, match="can't manage accounts"), database.write(office) as s:
        add_account(s, office, "Sneaky", "sneaky", UserRole.DSL, "harbour lamp 42")
    # An incident office staff did not record "does not exist" for them.
    with pytest.raises(NotFound), database.read(office) as s:
        get_incident(s, incident.id)
    # Footprint's own work (start-up, the demo builder) is explicit, and may.
    with database.read(SYSTEM) as s:
        assert get_incident(s, incident.id).id == incident.id
