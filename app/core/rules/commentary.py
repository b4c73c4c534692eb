"""What in the governors' commentary looks like a person's name, judged against the names
in the log: a full name; a title before a family name ("Mrs Whitlock", "Dr Osei"), or
before any capitalised word; a first name on its own when few people in the log have it
and it isn't also an everyday word ("Zoë", but not "Grace" or "Will"). It only warns: the
DSL decides."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from app.core.folding import fold, tokens

#: A first name on its own is flagged when at most this many people in the log have it:
#: with more, it no longer points at anyone in particular (the same threshold as the
#: report's small counts, "fewer than 3", plus one for a parent who shares it).
RARE_GIVEN_NAME = 3

#: Titles before a name, folded; "Miss" only counts written with a capital (it is a verb).
TITLES = frozenset(
    {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "rev", "revd", "reverend"}
)
_TITLE = re.compile(
    r"\b(?P<title>(?i:mrs|mr|ms|mx|dr|prof|professor|revd|rev|reverend)|Miss|MISS)\.?"
    # The words after the title are looked at, not consumed: "Ms Smith and Mx Osei".
    r"(?=[ \t\u00a0]+(?P<rest>[^\W\d_][\w'’-]*(?:[ \t\u00a0]+[\w'’-]+){0,3}))"
)
_WORD = re.compile(r"[^\W_]+")

#: Given names that are also everyday words (or months, seasons, places and words a
#: commentary uses), folded: on their own they say nothing about a person.
EVERYDAY_WORDS = frozenset(
    """
    a an and angel april archer art august autumn baker bay bill bishop bliss blessing
    bob brook brown buck bud candy carter cash chance chase cherry china christian
    clay cliff colt cooper crystal dale dawn day dean destiny divine don drew duke earl
    eden england faith favour fern field fisher ford forest frank free gale gay gene
    gift gold golden grace grant green guy happy harmony hazel heather heaven holly
    honey honor honour hope hunter india iris ivy jack jade january jasmine jay jewel
    jordan joy july june justice king lane lark liberty lily lincoln lord love lucky major
    march mark marsh mason may melody mercy miles miracle misty moon noble north
    olive pat patience pearl penny pepper piper poppy precious prince princess
    queen rain raven ray reading reed rich river robin rock rose rosemary royal ruby rusty
    saffron sage sandy scarlet september shade sky spring star sterling stone storm
    summer sunny sunday sue tad taylor temple trinity true victory violet wade
    ward west will winter wood wren york young
    """.split()  # noqa: SIM905 (a list literal would take a line a word)
)


def name_warnings(text: str, people: Iterable[tuple[str, str]]) -> list[str]:
    """Warnings for names in `text`, given the (given, family) names of people in the log."""
    people = list(people)
    warnings: list[str] = []
    #: Words already accounted for by a warning (not warned about again as a first name).
    named: set[str] = set()
    words = tokens(text)
    joined = f" {' '.join(words)} "
    if len(words) >= 2:
        for given, family in people:
            name = tokens(f"{given} {family}")
            if len(name) >= 2 and f" {' '.join(name)} " in joined:
                warnings.append(f"It names {given} {family}, who is in the log.")
                named.update(name)
                break
    families = sorted(
        {tuple(tokens(family)) for _given, family in people if tokens(family)},
        key=len,
        reverse=True,
    )
    for match in _TITLE.finditer(text):
        title, rest = match.group("title"), match.group("rest")
        following = tokens(rest)
        in_log = next((f for f in families if tuple(following[: len(f)]) == f), None)
        if in_log is not None:
            surname = _first_words(rest, len(in_log))
            warnings.append(f"It names “{title} {surname}”: {surname} is a family name in the log.")
            named.update(in_log)
        elif rest[:1].isupper():
            warnings.append(f"It names someone by title: “{title} {_first_words(rest, 1)}”.")
            named.add(following[0])
    carriers: Counter[str] = Counter()
    for given, _family in people:
        carriers.update(set(tokens(given)))
    for word in dict.fromkeys(_WORD.findall(text)):
        folded = fold(word)
        if not word[:1].isupper() or folded in named or folded in TITLES:
            continue
        if folded in EVERYDAY_WORDS or not 0 < carriers[folded] <= RARE_GIVEN_NAME:
            continue
        named.add(folded)
        who = (
            "one person in the log has"
            if carriers[folded] == 1
            else (f"only {carriers[folded]} people in the log have")
        )
        warnings.append(f"It uses the first name “{word}”, which {who}.")
    return warnings


def _first_words(text: str, count: int) -> str:
    """The words of `text` as typed that hold its first `count` folded words ("Smith-Jones"
    holds two), without trailing punctuation."""
    typed = text.split()
    taken = 1
    while taken < len(typed) and len(tokens(" ".join(typed[:taken]))) < count:
        taken += 1
    words = " ".join(typed[:taken]).rstrip(".,;:!?")
    return re.sub(r"['’]s$", "", words).rstrip("'’")
