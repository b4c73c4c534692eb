"""Names in free text replaced for an agency copy: folded matching, titles, parts of a
name only with a capital, kept names kept whole, shared words never given the wrong role."""

from __future__ import annotations

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
