"""The imports: their columns, what each loads once, and the order its rows run in.

An importer runs the rows of one file through its resources (imports.resources), either to
check them (a dry run) or to write them (`persist`); it keeps one report per spreadsheet row.
The allegations import checks its rows itself (an allegation's status is not set field by field)
and writes them in three bulk inserts once every row passed.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from import_export import exceptions as import_export_errors
from import_export.results import RowResult

from common.tabular.file_table import Table
from hrddp import access
from hrddp.models import (
    SUPPORTED_STATES,
    AuditAction,
    CommandPeriod,
    Engagement,
    Office,
    PersonOfInterest,
    Recipient,
    RecipientCategory,
    RecipientLevel,
    User,
)
from imports import resources, widgets
from imports.directory import RecipientDirectory, folded, path_of, path_parts
from imports.widgets import as_text
from monitoring.escalation import incident_escalate
from monitoring.incident_selectors import incident_recipients
from monitoring.models import (
    Channel,
    Incident,
    InformationCredibility,
    SourceReliability,
    VerificationStatus,
    ViolationCategory,
)
from monitoring.signals import incidents_graded_grave
from register.models import (
    OPEN_STATUSES,
    Allegation,
    AllegationCategory,
    AllegationSource,
    AllegationStatus,
    AllegationStatusChange,
    PersonAlias,
)
from register.signals import allegation_status_changed

logger = logging.getLogger(__name__)

ROW = resources.ROW


class FileProblem(Exception):
    """The file as a whole cannot be imported (a missing column, a refused write); the message says why."""


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool = False
    hint: str = ""
    example: str = ""
    aliases: tuple[str, ...] = ()


@dataclass
class RowReport:
    number: int
    result: str = "unchanged"  # new, update, unchanged or error
    label: str = ""
    problems: list[str] = field(default_factory=list)
    note: str = ""

    _RANK = {"unchanged": 0, "update": 1, "new": 2, "error": 3}

    def take(self, result: str) -> None:
        if self._RANK[result] > self._RANK[self.result]:
            self.result = result


_RESULTS = {
    RowResult.IMPORT_TYPE_NEW: "new",
    RowResult.IMPORT_TYPE_UPDATE: "update",
    RowResult.IMPORT_TYPE_SKIP: "unchanged",
}


def _header_key(text) -> str:
    return " ".join(str(text).replace("_", " ").replace("-", " ").split()).casefold()


class Importer:
    kind = ""
    noun = ""  # "recipients", as a sentence names them
    columns: tuple[Column, ...] = ()

    def __init__(self, *, user: User, persist: bool):
        self.user = user
        self.persist = persist
        self.started_at = timezone.now()
        self.reports: dict[int, RowReport] = {}
        self.has_errors = False
        self.ignored_columns: list[str] = []
        # Set by the service: the audit entries name the file.
        self.file_name = ""
        self.sha256 = ""
        self._labels = {column.key: column.label for column in self.columns}

    # --- the file's columns ---------------------------------------------------------------

    def rows_of(self, table: Table) -> list[dict]:
        """The rows as {column key: cell}, every known column present; FileProblem for a missing or repeated one."""
        names = {}
        for column in self.columns:
            for name in (column.label, column.key, *column.aliases):
                names[_header_key(name)] = column.key
        positions: dict[str, int] = {}
        for index, header in enumerate(table.headers):
            key = names.get(_header_key(header))
            if key is None:
                if str(header).strip():
                    self.ignored_columns.append(str(header).strip())
                continue
            if key in positions:
                raise FileProblem(f"The column “{self._labels[key]}” appears twice in the first row.")
            positions[key] = index
        missing = [column.label for column in self.columns if column.required and column.key not in positions]
        if missing:
            quoted = [f"“{label}”" for label in missing]
            listed = f"column {quoted[0]}" if len(quoted) == 1 else f"columns {', '.join(quoted[:-1])} and {quoted[-1]}"
            raise FileProblem(
                f"The file has no {listed}. The first row must name the columns "
                f"({', '.join(column.label for column in self.columns)}): start from the template."
            )
        rows = []
        for number, cells in table.rows:
            row = {ROW: number}
            for column in self.columns:
                index = positions.get(column.key)
                row[column.key] = cells[index] if index is not None and index < len(cells) else ""
            rows.append(row)
        return rows

    def label_of(self, key: str) -> str:
        return self._labels.get(key, key.replace("_", " ").capitalize())

    # --- running the rows -----------------------------------------------------------------

    def run(self, table: Table) -> None:
        raise NotImplementedError

    def _import(self, resource: resources.ImportResource, rows: list[dict]) -> None:
        if not rows:
            return
        keys = [key for key in rows[0] if key != ROW]
        dataset = tablib.Dataset(headers=[ROW, *keys])
        for row in rows:
            dataset.append([row[ROW], *(row[key] for key in keys)])
        try:
            result = resource.import_data(dataset, use_transactions=False, raise_errors=False)
        except import_export_errors.ImportError as exc:
            logger.warning("An import's write was refused: %s", exc)
            raise FileProblem(
                "The database refused the rows: the same records may have been changed meanwhile. "
                "Nothing was imported; try again."
            ) from None
        if result.base_errors:
            # Errors outside any row (the library keeps them apart): the import cannot be trusted.
            for error in result.base_errors:
                logger.error("Unexpected problem importing %s", self.kind, exc_info=error.error)
            raise FileProblem("The file could not be imported because of an unexpected problem. Nothing was imported.")

    def record(self, resource, row: dict, row_result: RowResult) -> None:
        """Keep what a resource found for one row (called for every row it runs)."""
        report = self.reports.setdefault(row[ROW], RowReport(number=row[ROW]))
        instance = row_result.instance
        if not report.label:
            report.label = resource.describe(instance, row) if instance is not None else resource.describe_row(row)
        if row_result.validation_error is not None:
            for name, messages in row_result.validation_error.message_dict.items():
                prefix = "" if name == NON_FIELD_ERRORS else f"{self.label_of(name)}: "
                report.problems.extend(f"{prefix}{message}" for message in messages)
            report.take("error")
            self.has_errors = True
        elif row_result.errors:
            for error in row_result.errors:
                logger.error("Unexpected problem importing row %s", row[ROW], exc_info=error.error)
            report.problems.append("This row could not be read; check its values against the template.")
            report.take("error")
            self.has_errors = True
        else:
            report.take(_RESULTS.get(row_result.import_type, "unchanged"))
            self.row_done(resource, row, instance, report)

    def row_done(self, resource, row: dict, instance, report: RowReport) -> None:
        """A row that passed its checks (and was queued for writing when the import persists)."""

    def after_rows(self) -> dict:
        """Once every row is written; what to add to the audit entry's details."""
        return {}

    def rows_report(self) -> list[RowReport]:
        return [self.reports[number] for number in sorted(self.reports)]


# --- Recipients and their units ------------------------------------------------------------------


def import_countries(user: User) -> dict[str, str]:
    """The countries a user imports recipients and persons for: those of the offices where they are a project
    manager (every country for a superuser), by their folded spelling."""
    if user.is_superuser:
        countries = Office.objects.values_list("country", flat=True)
    else:
        offices = access.project_manager_office_ids(user)
        countries = Office.objects.filter(pk__in=offices).values_list("country", flat=True) if offices else []
    return {folded(country): country for country in countries}


class _CountryScoped(Importer):
    def __init__(self, *, user: User, persist: bool):
        super().__init__(user=user, persist=persist)
        self.countries = import_countries(user)
        shown = sorted(self.countries.values())
        self.where = f"in {', '.join(shown)}" if shown else "in the countries you import for"
        self.directory = RecipientDirectory.load(countries=self.countries.values())

    def not_your_country(self, text: str) -> str:
        if not self.countries:
            return "You are not a project manager of any office: you cannot import for any country."
        return (
            f"You import for {', '.join(sorted(self.countries.values()))} only, where you are a project manager; "
            f"not for {text}."
        )


_LEVEL_WORDS = {folded(value): value for value in RecipientLevel.values} | {
    folded(label): value for value, label in RecipientLevel.choices
}


class RecipientsImporter(_CountryScoped):
    kind = "recipients"
    noun = "recipients"
    columns = (
        Column("name", "Name", True, "The force, command or unit's name.", "Esse Province Police Command"),
        Column("country", "Country", True, "A country where you are a project manager.", "Darvonia"),
        Column(
            "category", "Category", False,
            "A recipient category (value or label). Empty for a command or unit: its force's category.", "police",
        ),
        Column("level", "Level", True, "force, command or unit.", "command"),
        Column(
            "parent", "Parent", False,
            "Empty for a force. For a command or unit: its parent's name, or its path “Force › Command”. "
            "The parent may be a row of the same file.",
            "Darvonian Police Force",
        ),
    )

    def __init__(self, *, user: User, persist: bool):
        super().__init__(user=user, persist=persist)
        self.seen: dict[tuple, int] = {}
        self._file_levels: dict[tuple[str, str], tuple[str, int]] = {}
        self._level_of_row: dict[int, str] = {}
        self._added = []

    def run(self, table: Table) -> None:
        rows = self.rows_of(table)
        passes = {RecipientLevel.FORCE: [], RecipientLevel.COMMAND: [], RecipientLevel.UNIT: []}
        for row in rows:
            level = _LEVEL_WORDS.get(folded(as_text(row["level"])))
            self._level_of_row[row[ROW]] = level or ""
            country = folded(as_text(row["country"]))
            if level:
                self._file_levels.setdefault((country, folded(as_text(row["name"]))), (level, row[ROW]))
            # A row whose level cannot be read runs with the forces, and reports it there.
            passes[level or RecipientLevel.FORCE].append(row)
        # Parents before their children: each level is written before the next one looks for its parents.
        for level in (RecipientLevel.FORCE, RecipientLevel.COMMAND, RecipientLevel.UNIT):
            self._import(resources.RecipientResource(self), passes[level])
            for recipient in self._added:
                self.directory.add(recipient)
            self._added = []

    def row_done(self, resource, row, instance, report):
        if report.result == "new":
            self._added.append(instance)

    def find_parent(self, text: str, *, country: str, row: dict):
        try:
            return self.directory.resolve(text, country=country, where=f"in {country}")
        except ValueError:
            parts = path_parts(text)
            later = self._file_levels.get((folded(country), parts[-1])) if parts else None
            level = self._level_of_row.get(row[ROW], "")
            if later is not None and level and not _may_sit_under(level, later[0]):
                parent_level, number = later
                raise ValueError(
                    f"“{text}” is a {parent_level} (row {number}); a {level} cannot sit under a {parent_level}."
                ) from None
            raise


def _may_sit_under(level: str, parent_level: str) -> bool:
    """Recipient.clean's rule on levels, asked of two throwaway recipients."""
    parent = Recipient(level=parent_level, country="-")
    try:
        Recipient(level=level, parent=parent, country="-").clean()
    except ValidationError:
        return False
    return True


# --- Persons of interest with their command periods -------------------------------------------------


class PersonsImporter(_CountryScoped):
    kind = "persons"
    noun = "persons of interest"
    columns = (
        Column("full_name", "Full name", True, "The person's full name.", "Idris Valemo"),
        Column("rank", "Rank", False, "Empty keeps the rank recorded.", "Colonel"),
        Column(
            "recipient", "Recipient", True,
            "The force, command or unit the person belongs to: its name or path “Force › Command”.",
            "Darvonian Police Force",
        ),
        Column(
            "aliases", "Aliases", False,
            "The other names the person appears under (spellings, other scripts), separated by “;” or “|”. "
            "Added to those recorded.",
            "Идрис Валемо; Idriss Valémo", ("other names", "alias"),
        ),
        Column("birth_date", "Date of birth", False, "YYYY-MM-DD. Empty keeps what is recorded.", "",
               ("birth date", "born on")),
        Column("birth_year", "Year of birth", False, "When only the year is known; filled from the date otherwise.",
               "1971", ("birth year", "born")),
        Column("service_number", "Service number", False, "Empty keeps what is recorded.", "DP-4471"),
        Column("identifiers", "Other identifiers", False,
               "Photo-free identifiers, e.g. a national identity number or a father's name.", "",
               ("identifiers",)),
        Column("position", "Position", False, "Empty (with unit and dates) for a person with no command period.",
               "Commander of Esse Province"),
        Column("unit", "Unit", False, "The unit the position is over: its name or path.",
               "Darvonian Police Force › Esse Province Police Command"),
        Column("start_date", "Start date", False, "YYYY-MM-DD.", "2024-01-15", ("start",)),
        Column("end_date", "End date", False, "YYYY-MM-DD; empty while the position is held.", "", ("end",)),
    )
    _PERIOD_KEYS = ("position", "unit", "start_date", "end_date")

    def __init__(self, *, user: User, persist: bool):
        super().__init__(user=user, persist=persist)
        by_pk = self.directory.by_pk
        self.persons: dict[tuple[str, int], PersonOfInterest] = {}
        self.person_rows: dict[int, int] = {}
        self._person_of_row: dict[int, PersonOfInterest] = {}
        self._new_periods: list[CommandPeriod] = []
        self._aliases_recorded: dict[int, set[str]] | None = None
        self._aliases_queued: dict[int, tuple[PersonOfInterest, dict[str, str]]] = {}
        self._aliases_of_row: dict[int, int] = {}
        persons = {}
        countries = list(self.countries.values())
        for person in PersonOfInterest.objects.filter(recipient__country__in=countries):
            person.recipient = by_pk[person.recipient_id]
            persons[person.pk] = person
            self.persons[(folded(person.full_name), id(person.recipient))] = person
        # Command periods recorded, by (person, unit), for CommandPeriod.clean's overlap rule.
        self.periods: dict[tuple[int, int], list[tuple[CommandPeriod, int | None]]] = defaultdict(list)
        self.period_at: dict[tuple[int, int, date], CommandPeriod] = {}
        self.period_rows: dict[int, int] = {}
        for period in CommandPeriod.objects.filter(
            person__recipient__country__in=countries, unit__country__in=countries
        ):
            period.person, period.unit = persons[period.person_id], by_pk[period.unit_id]
            self.periods[(id(period.person), id(period.unit))].append((period, None))
            self.period_at[(id(period.person), id(period.unit), period.start_date)] = period

    # The free-text column of allegations persons once carried: allegations are imported as their own kind now.
    _RETIRED = ("substantiated allegations", "substantiated_allegations", "allegations")

    def rows_of(self, table: Table) -> list[dict]:
        retired = [str(h).strip() for h in table.headers if _header_key(h) in {_header_key(r) for r in self._RETIRED}]
        if retired:
            raise FileProblem(
                f"The column “{retired[0]}” is no longer imported with persons: import the allegations on their "
                "own (“Allegations against persons of interest”), one row per allegation with its category, "
                "status and source. Remove the column and upload the file again."
            )
        return super().rows_of(table)

    def run(self, table: Table) -> None:
        rows = self.rows_of(table)
        self._import(resources.PersonResource(self), rows)
        with_period = [
            row for row in rows
            if any(as_text(row[key]) for key in self._PERIOD_KEYS) and row[ROW] in self._person_of_row
        ]
        self._import(resources.CommandPeriodResource(self), with_period)
        if self.persist and not self.has_errors and self._aliases_queued:
            with transaction.atomic():
                PersonAlias.objects.bulk_create([
                    PersonAlias(person=person, name=name)
                    for person, names in self._aliases_queued.values() for name in names.values()
                ])

    # --- the other names: added to those recorded ----------------------------------------------------

    def _recorded_aliases(self) -> dict[int, set[str]]:
        """The other names recorded for the persons of the importer's countries, read once (and only when a
        row gives any)."""
        if self._aliases_recorded is None:
            self._aliases_recorded = defaultdict(set)
            for person_id, name in PersonAlias.objects.filter(
                person__recipient__country__in=list(self.countries.values())
            ).values_list("person_id", "name"):
                self._aliases_recorded[person_id].add(folded(name))
        return self._aliases_recorded

    def queue_aliases(self, person: PersonOfInterest, pairs: list[tuple[str, str]], row: dict) -> None:
        """The row's other names not yet recorded (nor given by an earlier row) are added with the person."""
        if not pairs:
            return
        known = self._recorded_aliases().get(person.pk, set()) if person.pk else set()
        _, queued = self._aliases_queued.setdefault(id(person), (person, {}))
        added = 0
        for name, _note in pairs:
            key = folded(name)
            if key not in known and key not in queued:
                queued[key] = name
                added += 1
        if added:
            self._aliases_of_row[row[ROW]] = added

    def row_done(self, resource, row, instance, report):
        if isinstance(resource, resources.PersonResource):
            self._person_of_row[row[ROW]] = instance
            if self._aliases_of_row.get(row[ROW]) and instance.pk:
                report.take("update")  # a recorded person given another name
            return
        if instance.pk is None:
            self._new_periods.append(instance)
        if report.label and " — " not in report.label:
            report.label = f"{report.label} — {resource.describe(instance, row)}"

    def after_rows(self) -> dict:
        """The aliases written, and a flagged person's new command period over a supported unit alerting as one
        entered by hand (P¶25)."""
        from register.alerts import command_periods_started

        added = sum(len(names) for _, names in self._aliases_queued.values())
        written = [period for period in self._new_periods if period.pk is not None]
        flagged = command_periods_started(periods=written, by=self.user) if written else 0
        figures = {"aliases_added": added} if added else {}
        if flagged:
            figures["flagged_for_reassessment"] = flagged
        return figures

    def person_of_row(self, row: dict) -> PersonOfInterest | None:
        return self._person_of_row.get(row[ROW])


# --- Incidents --------------------------------------------------------------------------------------


class IncidentsImporter(Importer):
    kind = "incidents"
    noun = "incidents"
    columns = (
        Column("engagement", "Engagement reference", True, "The reference of an engagement you manage.",
               "DRV-2026-001", ("engagement",)),
        Column("occurred_on", "Occurred on", True, "The date of the incident, YYYY-MM-DD.", "2026-03-14",
               ("date", "occurred")),
        Column("place", "Place", False, "", "Road between Kael and Omri"),
        Column("description", "Description", True, "What is alleged: what happened, to whom, by whom.",
               "Two traders reported killed at an informal checkpoint."),
        Column(
            "recipient", "Recipient or unit", False,
            "The engagement's recipient (when empty), the force or command above it, or one of its commands "
            "or units: name or path.",
            "", ("recipient", "unit"),
        ),
        Column("categories", "Categories", False, "Violation categories (values or labels), separated by semicolons.",
               "gross_violations; pattern", ("violation categories",)),
        Column("channel", "Channel", True, "The channel the allegation came through (value or label).",
               "un_monitoring"),
        Column("source_reliability", "Source reliability", False, "A to F; empty: F (cannot be judged).", "B",
               ("reliability",)),
        Column("information_credibility", "Information credibility", False, "1 to 6; empty: 6 (cannot be judged).",
               "2", ("credibility",)),
        Column("verification_status", "Verification status", False, "Empty: unverified.", "corroborated",
               ("verification",)),
        Column("grave_violation", "Grave violation", False, "yes or no.", "yes"),
        Column("victims", "Victims", False, "Confidential.", ""),
        Column("witnesses", "Witnesses", False, "Confidential.", ""),
        Column("source_details", "Source", False, "Confidential.", "", ("source details",)),
    )

    def __init__(self, *, user: User, persist: bool):
        super().__init__(user=user, persist=persist)
        self.engagements: dict[str, Engagement] = {}
        self._allowed: dict[int, RecipientDirectory] = {}
        self._created = []
        self.escalations = 0

    def run(self, table: Table) -> None:
        rows = self.rows_of(table)
        self._load_engagements({as_text(row["engagement"]).upper() for row in rows} - {""})
        self._import(resources.IncidentResource(self), rows)

    def _load_engagements(self, references: set[str]) -> None:
        # One query per 500 references named in the file, not one per row.
        references = sorted(references)
        for start in range(0, len(references), 500):
            found = Engagement.objects.filter(reference__in=references[start:start + 500]).select_related(
                "office", "recipient__parent__parent"
            )
            for engagement in found:
                if access.may_prepare(self.user, engagement):
                    self.engagements[engagement.reference.upper()] = engagement

    def engagement_for(self, reference: str) -> Engagement | None:
        return self.engagements.get(reference.strip().upper())

    def allowed_recipients(self, engagement: Engagement) -> RecipientDirectory:
        """What an incident of this engagement may be against (incident_recipients), loaded once per engagement."""
        if engagement.pk not in self._allowed:
            self._allowed[engagement.pk] = RecipientDirectory(incident_recipients(engagement))
        return self._allowed[engagement.pk]

    def row_done(self, resource, row, instance, report):
        self._created.append(instance)
        if instance.gives_substantial_grounds_of_grave_violation and instance.engagement.state in SUPPORTED_STATES:
            report.note = "Grave violation with substantial grounds: alerts the Chief of Mission and HQ (P¶25)."

    def after_rows(self) -> dict:
        """Escalate as logging does (P¶25; the alerts go out once the transaction commits), and tell each
        engagement's history what was imported into it."""
        from hrddp.services import audit_record

        by_engagement = defaultdict(list)
        for incident in self._created:
            by_engagement[incident.engagement].append(incident)
            if incident.gives_substantial_grounds_of_grave_violation and incident_escalate(incident=incident):
                self.escalations += 1
        # The other engagements supporting the same units hear of the grave violations too (register.alerts).
        grave = [i for i in self._created if i.pk is not None and i.gives_substantial_grounds_of_grave_violation]
        if grave:
            incidents_graded_grave.send(sender=Incident, incidents=grave, by=self.user)
        for engagement, incidents in by_engagement.items():
            escalated = sum(1 for incident in incidents if incident.escalated_at)
            audit_record(
                engagement=engagement, actor=self.user, action=AuditAction.IMPORT_INCIDENTS,
                justification=(
                    f"Imported {_count(len(incidents), 'incident')} from “{self.file_name}”."
                    + (
                        f" {_count(escalated, 'grave violation')} with substantial grounds: the Chief of Mission and "
                        "HQ were alerted (P¶25) and the risk assessment is flagged for reassessment."
                        if escalated else ""
                    )
                ),
                details={
                    "file_name": self.file_name, "sha256": self.sha256, "incidents": len(incidents),
                    "escalated": escalated,
                },
            )
        return {"escalated": self.escalations, "engagements": sorted(e.reference for e in by_engagement)}

    def would_escalate(self) -> int:
        return sum(1 for report in self.reports.values() if report.note)


# --- Allegations against persons of interest ----------------------------------------------------------


@dataclass
class _PendingAllegation:
    """An allegation a row gives: new (`allegation` unsaved) or recorded, with the sources the file adds."""

    row: int
    person: PersonOfInterest
    status: str
    allegation: Allegation | None = None  # the new one; None for a recorded one
    recorded_pk: int | None = None
    sources: list[AllegationSource] = field(default_factory=list)
    source_keys: dict[str, int] = field(default_factory=dict)  # folded description -> row


class AllegationsImporter(_CountryScoped):
    """One row per allegation and source: the allegation's columns repeated on another row give it another
    source. The person must be recorded already (the persons import, or the person's page). A recorded
    allegation (same person, category, date and summary) is not recorded twice: a new source is added to it.

    A decided status (substantiated, not substantiated, cleared) is imported only by who may decide it in the
    country, as on the person's page; every imported allegation's history starts with "Imported from <file>",
    under the importer's name and role."""

    kind = "allegations"
    noun = "allegations"
    columns = (
        Column("full_name", "Full name", True,
               "The person of interest as recorded: their full name, or another name recorded for them.",
               "Tomas Reyl", ("person", "person full name", "name")),
        Column("recipient", "Recipient", True,
               "The force, command or unit the person belongs to: its name or path “Force › Command”.",
               "Darvonian Police Force › Esse Province Command"),
        Column("category", "Category", True, "A category of allegation (value or label).", "command_responsibility"),
        Column("summary", "Summary", True,
               "What the person is alleged to have done, or failed to prevent or punish, and where.",
               "Failed to punish officers who beat detainees at the Kael post.", ("what is alleged", "allegation")),
        Column("occurred_on", "Date", False, "The date, or the first day, of the events: YYYY-MM-DD.", "2025-06-01",
               ("when", "occurred on")),
        Column("status", "Status", False,
               "Empty: reported. Under review, or (by a Chief of Mission or HQ only) substantiated, not "
               "substantiated or cleared.", "reported"),
        Column("source", "Source", False,
               "The report or channel; name no witness. Repeat the allegation on another row for another source.",
               "OHCHR report, March 2026", ("source description",)),
        Column("source_reliability", "Source reliability", False, "A to F; empty: F (cannot be judged).", "B",
               ("reliability",)),
        Column("information_credibility", "Information credibility", False, "1 to 6; empty: 6 (cannot be judged).",
               "2", ("credibility",)),
    )

    def __init__(self, *, user: User, persist: bool):
        super().__init__(user=user, persist=persist)
        self._widgets = {
            "category": widgets.ChoiceWidget(
                AllegationCategory, noun="category of allegation",
                required="Give the category, e.g. gross violations or command responsibility.",
            ),
            "status": widgets.ChoiceWidget(AllegationStatus, noun="status", default=AllegationStatus.REPORTED),
            "source_reliability": widgets.ChoiceWidget(
                SourceReliability, noun="reliability grade (A to F)", default=SourceReliability.F
            ),
            "information_credibility": widgets.ChoiceWidget(
                InformationCredibility, noun="credibility grade (1 to 6)", default=InformationCredibility.CANNOT_JUDGE,
            ),
            "summary": widgets.TextWidget(max_length=20000),
            "source": widgets.TextWidget(max_length=AllegationSource._meta.get_field("description").max_length),
            "occurred_on": widgets.DateCellWidget(),
        }
        self._persons: dict[tuple[int, str], list[PersonOfInterest]] = defaultdict(list)
        self._recorded: dict[tuple, dict] = {}
        self._recorded_sources: dict[int, set[str]] = defaultdict(set)
        self._pending: dict[tuple, _PendingAllegation] = {}
        self._rights: dict[str, tuple[bool, bool, str]] = {}
        self._offices: dict[str, Office] = {}
        self.created: list[Allegation] = []
        self.sources_added = 0

    # --- what the rows may point at, read once ---------------------------------------------------------

    def _load(self) -> None:
        countries = list(self.countries.values())
        by_pk = self.directory.by_pk
        persons = {}
        for person in PersonOfInterest.objects.filter(recipient__country__in=countries):
            person.recipient = by_pk[person.recipient_id]
            persons[person.pk] = person
            self._persons[(person.recipient_id, folded(person.full_name))].append(person)
        for person_id, name in PersonAlias.objects.filter(person__recipient__country__in=countries).values_list(
            "person_id", "name"
        ):
            person = persons[person_id]
            found = self._persons[(person.recipient_id, folded(name))]
            if person not in found:
                found.append(person)
        for recorded in Allegation.objects.filter(person__recipient__country__in=countries).values(
            "pk", "person_id", "category", "occurred_on", "summary", "status"
        ):
            key = (recorded["person_id"], recorded["category"], recorded["occurred_on"], folded(recorded["summary"]))
            self._recorded.setdefault(key, recorded)
        for allegation_id, description in AllegationSource.objects.filter(
            allegation__person__recipient__country__in=countries
        ).values_list("allegation_id", "description"):
            self._recorded_sources[allegation_id].add(folded(description))
        for office in Office.objects.filter(pk__in=access.office_ids_of(self.user)).order_by("pk"):
            self._offices.setdefault(office.country, office)

    def _rights_in(self, country: str) -> tuple[bool, bool, str]:
        """(may record, may decide, the role recorded) of the importer in the country, asked once per country."""
        if country not in self._rights:
            self._rights[country] = (
                access.may_record_in_register(self.user, country), access.may_decide_allegation(self.user, country),
                access.register_role(self.user, country),
            )
        return self._rights[country]

    # --- the rows ---------------------------------------------------------------------------------------

    def run(self, table: Table) -> None:
        rows = self.rows_of(table)
        self._load()
        for row in rows:
            self._check(row)
        if self.persist and not self.has_errors:
            self._write()

    def _cell(self, name: str, row: dict, problems: dict):
        try:
            return self._widgets[name].clean(row[name], row=row)
        except ValueError as exc:
            problems.setdefault(name, []).append(str(exc))
            return None

    def _person(self, row: dict, problems: dict) -> PersonOfInterest | None:
        name, text = as_text(row["full_name"]), as_text(row["recipient"])
        if not name:
            problems.setdefault("full_name", []).append("Give the person's full name.")
        if not text:
            problems.setdefault("recipient", []).append("Give the force, command or unit the person belongs to.")
        if not (name and text):
            return None
        try:
            recipient = self.directory.resolve(text, country=None, where=self.where)
        except ValueError as exc:
            problems.setdefault("recipient", []).append(str(exc))
            return None
        found = self._persons.get((recipient.pk, folded(name)), [])
        if len(found) == 1:
            return found[0]
        where = path_of(recipient)
        if found:
            problems.setdefault("full_name", []).append(
                f"Several persons of interest of {where} are called “{name}”: record this allegation on the right "
                "person's page."
            )
        else:
            problems.setdefault("full_name", []).append(
                f"No person of interest called “{name}” belongs to {where}: import or record the person first."
            )
        return None

    def _check(self, row: dict) -> None:
        number = row[ROW]
        report = self.reports.setdefault(number, RowReport(number=number))
        problems: dict[str, list[str]] = {}
        person = self._person(row, problems)
        category = self._cell("category", row, problems)
        summary = self._cell("summary", row, problems)
        if summary == "":
            problems.setdefault("summary", []).append("Say what the person is alleged to have done.")
        occurred_on = self._cell("occurred_on", row, problems)
        if occurred_on is not None and occurred_on > timezone.localdate():
            problems.setdefault("occurred_on", []).append("The date is in the future.")
        status_given = bool(as_text(row["status"]))
        status = self._cell("status", row, problems)
        source = self._cell("source", row, problems)
        reliability = self._cell("source_reliability", row, problems)
        credibility = self._cell("information_credibility", row, problems)
        if not source and "source" not in problems and (
            as_text(row["source_reliability"]) or as_text(row["information_credibility"])
        ):
            problems.setdefault("source", []).append("Give the report or channel these grades are for.")
        label = AllegationCategory(category).label.split(":")[0] if category else as_text(row["category"])
        report.label = " · ".join(
            part for part in (
                f"{person} ({path_of(person.recipient)})" if person else as_text(row["full_name"]), label,
                occurred_on.isoformat() if occurred_on else "",
            ) if part
        )
        if person is not None:
            country = person.recipient.country
            may_record, may_decide, _role = self._rights_in(country)
            if not may_record:
                problems.setdefault(NON_FIELD_ERRORS, []).append(
                    f"Only project managers and Chiefs of Mission of an office in {country}, or HQ, record in the "
                    "register."
                )
            elif status and status not in OPEN_STATUSES and not may_decide:
                problems.setdefault("status", []).append(
                    f"Only a Chief of Mission of an office in {country}, or the HQ Human Rights Team, decides an "
                    f"allegation: import it as reported or under review, and have it decided on the person's page."
                )
        if not problems:
            self._place(row, report, person, category, summary, occurred_on, status, status_given, problems,
                        source=source, reliability=reliability, credibility=credibility)
        if problems:
            for name, messages in problems.items():
                prefix = "" if name == NON_FIELD_ERRORS else f"{self.label_of(name)}: "
                report.problems.extend(f"{prefix}{message}" for message in messages)
            report.take("error")
            self.has_errors = True

    def _place(self, row, report, person, category, summary, occurred_on, status, status_given, problems, *,
               source, reliability, credibility) -> None:
        """Find the allegation the row gives (earlier in the file, recorded, or new) and queue its source."""
        number = row[ROW]
        key = (person.pk, category, occurred_on, folded(summary))
        pending = self._pending.get(key)
        if pending is not None:
            if status_given and status != pending.status:
                problems.setdefault("status", []).append(f"Row {pending.row} gives this allegation's status differently.")
                return
            if not source:
                problems.setdefault(NON_FIELD_ERRORS, []).append(f"Row {pending.row} already gives this allegation.")
                return
        else:
            recorded = self._recorded.get(key)
            if recorded is not None:
                if status_given and status != recorded["status"]:
                    shown = AllegationStatus(recorded["status"]).label.lower()
                    problems.setdefault("status", []).append(
                        f"This allegation is recorded as {shown}: its status is changed on the person's page, "
                        "with the reasons."
                    )
                    return
                pending = _PendingAllegation(row=number, person=person, status=recorded["status"],
                                             recorded_pk=recorded["pk"])
            else:
                pending = _PendingAllegation(
                    row=number, person=person, status=status,
                    allegation=Allegation(
                        person=person, office=self._offices.get(person.recipient.country), category=category,
                        summary=summary, occurred_on=occurred_on, status=status, status_changed_at=self.started_at,
                        recorded_by=self.user, recorded_at=self.started_at,
                    ),
                )
            self._pending[key] = pending
        added = False
        if source:
            source_key = folded(source)
            if source_key in pending.source_keys:
                problems.setdefault("source", []).append(
                    f"Row {pending.source_keys[source_key]} already gives this source."
                )
                return
            pending.source_keys[source_key] = number
            if pending.recorded_pk is None or source_key not in self._recorded_sources[pending.recorded_pk]:
                item = AllegationSource(
                    description=source, source_reliability=reliability, information_credibility=credibility,
                )
                if pending.allegation is not None:
                    item.allegation = pending.allegation  # saved first: the source takes its primary key then
                else:
                    item.allegation_id = pending.recorded_pk
                pending.sources.append(item)
                added = True
        # A row of a recorded allegation is an update when it adds a source to it, else unchanged.
        report.take("new" if pending.allegation is not None else "update" if added else "unchanged")

    # --- writing, once every row passed ----------------------------------------------------------------

    def _write(self) -> None:
        new = [pending for pending in self._pending.values() if pending.allegation is not None]
        with transaction.atomic():
            self.created = Allegation.objects.bulk_create([pending.allegation for pending in new])
            sources = [source for pending in self._pending.values() for source in pending.sources]
            AllegationSource.objects.bulk_create(sources)
            self.sources_added = len(sources)
            reason = f"Imported from “{self.file_name}”." if self.file_name else "Imported."
            AllegationStatusChange.objects.bulk_create([
                AllegationStatusChange(
                    allegation=pending.allegation, from_status="", to_status=pending.status, by=self.user,
                    role=self._rights_in(pending.person.recipient.country)[2], reason=reason, at=self.started_at,
                )
                for pending in new
            ])

    def after_rows(self) -> dict:
        """The register's alerts hear of every allegation imported in a status other than reported, as they
        hear of a change made on the person's page (an allegation against a current commander substantiated)."""
        for allegation in self.created:
            if allegation.status != AllegationStatus.REPORTED:
                allegation_status_changed.send(
                    sender=Allegation, allegation=allegation, from_status="", to_status=allegation.status,
                    by=self.user,
                )
        return {"allegations_recorded": len(self.created), "sources_added": self.sources_added}


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


IMPORTERS: dict[str, type[Importer]] = {
    RecipientsImporter.kind: RecipientsImporter,
    PersonsImporter.kind: PersonsImporter,
    IncidentsImporter.kind: IncidentsImporter,
    AllegationsImporter.kind: AllegationsImporter,
}

# What a project manager may write in the choice columns, shown on the upload page.
ACCEPTED_VALUES = {
    "recipients": [("Category", RecipientCategory.choices), ("Level", RecipientLevel.choices)],
    "persons": [],
    "incidents": [
        ("Categories", ViolationCategory.choices),
        ("Channel", Channel.choices),
        ("Source reliability", SourceReliability.choices),
        ("Information credibility", InformationCredibility.choices),
        ("Verification status", VerificationStatus.choices),
    ],
    "allegations": [
        ("Category", AllegationCategory.choices),
        ("Status", AllegationStatus.choices),
        ("Source reliability", SourceReliability.choices),
        ("Information credibility", InformationCredibility.choices),
    ],
}
