"""An invented school's pupils and contacts, as an MIS would export them: for the tests,
the benchmark and the demonstration school. Every name, street and number is made up."""

from __future__ import annotations

import random
from datetime import date, timedelta

from app.core.demo.names import HERITAGES, POSTCODE_AREA, STREETS, TOWN, Heritage
from app.core.mis_import.codes import RELATIONSHIP_CODES
from app.core.mis_import.drafts import name_key
from app.core.mis_import.records import ContactRecord, LinkRecord, Position, PupilRecord
from app.core.mis_import.upn import make_upn

# A few families write their names in their own script (the MIS allows it).
_SCRIPTS = Heritage(
    1,
    ("فاطمة", "美玲", "Αθηνά", "प्रिया", "Наталья"),
    ("محمد", "浩然", "Γιώργος", "अर्जुन", "Дмитрий"),
    ("العلي", "王", "Παπαδοπούλου", "शर्मा", "Иванова"),
)
_CLASS_LETTERS = ("K", "O", "W")


def _surname(heritage: Heritage, rng: random.Random) -> tuple[str, str]:
    """(masculine, feminine) forms of a surname ("Kowalski/Kowalska")."""
    name = rng.choice(heritage.surnames)
    male, _, female = name.partition("/")
    return male, female or male


def sample_school(
    pupils: int = 2000, seed: int = 1, *, today: date | None = None
) -> tuple[list[PupilRecord], list[ContactRecord], list[LinkRecord]]:
    """`pupils` pupils in families of 1 to 4 children, with about two contacts each:
    parents shared by siblings, some step-parents without parental responsibility, some
    grandparents further down the priority order, some pupils with preferred names."""
    rng = random.Random(seed)
    today = today or date(2026, 9, 4)
    heritages = [*HERITAGES, _SCRIPTS]
    weights = [h.weight for h in heritages]
    result_pupils: list[PupilRecord] = []
    contacts: list[ContactRecord] = []
    links: list[LinkRecord] = []
    serial = 0
    family = 0
    while len(result_pupils) < pupils:
        family += 1
        heritage = rng.choices(heritages, weights)[0]
        male, female = _surname(heritage, rng)
        house = rng.randint(1, 180)
        street = rng.choice(STREETS)
        lines = [f"{house} {street}", TOWN]
        if rng.random() < 0.1:
            lines.insert(0, f"Flat {rng.randint(1, 40)}")
        address = "\n".join(lines)
        postcode = f"{POSTCODE_AREA}{rng.randint(1, 9)} {rng.randint(1, 9)}{_letters(rng)}"
        adults = _adults(heritage, male, female, family, address, postcode, rng)
        contacts += [adult for adult, _, _, _ in adults]
        for _ in range(min(rng.choice((1, 1, 2, 2, 2, 3, 4)), pupils - len(result_pupils))):
            serial += 1
            girl = rng.random() < 0.5
            given = rng.choice(heritage.girls if girl else heritage.boys)
            age = rng.randint(3, 11)
            born = today - timedelta(days=365 * age + rng.randint(0, 364))
            year = _year_group(age)
            upn = make_upn(380, 2093, serial, year=14)
            preferred = rng.choice(heritage.girls if girl else heritage.boys)
            pupil = PupilRecord(
                key=upn,
                given_name=given,
                family_name=female if girl else male,
                position=Position(),
                upn=upn,
                preferred_given_name=preferred if rng.random() < 0.05 else "",
                date_of_birth=born,
                year_group=year,
                address=address,
                postcode=postcode,
                phone=f"01632 {rng.randint(100000, 999999)}",
            )
            result_pupils.append(pupil)
            for adult, code, pr, priority in adults:
                words = RELATIONSHIP_CODES[code]
                links.append(
                    LinkRecord(
                        pupil_key=upn,
                        contact_key=adult.key,
                        position=Position(),
                        relationship=words,
                        relationship_code=code,
                        parental_responsibility=pr,
                        priority=priority,
                    )
                )
    return result_pupils, contacts, links


def _letters(rng: random.Random) -> str:
    return "".join(rng.choice("ABDEFGHJLNPQRSTUWXYZ") for _ in range(2))


def _year_group(age: int) -> str:
    if age <= 3:
        return "N"
    if age == 4:
        return "R"
    return str(age - 4)


def _adults(
    heritage: Heritage,
    male: str,
    female: str,
    family: int,
    address: str,
    postcode: str,
    rng: random.Random,
) -> list[tuple[ContactRecord, str, bool, int]]:
    """The family's contacts: (record, relationship code, parental responsibility, order)."""
    shape = rng.random()
    people: list[tuple[str, str, str, str, bool]] = []  # title, given, family, code, PR
    girls = rng.sample(heritage.girls, 2)
    boys = rng.sample(heritage.boys, 2)
    people.append((rng.choice(("Mrs", "Ms", "Miss")), girls[0], female, "PAM", True))
    if shape < 0.75:
        people.append(("Mr", boys[0], male, "PAF", True))
    elif shape < 0.85:
        step_male, _ = _surname(heritage, rng)
        people.append(("Mr", boys[0], step_male, "STF", False))
    if rng.random() < 0.25:
        people.append(("Mrs", girls[1], female, "GRM", False))
    result = []
    for order, (title, given, surname, code, pr) in enumerate(people, start=1):
        moved_out = code == "PAF" and rng.random() < 0.1
        key = f"name:{name_key(given, surname)}|{name_key(postcode)}|f{family}"
        record = ContactRecord(
            key=key,
            given_name=given,
            family_name=surname,
            position=Position(),
            title=title,
            address=f"{rng.randint(1, 90)} {rng.choice(STREETS)}\n{TOWN}" if moved_out else address,
            postcode=postcode,
            phone=f"07700 9{rng.randint(10000, 99999)}",
            email=f"{name_key(given).replace(' ', '')}.{family}@example.org",
        )
        result.append((record, code, pr, order))
    return result
