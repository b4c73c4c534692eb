"""Names in free text replaced for an agency copy: folded matching, titles, parts of a
name only with a capital, kept names kept whole, shared words never given the wrong role."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.core.rules.commentary import TITLES
from app.core.rules.name_redaction import AMBIGUOUS, NameRedactor, NameToReplace


def _redactor() -> NameRedactor:
    return NameRedactor(
        [
            NameToReplace("Zoë", "O'Neill", "Pupil B", whole_and_parts=True),
            NameToReplace("Tomás", "Gonçalves", "DSL", whole_and_parts=True),
            NameToReplace("Grace", "Smith-Jones", "Class teacher", whole_and_parts=True),
            NameToReplace("Amira", "Khan", None, whole_and_parts=True),  # the child it is about
            NameToReplace("Bilal", "Khan", "Pupil C", whole_and_parts=True),
            NameToReplace("Ольга", "Петрова", "Pupil D", preferred_given="Olga"),
            NameToReplace("Sam", "Lee", "Teaching assistant", whole_and_parts=True),
            NameToReplace("Sam", "Ortiz", "Pupil E", whole_and_parts=True),
        ]
    )


def test_full_names_titles_and_folding() -> None:
    r = _redactor()
    assert r("Zoe O’Neill said so.") == "Pupil B said so."
    assert r("ZOË O'NEILL and zoë o'neill") == "Pupil B and Pupil B"
    assert r("Spoke to Mr Gonçalves; Mr. Tomas Goncalves agreed.") == "Spoke to DSL; DSL agreed."
    assert r("Mrs Smith-Jones, then O'Neill's mum.") == "Class teacher, then Pupil B's mum."
    assert r("Ольга Петрова and Olga Петрова") == "Pupil D and Pupil D"


def test_single_words_only_with_a_capital_and_only_for_people_on_the_incident() -> None:
    r = _redactor()
    assert r("Grace told Zoë.") == "Class teacher told Pupil B."
    assert r("by grace of") == "by grace of"
    # Not on the incident (no whole_and_parts): her first name alone is left.
    assert r("Ольга rang") == "Ольга rang"


def test_kept_names_stay_whole_and_shared_words_are_never_misattributed() -> None:
    r = _redactor()
    assert r("Amira Khan and Bilal Khan") == "Amira Khan and Pupil C"
    # "Khan" alone names the child the case is about as much as anyone: kept.
    assert r("Khan was upset") == "Khan was upset"
    assert r("Sam rang") == f"{AMBIGUOUS} rang"
    assert r("Sam Lee rang Sam Ortiz") == "Teaching assistant rang Pupil E"


def test_a_label_function_gives_labels_at_first_appearance() -> None:
    given: list[str] = []

    def label(key: str) -> str:
        if key not in given:
            given.append(key)
        return f"Pupil {'BCD'[given.index(key)]}"

    r = NameRedactor(
        [
            NameToReplace("Ann", "Ray", "ann", whole_and_parts=True),
            NameToReplace("Bo", "Dee", "bo", whole_and_parts=True),
        ],
        label=label,
    )
    assert r("Bo Dee met Ann Ray; Ann met Bo.") == "Pupil B met Pupil C; Pupil C met Pupil B."


def test_names_split_by_a_comma_or_a_line_are_not_one_name() -> None:
    r = NameRedactor([NameToReplace("Lily", "Ashworth", "Pupil B")])
    assert r("Lily, Ashworth Road") == "Lily, Ashworth Road"
    assert r("lily ashworth") == "Pupil B"
    assert r("") == ""


#: Names, never a title word: nobody is called "Mr", and a title is read as a title.
_NAME = (
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzéëłşøñ", min_size=2, max_size=8)
    .map(str.capitalize)
    .filter(lambda name: name.lower() not in TITLES)
)


@settings(max_examples=200, deadline=None)
@example(people=[("Lee", "Sam")], kept=("Sam", "Lee"), glue=[])  # a name written backwards
@example(people=[("Aa", "Bb"), ("Bb", "Aa")], kept=("Aa", "Aa"), glue=[])
@given(
    people=st.lists(st.tuples(_NAME, _NAME), min_size=1, max_size=4, unique=True),
    kept=st.tuples(_NAME, _NAME),
    glue=st.lists(st.sampled_from([" said ", ", ", " and ", "'s ", " — ", "\n", " & <b> "])),
)
def test_no_replaced_full_name_survives_and_the_kept_one_does(
    people: list[tuple[str, str]], kept: tuple[str, str], glue: list[str]
) -> None:
    from app.core.folding import tokens

    replaced = [p for p in people if tokens(" ".join(p)) != tokens(" ".join(kept))]
    redactor = NameRedactor(
        [
            NameToReplace(g, f, f"Person {n}", whole_and_parts=True)
            for n, (g, f) in enumerate(replaced)
        ]
        + [NameToReplace(*kept, None, whole_and_parts=True)]
    )
    names = [f"{g} {f}" for g, f in replaced] + [" ".join(kept)]
    text = "".join(n + (glue[i % len(glue)] if glue else " ") for i, n in enumerate(names))
    out = " " + " ".join(tokens(redactor(text))) + " "
    for given_name, family in replaced:
        full = " ".join(tokens(f"{given_name} {family}"))
        if full in " ".join(tokens(" ".join(kept))):
            continue  # the kept person's name holds it: it stays, and it is theirs
        assert f" {full} " not in out
    assert " ".join(tokens(" ".join(kept))) in out


def test_a_persons_own_name_outranks_another_name_written_backwards_or_titled() -> None:
    """Found by the property test above: "Mr Aa" (given Mr) beside "Aa Aa" (kept), and a
    name that is another's written family-first."""
    r = NameRedactor([NameToReplace("Mr", "Aa", "Person 0"), NameToReplace("Aa", "Aa", None)])
    assert r("Mr Aa Aa Aa") == "Person 0 Aa Aa"
    r = NameRedactor([NameToReplace("Lee", "Sam", "Person 0"), NameToReplace("Sam", "Lee", None)])
    assert r("Lee Sam met Sam Lee") == "Person 0 met Sam Lee"
    # The kept person's own name still holds a replaced name inside it.
    r = NameRedactor([NameToReplace("Bb", "Cc", "Person 0"), NameToReplace("Aa Bb", "Cc", None)])
    assert r("Aa Bb Cc and Bb Cc") == "Aa Bb Cc and Person 0"
