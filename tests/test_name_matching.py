"""register.matching: screening a list of names against the persons of interest (no database needed)."""

import pytest

from register.matching import CERTAIN_SCORE, POSSIBLE_SCORE, Match, NameIndex, name_tokens, normalise
from register.matching_sample import VARIANT_KINDS, Sample, evaluate, sample_lines

PERSONS = [
    ("lefevre", ["Étienne Lefèvre", "Le Renard"], 1971),
    ("mbeki", ["Jean Mbeki"], None),
    ("kabila", ["Jean-Pierre Kabila"], 1968),
    ("petrov", ["Дмитрий Петров"], None),
    ("kuznetsov", ["Sergey Kuznetsov"], 1975),
    ("ali", ["Mohamed Ali"], 1980),
    ("bashir", ["Abdullah al-Bashir", "عبد الله البشير"], None),
    ("garcia", ["José María García López"], 1982),
    ("mukendi", ["Évariste Mukendi"], 1979),
    ("dupont", ["Marc Dupont"], None),
]


@pytest.fixture(scope="module")
def index():
    return NameIndex(PERSONS)


def best(index, name, birth_year=None) -> Match | None:
    found = index.match(name, birth_year)
    return found[0] if found else None


def test_normalise_drops_accents_case_and_punctuation_and_puts_the_surname_last():
    assert normalise("  LEFÈVRE,   Étienne ") == "etienne lefevre"
    assert normalise("Jean-Pierre O’Brien") == "jean pierre obrien"
    assert name_tokens("J.-P. Kabila") == ("j", "p", "kabila")
    assert normalise("Дмитрий Петров") == "dmitriy petrov"


def test_a_name_without_its_accents_is_a_certain_match(index):
    match = best(index, "Etienne Lefevre")

    assert (match.key, match.level, match.score) == ("lefevre", "certain", 100)
    assert match.matched_name == "Étienne Lefèvre"
    assert "same apart from accents" in match.reasons


@pytest.mark.parametrize("name", ["LEFEVRE, Etienne", "Lefèvre Étienne", "lefevre etienne"])
def test_the_same_names_in_another_order_are_a_certain_match(index, name):
    match = best(index, name)

    assert (match.key, match.level) == ("lefevre", "certain")


def test_surname_first_with_a_comma_is_said_in_the_reasons(index):
    match = best(index, "LEFEVRE, Etienne")

    assert "surname written first" in match.reasons


def test_an_initial_for_a_given_name_is_a_possible_match_that_says_so(index):
    match = best(index, "J. Mbeki")

    assert (match.key, match.level) == ("mbeki", "possible")
    assert "initial J. for Jean" in match.reasons


def test_initials_for_a_hyphenated_given_name_are_a_possible_match(index):
    match = best(index, "J.-P. Kabila")

    assert (match.key, match.level) == ("kabila", "possible")
    assert {"initial J. for Jean", "initial P. for Pierre"} <= set(match.reasons)


def test_an_initial_that_does_not_agree_is_no_match(index):
    assert best(index, "T. Mbeki") is None


@pytest.mark.parametrize("name", ["Etienne Lefebre", "Etienne Lefvre", "Etienne Lefevrre", "Etienne Lefvere"])
def test_one_letter_wrong_missing_added_or_swapped_is_a_possible_match(index, name):
    match = best(index, name)

    assert (match.key, match.level) == ("lefevre", "possible")
    assert any(r.startswith(("one letter differs", "two letters swapped")) for r in match.reasons)


@pytest.mark.parametrize("name", ["Dmitriy Petrov", "Dmitri Petrov", "Dmitry Petrov", "PETROV, Dmitri"])
def test_latin_spellings_of_a_name_known_in_cyrillic_match(index, name):
    match = best(index, name)

    assert match.key == "petrov"
    assert match.score >= 90


def test_a_name_in_cyrillic_matches_its_latin_spelling(index):
    match = best(index, "Сергей Кузнецов")

    assert (match.key, match.level) == ("kuznetsov", "certain")
    assert "same after transliteration" in match.reasons


def test_a_name_in_arabic_script_matches_its_latin_spelling(index):
    match = best(index, "محمد علي")

    assert match.key == "ali"
    assert match.level == "possible"
    assert any("transliteration" in r for r in match.reasons)


@pytest.mark.parametrize("name", ["Muhammad Ali", "Mohammed Ali", "ALI, Mohamed"])
def test_other_latin_spellings_of_an_arabic_name_match(index, name):
    assert best(index, name).key == "ali"


def test_an_alias_in_arabic_script_matches_and_says_which_name_matched(index):
    match = best(index, "Abdallah Bashir")

    assert match.key == "bashir"
    assert best(index, "عبد الله البشير").matched_name == "عبد الله البشير"


def test_the_second_name_of_a_person_matches(index):
    match = best(index, "Le Renard")

    assert (match.key, match.matched_name, match.level) == ("lefevre", "Le Renard", "certain")


def test_the_same_year_of_birth_raises_the_score_to_certain(index):
    without = best(index, "J. Mbeki")
    typo = best(index, "Evariste Mukendy")
    typo_same_year = best(index, "Evariste Mukendy", 1979)

    assert typo.level == "possible"
    assert typo_same_year.score > typo.score
    assert typo_same_year.level == "certain"
    assert "same year of birth: 1979" in typo_same_year.reasons
    assert without.level == "possible"


def test_a_year_of_birth_that_differs_lowers_the_score_and_says_so(index):
    match = best(index, "Etienne Lefevre", 1975)

    assert match.key == "lefevre"
    assert match.score < 100
    assert match.level == "possible"
    assert "year of birth differs: 1975 vs 1971" in match.reasons


def test_namesakes_are_told_apart_by_the_year_of_birth():
    index = NameIndex([("a", ["Jean Mbeki"], 1960), ("b", ["Jean Mbeki"], 1985)])

    found = index.match("Jean Mbeki", 1985)

    assert [(m.key, m.level) for m in found] == [("b", "certain"), ("a", "possible")]


def test_a_missing_middle_name_is_a_possible_match(index):
    match = best(index, "José García López")

    assert (match.key, match.level) == ("garcia", "possible")
    assert "Maria on one side only" in match.reasons


@pytest.mark.parametrize(
    "name", ["Marc Durand", "Etienne Dupuis", "Jean Mbala", "Sergei Petrovic", "Marta Ruiz", "Lucie Morin"]
)
def test_unrelated_names_of_the_same_length_do_not_match(index, name):
    assert best(index, name) is None


def test_a_surname_alone_is_at_most_possible(index):
    match = best(index, "Mbeki")

    assert match.key == "mbeki"
    assert match.level == "possible"


@pytest.mark.parametrize(
    "name",
    ["", "   ", "\t\n", ",", "-", "J.", "...", "x" * 100_000, "Jean " * 5000, "\u200f\u200e\u0301\ufeff", "🙂 🙂",
     "王伟", "𝔍𝔢𝔞𝔫", "\x00\x01", None, 42],
)
def test_odd_input_never_raises(index, name):
    found = index.match(name, birth_year="1971")  # a year that is not an int is treated as unknown

    assert isinstance(found, list)
    assert all(m.score >= POSSIBLE_SCORE for m in found)


def test_odd_persons_are_kept_out_of_the_index_without_raising():
    index = NameIndex([("empty", ["", "  "], None), ("one", "Jean Mbeki", 3000), ("ok", ["Jean Mbeki"], None)])

    assert {m.key for m in index.match("Jean Mbeki")} == {"one", "ok"}


def test_match_many_answers_each_line_in_order_and_levels_follow_the_thresholds(index):
    results = index.match_many([("Jean Mbeki", None), ("Nobody Atall", None), ("Marc Dupont", 1990)])

    assert [[m.key for m in found] for found in results] == [["mbeki"], [], ["dupont"]]
    for found in results:
        for m in found:
            assert (m.level == "certain") == (m.score >= CERTAIN_SCORE)


@pytest.fixture(scope="module")
def figures():
    sample = Sample(5_000, seed=7)
    lines = sample_lines(sample, 1_500, seed=8)
    index = NameIndex((p.key, p.names, p.birth_year) for p in sample.persons)
    return evaluate(lines, index.match_many((line.name, line.birth_year) for line in lines))


def test_on_the_sample_the_variants_of_a_name_are_found(figures):
    # Measured on this sample: 0.99 overall; the weakest kind is another Latin spelling of an Arabic or Slavic
    # name (0.92: Osman/Othman, Layla/Leila differ by more than a typo and share no skeleton).
    assert figures.variant_recall_any() >= 0.97
    for kind in VARIANT_KINDS:
        assert figures.recall_any[kind] >= (0.85 if kind == "other spelling" else 0.97), kind
    assert figures.recall_certain["exact"] == 1.0
    assert figures.recall_any["year differs"] >= 0.97


def test_on_the_sample_certain_matches_are_right_and_unrelated_names_are_rarely_flagged(figures):
    # Measured: 0.99 of certain matches are the person (the others are the same Arabic names in another order,
    # which are other persons here), and about 4 % of unrelated lines get a possible match (a name one letter
    # away, like Lopes/Lopez).
    assert figures.precision_certain >= 0.97
    assert figures.unrelated_flagged <= 0.08
    assert figures.lines_flagged_correctly >= 0.95
