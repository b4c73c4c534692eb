"""Who is involved in one demo incident, and where it was posted."""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field

from app.core.demo.community import Community, DemoPupil, DemoThirdParty
from app.core.demo.scenarios import Scenario, Where
from app.core.vocab import Audience, Platform

_HANDLE_WORDS = (
    "pixel", "star", "frog", "dino", "turbo", "cookie", "lava", "ninja", "comet", "panda",
    "rocket", "sunny", "blaze", "mango", "storm", "kitty",
)  # fmt: skip
_ADULT_WORDS = ("mum", "dad", "parent", "family", "life", "runner", "gardener", "baker")


@dataclass
class Cast:
    """The people on one incident, by role, plus what the DSL knows about the post."""

    where: Where
    year_label: str
    poster: int | None = None
    targets: list[int] = field(default_factory=list)
    subjects: list[int] = field(default_factory=list)
    reporter: int | None = None
    witness: int | None = None
    # Who a deletion request would go to (a pupil's parent, not the pupil).
    addressee: int | None = None
    pupils_involved: bool = False
    handle: str = ""
    url: str = ""


def year_label(year_index: int) -> str:
    """ "Reception" or "Year 4"."""
    return "Reception" if year_index == 0 else f"Year {year_index}"


class Casting:
    """Chooses plausible people for a scenario: parents post in parents' chats, pupils on
    TikTok and Snapchat, outsiders on public pages."""

    def __init__(self, rng: random.Random, community: Community) -> None:
        self.rng = rng
        self.c = community
        self.pupil_ids = {p.id for p in community.pupils}

    def cast(self, scenario: Scenario, years_ago: int) -> Cast:
        """Everyone for one incident; `years_ago` shifts pupils back to last year's classes."""
        rng, c = self.rng, self.c
        anchor = self._pupil(scenario.min_year, years_ago)
        year_index = anchor.year_index - years_ago
        cohort = [p for p in c.pupils if p.year_index == anchor.year_index and p is not anchor]
        third_party = self._third_party(scenario) if scenario.poster.startswith("tp:") else None
        where = self._where(scenario, third_party)
        cast = Cast(where=where, year_label=year_label(year_index))
        poster_pupil: DemoPupil | None = None
        if scenario.poster == "parent":
            cast.poster = rng.choice(anchor.parent_ids)
            cast.addressee = cast.poster
        elif scenario.poster == "pupil":
            poster_pupil = anchor
            cast.poster = anchor.id
            cast.addressee = anchor.parent_ids[0]
        elif scenario.poster == "staff":
            cast.poster = rng.choice(c.assistants + self._teachers(year_index))
            cast.addressee = cast.poster
        elif scenario.poster in ("governor", "volunteer", "contractor"):
            pool = {"governor": c.governors, "volunteer": c.volunteers}
            cast.poster = rng.choice(pool.get(scenario.poster, c.contractors))
            cast.addressee = cast.poster
        elif third_party is not None:
            cast.poster = third_party.id
            cast.handle = third_party.handle
            if third_party.tag == "news":
                cast.addressee = third_party.id

        # A pupil posts about a classmate; a parent about other people's children.
        others_child = poster_pupil is not None or scenario.poster == "parent"
        victim = rng.choice(cohort) if others_child and cohort else anchor
        self._targets(cast, scenario, victim, cohort, year_index)
        if scenario.image:
            shown = [victim, *rng.sample(cohort, min(len(cohort), rng.randint(0, 2)))]
            cast.subjects = list(dict.fromkeys(p.id for p in shown if p.id != cast.poster))
        self._reporter(cast, scenario, victim, cohort, year_index)
        if rng.random() < 0.25:
            self._witness(cast, scenario, cohort)
        cast.pupils_involved = any(
            person in self.pupil_ids for person in (cast.poster, *cast.targets, *cast.subjects)
        )
        if poster_pupil is not None and rng.random() < 0.6:
            cast.handle = self._handle()
        elif not cast.handle and where.audience is Audience.PUBLIC_PAGE:
            cast.handle = self._adult_handle()
        if where.audience is Audience.PUBLIC_PAGE:
            cast.url = self._url(where, cast.handle)
        return cast

    def _pupil(self, min_year: int, years_ago: int) -> DemoPupil:
        eligible = [p for p in self.c.pupils if p.year_index - years_ago >= min_year]
        # Older pupils are online far more: weight by year group.
        weights = [1 + (p.year_index - years_ago) ** 2 for p in eligible]
        return self.rng.choices(eligible, weights=weights)[0]

    def _teachers(self, year_index: int) -> list[int]:
        return self.c.teachers_by_year.get(max(year_index, 0), self.c.leaders)

    def _third_party(self, scenario: Scenario) -> DemoThirdParty:
        tag = scenario.poster.removeprefix("tp:")
        platforms = {w.platform for w in scenario.places}
        candidates = [t for t in self.c.third_parties if t.tag == tag]
        matching = [t for t in candidates if platforms & set(t.platforms)]
        return self.rng.choice(matching or candidates)

    def _where(self, scenario: Scenario, third_party: DemoThirdParty | None) -> Where:
        places = scenario.places
        if third_party is not None:
            places = tuple(w for w in places if w.platform in third_party.platforms) or places
        # The first place listed is the usual one.
        weights = [3] + [1] * (len(places) - 1)
        return self.rng.choices(places, weights=weights)[0]

    def _targets(
        self,
        cast: Cast,
        scenario: Scenario,
        victim: DemoPupil,
        cohort: list[DemoPupil],
        year_index: int,
    ) -> None:
        rng, c = self.rng, self.c
        if scenario.target == "teacher":
            cast.targets = [rng.choice(self._teachers(year_index))]
        elif scenario.target == "head":
            cast.targets = [c.head_id]
        elif scenario.target == "assistant":
            cast.targets = [rng.choice(c.assistants + self._teachers(year_index))]
        elif scenario.target == "parent":
            others = [pid for p in cohort for pid in p.parent_ids if pid != cast.poster]
            cast.targets = [rng.choice(others)] if others else []
        elif scenario.target == "pupil" and not (scenario.image and scenario.poster != "pupil"):
            # Pictures posted by adults are about consent: the pupils are shown, not targeted.
            cast.targets = [victim.id]
            if scenario.poster == "pupil" and cohort and rng.random() < 0.2:
                second = rng.choice(cohort)
                if second.id not in (victim.id, cast.poster):
                    cast.targets.append(second.id)
        cast.targets = [t for t in cast.targets if t != cast.poster]

    def _reporter(
        self,
        cast: Cast,
        scenario: Scenario,
        victim: DemoPupil,
        cohort: list[DemoPupil],
        year_index: int,
    ) -> None:
        rng = self.rng
        taken = {cast.poster, *cast.targets}
        choice: int | None = None
        if scenario.reporter == "parent":
            # The pictured or targeted child's parent reports; otherwise another family.
            about_victim = victim.id in cast.targets or victim.id in cast.subjects
            parents = [p for p in victim.parent_ids if p not in taken] if about_victim else []
            parents = parents or [pid for p in cohort for pid in p.parent_ids if pid not in taken]
            choice = rng.choice(parents) if parents else None
        elif scenario.reporter == "teacher":
            choice = rng.choice(self._teachers(year_index))
        elif scenario.reporter == "target":
            choice = cast.targets[0] if cast.targets else rng.choice(self._teachers(year_index))
            taken.discard(choice)
        elif scenario.reporter == "pupil":
            pupils = [p.id for p in cohort if p.id not in taken]
            choice = rng.choice(pupils) if pupils else None
        cast.reporter = choice if choice not in taken else None

    def _witness(self, cast: Cast, scenario: Scenario, cohort: list[DemoPupil]) -> None:
        taken = {cast.poster, cast.reporter, *cast.targets, *cast.subjects}
        if scenario.poster == "pupil" or scenario.target == "pupil":
            pool = [p.id for p in cohort]
        elif cast.where.audience is Audience.PARENT_CHAT:
            pool = [pid for p in cohort for pid in p.parent_ids]
        else:
            pool = list(self.c.assistants)
        pool = [p for p in pool if p not in taken]
        cast.witness = self.rng.choice(pool) if pool else None

    def _adult_handle(self) -> str:
        rng = self.rng
        place = rng.choice(("elmford", "kestrel", "hatchley"))
        return f"@{place}_{rng.choice(_ADULT_WORDS)}{rng.randint(1, 99)}"

    def _handle(self) -> str:
        rng = self.rng
        return f"@{rng.choice(_HANDLE_WORDS)}_{rng.choice(_HANDLE_WORDS)}{rng.randint(1, 99)}"

    def _url(self, where: Where, handle: str) -> str:
        rng = self.rng
        name = handle.lstrip("@").replace("/", "_") or self._adult_handle().lstrip("@")
        digits = "".join(rng.choices(string.digits, k=19))
        token = "".join(rng.choices(string.ascii_letters + string.digits, k=11))
        urls = {
            Platform.FACEBOOK: f"https://www.facebook.com/groups/elmfordcommunity/posts/{digits}",
            Platform.X: f"https://x.com/{name}/status/{digits}",
            Platform.INSTAGRAM: f"https://www.instagram.com/p/{token}/",
            Platform.TIKTOK: f"https://www.tiktok.com/@{name}/video/{digits}",
            Platform.YOUTUBE: f"https://www.youtube.com/watch?v={token}",
            Platform.MUMSNET: f"https://www.mumsnet.com/talk/primary_education/{digits[:7]}",
        }
        if where.platform is Platform.OTHER:
            return {
                "Reddit": f"https://www.reddit.com/r/elmford/comments/{token[:6].lower()}/",
                "Nextdoor": f"https://nextdoor.co.uk/p/{token}",
            }.get(where.other, "")
        return urls.get(where.platform, "")
