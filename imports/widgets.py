"""Cell widgets: turn what a spreadsheet holds into values, or raise ValueError in words a project manager reads.

Widgets that point at records look them up in what the import loaded once (see `bind`), never
with a query per row.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from django.db import models
from import_export.widgets import Widget

from imports.directory import folded

_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d %b %Y")
_YES = {"yes", "y", "true", "1", "x", "oui"}
_NO = {"no", "n", "false", "0", "non", ""}


def as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class BoundWidget(Widget):
    """A widget that reads the records its import loaded (the import binds itself before the rows run)."""

    importer = None

    def bind(self, importer) -> None:
        self.importer = importer


class TextWidget(Widget):
    def __init__(self, *, max_length: int | None = None):
        super().__init__()
        self.max_length = max_length

    def clean(self, value, row=None, **kwargs):
        text = as_text(value)
        if self.max_length and len(text) > self.max_length:
            raise ValueError(f"Keep it to {self.max_length} characters (this one has {len(text)}).")
        return text


class ChoiceWidget(Widget):
    """A choice given by its value or its label ("police" or "Police"); empty gives the default."""

    def __init__(
        self, choices: type[models.TextChoices], *, noun: str, default: str = "", required: str = "", aliases=None
    ):
        super().__init__()
        self.noun = noun
        self.default = default
        self.required = required
        self.lookup = {}
        for value, label in choices.choices:
            self.lookup[folded(value)] = value
            self.lookup[folded(label)] = value
            self.lookup[folded(value.replace("_", " "))] = value
        for alias, value in (aliases or {}).items():
            self.lookup[folded(alias)] = value
        self.labels = [label for _, label in choices.choices]

    def clean(self, value, row=None, **kwargs):
        text = as_text(value)
        if not text:
            if self.required:
                raise ValueError(self.required)
            return self.default
        try:
            return self.lookup[folded(text)]
        except KeyError:
            accepted = "; ".join(self.labels) if len(self.labels) <= 8 else "see the accepted values on the import page"
            raise ValueError(f"“{text}” is not a {self.noun} ({accepted}).") from None


class ChoicesWidget(ChoiceWidget):
    """Several choices separated by semicolons, in the order the choices are declared."""

    def __init__(self, choices: type[models.TextChoices], *, noun: str):
        super().__init__(choices, noun=noun)
        self.order = [value for value, _ in choices.choices]

    def clean(self, value, row=None, **kwargs):
        chosen, unknown = set(), []
        for part in as_text(value).split(";"):
            part = part.strip()
            if not part:
                continue
            found = self.lookup.get(folded(part))
            if found is None:
                unknown.append(f"“{part}”")
            else:
                chosen.add(found)
        if unknown:
            raise ValueError(
                f"Not a {self.noun}: {', '.join(unknown)} (separate several with semicolons; "
                "see the accepted values on the import page)."
            )
        return [value for value in self.order if value in chosen]


class YesNoWidget(Widget):
    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = folded(as_text(value))
        if text in _YES:
            return True
        if text in _NO:
            return False
        raise ValueError(f"Write yes or no (not “{as_text(value)}”).")


class DateCellWidget(Widget):
    """A date typed as YYYY-MM-DD (or "14 March 2026"), or a spreadsheet date; empty gives None."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = as_text(value)
        if not text:
            return None
        for pattern in _DATE_FORMATS:
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        shaped = _DATE_SHAPE.match(text)
        if shaped:
            # Written the right way, but no such day: say so, rather than ask for the format it has.
            year, month, day = (int(part) for part in shaped.groups())
            if not 1 <= month <= 12:
                raise ValueError(f"There is no month {month}: “{text}” is not a date (YYYY-MM-DD).")
            raise ValueError(f"{text} does not exist: {_MONTHS[month - 1]} {year} has no day {day}.")
        raise ValueError(f"Give the date as YYYY-MM-DD, e.g. 2026-03-14 (not “{text}”).")


_DATE_SHAPE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December",
]


class YearWidget(Widget):
    """A year typed as four digits (or a spreadsheet number); empty gives None."""

    def clean(self, value, row=None, **kwargs):
        text = as_text(value)
        if not text:
            return None
        if not (text.isdigit() and len(text) == 4):
            raise ValueError(f"Give the year as four digits, e.g. 1971 (not “{text[:20]}”).")
        return int(text)


def split_names(value) -> list[str]:
    """Several names in one cell, separated by semicolons or vertical bars."""
    return [part.strip() for part in as_text(value).replace("|", ";").split(";") if part.strip()]


class CountryWidget(BoundWidget):
    """One of the countries of the offices where the importer is a project manager, spelt as the office spells it."""

    def clean(self, value, row=None, **kwargs):
        text = as_text(value)
        if not text:
            raise ValueError("Give the country.")
        country = self.importer.countries.get(folded(text))
        if country is None:
            raise ValueError(self.importer.not_your_country(text))
        return country


class ParentWidget(BoundWidget):
    """A recipient's parent, by name or path, within the row's country (in the file or already recorded)."""

    def clean(self, value, row=None, **kwargs):
        text = as_text(value)
        country = self.importer.countries.get(folded(as_text(row.get("country"))))
        if not text or country is None:
            return None  # a missing parent, or a country that is not the importer's, is reported once, elsewhere
        return self.importer.find_parent(text, country=country, row=row)


class RecipientPathWidget(BoundWidget):
    """A force, command or unit by name or path, among the recipients of the importer's countries."""

    def __init__(self, *, required: str):
        super().__init__()
        self.required = required

    def clean(self, value, row=None, **kwargs):
        text = as_text(value)
        if not text:
            raise ValueError(self.required)
        return self.importer.directory.resolve(text, country=None, where=self.importer.where)


class UnitWidget(BoundWidget):
    """The unit a command period is over: in the country of the person's recipient."""

    def clean(self, value, row=None, **kwargs):
        text = as_text(value)
        if not text:
            return None
        person = self.importer.person_of_row(row)
        country = person.recipient.country if person is not None else None
        where = f"in {country}" if country else self.importer.where
        return self.importer.directory.resolve(text, country=country, where=where)


class PersonOfRowWidget(BoundWidget):
    """The person of interest the same row gave (created or found by the first pass)."""

    def clean(self, value, row=None, **kwargs):
        return self.importer.person_of_row(row)


class EngagementWidget(BoundWidget):
    def clean(self, value, row=None, **kwargs):
        text = as_text(value)
        if not text:
            raise ValueError("Give the engagement's reference, e.g. DRV-2026-001.")
        engagement = self.importer.engagement_for(text)
        if engagement is None:
            raise ValueError("No engagement with this reference among those you manage.")
        return engagement


class IncidentRecipientWidget(BoundWidget):
    """Whom an incident is against: the engagement's recipient (when empty), or one the engagement allows."""

    def clean(self, value, row=None, **kwargs):
        engagement = self.importer.engagement_for(as_text(row.get("engagement")))
        if engagement is None:
            return None  # the reference is reported once, on its own column
        text = as_text(value)
        if not text:
            return engagement.recipient
        found = self.importer.allowed_recipients(engagement).find(text)
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise ValueError(
                f"Several of {engagement.recipient}'s commands or units are called “{text}”: give the path."
            )
        raise ValueError(
            f"The allegation must concern {engagement.recipient}, the force or command above it, "
            "or one of its commands or units."
        )
