"""Finding other people's names in free text, for a subject access pack: each is shown to
the DSL with its context and, unless the DSL keeps it, replaced by the person's role.

A pure function of the text and the log's names. What counts as a name:
- a person's full name, as recorded or as they prefer it, either way round
  ("Jack Hughes", "Hughes Jack");
- a title and a family name ("Mrs Hughes"), and a title before any capitalised word
  ("Dr Osei", someone not in the log at all);
- a given or family name on its own, written with a capital, that someone in the log has
  and that is not an everyday word ("Zoë", not "Grace" or "Will"); a given name also in
  lower case ("zoe-post.png"), a family name not (lower case, "hill" is a hill).

It errs towards finding too much: the DSL unticks what is not a person. The data subject's
own names are not third parties' and are never found on their own ("Jack" when the
subject is Jack, even if another Jack is in the log); the subject's full name is found
when someone else has it too, as "[another person]", for the DSL to decide.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from app.core.folding import fold
from app.core.rules.commentary import EVERYDAY_WORDS, TITLES

#: What replaces a name whose owner can't be told (several people share it, or they are
#: not in the log).
SOMEONE = "[another person]"
#: Police ranks before a name, written in capitals ("PC Hannah Reyes", "DS Khan").
RANKS = frozenset({"pc", "dc", "ds", "di", "dci", "sgt", "insp", "pcso"})
#: The most capitalised words after a title taken as the name of someone not in the log.
_UNKNOWN_NAME_WORDS = 3
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class KnownPerson:
    """Someone in the log (or an account: staff), with what the pack calls them."""

    id: int
    given: str
    family: str
    role: str
    preferred_given: str = ""
    preferred_family: str = ""
    #: Found only by the whole name (and a title with the family name): an account's
    #: display name may be a single word ("DSL", "Office") that text uses as a word.
    whole_name_only: bool = False


@dataclass(frozen=True)
class Found:
    """A name found in a text: where (character offsets), as typed, whose, and the role
    that replaces it."""

    start: int
    end: int
    text: str
    person_id: int | None
    role: str


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    folded: str
    capital: bool


class NameFinder:
    """Finds the names of everyone in `people` but the data subject (`subject`) in text."""

    def __init__(self, people: Iterable[KnownPerson], subject: KnownPerson) -> None:
        self.roles: dict[int, str] = {}
        self.full: dict[tuple[str, ...], set[int]] = {}
        self.lone: dict[str, set[int]] = {}
        #: Given names, which are looked for written in lower case too ("zoe-post.png").
        self.given_words: set[str] = set()
        self.families: dict[tuple[str, ...], set[int]] = {}
        for person in people:
            if person.id == subject.id:
                continue
            self.roles[person.id] = person.role
            for given in {person.given, person.preferred_given or person.given}:
                for family in {person.family, person.preferred_family or person.family}:
                    g, f = _words(given), _words(family)
                    if g and f:
                        self.full.setdefault((*g, *f), set()).add(person.id)
                        self.full.setdefault((*f, *g), set()).add(person.id)
                    for word in () if person.whole_name_only else (*g, *f):
                        if word not in EVERYDAY_WORDS and word not in TITLES:
                            self.lone.setdefault(word, set()).add(person.id)
                            if word in g:
                                self.given_words.add(word)
                    if f:
                        self.families.setdefault(f, set()).add(person.id)
        self.longest = max((len(name) for name in self.full), default=0)
        self.longest_family = max((len(name) for name in self.families), default=0)
        #: The subject's own words: never a third party's name on their own.
        self.own = set(
            _words(
                " ".join(
                    (
                        subject.given,
                        subject.family,
                        subject.preferred_given,
                        subject.preferred_family,
                    )
                )
            )
        )
        own_full = {
            (*_words(g), *_words(f))
            for g in (subject.given, subject.preferred_given)
            for f in (subject.family, subject.preferred_family)
            if g and f
        }
        self.own_full = own_full | {tuple(reversed(name)) for name in own_full}
        self.literals: list[tuple[re.Pattern[str], str]] = []

    def add_literal(self, detail: str, role: str) -> None:
        """A detail known to identify someone else (another person's account or link, the
        name of a contact at an agency): found wherever it is written, in any case."""
        detail = detail.strip()
        if len(detail) >= 3:
            self.literals.append((re.compile(re.escape(detail), re.IGNORECASE), role))

    def find(self, text: str) -> list[Found]:
        """Every name (and detail added with `add_literal`) in `text`, in order, none
        overlapping."""
        found = self._literals(text)
        run: list[_Token] = []
        runs = [run]
        for m in _WORD.finditer(text):
            if any(f.start < m.end() and m.start() < f.end for f in found):
                run = []  # a detail found already: names never run across it
                runs.append(run)
                continue
            run.append(_Token(m.start(), m.end(), fold(m.group()), m.group()[:1].isupper()))
        for tokens in runs:
            found += self._names(text, tokens)
        return sorted(found, key=lambda f: f.start)

    def _names(self, text: str, tokens: list[_Token]) -> list[Found]:
        found: list[Found] = []
        i = 0
        while i < len(tokens):
            match = self._full_name(tokens, i) or self._titled(text, tokens, i)
            if match is None:
                match = self._lone(tokens, i)
            if match is None:
                i += 1
                continue
            count, ids = match
            if ids is not None:  # None: the subject's own name, passed over
                start, end = tokens[i].start, tokens[i + count - 1].end
                person = next(iter(ids)) if len(ids) == 1 else None
                role = self.roles[person] if person is not None else SOMEONE
                found.append(Found(start, end, text[start:end], person, role))
            i += count
        return found

    def _literals(self, text: str) -> list[Found]:
        """The details added with `add_literal`, longest first where they overlap."""
        hits = sorted(
            (
                Found(m.start(), m.end(), m.group(), None, role)
                for pattern, role in self.literals
                for m in pattern.finditer(text)
            ),
            key=lambda f: (f.start - f.end, f.start),
        )
        kept: list[Found] = []
        for hit in hits:
            if not any(hit.start < k.end and k.start < hit.end for k in kept):
                kept.append(hit)
        return kept

    def mentions_subject(self, text: str) -> bool:
        """Whether `text` names the data subject in full (either way round)."""
        words = tuple(fold(w) for w in _WORD.findall(text))
        for name in self.own_full:
            size = len(name)
            if any(words[i : i + size] == name for i in range(len(words) - size + 1)):
                return True
        return False

    def _full_name(self, tokens: list[_Token], i: int) -> tuple[int, set[int] | None] | None:
        for length in range(min(self.longest, len(tokens) - i), 1, -1):
            name = tuple(t.folded for t in tokens[i : i + length])
            ids = self.full.get(name)
            if ids and name in self.own_full:
                return length, set()  # the subject's name is someone else's too: ask
            if ids:
                return length, ids
            if name in self.own_full:
                return length, None
        return None

    def _titled(self, text: str, tokens: list[_Token], i: int) -> tuple[int, set[int]] | None:
        title = tokens[i]
        typed = text[title.start : title.end]
        is_title = (title.folded in TITLES and (title.folded != "miss" or typed[:1] == "M")) or (
            title.folded in RANKS and typed.isupper()
        )
        if not is_title or i + 1 >= len(tokens) or not tokens[i + 1].capital:
            return None
        for length in range(min(self.longest_family, len(tokens) - i - 1), 0, -1):
            ids = self.families.get(tuple(t.folded for t in tokens[i + 1 : i + 1 + length]))
            if ids:
                return 1 + length, ids
        if tokens[i + 1].folded in self.own:
            return None
        named = 1  # someone the log doesn't know, named by title: their capitalised words
        while (
            named < _UNKNOWN_NAME_WORDS
            and i + 1 + named < len(tokens)
            and tokens[i + 1 + named].capital
            and text[tokens[i + named].end : tokens[i + 1 + named].start].isspace()
        ):
            named += 1
        return 1 + named, set()

    def _lone(self, tokens: list[_Token], i: int) -> tuple[int, set[int] | None] | None:
        token = tokens[i]
        if token.folded in self.own:
            return None
        if not token.capital and token.folded not in self.given_words:
            return None  # a family name in lower case is an ordinary word ("hill", "page")
        ids = self.lone.get(token.folded)
        return (1, ids) if ids else None


@lru_cache(maxsize=65_536)
def _words(text: str) -> tuple[str, ...]:
    """The folded words of a name (cached: a school's names repeat, and a log of 20,000
    people is folded each time a pack is made)."""
    return tuple(_WORD.findall(fold(text)))


def redact(text: str, found: Iterable[Found], keep: set[int]) -> str:
    """`text` with each name found replaced by its role, except those whose start offset
    is in `keep` (the DSL chose to leave them)."""
    parts, at = [], 0
    for name in sorted(found, key=lambda f: f.start):
        if name.start in keep:
            continue
        parts += [text[at : name.start], name.role]
        at = name.end
    return "".join([*parts, text[at:]])


def context(text: str, name: Found, width: int = 60) -> str:
    """The words around a name (about `width` characters each side, never half a word),
    on one line, the name marked »like this«."""
    first, last = max(0, name.start - width), min(len(text), name.end + width)
    before, after = text[first : name.start], text[name.end : last]
    if first > 0 and not text[first - 1].isspace() and not before[:1].isspace():
        before = before.split(None, 1)[1] if len(before.split(None, 1)) > 1 else ""
    if last < len(text) and not text[last].isspace() and not after[-1:].isspace():
        after = after.rsplit(None, 1)[0] if len(after.rsplit(None, 1)) > 1 else ""
    lead = "…" if first > 0 else ""
    tail = "…" if last < len(text) else ""
    return lead + " ".join(f"{before}»{name.text}«{after}".split()) + tail
