"""People: create, correct, withdraw, find, parent–child links."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.core.db import Database
from app.core.errors import Conflict, ValidationError
from app.core.models import ParentChildLink, Person, User
from app.core.services.people import (
    children_of,
    find_people,
    get_person,
    link_parent,
    parents_of,
    unlink_parent,
    update_person,
    withdraw_person,
)
from app.core.vocab import PersonKind
from tests.factories import make_person, person_details


def test_a_person_is_stored_with_who_created_them(database: Database, actor: User) -> None:
    with database.write(actor) as s:
        person = make_person(
            s, actor, address="12 Oak Road\nMorden", postcode="SM4 5AB", email="s@example.org"
        )
        person_id = person.id
    with database.read(actor) as s:
        stored = get_person(s, person_id)
        assert stored.full_name == "Siobhán O'Neill"
        assert stored.address == "12 Oak Road\nMorden"
        assert stored.created_by_id == actor.id
        assert stored.created_at.tzinfo is not None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"given_name": "   "}, "given_name"),
        ({"given_name": "A" * 101}, "given_name"),
        ({"given_name": "Tab\tbed"}, "given_name"),
        ({"email": "not-an-email"}, "email"),
        ({"year_group": "3"}, "year_group"),  # a parent has no year group
        ({"kind": PersonKind.PUPIL, "year_group": "Z"}, "year_group"),
        ({"kind": PersonKind.PUPIL, "date_of_birth": date(2099, 1, 1)}, "date_of_birth"),
        ({"kind": "alien"}, "kind"),
    ],
)
def test_bad_details_name_the_field_and_store_nothing(
    database: Database, actor: User, overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as raised, database.write(actor) as s:
        make_person(s, actor, **overrides)
    assert raised.value.field == field
    assert raised.value.message.endswith(".")
    with database.read(actor) as s:
        assert s.scalar(select(func.count(Person.id))) == 0


def test_update_needs_the_version_the_form_was_loaded_with(database: Database, actor: User) -> None:
    with database.write(actor) as s:
        person = make_person(s, actor)
        person_id, version = person.id, person.version
    with database.write(actor) as s:
        update_person(
            s, actor, person_id, person_details(given_name="Aoife"), expected_version=version
        )
    with pytest.raises(Conflict), database.write(actor) as s:
        update_person(
            s, actor, person_id, person_details(given_name="Zoë"), expected_version=version
        )
    with database.read(actor) as s:
        stored = get_person(s, person_id)
        assert stored.given_name == "Aoife"
        assert stored.updated_by_id == actor.id


def test_withdrawn_people_leave_the_directory_but_stay_on_record(
    database: Database, actor: User
) -> None:
    with database.write(actor) as s:
        person_id = make_person(s, actor, given_name="Łukasz", family_name="Nowak").id
        make_person(s, actor, given_name="Ольга", family_name="Петрова")
    with pytest.raises(ValidationError), database.write(actor) as s:
        withdraw_person(s, actor, person_id, "  ")
    with database.write(actor) as s:
        withdraw_person(s, actor, person_id, "Entered twice by mistake")
    with database.write(actor) as s:
        assert [r.full_name for r in find_people(s)] == ["Ольга Петрова"]
        everyone = find_people(s, include_withdrawn=True)
        assert {r.full_name for r in everyone} == {"Łukasz Nowak", "Ольга Петрова"}
        assert get_person(s, person_id).withdrawn_reason == "Entered twice by mistake"


def test_search_folds_case_and_accents_in_any_script(database: Database, actor: User) -> None:
    with database.write(actor) as s:
        make_person(s, actor, given_name="Łukasz", family_name="Kowalski")
        make_person(s, actor, given_name="Şükrü", family_name="Yılmaz")
        make_person(s, actor, given_name="Ольга", family_name="Иванова")
        make_person(s, actor, given_name="Percy", family_name="100%_Real")
    with database.write(actor) as s:
        assert [r.full_name for r in find_people(s, "łukasz")] == ["Łukasz Kowalski"]
        assert [r.full_name for r in find_people(s, "lukasz")] == ["Łukasz Kowalski"]
        assert [r.full_name for r in find_people(s, "sukru")] == ["Şükrü Yılmaz"]
        assert [r.full_name for r in find_people(s, "ОЛЬГА")] == ["Ольга Иванова"]
        assert [r.full_name for r in find_people(s, "yılmaz şükrü")] == ["Şükrü Yılmaz"]
        assert [r.full_name for r in find_people(s, "zoe")] == []
        assert [r.full_name for r in find_people(s, "kowal ŁUK")] == ["Łukasz Kowalski"]
        assert [r.full_name for r in find_people(s, "100")] == ["Percy 100%_Real"]
        assert [r.full_name for r in find_people(s, "real")] == ["Percy 100%_Real"]
        assert len(find_people(s, "%_")) == 4  # no words typed: everyone
        assert find_people(s, "ukasz") == []  # names match from the start of a word
        assert len(find_people(s, kind=PersonKind.PARENT)) == 4
        assert find_people(s, kind=PersonKind.PUPIL) == []


def test_parent_child_links(database: Database, actor: User) -> None:
    with database.write(actor) as s:
        mum = make_person(s, actor, given_name="Nguyễn", family_name="Thị Lan")
        dad = make_person(s, actor, given_name="Chidi", family_name="Okafor")
        child = make_person(
            s,
            actor,
            kind=PersonKind.PUPIL,
            given_name="Zoë",
            family_name="Okafor",
            year_group="3",
            class_name="3 Oak",
            date_of_birth=date(2018, 5, 1),
        )
        link = link_parent(s, actor, mum.id, child.id, relationship_label="Mother")
        link_parent(s, actor, dad.id, child.id, relationship_label="Father")
        with pytest.raises(Conflict):
            link_parent(s, actor, mum.id, child.id)
        with pytest.raises(ValidationError):
            link_parent(s, actor, child.id, mum.id)  # the wrong way round
        ids = mum.id, dad.id, child.id, link.id
    with database.read(actor) as s:
        assert [p.id for p in parents_of(s, ids[2])] == [ids[0], ids[1]]
        assert [p.id for p in children_of(s, ids[0])] == [ids[2]]
    with database.write(actor) as s:
        unlink_parent(s, actor, ids[3], "Not her child: a typing mistake")
    with database.read(actor) as s:
        assert [p.id for p in parents_of(s, ids[2])] == [ids[1]]
        assert s.scalar(select(func.count(ParentChildLink.id))) == 2  # kept, withdrawn


@pytest.mark.parametrize(
    "text",
    [
        " ".join(f"word{n}" for n in range(1_000)),
        " ".join(["kelly"] * 1_000),
        "k" * 100_000,
        "kel " * 25_000,
        "!?%_*'\"\\" * 10_000,
        "",
    ],
    ids=["1000-words", "1000-same-word", "100k-one-word", "100k-text", "punctuation", "empty"],
)
def test_any_search_text_gives_an_answer_not_a_database_error(
    database: Database, actor: User, text: str
) -> None:
    with database.write(actor) as s:
        make_person(s, actor, given_name="Dara", family_name="Kelly")
    with database.write(actor) as s:
        found = [r.full_name for r in find_people(s, text)]
    assert found in ([], ["Dara Kelly"])


def test_a_search_uses_its_first_ten_distinct_words_each_cut_to_64_letters(
    database: Database, actor: User
) -> None:
    long_name = "Kellyanne" + "a" * 60  # 69 letters
    with database.write(actor) as s:
        make_person(s, actor, given_name="Dara", family_name="Kelly-Okafor")
        make_person(s, actor, given_name="Mo", family_name=long_name)
    with database.write(actor) as s:
        assert [r.full_name for r in find_people(s, "dara " * 50 + "kel")] == ["Dara Kelly-Okafor"]
        ten = "d da dar dara k ke kel kell kelly o"
        assert len(find_people(s, f"{ten} zzz")) == 1  # the eleventh word is not looked at
        assert find_people(s, f"{ten[:-2]} zzz") == []  # but the tenth is
        # A word longer than 64 letters is cut to its start, which is how it matches.
        assert [r.full_name for r in find_people(s, long_name + "zzz")] == [f"Mo {long_name}"]
