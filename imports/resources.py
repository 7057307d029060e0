"""The django-import-export resources of the recipients, persons and incidents imports, on the library's bulk path.

Bulk mode skips per-row saves and signals, so each resource checks its rows here, in memory,
with the model's own rules where it has them (Recipient.clean) and the services' words where
they exist (monitoring.incident_rules.incident_problems). A resource never writes while any row of
its import has failed: the whole import is refused then.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from import_export import fields, resources

from hrddp.models import CommandPeriod, PersonOfInterest, Recipient, RecipientCategory, RecipientLevel
from imports import widgets
from imports.directory import folded, path_of
from monitoring.incident_rules import PUBLIC_FIELDS, incident_problems
from monitoring.models import (
    Channel,
    Incident,
    InformationCredibility,
    SourceReliability,
    VerificationStatus,
    ViolationCategory,
)
from register.person_services import aliases_cleaned

ROW = "__row"  # the hidden column holding each row's number in the spreadsheet


class ImportResource(resources.ModelResource):
    """Rows are checked one by one and written in batches; the import (`importer`) keeps what they found."""

    # The fields a row may change on a record that exists already.
    update_fields: tuple[str, ...] = ()

    class Meta:
        use_bulk = True
        skip_diff = True
        batch_size = 1000
        store_instance = True
        import_id_fields = []
        clean_model_instances = False

    def __init__(self, importer):
        super().__init__()
        self.importer = importer
        for field in self.fields.values():
            if isinstance(field.widget, widgets.BoundWidget):
                field.widget.bind(importer)
        self._new = True
        self._before: dict = {}

    # --- identity --------------------------------------------------------------------

    def get_instance(self, instance_loader, row):
        try:
            return self.existing(row)
        except ValueError:
            return None  # what the row names cannot be found: its fields say why

    def existing(self, row):
        return None

    def init_instance(self, row=None):
        return self._meta.model()

    def after_init_instance(self, instance, new, row, **kwargs):
        self._new = new
        self._before = {name: getattr(instance, name) for name in self.update_fields}

    # --- checking ------------------------------------------------------------------

    def import_instance(self, instance, row, **kwargs):
        problems: dict[str, list[str]] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                problems.setdefault(name, []).extend(messages)
        self.check(instance, row, problems)
        if problems:
            raise ValidationError(problems)

    def check(self, instance, row, problems: dict[str, list[str]]) -> None:
        """Add what is wrong with the row (by field name) to `problems`."""

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors:
            return False
        # Unchanged records are not written again.
        return not self._new and all(getattr(instance, name) == self._before[name] for name in self.update_fields)

    def import_row(self, row, instance_loader, **kwargs):
        row_result = super().import_row(row, instance_loader, **kwargs)
        self.importer.record(self, row, row_result)
        return row_result

    def describe(self, instance, row) -> str:
        """What the row is, for the dry-run table."""
        return ""

    def describe_row(self, row) -> str:
        """What a row that failed its checks names, from its cells."""
        return ""

    # --- writing -----------------------------------------------------------------------

    def _writes(self) -> bool:
        return self.importer.persist and not self.importer.has_errors

    def get_bulk_update_fields(self):
        return list(self.update_fields)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if not self.create_instances:
            return
        if not self._writes():
            self.create_instances.clear()
            return
        # A savepoint: a refused insert must not leave the import's transaction unusable.
        with transaction.atomic():
            super().bulk_create(using_transactions, dry_run, True, batch_size=batch_size, result=result)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if not self.update_instances:
            return
        if not self._writes():
            self.update_instances.clear()
            return
        with transaction.atomic():
            super().bulk_update(using_transactions, dry_run, True, batch_size=batch_size, result=result)

    def after_import(self, dataset, result, **kwargs):
        # No sequence reset: primary keys never come from the file.
        pass


def _add(problems: dict, name: str, message: str) -> None:
    problems.setdefault(name, []).append(message)


def _related(instance, name: str):
    """A foreign key's object as the row set it, or None (never a query)."""
    return instance._meta.get_field(name).get_cached_value(instance, None)


# --- Recipients ----------------------------------------------------------------------------


class RecipientResource(ImportResource):
    name = fields.Field("name", "name", widgets.TextWidget(max_length=200))
    country = fields.Field("country", "country", widgets.CountryWidget())
    category = fields.Field("category", "category", widgets.ChoiceWidget(RecipientCategory, noun="recipient category"))
    level = fields.Field(
        "level", "level",
        widgets.ChoiceWidget(RecipientLevel, noun="level", required="Give the level: force, command or unit."),
    )
    parent = fields.Field("parent", "parent", widgets.ParentWidget())

    update_fields = ("category", "level")

    class Meta(ImportResource.Meta):
        model = Recipient
        fields = ("name", "country", "category", "level", "parent")

    def existing(self, row):
        country = self.importer.countries.get(folded(widgets.as_text(row["country"])))
        name = widgets.as_text(row["name"])
        if country is None or not name:
            return None
        parent_text = widgets.as_text(row["parent"])
        parent = self.importer.find_parent(parent_text, country=country, row=row) if parent_text else None
        return self.importer.directory.get(country=country, parent=parent, name=name)

    def check(self, instance, row, problems):
        if "name" not in problems and not instance.name:
            _add(problems, "name", "Give the name of the force, command or unit.")
        hierarchy_known = not {"country", "level", "parent"} & problems.keys()
        if hierarchy_known:
            try:
                instance.clean()  # the model's rules: which level sits under which, one country per force
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    problems.setdefault(name if name != NON_FIELD_ERRORS else "parent", []).extend(messages)
        if not {"category", "level"} & problems.keys() and not instance.category:
            if not self._new:
                instance.category = self._before["category"]  # an empty cell keeps what is recorded
            elif instance.parent is not None and "parent" not in problems:
                instance.category = instance.parent.category  # a command or unit is of its force's kind
            elif instance.level == RecipientLevel.FORCE and "parent" not in problems:
                _add(problems, "category", "Give the category of the force, e.g. Police.")
        if not self._new and "level" not in problems and instance.level != self._before["level"]:
            for child in self.importer.directory.children_of(instance):
                try:
                    child.clean()
                except ValidationError:
                    _add(
                        problems, "level",
                        f"{child.name} ({child.get_level_display().lower()}) is recorded under it and cannot sit "
                        f"under a {instance.get_level_display().lower()}.",
                    )
                    break
        if hierarchy_known and "name" not in problems:
            key = (folded(instance.country), id(instance.parent) if instance.parent else None, folded(instance.name))
            first = self.importer.seen.setdefault(key, row[ROW])
            if first != row[ROW]:
                _add(problems, NON_FIELD_ERRORS, f"Row {first} already gives this recipient.")

    def describe_row(self, row):
        name, parent = widgets.as_text(row["name"]), widgets.as_text(row["parent"])
        return f"{parent} › {name}" if parent and name else name

    def describe(self, instance, row):
        if instance.name and instance.parent is not None:
            return f"{path_of(instance.parent)} › {instance.name}"
        return instance.name or widgets.as_text(row["name"])


# --- Persons of interest and their command periods ---------------------------------------


class PersonResource(ImportResource):
    full_name = fields.Field("full_name", "full_name", widgets.TextWidget(max_length=200))
    rank = fields.Field("rank", "rank", widgets.TextWidget(max_length=100))
    recipient = fields.Field(
        "recipient", "recipient",
        widgets.RecipientPathWidget(required="Give the force, command or unit the person belongs to."),
    )
    birth_date = fields.Field("birth_date", "birth_date", widgets.DateCellWidget())
    birth_year = fields.Field("birth_year", "birth_year", widgets.YearWidget())
    service_number = fields.Field("service_number", "service_number", widgets.TextWidget(max_length=100))
    identifiers = fields.Field("identifiers", "identifiers", widgets.TextWidget(max_length=20000))

    update_fields = ("rank", "birth_date", "birth_year", "service_number", "identifiers")

    class Meta(ImportResource.Meta):
        model = PersonOfInterest
        fields = ("full_name", "rank", "recipient", "birth_date", "birth_year", "service_number", "identifiers")

    def existing(self, row):
        name = widgets.as_text(row["full_name"])
        text = widgets.as_text(row["recipient"])
        if not name or not text:
            return None
        recipient = self.importer.directory.resolve(text, country=None, where=self.importer.where)
        return self.importer.persons.get((folded(name), id(recipient)))

    def after_init_instance(self, instance, new, row, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
        self._first_row = self.importer.person_rows.get(id(instance))

    def check(self, instance, row, problems):
        if "full_name" not in problems and not instance.full_name:
            _add(problems, "full_name", "Give the person's full name.")
        aliases = self._aliases(instance, row, problems)
        if self._first_row is not None:
            # The person's columns repeated on another of their command periods: they must agree.
            for name in self.update_fields:
                given = getattr(instance, name)
                if given and given != self._before[name] and name not in problems:
                    label = self.importer.label_of(name).lower()
                    _add(problems, name, f"Row {self._first_row} gives this person's {label} differently.")
                setattr(instance, name, self._before[name])
            if not problems:
                self.importer.queue_aliases(instance, aliases, row)
            return
        dated = widgets.as_text(row.get("birth_date")) and not widgets.as_text(row.get("birth_year"))
        if not self._new:
            for name in self.update_fields:
                if getattr(instance, name) in (None, ""):
                    setattr(instance, name, self._before[name])  # an empty cell keeps what is recorded
        if dated and "birth_date" not in problems:
            instance.birth_year = None  # a date of birth given alone brings its own year
        if not {"birth_date", "birth_year"} & problems.keys():
            try:
                instance.clean()  # the model's rule: the year agrees with the date, and is filled from it
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    problems.setdefault(name, []).extend(messages)
        recipient = _related(instance, "recipient")
        if instance.full_name and recipient is not None:
            # Later rows of this person (their other command periods) find it here.
            self.importer.persons[(folded(instance.full_name), id(recipient))] = instance
            self.importer.person_rows[id(instance)] = row[ROW]
        if not problems:
            self.importer.queue_aliases(instance, aliases, row)

    def _aliases(self, instance, row, problems) -> list[tuple[str, str]]:
        """The other names the row gives (separated by semicolons or vertical bars), checked as the register
        checks them."""
        names = widgets.split_names(row.get("aliases"))
        pairs, alias_problems = aliases_cleaned(names, full_name=instance.full_name or "")
        for message in alias_problems:
            _add(problems, "aliases", message)
        return pairs

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if not import_validation_errors and self._first_row is not None:
            return True  # given already by an earlier row
        return super().skip_row(instance, original, row, import_validation_errors)

    def describe_row(self, row):
        name, recipient = widgets.as_text(row["full_name"]), widgets.as_text(row["recipient"])
        return f"{name} ({recipient})" if recipient else name

    def describe(self, instance, row):
        recipient = _related(instance, "recipient")
        where = f" ({path_of(recipient)})" if recipient is not None else ""
        return f"{instance.full_name or widgets.as_text(row['full_name'])}{where}"


class CommandPeriodResource(ImportResource):
    person = fields.Field("person", ROW, widgets.PersonOfRowWidget())
    unit = fields.Field("unit", "unit", widgets.UnitWidget())
    position = fields.Field("position", "position", widgets.TextWidget(max_length=200))
    start_date = fields.Field("start_date", "start_date", widgets.DateCellWidget())
    end_date = fields.Field("end_date", "end_date", widgets.DateCellWidget())

    update_fields = ("position", "end_date")

    class Meta(ImportResource.Meta):
        model = CommandPeriod
        fields = ("person", "unit", "position", "start_date", "end_date")

    def existing(self, row):
        person = self.importer.person_of_row(row)
        unit_text = widgets.as_text(row["unit"])
        if person is None or not unit_text:
            return None
        unit = self.importer.directory.resolve(unit_text, country=person.recipient.country, where="")
        start = widgets.DateCellWidget().clean(row["start_date"])
        return self.importer.period_at.get((id(person), id(unit), start))

    def check(self, instance, row, problems):
        person = self.importer.person_of_row(row)
        unit = _related(instance, "unit")
        if "position" not in problems and not instance.position:
            _add(problems, "position", "Give the position, e.g. Commander of Esse Province.")
        if "unit" not in problems and unit is None:
            _add(problems, "unit", "Give the unit the position is over.")
        if "start_date" not in problems and instance.start_date is None:
            _add(problems, "start_date", "Give the date the position was taken up.")
        if problems or person is None:
            return
        if instance.end_date and instance.end_date < instance.start_date:
            _add(problems, "end_date", "A command period cannot end before it starts.")
            return
        first = self.importer.period_rows.get(id(instance))
        if first is not None:
            _add(problems, NON_FIELD_ERRORS, f"Row {first} already gives this command period.")
            return
        # CommandPeriod.clean's rule, against what is recorded and what the rows above give.
        periods = self.importer.periods.setdefault((id(person), id(unit)), [])
        for other, other_row in periods:
            if other is instance or not _overlap(other, instance):
                continue
            held = f"row {other_row}" if other_row else (
                f"recorded: {other.position}, {other.start_date:%Y-%m-%d} to "
                f"{other.end_date.isoformat() if other.end_date else 'now'}"
            )
            _add(
                problems, NON_FIELD_ERRORS,
                f"This person already holds a position over this unit in that period ({held}).",
            )
            return
        if self._new:
            periods.append((instance, row[ROW]))
            self.importer.period_at[(id(person), id(unit), instance.start_date)] = instance
        else:
            periods[:] = [(p, row[ROW] if p is instance else r) for p, r in periods]
        self.importer.period_rows[id(instance)] = row[ROW]

    def describe(self, instance, row):
        unit = _related(instance, "unit")
        until = instance.end_date.isoformat() if instance.end_date else "now"
        start = instance.start_date.isoformat() if instance.start_date else "?"
        return f"{instance.position} over {unit.name if unit else '?'}, {start} to {until}"


def _overlap(a: CommandPeriod, b: CommandPeriod) -> bool:
    return (a.end_date is None or a.end_date >= b.start_date) and (b.end_date is None or b.end_date >= a.start_date)


# --- Incidents -------------------------------------------------------------------------------------


class IncidentResource(ImportResource):
    engagement = fields.Field("engagement", "engagement", widgets.EngagementWidget())
    recipient = fields.Field("recipient", "recipient", widgets.IncidentRecipientWidget())
    occurred_on = fields.Field("occurred_on", "occurred_on", widgets.DateCellWidget())
    place = fields.Field("place", "place", widgets.TextWidget(max_length=Incident._meta.get_field("place").max_length))
    description = fields.Field("description", "description", widgets.TextWidget(max_length=20000))
    categories = fields.Field(
        "categories", "categories", widgets.ChoicesWidget(ViolationCategory, noun="violation category")
    )
    channel = fields.Field("channel", "channel", widgets.ChoiceWidget(Channel, noun="channel"))
    source_reliability = fields.Field(
        "source_reliability", "source_reliability",
        widgets.ChoiceWidget(SourceReliability, noun="reliability grade (A to F)", default=SourceReliability.F),
    )
    information_credibility = fields.Field(
        "information_credibility", "information_credibility",
        widgets.ChoiceWidget(
            InformationCredibility, noun="credibility grade (1 to 6)", default=InformationCredibility.CANNOT_JUDGE
        ),
    )
    verification_status = fields.Field(
        "verification_status", "verification_status",
        widgets.ChoiceWidget(VerificationStatus, noun="verification status", default=VerificationStatus.UNVERIFIED),
    )
    grave_violation = fields.Field("grave_violation", "grave_violation", widgets.YesNoWidget())
    victims = fields.Field("victims", "victims", widgets.TextWidget(max_length=20000))
    witnesses = fields.Field("witnesses", "witnesses", widgets.TextWidget(max_length=20000))
    source_details = fields.Field("source_details", "source_details", widgets.TextWidget(max_length=20000))

    class Meta(ImportResource.Meta):
        model = Incident
        force_init_instance = True  # every row is a new incident
        fields = (
            "engagement", "recipient", "occurred_on", "place", "description", "categories", "channel",
            "source_reliability", "information_credibility", "verification_status", "grave_violation",
            "victims", "witnesses", "source_details",
        )

    def init_instance(self, row=None):
        return Incident(logged_by=self.importer.user, logged_at=self.importer.started_at)

    def check(self, instance, row, problems):
        # The logging service's rules and words. The recipient was checked against the engagement already, and
        # the grading columns hold known choices only (their widgets refuse others): asking again costs per row.
        skip = {"recipient", "source_reliability", "information_credibility", "verification_status"}
        if instance.channel:
            skip.add("channel")
        values = {name: getattr(instance, name) for name in PUBLIC_FIELDS if name not in skip and name not in problems}
        for name, messages in incident_problems(engagement=None, values=values, persons=()).items():
            problems.setdefault(name, []).extend(messages)

    def describe_row(self, row):
        return " · ".join(text for text in map(widgets.as_text, (row["engagement"], row["occurred_on"])) if text)

    def describe(self, instance, row):
        engagement = _related(instance, "engagement")
        recipient = _related(instance, "recipient")
        parts = [
            engagement.reference if engagement else widgets.as_text(row["engagement"]),
            instance.occurred_on.isoformat() if instance.occurred_on else "",
            recipient.name if recipient else "",
        ]
        return " · ".join(part for part in parts if part)


