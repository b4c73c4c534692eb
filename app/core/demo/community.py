"""The demonstration school's people: pupils in families, staff, governors and outsiders."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from app.core.demo import names
from app.core.demo.families import FamilyRecords, import_families
from app.core.demo.names import Heritage
from app.core.mis_import.records import ContactRecord, Position
from app.core.models import User
from app.core.services.people import PersonDetails, create_person
from app.core.vocab import PersonKind, Platform

PUPILS = 300
YEAR_GROUPS = tuple(year for year, _ in names.CLASSES)
_FOLD = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ı": "i"})


@dataclass
class DemoPupil:
    """A pupil as the incident builder needs them: where they are and who their parents are."""

    id: int
    year_index: int
    class_name: str
    parent_ids: list[int] = field(default_factory=list)


@dataclass
class DemoThirdParty:
    """Someone outside the school community, with the platforms they post on."""

    id: int
    tag: str
    platforms: tuple[Platform, ...]
    handle: str


@dataclass
class Community:
    """Ids of everyone the demo created, grouped the way incidents pick them."""

    pupils: list[DemoPupil] = field(default_factory=list)
    parents: list[int] = field(default_factory=list)
    links: int = 0
    head_id: int = 0
    dsl_id: int = 0
    leaders: list[int] = field(default_factory=list)
    teachers_by_year: dict[int, list[int]] = field(default_factory=dict)
    assistants: list[int] = field(default_factory=list)
    staff: list[int] = field(default_factory=list)
    governors: list[int] = field(default_factory=list)
    volunteers: list[int] = field(default_factory=list)
    contractors: list[int] = field(default_factory=list)
    third_parties: list[DemoThirdParty] = field(default_factory=list)


class _Names:
    """Draws names family by family, so siblings and parents match."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.weights = [h.weight for h in names.HERITAGES]

    def heritage(self) -> Heritage:
        return self.rng.choices(names.HERITAGES, weights=self.weights)[0]

    def given(self, heritage: Heritage, female: bool) -> str:
        return self.rng.choice(heritage.girls if female else heritage.boys)

    def surname(self, heritage: Heritage) -> str:
        return self.rng.choice(heritage.surnames)


def gendered(surname: str, female: bool) -> str:
    """The right form of a surname written "Kowalski/Kowalska"."""
    masculine, _, feminine = surname.partition("/")
    return (feminine or masculine) if female else masculine


def ascii_slug(text: str) -> str:
    """Letters and digits only, accents dropped (for invented email addresses)."""
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(c for c in folded.lower() if c.isascii() and c.isalnum())


def date_of_birth(rng: random.Random, academic_year: int, year_index: int) -> date:
    """A birthday in the school year that puts a child in Reception + `year_index` now."""
    first = date(academic_year - 5 - year_index, 9, 1)
    last = date(academic_year - 4 - year_index, 8, 31)
    return date.fromordinal(rng.randint(first.toordinal(), last.toordinal()))


class CommunityBuilder:
    """Creates every person through the people service."""

    def __init__(
        self, session: Session, actor: User, rng: random.Random, academic_year: int
    ) -> None:
        self.session = session
        self.actor = actor
        self.rng = rng
        self.names = _Names(rng)
        self.academic_year = academic_year
        self.community = Community()
        # Ofcom keeps 07700 900000–900999 for drama: numbers that ring no one.
        self.phones = iter(rng.sample(range(900000, 901000), 1000))
        self.class_sizes: dict[str, int] = {}
        # Families are drawn first and then imported from the "MIS" together.
        self.families = FamilyRecords()
        self.drawn: list[tuple[str, int, str]] = []  # (UPN, year index, class)
        self.carer_keys: list[str] = []

    def build(self) -> Community:
        """Staff first (so classes have teachers), then families (imported as a school's
        would be, from a CTF and a class list), then everyone else."""
        self._staff()
        while len(self.drawn) < PUPILS:
            self._family()
        self._import_families()
        self._governors_volunteers_contractors()
        self._third_parties()
        return self.community

    def _add(self, details: PersonDetails) -> int:
        return create_person(self.session, self.actor, details).id

    def _phone(self) -> str:
        return f"07700 {next(self.phones)}"

    def _staff(self) -> None:
        c = self.community
        for index, (title, given, family, job) in enumerate(names.KEY_STAFF):
            person_id = self._add(self._adult(PersonKind.STAFF, title, given, family, job))
            c.staff.append(person_id)
            c.leaders.append(person_id)
            if index == 0:
                c.head_id = person_id
            elif index == 1:
                c.dsl_id = person_id
        for year_index, (year, classes) in enumerate(names.CLASSES):
            for class_word in classes:
                title, given, family = self._adult_name()
                job = f"Class teacher, {year} {class_word}"
                person_id = self._add(self._adult(PersonKind.STAFF, title, given, family, job))
                c.staff.append(person_id)
                c.teachers_by_year.setdefault(year_index, []).append(person_id)
        for job in names.OTHER_STAFF_JOBS:
            title, given, family = self._adult_name()
            person_id = self._add(self._adult(PersonKind.STAFF, title, given, family, job))
            c.staff.append(person_id)
            if "assistant" in job.lower() or "mentor" in job.lower():
                c.assistants.append(person_id)

    def _adult_name(self) -> tuple[str, str, str]:
        heritage = self.names.heritage()
        female = self.rng.random() < 0.7
        title = self.rng.choice(names.TITLES_WOMEN if female else names.TITLES_MEN)
        family = gendered(self.names.surname(heritage), female)
        return title, self.names.given(heritage, female), family

    def _adult(
        self, kind: PersonKind, title: str, given: str, family: str, job: str
    ) -> PersonDetails:
        slug = ascii_slug(given)[:1] + "." + (ascii_slug(family) or "staff")
        email = f"{slug}@{names.SCHOOL_DOMAIN}" if kind is PersonKind.STAFF else ""
        return PersonDetails(
            kind=kind,
            given_name=given,
            family_name=family,
            title=title,
            job_title=job,
            email=email,
        )

    def _address(self) -> tuple[str, str]:
        rng = self.rng
        street_index = rng.randrange(len(names.STREETS))
        street = names.STREETS[street_index]
        district = street_index % 9 + 1
        inward = f"{rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        inward += rng.choice("ABDEFGHJLNPQRSTUWXYZ")
        if rng.random() < 0.2:
            block = rng.choice(names.BLOCKS)
            lines = f"Flat {rng.randint(1, 24)}, {block}\n{street}\n{names.TOWN}"
        else:
            lines = f"{rng.randint(1, 140)} {street}\n{names.TOWN}"
        return lines, f"{names.POSTCODE_AREA}{district} {inward}"

    def _family(self) -> None:
        rng = self.rng
        heritage = self.names.heritage()
        surname = self.names.surname(heritage)
        count = rng.choices((1, 2, 3), weights=(74, 22, 4))[0]
        count = min(count, PUPILS - len(self.drawn))
        years = rng.sample(range(len(YEAR_GROUPS)), count)
        upns = [self._pupil(heritage, surname, year_index) for year_index in years]
        shape = rng.choices(
            ("couple", "single", "separated", "separated_step", "kinship"),
            weights=(66, 10, 15, 7, 2),
        )[0]
        home = self._address()
        mother_surname = surname if rng.random() < 0.7 else self.names.surname(heritage)
        carers: list[tuple[bool, str, str, tuple[str, str], bool]] = []
        if shape == "kinship":
            carers.append((True, "Grandmother (kinship carer)", mother_surname, home, True))
        else:
            carers.append((True, "Mother", mother_surname, home, True))
        if shape in ("couple", "separated", "separated_step"):
            father_home = home if shape == "couple" else self._address()
            carers.append((False, "Father", surname, father_home, True))
        if shape == "separated_step":
            other = self.names.heritage()
            carers.append((False, "Stepfather", self.names.surname(other), home, False))
        if shape == "single" and rng.random() < 0.2:
            carers[0] = (False, "Father", surname, home, True)
        for priority, (female, label, family, (address, postcode), letters) in enumerate(carers, 1):
            key = self._parent(heritage, female, family, address, postcode)
            for upn in upns:
                self.families.link(upn, key, label, priority, letters)

    def _pupil(self, heritage: Heritage, surname: str, year_index: int) -> str:
        female = self.rng.random() < 0.5
        year, classes = names.CLASSES[year_index]
        # Fill the smaller of the two classes, as admissions would.
        class_name = min(
            (f"{year} {word}" for word in classes), key=lambda n: self.class_sizes.get(n, 0)
        )
        self.class_sizes[class_name] = self.class_sizes.get(class_name, 0) + 1
        upn = self.families.pupil(
            self.rng,
            self.names.given(heritage, female),
            gendered(surname, female),
            date_of_birth(self.rng, self.academic_year, year_index),
            year,
            class_name,
        )
        self.drawn.append((upn, year_index, class_name))
        return upn

    def _parent(
        self, heritage: Heritage, female: bool, family: str, address: str, postcode: str
    ) -> str:
        rng = self.rng
        given = self.names.given(heritage, female)
        family = gendered(family, female)
        if rng.random() < 0.02:
            title = "Mx"
        else:
            title = rng.choice(names.TITLES_WOMEN if female else names.TITLES_MEN)
        email = ""
        if rng.random() < 0.85:
            local = ascii_slug(given) or "parent"
            email = f"{local}.{ascii_slug(family) or rng.randint(10, 99)}@example.com"
        key = f"demo:{len(self.carer_keys) + 1}"
        self.carer_keys.append(key)
        return self.families.carer(
            ContactRecord(
                key=key,
                given_name=given,
                family_name=family,
                position=Position(),
                title=title,
                address=address,
                postcode=postcode,
                email=email,
                phone=self._phone() if rng.random() < 0.9 else "",
            )
        )

    def _import_families(self) -> None:
        c = self.community
        pupil_ids, carers = import_families(self.session, self.actor, self.families)
        for upn, year_index, class_name in self.drawn:
            pupil_id = pupil_ids[upn]
            c.pupils.append(DemoPupil(pupil_id, year_index, class_name, carers.get(pupil_id, [])))
        c.parents = sorted({parent for ids in carers.values() for parent in ids})
        c.links = len(self.families.links)

    def _governors_volunteers_contractors(self) -> None:
        c = self.community
        for role in names.GOVERNOR_ROLES:
            title, given, family = self._adult_name()
            c.governors.append(
                self._add(self._adult(PersonKind.GOVERNOR, title, given, family, role))
            )
        for role in names.VOLUNTEER_ROLES:
            title, given, family = self._adult_name()
            c.volunteers.append(
                self._add(self._adult(PersonKind.VOLUNTEER, title, given, family, role))
            )
        for given, family, job in names.CONTRACTORS:
            c.contractors.append(
                self._add(self._adult(PersonKind.CONTRACTOR, "", given, family, job))
            )

    def _third_parties(self) -> None:
        for seed in names.THIRD_PARTIES:
            person_id = self._add(
                PersonDetails(
                    kind=PersonKind.THIRD_PARTY,
                    given_name=seed.given_name,
                    family_name=seed.family_name,
                    job_title=seed.job_title,
                    notes=f"Account: {seed.handle}" if seed.handle else "",
                )
            )
            self.community.third_parties.append(
                DemoThirdParty(person_id, seed.tag, seed.platforms, seed.handle)
            )
