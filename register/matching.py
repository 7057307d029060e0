"""Name matching for screening a list of people against the persons of interest the entity knows of.

A project manager's list (trainees, a unit's officers) holds one person a line: a name, maybe a year of birth.
For each line the engine says which known persons it may be, with a score out of 100, a level and the reasons
in plain English, so that a reviewer can see at a glance why a line was flagged:

    index = NameIndex([("poi-17", ["Étienne Lefèvre", "Le Renard"], 1971), ("poi-18", ["Дмитрий Петров"], None)])
    index.match("LEFEVRE, Etienne", birth_year=1971)
    # [Match(key='poi-17', score=100, matched_name='Étienne Lefèvre', level='certain',
    #        reasons=('same apart from accents', 'surname written first', 'same year of birth: 1971'))]
    index.match_many([("Dmitri Petrov", None), ("Jean Dupont", 1980)])   # one list of matches a line

API
- ``normalise(name) -> str``: ASCII, casefolded, no punctuation or diacritics, "SURNAME, Given" put as
  "Given SURNAME", spaces collapsed; other scripts transliterated with anyascii ("Дмитрий" -> "dmitriy",
  "محمد" -> "mhmd"). ``name_tokens(name)`` is the same split into words.
- ``NameIndex(entries)``: entries are ``(key, names, birth_year)``; a person may have several names (aliases,
  spellings in other scripts). Built once, then asked many times.
- ``NameIndex.match(name, birth_year=None, limit=5) -> list[Match]``: the persons at or above
  ``POSSIBLE_SCORE``, best first, one ``Match`` a person (the best of their names).
- ``NameIndex.match_many(lines)``: ``lines`` is an iterable of ``(name, birth_year)``.
- ``Match``: ``key``, ``score`` (0-100), ``matched_name`` (the person's name that matched, as given),
  ``level`` (``"certain"`` or ``"possible"``) and ``reasons``.

How a score is made
Two names are compared word by word: each word of the shorter name is paired with the most similar word of
the other (so word order does not matter), a pair scoring 100 when the words are the same, ``INITIAL_SCORE``
for an initial and the full word ("J." and "Jean"), ``SPELLING_VARIANT_SCORE`` or ``TRANSLITERATION_SCORE``
when they differ only in vowels and in how sounds are spelt ("Muhammad"/"Mohamed", "mhmd" from Arabic
script), and otherwise their optimal-string-alignment similarity (one letter differs in a 7-letter word: 86).
The name's score is the mean of its pairs weighted by word length, less ``MISSING_NAME_PENALTY`` for each
word only one side has (a middle name not given), and is at most ``ONE_NAME_ONLY_CAP`` when only one word
could be compared. Names written as one word or split ("Abdelkader"/"Abdel Kader", "عبد الله"/"Abdullah")
are also compared whole. A year of birth on both sides adds ``SAME_YEAR_BONUS`` when it is the same and takes
off ``YEAR_DIFFERS_PENALTY`` (``YEAR_CLOSE_PENALTY`` when one year apart) when it differs.

Speed: every word of every known name goes into a vocabulary. A word of the list's name brings the names
holding a vocabulary word within one or two edits of it (rapidfuzz over the vocabulary, cached a word), or
with the same consonant skeleton, or, for an initial, any word with that first letter. A name is scored only
when every distinct word of the line brought it, or all but one when the name has fewer words than the line,
or when it is the same written whole: a word that is not near any word of the other name scores 0, so no
other name could reach POSSIBLE_SCORE.

This module is pure: the standard library, rapidfuzz and anyascii, no Django, so that it can be tested and
timed without a database (benchmarks/name_screening.py).
"""

from __future__ import annotations

import gc
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

from anyascii import anyascii
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

# Levels, set from the seeded sample of benchmarks/name_screening.py (register/matching_sample.py) and the
# cases of tests/test_name_matching.py. A name that is the same once accents, order, punctuation and script are
# set aside scores 100; a Cyrillic name against a Latin spelling of it that differs in vowels only 97-98
# ("Dmitri Petrov"/"Дмитрий Петров"): CERTAIN_SCORE sits there. Arabic script (no vowels written: "mhmd") scores
# 93-96, a one-letter typo, an initial or a missing middle name 84-94: possible, raised to certain only by the
# same year of birth. Names that share a word but differ in another score 50-70 (a word that is not a typo of
# any word of the other name counts 0); POSSIBLE_SCORE sits above them and below two initials ("J.-P. Kabila":
# 84). On the sample: 0.99 of the variant lines found, 0.99 of certain matches right, 4 % of unrelated lines
# flagged (mostly names one letter from a known one: Lopes/Lopez).
CERTAIN_SCORE = 97
POSSIBLE_SCORE = 80

# Word pairs.
INITIAL_SCORE = 75  # "J." for "Jean": the letter agrees, but many names start with it.
TRANSLITERATION_SCORE = 95  # same skeleton, one side written in another script: the usual spelling difference.
SPELLING_VARIANT_SCORE = 85  # same skeleton, both Latin (Mohamed/Muhammad, Abdelkader/Abdulqadir).
# ... and only when the words, their spellings of a sound aligned, are that close (Indel ratio): Mohamed/Muhammad
# 67, Tariq/Tarek 80, while Gaston/Augustin (57) and Collin/Klein (55) share a skeleton by chance.
SPELLING_VARIANT_MIN_RATIO = 65
SHORT_SPELLING_VARIANT_SCORE = 80  # a skeleton of two letters (Omar/Umar, Salih/Saleh), but Juan/Jean too.
LONG_WORD = 8  # from this length two edits are still a typo ("Habyarimana"/"Habiyarimana" and one more).
MISSING_NAME_PENALTY = 8  # a word only one side has (a middle name, a second surname).
MISSING_PARTICLE_PENALTY = 2  # "al", "de", "bin"... often dropped or added.
ONE_NAME_ONLY_CAP = 82  # only one word could be compared (a surname alone): never more than possible.

# Year of birth.
SAME_YEAR_BONUS = 5
YEAR_CLOSE_PENALTY = 5  # one year apart: a date of birth read as a year, or an estimate.
YEAR_DIFFERS_PENALTY = 15  # two or more: takes a same-name match from certain down to possible.

# Input bounds: a pasted line can be anything; beyond these a "name" is not a name and costs time.
MAX_NAME_CHARS = 200
MAX_WORDS = 8

# Words that are left out or added freely; a missing one costs MISSING_PARTICLE_PENALTY.
PARTICLES = frozenset(
    "al el ul bin ben ibn bint ould de da di du des del della dos das van von der den la le y e".split()
)

# Control and format characters (bidirectional marks, zero-width joiners, soft hyphens) and every space.
_INVISIBLE = re.compile(r"[\s\x00-\x1f\x7f-\x9f\xad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_APOSTROPHES = re.compile(r"['`\u2018\u2019\u02bb\u02bc\u02b9\u02be\u02bf]")
_NOT_LETTER = re.compile(r"[^a-z]+")
# The Arabic article written on its word ("البشير") is split off as "al" so that it pairs with "al-Bashir".
_ARABIC_ARTICLE = re.compile(r"(?<![\u0600-\u06ff])\u0627\u0644(?=[\u0600-\u06ff]{2})")
# How the same sound is spelt from one transliteration to another (French, English, German, BGN...). Not "zh":
# from Arabic script it is z and h ("الزهراني", al-Zahrani).
_SPELLINGS = [
    ("shch", "x"), ("sch", "x"), ("tch", "x"), ("dzh", "j"), ("sh", "x"), ("ch", "x"), ("dj", "j"),
    ("kh", "k"), ("ph", "f"), ("th", "t"), ("dh", "d"), ("gh", "g"),
]
# Then q and c sound as k, and the vowels (with y and w, which Arabic script writes for long vowels) go.
_CONSONANTS = str.maketrans("qc", "kk", "aeiouyw")
_SOUNDS = str.maketrans("qcyw", "kkiu")
# Greek to CJK, Hangul, Arabic presentation forms: what is not Latin (Latin Extended Additional, 1E00-1EFF, is).
_NOT_LATIN = re.compile(
    r"[\u0370-\u1dbf\u1f00-\u1fff\u2c00-\u2c5f\u2c80-\u2dff\u2e80-\ua6ff\ua800-\uab2f"
    r"\uac00-\ud7ff\uf900-\ufaff\ufb1d-\ufdff\ufe70-\ufeff]"
)
_ACCENTED_LATIN = re.compile(r"[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0300-\u036f\u1e00-\u1eff]")
_DOUBLES = re.compile(r"(.)\1+")


def _clean(name: object) -> str:
    if not isinstance(name, str):
        return ""
    name = name[:MAX_NAME_CHARS]
    if name.isascii() and name.isprintable():
        return name
    return _INVISIBLE.sub(" ", unicodedata.normalize("NFKC", name))


def _swap_comma(name: str) -> str:
    """'LEFEVRE, Etienne' -> 'Etienne LEFEVRE'; more than one comma is a list of words, left alone."""
    if name.count(",") == 1:
        surname, given = name.split(",")
        if surname.strip() and given.strip():
            return f"{given} {surname}"
    return name


def _ascii(name: str) -> str:
    return anyascii(_ARABIC_ARTICLE.sub("al ", name) if "\u0627\u0644" in name else name)


def _words(clean: str) -> list[str]:
    # ç is an s in the French, Portuguese and Turkish spellings of names (Fayçal/Faisal), not the c it loses.
    text = _swap_comma(clean).replace("ç", "s").replace("Ç", "S")
    text = _APOSTROPHES.sub("", (text if text.isascii() else _ascii(text)).casefold())
    return _NOT_LETTER.sub(" ", text).split()[:MAX_WORDS]


def normalise(name: str) -> str:
    """ASCII, casefolded, words of letters only, given names first; '' for anything that holds no letter."""
    return " ".join(_words(_clean(name)))


def name_tokens(name: str) -> tuple[str, ...]:
    return tuple(normalise(name).split())


def skeleton(word: str) -> str:
    """The consonants as they sound: 'mohamed', 'muhammad' and 'mhmd' (Arabic script) are all 'mhmd'."""
    return _word_skeleton(word) if len(word) < 16 else _skeleton(word)


@lru_cache(maxsize=1 << 17)
def _word_skeleton(word: str) -> str:
    return _skeleton(word)


def _skeleton(word: str) -> str:
    if "x" in word:
        word = word.replace("x", "ks")  # before "sh" and "ch" become "x"
    if "h" in word or "dj" in word:
        for spelt, sound in _SPELLINGS:
            word = word.replace(spelt, sound)
    word = _DOUBLES.sub(r"\1", word.translate(_CONSONANTS))
    return word[:-1] if len(word) > 1 and word.endswith("h") else word


@lru_cache(maxsize=1 << 16)
def _phonetic(word: str) -> str:
    """The word with the spellings of a sound aligned but its vowels kept: 'aleksey' and 'alexei' agree."""
    word = word.replace("x", "ks")
    for spelt, sound in _SPELLINGS:
        word = word.replace(spelt, sound)
    return _DOUBLES.sub(r"\1", word.translate(_SOUNDS))


def _other_script(name: str) -> bool:
    """Mostly letters that are not Latin (Cyrillic, Arabic...): their transliteration is one spelling of several.
    A Latin name with one odd letter in it (a Greek ε typed for the Twi ɛ) stays Latin."""
    if name.isascii():
        return False
    other = len(_NOT_LATIN.findall(name))
    return other > 0 and 2 * other > sum(c.isalpha() for c in name)


def _accented(name: str) -> bool:
    return not name.isascii() and _ACCENTED_LATIN.search(name) is not None


def _shown(word: str) -> str:
    return word.upper() if len(word) == 1 else word.capitalize()


@dataclass(frozen=True)
class Match:
    key: object
    score: int
    matched_name: str
    level: str
    reasons: tuple[str, ...]


class _Name:
    """A name as compared: its words, their skeletons, the words run together, what script it came in."""

    __slots__ = ("raw", "words", "skeletons", "joined", "joined_skeleton", "other_script", "accented", "surname_first")

    def __init__(self, raw: str):
        clean = _clean(raw)
        self.raw = raw
        self.words = words = tuple(_words(clean))
        self.skeletons = tuple(skeleton(w) for w in words)
        self.joined = "".join(words)
        self.joined_skeleton = _skeleton(self.joined)
        self.other_script = _other_script(clean)
        self.accented = _accented(clean)
        self.surname_first = clean.count(",") == 1 and _swap_comma(clean) != clean


def _word_pair(a: str, sa: str, b: str, sb: str, cross_script: bool) -> tuple[float, str | None]:
    """Score of two words out of 100, and the reason to show when they are not the same."""
    if a == b:
        return 100.0, None
    if len(a) == 1 or len(b) == 1:
        initial, full = (a, b) if len(a) == 1 else (b, a)
        if len(full) > 1 and full[0] == initial:
            return float(INITIAL_SCORE), f"initial {_shown(initial)}. for {_shown(full)}"
        return 0.0, None
    longest = max(len(a), len(b))
    distance = OSA.distance(a, b)
    # A typo is one edit (two in a long word); beyond that the words are different names and count for nothing,
    # so that "Amin Saleh Amin" and "Amin Saleh Karim" stay apart although two words of three agree.
    score, reason = 0.0, None
    if distance == 1:
        swapped = Levenshtein.distance(a, b) == 2
        score = 100.0 * (1 - 1 / longest)
        reason = f"{'two letters swapped' if swapped else 'one letter differs'}: {_shown(a)} / {_shown(b)}"
    elif distance == 2 and longest >= LONG_WORD:
        score = 100.0 * (1 - 2 / longest)
        reason = f"two letters differ: {_shown(a)} / {_shown(b)}"
    if cross_script:
        alternative = 0.0
        if sa == sb and sa:
            alternative, why = float(TRANSLITERATION_SCORE), "same after transliteration"
        elif min(len(sa), len(sb)) >= 3 and OSA.distance(sa, sb) == 1:
            alternative, why = TRANSLITERATION_SCORE * (1 - 1 / max(len(sa), len(sb))), "close after transliteration"
        if alternative > score:
            return alternative, f"{why}: {_shown(a)} / {_shown(b)}"
    elif sa == sb and len(sa) >= 2 and min(len(a), len(b)) >= 4 and fuzz.ratio(_phonetic(a), _phonetic(b)) >= SPELLING_VARIANT_MIN_RATIO:
        variant = SPELLING_VARIANT_SCORE if len(sa) >= 3 else SHORT_SPELLING_VARIANT_SCORE
        if variant > score:
            return float(variant), f"spelling variant: {_shown(a)} / {_shown(b)}"
    return score, reason


def _align(q: _Name, n: _Name, cache: dict) -> tuple[float, list[tuple[int, int, float, str | None]], list[str]]:
    """Each word of the shorter name paired with its best word of the other (greedy, best pairs first).

    Returns the score before the whole-name comparison and the year of birth, the pairs
    (query word, name word, score, reason) and the words left over on either side."""
    cross = q.other_script != n.other_script
    pairs = []
    for i, a in enumerate(q.words):
        for j, b in enumerate(n.words):
            found = cache.get((a, b, cross))
            if found is None:
                found = cache[(a, b, cross)] = _word_pair(a, skeleton(a), b, skeleton(b), cross)
            pairs.append((found[0], -abs(i - j), i, j, found[1]))
    pairs.sort(reverse=True)
    used_q, used_n, chosen = set(), set(), []
    total = weight = 0.0
    for score, _, i, j, reason in pairs:
        if i not in used_q and j not in used_n:
            used_q.add(i)
            used_n.add(j)
            chosen.append((i, j, score, reason))
            w = max(len(q.words[i]), len(n.words[j]), 2)
            total += w * score
            weight += w
    score = total / weight
    extra = []
    if len(used_q) < len(q.words) or len(used_n) < len(n.words):
        extra = [w for i, w in enumerate(q.words) if i not in used_q] + [
            w for j, w in enumerate(n.words) if j not in used_n
        ]
        for word in extra:
            score -= MISSING_PARTICLE_PENALTY if word in PARTICLES else MISSING_NAME_PENALTY
        compared = sum(q.words[i] not in PARTICLES for i, _, _, _ in chosen)
        if compared <= 1 and any(word not in PARTICLES for word in extra):
            score = min(score, ONE_NAME_ONLY_CAP)
    return score, chosen, extra


def _score(q: _Name, n: _Name, cache: dict) -> float:
    """Score of two names out of 100, before the year of birth; cache keeps the word pairs."""
    if q.words == n.words:
        return 100.0
    score = _align(q, n, cache)[0]
    return max(score, _compare_whole(q, n, q.other_script != n.other_script)[0])


def _compare(q: _Name, n: _Name, cache: dict | None = None) -> tuple[float, list[str]]:
    """Score of two names out of 100 and the reasons, before the year of birth."""
    if not q.words or not n.words:
        return 0.0, []
    cross = q.other_script != n.other_script
    score, chosen, extra = _align(q, n, {} if cache is None else cache)
    whole, whole_reason = _compare_whole(q, n, cross)
    if whole > score:
        return whole, [whole_reason]

    reasons = [reason for _, _, _, reason in sorted(chosen) if reason]
    exact = all(s == 100 for _, _, s, _ in chosen)
    if exact and not extra:
        if cross:
            reasons.append("same after transliteration")
        elif (q.accented or n.accented) and q.raw.casefold() != n.raw.casefold():
            reasons.append("same apart from accents")
        else:
            reasons.append("same name")
    order = [j for _, j in sorted((i, j) for i, j, s, _ in chosen if s > 0)]
    if order != sorted(order):
        reasons.append("same names in another order" if exact and not extra else "names in another order")
    if q.surname_first != n.surname_first:
        reasons.append("surname written first")
    if extra:
        reasons.append(", ".join(_shown(w) for w in extra) + " on one side only")
    return score, reasons


def _compare_whole(q: _Name, n: _Name, cross: bool) -> tuple[float, str]:
    """Names written as one word or split differently: 'Abdel Kader'/'Abdelkader', 'عبد الله'/'Abdullah'."""
    if q.words == n.words:
        return 0.0, ""
    if q.joined == n.joined:
        return 98.0, "same name written with other word breaks"
    if cross and q.joined_skeleton and n.joined_skeleton:
        distance = OSA.distance(q.joined_skeleton, n.joined_skeleton)
        longest = max(len(q.joined_skeleton), len(n.joined_skeleton))
        if distance == 0:
            return float(TRANSLITERATION_SCORE), "same after transliteration"
        return TRANSLITERATION_SCORE * (1 - distance / longest), "close after transliteration"
    return 0.0, ""


def _deletions(word: str, edits: int) -> set[str]:
    """The word with up to this many letters left out, itself included."""
    forms = {word}
    for _ in range(edits):
        forms |= {form[:i] + form[i + 1 :] for form in forms for i in range(len(form))}
    return forms


def _year_adjustment(query_year: int | None, person_year: int | None) -> tuple[int, str | None]:
    if query_year is None or person_year is None:
        return 0, None
    if query_year == person_year:
        return SAME_YEAR_BONUS, f"same year of birth: {person_year}"
    if abs(query_year - person_year) == 1:
        return -YEAR_CLOSE_PENALTY, f"year of birth one apart: {query_year} vs {person_year}"
    return -YEAR_DIFFERS_PENALTY, f"year of birth differs: {query_year} vs {person_year}"


def _year(value: object) -> int | None:
    """A year of birth as given; anything that is not a plausible year is treated as unknown."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 1900 <= value <= 2100 else None


class NameIndex:
    """The persons of interest, ready to be matched against: built once (5-8 s for 78,000 names on a
    loaded 2-core machine: benchmarks/name_screening.py), then asked many times (about 2 ms a line)."""

    def __init__(self, entries: Iterable[tuple[object, Sequence[str], int | None]]):
        # Hundreds of thousands of small objects that all live as long as the index: the cyclic collector
        # would walk them again and again while they are made (half the build time), for nothing.
        collecting = gc.isenabled()
        gc.disable()
        try:
            self._build(entries)
        finally:
            if collecting:
                gc.enable()

    def _build(self, entries: Iterable[tuple[object, Sequence[str], int | None]]) -> None:
        self._names: list[_Name] = []
        self._person: list[int] = []  # name -> person
        self._keys: list[object] = []
        self._years: list[int | None] = []
        postings: dict[str, set[int]] = {}
        by_skeleton: dict[str, set[str]] = {}
        initials: dict[str, set[int]] = {}
        whole: dict[str, set[int]] = {}
        by_core_count: dict[int, set[int]] = {}
        for key, names, birth_year in entries:
            person = len(self._keys)
            self._keys.append(key)
            self._years.append(_year(birth_year))
            for raw in [names] if isinstance(names, str) else names:
                name = _Name(raw)
                if not name.words:
                    continue
                n = len(self._names)
                self._names.append(name)
                self._person.append(person)
                for word, sk in zip(name.words, name.skeletons, strict=True):
                    postings.setdefault(word, set()).add(n)
                    by_skeleton.setdefault(sk, set()).add(word)
                    initials.setdefault(word[0], set()).add(n)
                by_core_count.setdefault(sum(w not in PARTICLES for w in name.words), set()).add(n)
                whole.setdefault(name.joined, set()).add(n)
                whole.setdefault("~" + name.joined_skeleton, set()).add(n)
        self._postings = postings
        self._by_skeleton = by_skeleton
        self._initials = initials
        self._whole = whole
        self._by_core_count = by_core_count
        self._by_deletion: dict[str, list[str]] = {}
        for word in postings:
            for form in _deletions(word, 1 if len(word) < LONG_WORD - 2 else 2):
                self._by_deletion.setdefault(form, []).append(word)
        self._near_cache: dict[tuple[str, bool], frozenset[int]] = {}
        self._skeletons = list(by_skeleton)
        self._shorter_cache: dict[int, set[int]] = {}
        self._pair_cache: dict[tuple[str, str, bool], tuple[float, str | None]] = {}

    def __len__(self) -> int:
        return len(self._keys)

    def _near(self, word: str, other_script: bool) -> frozenset[int]:
        """The names holding a word that may be this one: the same initial for an initial; else a word within
        one edit (two from LONG_WORD letters), of the same skeleton, or, for a word transliterated from another
        script, of a skeleton one edit away. Cached a word: a list repeats its given names."""
        cached = self._near_cache.get((word, other_script))
        if cached is not None:
            return cached
        if len(word) == 1:
            found = frozenset(self._initials.get(word, ()))
        else:
            sk = skeleton(word)
            similar = {word} | self._by_skeleton.get(sk, set())
            cutoff = 1 if len(word) < LONG_WORD else 2
            # Two words within k edits share a form with up to k letters deleted: those few forms are looked up,
            # and what they bring is checked with the real distance.
            near = set().union(*(self._by_deletion.get(form, ()) for form in _deletions(word, cutoff)))
            similar.update(w for w in near if OSA.distance(word, w, score_cutoff=cutoff) <= cutoff)
            if other_script and len(sk) >= 3:
                for other, _, _ in process.extract(
                    sk, self._skeletons, scorer=OSA.distance, score_cutoff=1, limit=None
                ):
                    similar |= self._by_skeleton[other]
            similar -= PARTICLES
            found = frozenset().union(*(self._postings.get(w, ()) for w in similar))
        self._near_cache[(word, other_script)] = found
        return found

    def _shorter_than(self, count: int) -> set[int]:
        found = self._shorter_cache.get(count)
        if found is None:
            found = self._shorter_cache[count] = set().union(
                *(names for core, names in self._by_core_count.items() if core < count)
            )
        return found

    def _candidates(self, q: _Name) -> set[int]:
        """The names worth scoring: those that could reach POSSIBLE_SCORE (a word that is not near any word of
        the other name scores 0, so a name must hold a word near each of the line's, but for a line's word that
        is left over because the name has fewer words)."""
        # A particle ("al", "de") brings half the names of a region: it is scored, not used to find names.
        words = dict.fromkeys(w for w in q.words if w not in PARTICLES) or dict.fromkeys(q.words)
        sets = sorted(((len(w) > 1, self._near(w, q.other_script)) for w in words), key=lambda s: len(s[1]))
        found: set[int] = set()
        for needed, within in ((len(sets), None), (len(sets) - 1, len(sets))):
            if needed < 1:
                continue
            for chosen in combinations(sets, needed):
                if not any(full for full, _ in chosen):
                    continue
                common = set(chosen[0][1]) if within is None else chosen[0][1] & self._shorter_than(within)
                for _, other in chosen[1:]:
                    common &= other
                    if not common:
                        break
                found |= common
        found |= self._whole.get(q.joined, set())
        found |= self._whole.get("~" + q.joined_skeleton, set())
        return found

    def match(self, name: str, birth_year: int | None = None, limit: int = 5) -> list[Match]:
        """The persons this name may be, best first: certain, then possible; [] when none reaches possible."""
        q = _Name(name if isinstance(name, str) else "")
        if not q.words:
            return []
        year = _year(birth_year)
        best: dict[int, tuple[float, int]] = {}
        for n in self._candidates(q):
            score = _score(q, self._names[n], self._pair_cache)
            person = self._person[n]
            if person not in best or score > best[person][0]:
                best[person] = (score, n)
        found = []
        for person, (score, n) in best.items():
            adjustment, why = _year_adjustment(year, self._years[person])
            final = round(max(0.0, min(100.0, score + adjustment)))
            if final < POSSIBLE_SCORE:
                continue
            reasons = _compare(q, self._names[n], self._pair_cache)[1]
            if q.words == self._names[n].words:
                reasons = ["same name"] if q.raw.casefold() == self._names[n].raw.casefold() else reasons
            level = "certain" if final >= CERTAIN_SCORE else "possible"
            reasons = reasons + [why] if why else reasons
            found.append(Match(self._keys[person], final, self._names[n].raw, level, tuple(reasons)))
        found.sort(key=lambda m: -m.score)
        return found[: max(limit, 0)]

    def match_many(self, lines: Iterable[tuple[str, int | None]], limit: int = 5) -> list[list[Match]]:
        return [self.match(name, birth_year, limit) for name, birth_year in lines]
