"""Replacing people's names in text by what an outside agency may read ("Class teacher",
"Pupil B"), for the agency copy of a case file. A pure function of the text and the
names: no database.

Names are matched word by word after folding (`app.core.folding`), so "Zoë", "ZOE" and
"zoe" are the same name, and "O'Neill" or "Smith-Jones" match however they are typed.
What is matched, for each person given:

- the full name (given then family, or family then given, with the preferred names
  too), with a title before it if there is one ("Mrs Anna Byrne");
- a title before the family name ("Mrs Byrne", "Dr Osei"), for adults;
- for `whole_and_parts` people (those on the incident itself), the given name or the
  family name on its own, where it is written with a capital — which errs on the side
  of removing: "Will" at the start of a sentence is taken for a person called Will.

People who stay named (`replacement=None`) are matched too: their names are kept whole,
and a single word that is part of a kept name is never removed on its own (it names the
kept person as much as anyone). Where one run of words names two people, a person's own
name (given then family) outranks another's name written the other way round or after a
title: "Lee Sam" is Lee Sam, not Mr Sam Lee written backwards. And where a kept person's
name written that other way would swallow a replaced person's own name ("Mr Aa Aa" over
"Mr Aa" + "Aa Aa"), the replaced name is taken: the copy errs on the side of removing.
A word that two replaced people share ("Sam", for two members of staff) becomes
"[name removed]", never the wrong one's role.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from app.core.folding import fold, tokens
from app.core.rules.commentary import TITLES

#: Put for a word that is the name of more than one person being replaced.
AMBIGUOUS = "[name removed]"
_WORD = re.compile(r"[^\W_]+")
_KEEP = ""


@dataclass(frozen=True)
class NameToReplace:
    """One person's names and what replaces them (None: they stay named)."""

    given: str
    family: str
    #: What replaces the name, or a key that `NameRedactor`'s `label` turns into it
    #: (so "Pupil C" can be given at the name's first appearance); None: kept.
    replacement: str | None
    preferred_given: str = ""
    preferred_family: str = ""
    #: Also the given or family name alone (people on the incident, not the whole log).
    whole_and_parts: bool = False
    #: Also after a title ("Mrs Byrne"): adults, not pupils.
    titled: bool = True


def own_names(person: NameToReplace) -> set[tuple[str, ...]]:
    """The person's own names as written in order: given (or preferred) then family."""
    givens = [tuple(tokens(g)) for g in (person.given, person.preferred_given)]
    families = [tuple(tokens(f)) for f in (person.family, person.preferred_family)]
    names = {g + f for g in givens if g for f in families if f}
    return names or {n for n in (*givens, *families) if n}


def name_sequences(person: NameToReplace) -> tuple[set[tuple[str, ...]], set[tuple[str, ...]]]:
    """The word sequences that name this person: (whole names, single parts)."""
    givens = {tuple(tokens(g)) for g in (person.given, person.preferred_given) if tokens(g)}
    families = {tuple(tokens(f)) for f in (person.family, person.preferred_family) if tokens(f)}
    whole: set[tuple[str, ...]] = set()
    for given in givens or {()}:
        for family in families or {()}:
            if given or family:
                whole.add(given + family)
                if given and family:
                    whole.add(family + given)
    for title in TITLES if person.titled else ():
        for family in families:
            whole.add((title, *family))
        for name in list(whole):
            if name and name[0] not in TITLES:
                whole.add((title, *name))
    parts: set[tuple[str, ...]] = set()
    if person.whole_and_parts:
        parts = {p for p in givens | families if p} - whole
        # Each word of a double-barrelled or two-word given name, too ("Mary Anne").
        parts |= {(word,) for p in givens | families for word in p if len(word) > 1}
    return whole, parts


class NameRedactor:
    """Replaces the names of the people given in any text (see the module's rules)."""

    def __init__(
        self, people: Iterable[NameToReplace], label: Callable[[str], str] | None = None
    ) -> None:
        people = list(people)
        self._label = label or (lambda key: key)
        # Whole names: any case. Kept people first, so a kept name wins a tie.
        self._whole: dict[tuple[str, ...], str] = {}
        self._parts: dict[tuple[str, ...], str] = {}
        own: dict[tuple[str, ...], str] = {}  # people's own names outrank other forms
        kept_words: set[str] = set()
        for person in sorted(people, key=lambda p: p.replacement is not None):
            target = _KEEP if person.replacement is None else person.replacement
            whole, parts = name_sequences(person)
            if person.replacement is None:
                kept_words.update(word for name in whole for word in name if word not in TITLES)
            for name in own_names(person):
                own[name] = _merge(own.get(name), target)
            for name in whole:
                self._whole[name] = _merge(self._whole.get(name), target)
            for name in parts:
                self._parts[name] = _merge(self._parts.get(name), target)
        self._whole.update(own)
        self._own = set(own)
        self._own_replaced = {name for name, target in own.items() if target != _KEEP}
        for name in list(self._parts):
            if any(word in kept_words for word in name):
                self._parts[name] = _KEEP
        self._longest = max((len(n) for n in (*self._whole, *self._parts)), default=0)
        self._first_words = {n[0] for n in (*self._whole, *self._parts)}

    def __call__(self, text: str) -> str:
        if not text or not self._longest:
            return text
        words = [(fold(m.group()), m.start(), m.end()) for m in _WORD.finditer(text)]
        pieces: list[str] = []
        done = 0
        at = 0
        while at < len(words):
            if words[at][0] not in self._first_words:
                at += 1
                continue
            found = self._match(text, words, at)
            if found is None:
                at += 1
                continue
            length, target = found
            if target != _KEEP:
                pieces.append(text[done : words[at][1]])
                pieces.append(target if target == AMBIGUOUS else self._label(target))
                done = words[at + length - 1][2]
            at += length
        pieces.append(text[done:])
        return "".join(pieces)

    def _match(
        self, text: str, words: list[tuple[str, int, int]], at: int
    ) -> tuple[int, str] | None:
        """The longest name starting at word `at`: (how many words, its replacement)."""
        for length in range(min(self._longest, len(words) - at), 0, -1):
            name = tuple(word for word, _, _ in words[at : at + length])
            if not _adjacent(text, words, at, length):
                continue
            # One word alone is a name only written with a capital ("Will", not "will").
            capital = length > 1 or text[words[at][1]].isupper()
            if name in self._whole and capital:
                target = self._whole[name]
                if target == _KEEP and name not in self._own:
                    shorter = self._own_replaced_within(text, words, at, length)
                    if shorter is not None:
                        return shorter
                return length, target
            if name in self._parts and capital:
                return length, self._parts[name]
        return None

    def _own_replaced_within(
        self, text: str, words: list[tuple[str, int, int]], at: int, length: int
    ) -> tuple[int, str] | None:
        """A replaced person's own name starting at `at`, shorter than a kept match."""
        for shorter in range(length - 1, 0, -1):
            name = tuple(word for word, _, _ in words[at : at + shorter])
            if name in self._own_replaced and (shorter > 1 or text[words[at][1]].isupper()):
                return shorter, self._whole[name]
        return None


def _adjacent(text: str, words: list[tuple[str, int, int]], at: int, length: int) -> bool:
    """The words are one name: only spaces, a hyphen, an apostrophe or a full stop (after a
    title) between them, not a comma or a line break."""
    for i in range(at, at + length - 1):
        between = text[words[i][2] : words[i + 1][1]]
        if len(between) > 3 or not set(between) <= {" ", "\u00a0", "-", "'", "’", "."}:
            return False
    return True


def _merge(existing: str | None, target: str) -> str:
    if existing is None or existing == target:
        return target
    if _KEEP in (existing, target):
        return _KEEP
    return AMBIGUOUS
