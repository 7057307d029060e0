"""Screening a list of names for a support activity (T/Action 5 §6): read the list, match each line against the
persons of interest of the activity's country, keep the result, and let the project manager resolve each
possible match.

    screening = name_screening_run(by=pm, activity=activity, title="Trainees, March course", text=pasted)
    screening = name_screening_run(by=pm, activity=activity, title="Officers", upload=request.FILES["upload"])
    screening_line_resolve(by=pm, line=line, decision="not_same_person", reason="Born 1988, not 1971.")

The list
- Pasted: one person a line, "name; date of birth; unit; rank". Columns are split on tabs (a copy from a
  spreadsheet) or else on semicolons; a comma is part of the name ("LEFEVRE, Etienne" is one name), unless the
  first line is a header row written with commas ("name,date of birth,unit"). A first line whose cells are all
  column names (English or French: name/nom, first name/prénom, date of birth/date de naissance, year of
  birth/année de naissance, unit/unité, rank/grade) is a header and sets the columns' order.
- Uploaded: a CSV or XLSX file whose first row names the columns (the same names), read by common.tabular
  under the upload caps, with at most MAX_LINES rows.
- `rows`: a list of dicts with those column names as keys (for scripts and the benchmark).
A date of birth is read as 1971-03-02, 02/03/1971 (day first), 2.3.1971, 2 March 1971 / 2 mars 1971, or a year
alone (1971, "c. 1971"). Every line that cannot be read is reported with its number, and nothing is written.

The result of a line
- flagged (red): a certain match is a person with a substantiated allegation or excluded from support;
- possible (amber): a possible match, or a certain match to a person with nothing substantiated against them
  and not excluded (the project manager confirms);
- clear (green): no match.
The line keeps its best candidate (the flagged one for a red line) and the top three candidates with the name
that matched, the score, the reasons and what was known against each person at the time.

Resolving (`screening_line_resolve`): the project manager says, with a reason, whether the line is the same
person as one of its candidates. The same person → red when that person is now excluded or has a substantiated
allegation, amber when an allegation against them is still reported or under review, green otherwise; not the
same person (as any candidate) → green. A line may be resolved again; each decision is in the audit trail.

Who: the engagement's project manager or Chief of Mission (or a grant on it); others who see the engagement
read the screening. Queries: a constant number, whatever the length of the list (the index is built once per
version of the register, register.screening_index; the lines are written with one bulk insert, which SQLite
splits into batches of 999 values).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from common.tabular import file_limits
from common.tabular.file_table import read_table
from hrddp import access
from hrddp.models import AuditAction, SupportActivity, User
from hrddp.services import audit_record
from interventions.exclusions import excluded_persons
from interventions.models import Exclusion
from register import screening_index
from register.matching import normalise
from register.models import (
    OPEN_STATUSES,
    Allegation,
    AllegationStatus,
    NameScreening,
    NameScreeningLine,
    ScreeningDecision,
    ScreeningResult,
)

MAX_LINES = 5_000
MAX_TEXT_CHARS = 1_000_000  # about 5,000 lines of 200 characters
CANDIDATES_KEPT = 3
ERRORS_SHOWN = 50

NAME_MAX = NameScreeningLine._meta.get_field("name").max_length
UNIT_MAX = NameScreeningLine._meta.get_field("unit").max_length
RANK_MAX = NameScreeningLine._meta.get_field("rank").max_length
TITLE_MAX = NameScreening._meta.get_field("title").max_length

# What is known against a person, as kept with a candidate and shown beside it.
EXCLUDED = "excluded"
SUBSTANTIATED = "substantiated"
UNDER_REVIEW = "under_review"
FLAG_LABELS = {
    EXCLUDED: "Excluded from support",
    SUBSTANTIATED: "Substantiated allegation",
    UNDER_REVIEW: "Allegation reported or under review",
}
STOPS_SUPPORT = frozenset({EXCLUDED, SUBSTANTIATED})

# The colour of each outcome, and the words that say it (never colour alone).
COLOURS = {ScreeningResult.CLEAR: "green", ScreeningResult.POSSIBLE: "amber", ScreeningResult.FLAGGED: "red"}
OUTCOME_LABELS = {
    ScreeningResult.CLEAR: "Clear",
    ScreeningResult.POSSIBLE: "Possible match",
    ScreeningResult.FLAGGED: "Excluded or substantiated allegation",
}


# --- Reading the list --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListLine:
    number: int
    name: str
    birth_date: date | None = None
    birth_year: int | None = None
    unit: str = ""
    rank: str = ""


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text)).casefold()
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


# Each folded column name (lower case, no accents, words of letters and digits) → the field it fills.
_COLUMN: dict[str, str] = {}
for _field, _spec in {
    "name": ["name", "names", "full name", "fullname", "person", "nom", "nom complet", "noms", "nom et prenom",
             "nom et prenoms", "nom prenom", "nom prenoms", "nom s", "nom et prenom s", "nom s et prenom s"],
    "given": ["given name", "given names", "first name", "first names", "forename", "forenames", "prenom",
              "prenoms", "prenom s"],
    "surname": ["surname", "surnames", "last name", "family name", "nom de famille"],
    "birth_date": ["date of birth", "birth date", "birthdate", "dob", "d o b", "born", "born on",
                   "date de naissance", "date naissance", "ne le", "nee le", "ne e le", "naissance"],
    "birth_year": ["year of birth", "birth year", "yob", "year", "annee de naissance", "annee naissance", "annee"],
    "unit": ["unit", "units", "unite", "unites", "service", "formation", "command", "unit service", "corps",
             "affectation"],
    "rank": ["rank", "grade", "rang"],
}.items():
    for _phrase in _spec:
        _COLUMN[_fold(_phrase)] = _field

POSITIONAL = ("name", "birth_date", "unit", "rank")  # a pasted list without a header row
COLUMNS_HINT = (
    'name (or "nom"; or "first name" and "surname"), and if you have them "date of birth" or "year of birth", '
    '"unit" and "rank"'
)


def _header(cells: list) -> dict[int, str] | None:
    """The columns of a header row (cell position → field), or None when the row is not a header: each cell
    must be a known column name (or empty), and one must name the person."""
    columns: dict[int, str] = {}
    for position, cell in enumerate(cells):
        folded = _fold(cell) if isinstance(cell, str) else ""
        if not folded:
            continue
        field = _COLUMN.get(folded)
        if field is None:
            return None
        if field not in columns.values():
            columns[position] = field
    fields = set(columns.values())
    return columns if fields & {"name", "given", "surname"} else None


def _file_header(headers: list) -> tuple[dict[int, str], list[str]]:
    """The columns of a file's first row, and the names of those not read; a row naming no name column is
    refused (a file's first row must name its columns)."""
    columns: dict[int, str] = {}
    ignored = []
    for position, cell in enumerate(headers):
        text = str(cell).strip()
        field = _COLUMN.get(_fold(text))
        if field is None or field in columns.values():
            if text:
                ignored.append(text[:60])
            continue
        columns[position] = field
    if not set(columns.values()) & {"name", "given", "surname"}:
        shown = ", ".join(f"“{str(h)[:40]}”" for h in headers[:6] if str(h).strip()) or "nothing"
        raise ValidationError(
            f"The first row of the file names its columns, and none of them is the name (it holds {shown}). "
            f"Name the columns: {COLUMNS_HINT}."
        )
    return columns, ignored


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(_CONTROL.sub("", str(value)).split())


_MONTHS = {
    **{m: i for i, m in enumerate(
        "january february march april may june july august september october november december".split(), 1)},
    **{m: i for i, m in enumerate(
        "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre".split(), 1)},
    **{m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)},
    "sept": 9, "janv": 1, "fevr": 2, "avr": 4, "juil": 7,
}
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?")
_DAY_FIRST = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_WORDS = re.compile(r"(\d{1,2})(?:er)?\s+([a-z]+)\.?\s+(\d{4})")
_YEAR = re.compile(r"(?:(?:c|ca|circa|about|around|vers|env|environ)\.?\s*|~\s*)?(\d{4})")
DATE_HINT = "write it as 1971-03-02, 02/03/1971 (day first) or the year alone, 1971"


def _year_in_range(year: int) -> bool:
    return 1900 <= year <= timezone.localdate().year


def read_birth(value) -> tuple[date | None, int | None]:
    """A date of birth as a list gives it: (the date, its year), (None, the year) for a year alone, (None, None)
    for nothing. ValueError says what is wrong, in words for the person who wrote the list."""
    if value is None or value == "":
        return None, None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return _checked_date(value, value.isoformat())
    if isinstance(value, bool):
        raise ValueError(f"the date of birth “{value}” cannot be read: {DATE_HINT}")
    if isinstance(value, (int, float)):
        if float(value).is_integer() and _year_in_range(int(value)):
            return None, int(value)
        raise ValueError(f"the date of birth “{value}” cannot be read: {DATE_HINT}")
    shown = _text(value)[:40]
    text = _fold(value) if not re.fullmatch(r"[\d/.\- :T]+", str(value).strip()) else str(value).strip()
    parts = None
    if match := _ISO.fullmatch(text):
        parts = tuple(int(g) for g in match.groups())
    elif match := _DAY_FIRST.fullmatch(text):
        day, month, year = (int(g) for g in match.groups())
        parts = (year, month, day)
    elif (match := _WORDS.fullmatch(text)) and match.group(2) in _MONTHS:
        parts = (int(match.group(3)), _MONTHS[match.group(2)], int(match.group(1)))
    if parts is not None:
        try:
            written = date(*parts)
        except ValueError:
            raise ValueError(f"the date of birth “{shown}” is not a date of the calendar: {DATE_HINT}") from None
        return _checked_date(written, shown)
    if match := _YEAR.fullmatch(text):
        year = int(match.group(1))
        if _year_in_range(year):
            return None, year
        raise ValueError(f"the year of birth “{shown}” is not between 1900 and {timezone.localdate().year}")
    raise ValueError(f"the date of birth “{shown}” cannot be read: {DATE_HINT}")


def _checked_date(value: date, shown: str) -> tuple[date, int]:
    if value > timezone.localdate():
        raise ValueError(f"the date of birth “{shown}” is in the future")
    if value.year < 1900:
        raise ValueError(f"the date of birth “{shown}” is before 1900")
    return value, value.year


class _Lines:
    """The lines read so far and the problems found, each with its line (or row) number."""

    def __init__(self, word: str):
        self.word = word  # "Line" for a pasted list, "Row" for a file
        self.lines: list[ListLine] = []
        self.problems: list[str] = []

    def add(self, number: int, fields: dict) -> None:
        name = _text(fields.get("name"))
        given, surname = _text(fields.get("given")), _text(fields.get("surname"))
        if given or surname:
            name = " ".join(part for part in (given, surname or name) if part)
        rest = [fields.get(f) for f in ("birth_date", "birth_year", "unit", "rank")]
        if not name:
            if any(_text(v) for v in rest):
                self.problem(number, "there is no name")
            return  # an empty line is skipped
        problems = []
        if len(name) > NAME_MAX:
            problems.append(f"the name is {len(name)} characters long; the limit is {NAME_MAX}")
        elif not normalise(name):
            problems.append(f"“{name[:40]}” holds no letter: it is not a name")
        try:
            birth_date, birth_year = read_birth(fields.get("birth_date"))
        except ValueError as exc:
            problems.append(str(exc))
            birth_date = birth_year = None
        try:
            year = read_birth(fields.get("birth_year"))[1]  # a whole date there gives its year
        except ValueError as exc:
            problems.append(str(exc).replace("date of birth", "year of birth"))
            year = None
        if year is not None:
            if birth_year is not None and year != birth_year:
                problems.append(f"the year of birth {year} differs from the date of birth’s, {birth_year}")
            birth_year = year
        unit, rank = _text(fields.get("unit")), _text(fields.get("rank"))
        if len(unit) > UNIT_MAX:
            problems.append(f"the unit is {len(unit)} characters long; the limit is {UNIT_MAX}")
        if len(rank) > RANK_MAX:
            problems.append(f"the rank is {len(rank)} characters long; the limit is {RANK_MAX}")
        if problems:
            self.problem(number, "; ".join(problems))
            return
        self.lines.append(ListLine(number, name, birth_date, birth_year, unit, rank))

    def problem(self, number: int, message: str) -> None:
        self.problems.append(f"{self.word} {number:,}: {message}.")

    def result(self, field: str) -> list[ListLine]:
        if self.problems:
            shown = self.problems[:ERRORS_SHOWN]
            if len(self.problems) > ERRORS_SHOWN:
                more = len(self.problems) - ERRORS_SHOWN
                shown.append(f"… and {more:,} more {self.word.lower()}{'s' if more != 1 else ''} with a problem.")
            shown.append("Nothing was screened: correct these and screen the list again.")
            raise ValidationError({field: shown})
        if not self.lines:
            raise ValidationError({field: "The list holds no name."})
        if len(self.lines) > MAX_LINES:
            raise ValidationError({field: _too_many(len(self.lines))})
        return self.lines


def _too_many(count: int) -> str:
    return f"The list has {count:,} names; the limit is {MAX_LINES:,}. Split it and screen each part."


def parse_text(text: str) -> list[ListLine]:
    """The lines of a pasted list (see the module's docstring); ValidationError({"text": [...]}) lists every
    line that cannot be read."""
    text = text or ""
    if len(text) > MAX_TEXT_CHARS:
        raise ValidationError({"text": f"The list is {len(text):,} characters long; the limit is "
                                       f"{MAX_TEXT_CHARS:,}. Split it and screen each part."})
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if sum(1 for line in raw if line.strip()) > MAX_LINES + 1:
        raise ValidationError({"text": _too_many(sum(1 for line in raw if line.strip()))})
    delimiter = "\t" if any("\t" in line for line in raw) else ";" if any(";" in line for line in raw) else None
    columns: dict[int, str] = dict(enumerate(POSITIONAL))
    start = 0
    first = next((i for i, line in enumerate(raw) if line.strip()), None)
    if first is not None:
        header = _header(_split(raw[first], delimiter or ","))
        if header is not None:
            columns, start = header, first + 1
            if delimiter is None and "," in raw[first]:
                delimiter = ","
    found = _Lines("Line")
    for index in range(start, len(raw)):
        line = raw[index]
        if not line.strip():
            continue
        cells = _split(line, delimiter) if delimiter else [line]
        found.add(index + 1, {field: cells[p] for p, field in columns.items() if p < len(cells)})
    return found.result("text")


def _split(line: str, delimiter: str | None) -> list[str]:
    if delimiter is None:
        return [line]
    if delimiter == "\t":
        return line.split("\t")  # a spreadsheet's copy: no quoting
    return next(csv.reader([line], delimiter=delimiter, skipinitialspace=True), [""])


def parse_rows(rows: list[dict]) -> list[ListLine]:
    """Lines from dicts keyed by column names ("name", "date of birth", "unit"...), numbered from 1."""
    if len(rows) > MAX_LINES:
        raise ValidationError({"rows": _too_many(len(rows))})
    found = _Lines("Line")
    for number, row in enumerate(rows, start=1):
        fields = {}
        for key, value in (row or {}).items():
            field = _COLUMN.get(_fold(key)) if isinstance(key, str) else None
            if field is not None and field not in fields:
                fields[field] = value
        found.add(number, fields)
    return found.result("rows")


@dataclass(frozen=True)
class UploadRead:
    lines: list[ListLine]
    file_name: str
    ignored_columns: list[str]


def parse_upload(upload) -> UploadRead:
    """The lines of an uploaded CSV or XLSX file with a header row; ValidationError({"upload": [...]}) says why
    the file cannot be read, or lists every row that cannot."""
    file_name = (getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1][:255]
    limits = replace(file_limits.Limits.from_settings(), rows=MAX_LINES)
    try:
        file_format = file_limits.file_format(file_name)
        size = getattr(upload, "size", None)
        if size is not None and size > limits.upload_bytes:
            raise file_limits.UnreadableFile(file_limits.too_large(size, limits.upload_bytes))
        table = read_table(upload.read(), file_format=file_format, limits=limits)
        columns, ignored = _file_header(table.headers)
    except file_limits.UnreadableFile as exc:
        raise ValidationError({"upload": str(exc)}) from None
    except ValidationError as exc:
        raise ValidationError({"upload": exc.messages}) from None
    found = _Lines("Row")
    for number, cells in table.rows:
        found.add(number, {field: cells[p] for p, field in columns.items() if p < len(cells)})
    return UploadRead(found.result("upload"), file_name, ignored)


# --- Screening ---------------------------------------------------------------------------------------------


def _require_screen(by: User, activity: SupportActivity) -> None:
    engagement = activity.engagement
    if not access.visible_engagements(by).filter(pk=engagement.pk).exists():
        raise PermissionDenied("This engagement is not one you can see.")
    if not access.may_prepare_or_decide(by, engagement):
        raise PermissionDenied(
            "Only the project manager or the Chief of Mission of this engagement screens names for its activities "
            "and resolves their matches."
        )


def person_flags(country: str) -> dict[int, set[str]]:
    """What is known against the persons of the country that matters to a screening: excluded from support,
    a substantiated allegation, an allegation reported or under review. Two queries."""
    flags: dict[int, set[str]] = defaultdict(set)
    statuses = [AllegationStatus.SUBSTANTIATED, *OPEN_STATUSES]
    allegations = Allegation.objects.filter(person__recipient__country=country, status__in=statuses)
    for person_id, status in allegations.order_by().values_list("person_id", "status").distinct():
        flags[person_id].add(SUBSTANTIATED if status == AllegationStatus.SUBSTANTIATED else UNDER_REVIEW)
    for person_id in excluded_persons(country):
        flags[person_id].add(EXCLUDED)
    return flags


def _flags_of(person_id: int) -> set[str]:
    """The same for one person, read now (two queries)."""
    flags = set()
    statuses = Allegation.objects.filter(person_id=person_id).values_list("status", flat=True).distinct()
    for status in statuses:
        if status == AllegationStatus.SUBSTANTIATED:
            flags.add(SUBSTANTIATED)
        elif status in OPEN_STATUSES:
            flags.add(UNDER_REVIEW)
    if Exclusion.objects.active().filter(person_id=person_id).exists():
        flags.add(EXCLUDED)
    return flags


def _screen_line(line: ListLine, index: screening_index.CountryIndex, flags: dict[int, set[str]]) -> dict:
    matches = index.names.match(line.name, birth_year=line.birth_year, limit=CANDIDATES_KEPT)
    candidates = []
    for match in matches:
        person = index.persons.get(match.key)
        candidates.append({
            "person": match.key,
            "full_name": person.full_name if person else match.matched_name,
            "recipient": person.recipient_id if person else None,
            "birth_year": person.birth_year if person else None,
            "matched_name": match.matched_name,
            "score": match.score,
            "level": match.level,
            "reasons": list(match.reasons),
            "flags": sorted(flags.get(match.key, ())),
        })
    flagged = [c for c in candidates if c["level"] == "certain" and STOPS_SUPPORT & set(c["flags"])]
    if flagged:
        result, best = ScreeningResult.FLAGGED, flagged[0]
    elif candidates:
        result, best = ScreeningResult.POSSIBLE, candidates[0]
    else:
        result, best = ScreeningResult.CLEAR, None
    return {
        "result": result, "outcome": result, "candidates": candidates,
        "person_id": best["person"] if best else None, "score": best["score"] if best else None,
    }


def name_screening_run(
    *, by: User, activity: SupportActivity, title: str, rows: list[dict] | None = None, text: str | None = None,
    upload=None,
) -> NameScreening:
    """Screen a list of names for an activity and keep the result; ValidationError lists every problem at once
    (keyed "title", "text", "upload" or "rows") and nothing is written."""
    activity = SupportActivity.objects.select_related("engagement__recipient", "engagement__office").get(
        pk=activity.pk
    )
    _require_screen(by, activity)
    engagement = activity.engagement
    errors: dict[str, list[str]] = {}
    title = _text(title)
    if not title:
        errors["title"] = ["Give the list a title, e.g. “Trainees, March course”."]
    elif len(title) > TITLE_MAX:
        errors["title"] = [f"The title is {len(title)} characters long; the limit is {TITLE_MAX}."]
    given = [name for name, value in (("rows", rows), ("text", text), ("upload", upload)) if value]
    lines: list[ListLine] = []
    source_name, ignored = "", []
    if not given:
        errors["text"] = ["Paste the list of names, or upload a CSV or XLSX file."]
    elif given == ["text", "upload"]:
        errors["upload"] = ["Paste the list or upload a file, not both: clear one of them."]
    else:
        try:
            if given[0] == "rows":
                lines = parse_rows(rows)
            elif given[0] == "text":
                lines = parse_text(text)
            else:
                read = parse_upload(upload)
                lines, source_name, ignored = read.lines, read.file_name, read.ignored_columns
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)

    # Matching reads and computes for seconds on a long list: outside the transaction, which only writes.
    country = engagement.recipient.country
    index = screening_index.index_for(country)
    flags = person_flags(country)
    screened = [(line, _screen_line(line, index, flags)) for line in lines]
    counts = Counter(outcome["result"] for _, outcome in screened)
    try:
        with transaction.atomic():
            screening = NameScreening.objects.create(
                activity=activity, title=title, source_name=source_name, created_by=by,
            )
            NameScreeningLine.objects.bulk_create(
                NameScreeningLine(
                    screening=screening, line_number=line.number, name=line.name, birth_date=line.birth_date,
                    birth_year=line.birth_year, unit=line.unit, rank=line.rank, **outcome,
                )
                for line, outcome in screened
            )
            audit_record(
                engagement=engagement, actor=by, action=AuditAction.SCREEN_NAMES,
                justification=(
                    f"Screened {len(lines):,} name{'s' if len(lines) != 1 else ''} for “{activity.description}” "
                    f"(“{title}”): {counts[ScreeningResult.CLEAR]} clear, {counts[ScreeningResult.POSSIBLE]} "
                    f"possible match{'es' if counts[ScreeningResult.POSSIBLE] != 1 else ''}, "
                    f"{counts[ScreeningResult.FLAGGED]} excluded or with substantiated allegations."
                ),
                details={
                    "screening": screening.pk, "activity": activity.pk, "title": title, "source_name": source_name,
                    "lines": len(lines), "clear": counts[ScreeningResult.CLEAR],
                    "possible": counts[ScreeningResult.POSSIBLE], "flagged": counts[ScreeningResult.FLAGGED],
                    "persons_indexed": len(index.persons), "ignored_columns": ignored,
                },
            )
    except IntegrityError:
        # A matched person was deleted between the matching and the writing.
        raise ValidationError(
            {"text": "The register changed while the list was being screened; nothing was kept. Screen it again."}
        ) from None
    screening.ignored_columns = ignored
    return screening


def screening_line_resolve(
    *, by: User, line: NameScreeningLine, decision: str, reason: str, person_id: int | None = None,
) -> NameScreeningLine:
    """Record whether the line is the same person as one of its candidates (`person_id`, the line's best
    candidate when not given) or as none of them; the reason is required. Returns the line as now resolved."""
    with transaction.atomic():
        line = (
            NameScreeningLine.objects.select_for_update(of=("self",))
            .select_related("screening__activity__engagement__recipient", "person")
            .get(pk=line.pk)
        )
        activity = line.screening.activity
        _require_screen(by, activity)
        errors = {}
        candidates = {c.get("person"): c for c in line.candidates if isinstance(c, dict)}
        if not candidates:
            raise ValidationError({"decision": "This line matched no one: there is nothing to resolve."})
        if decision not in ScreeningDecision.values:
            errors["decision"] = "Say whether the line is the same person as a match, or not."
        reason = (reason or "").strip()
        if not reason:
            errors["reason"] = "Give the reason for the decision, e.g. “date of birth and unit differ”."
        if decision == ScreeningDecision.SAME_PERSON:
            person_id = person_id if person_id is not None else line.person_id
            if person_id not in candidates:
                errors["decision"] = "Choose the person the line is, among its matches."
        if errors:
            raise ValidationError(errors)
        before = {"decision": line.decision, "outcome": line.outcome, "person": line.person_id}
        flags: set[str] = set()
        if decision == ScreeningDecision.SAME_PERSON:
            flags = _flags_of(person_id)
            outcome = (
                ScreeningResult.FLAGGED if flags & STOPS_SUPPORT
                else ScreeningResult.POSSIBLE if UNDER_REVIEW in flags
                else ScreeningResult.CLEAR
            )
            line.person_id = person_id
            line.score = candidates[person_id].get("score")
        else:
            outcome = ScreeningResult.CLEAR
        line.decision, line.decision_reason, line.outcome = decision, reason, outcome
        line.decided_by, line.decided_at = by, timezone.now()
        line.save(update_fields=["decision", "decision_reason", "outcome", "person", "score", "decided_by",
                                 "decided_at"])
        what = (
            f"the same person as {candidates[person_id].get('full_name', 'the match')}"
            if decision == ScreeningDecision.SAME_PERSON else "not the same person as its matches"
        )
        audit_record(
            engagement=activity.engagement, actor=by, action=AuditAction.RESOLVE_SCREENING_MATCH,
            justification=f"Line {line.line_number} of “{line.screening.title}”, {line.name}: {what}. {reason}",
            details={
                "screening": line.screening_id, "line": line.pk, "line_number": line.line_number, "name": line.name,
                "decision": decision, "person": line.person_id if decision == ScreeningDecision.SAME_PERSON else None,
                "outcome": outcome, "flags": sorted(flags), "before": before,
            },
        )
    return line


# --- Reading a screening -----------------------------------------------------------------------------------


def screening_counts(screening: NameScreening) -> dict[str, int]:
    """Lines by outcome now (clear, possible, flagged), with "lines" and "to_resolve" (amber or red, not yet
    decided). One query."""
    counts = {value: 0 for value in ScreeningResult.values} | {"lines": 0, "to_resolve": 0}
    rows = screening.lines.order_by().values("outcome", "decision").annotate(n=Count("pk"))
    for row in rows:
        counts[row["outcome"]] = counts.get(row["outcome"], 0) + row["n"]
        counts["lines"] += row["n"]
        if row["outcome"] != ScreeningResult.CLEAR and not row["decision"]:
            counts["to_resolve"] += row["n"]
    return counts
