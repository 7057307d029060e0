"""Writes to the register's persons of interest and to the accountability record: each checks that the user
records in the country concerned, checks the values (all problems at once), changes the records and writes
the audit entry in one transaction. The register's audit entries belong to no engagement: `details` names the
person, the allegation or the incident.

    person_save(by=pm, recipient=unit, full_name="Idris Valemo", rank="Colonel", birth_date=None,
                birth_year=1971, service_number="DP-4471", identifiers="", aliases=["Идрис Валемо"])
    accountability_step_record(by=pm, allegation=allegation, kind="investigation_opened",
                               taken_on=date(2026, 3, 3), description="", source="Ministry letter of 5 March")
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from hrddp import access
from hrddp.models import AuditAction, CommandPeriod, PersonOfInterest, Recipient, User
from hrddp.services import audit_record
from monitoring.models import Incident
from register.models import AccountabilityStep, AccountabilityStepKind, Allegation, PersonAlias
from register.person_selectors import long_date

# The person's own fields person_save writes, with the words an audit entry uses for them.
PERSON_FIELDS = {
    "full_name": "full name", "rank": "rank", "recipient": "force, command or unit", "birth_date": "date of birth",
    "birth_year": "year of birth", "service_number": "service number", "identifiers": "other identifiers",
}
_ALIAS_NAME_MAX = PersonAlias._meta.get_field("name").max_length
_ALIAS_NOTE_MAX = PersonAlias._meta.get_field("note").max_length


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def aliases_cleaned(aliases, *, full_name: str = "") -> tuple[list[tuple[str, str]], list[str]]:
    """The aliases as (name, note) pairs, each name once (case and spacing aside) and not the full name itself,
    and the problems found. Each alias is a name, or {"name": ..., "note": ...}."""
    pairs: dict[str, tuple[str, str]] = {}
    problems = []
    skip = _folded(full_name or "")
    for alias in aliases or []:
        if isinstance(alias, dict):
            name, note = str(alias.get("name") or ""), str(alias.get("note") or "")
        else:
            name, note = str(alias or ""), ""
        name, note = " ".join(name.split()), " ".join(note.split())
        if not name:
            if note:
                problems.append(f"The note “{note[:40]}” has no name to go with.")
            continue
        if len(name) > _ALIAS_NAME_MAX:
            problems.append(f"Keep each name to {_ALIAS_NAME_MAX} characters (“{name[:40]}…” has {len(name)}).")
            continue
        if len(note) > _ALIAS_NOTE_MAX:
            problems.append(f"Keep each note to {_ALIAS_NOTE_MAX} characters (the note of “{name[:40]}”).")
            continue
        key = _folded(name)
        if key == skip:
            continue  # the full name is not an alias of itself
        if key not in pairs or (note and not pairs[key][1]):
            pairs[key] = (name, note)
    return list(pairs.values()), problems


def _shown(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, Recipient):
        return " › ".join(r.name for r in value.lineage())
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@transaction.atomic
def person_save(
    *, by: User, person: PersonOfInterest | None = None, recipient: Recipient, full_name: str, rank: str = "",
    birth_date: date | None = None, birth_year: int | None = None, service_number: str = "", identifiers: str = "",
    aliases: list | None = None,
) -> PersonOfInterest:
    """Record a new person of interest under `recipient`, or change `person`: their names (the aliases given
    replace those recorded), what tells them apart, and the force, command or unit they belong to.

    The year of birth is filled from the date when only the date is given (PersonOfInterest.clean)."""
    access.require_record_in_register(by, recipient.country)
    before: dict = {}
    if person is not None:
        person = PersonOfInterest.objects.select_for_update(of=("self",)).select_related("recipient").get(pk=person.pk)
        access.require_record_in_register(by, person.recipient.country)
        before = {name: getattr(person, name) for name in PERSON_FIELDS}
        if (
            birth_date is not None and person.birth_date is not None and birth_date != person.birth_date
            and birth_year in (None, person.birth_date.year)
        ):
            birth_year = None  # a new date of birth brings its own year (the form still shows the old one)
    else:
        person = PersonOfInterest()
    person.recipient = recipient
    person.full_name = " ".join((full_name or "").split())
    person.rank = " ".join((rank or "").split())
    person.birth_date = birth_date
    person.birth_year = birth_year
    person.service_number = (service_number or "").strip()
    person.identifiers = (identifiers or "").strip()

    errors: dict[str, list[str]] = {}
    if not person.full_name:
        errors["full_name"] = ["Give the person's full name, as it is usually written."]
    try:
        person.full_clean(exclude=[name for name in ("full_name",) if name in errors])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(m for m in messages if m not in errors.get(name, []))
    pairs, alias_problems = aliases_cleaned(aliases, full_name=person.full_name)
    if alias_problems:
        errors["aliases"] = alias_problems
    if errors:
        raise ValidationError(errors)

    created = person.pk is None
    changed = [
        name for name in PERSON_FIELDS
        if (getattr(person, name) not in (None, "") if created else getattr(person, name) != before[name])
    ]
    recorded = {} if created else {alias.name: alias for alias in person.aliases.all()}
    wanted = dict(pairs)
    removed = [name for name in recorded if name not in wanted]
    added = [name for name in wanted if name not in recorded]
    renoted = [name for name in wanted if name in recorded and recorded[name].note != wanted[name]]
    if not created and not (changed or removed or added or renoted):
        return person  # nothing changed: nothing written, nothing to audit

    person.save()
    for name in removed:
        recorded[name].delete()
    for name in renoted:
        recorded[name].note = wanted[name]
        recorded[name].save(update_fields=["note"])
    for name in added:
        PersonAlias.objects.create(person=person, name=name, note=wanted[name])

    details = {
        "person": person.pk, "person_name": str(person), "recipient": person.recipient_id, "created": created,
        "changed": {
            name: {"from": "" if created else _shown(before[name]), "to": _shown(getattr(person, name))}
            for name in changed
        },
        "aliases_added": added, "aliases_removed": removed, "aliases_renoted": renoted,
    }
    what = [PERSON_FIELDS[name] for name in changed]
    if added or removed or renoted:
        what.append("other names")
    if created:
        justification = f"Recorded {person} as a person of interest of {_shown(person.recipient)}."
    else:
        justification = f"Changed {person}: {', '.join(what)}."
    audit_record(engagement=None, actor=by, action=AuditAction.SAVE_PERSON, justification=justification,
                 details=details)
    return person


# --- The accountability record --------------------------------------------------------------------------


def _subject_problems(allegation, incident) -> None:
    if (allegation is None) == (incident is None):
        raise ValidationError("A step of the authorities is about one allegation or one incident, not both or neither.")


@transaction.atomic
def accountability_step_record(
    *, by: User, allegation: Allegation | None = None, incident: Incident | None = None, kind: str,
    taken_on: date | None = None, description: str = "", source: str,
) -> AccountabilityStep:
    """Record a step the national authorities took, or did not take, on one allegation or one incident
    (P¶12(b)(ii), P¶14(b)-(c)): an investigation opened, a prosecution, disciplinary or remedial action, a
    conviction, or none, with its date and where it is known from."""
    _subject_problems(allegation, incident)
    if allegation is not None:
        allegation = Allegation.objects.select_related("person__recipient").get(pk=allegation.pk)
        country, since = allegation.person.recipient.country, allegation.occurred_on
    else:
        incident = Incident.objects.select_related("recipient").get(pk=incident.pk)
        country, since = incident.recipient.country, incident.occurred_on
    access.require_record_in_register(by, country)
    description, source = (description or "").strip(), (source or "").strip()
    errors: dict[str, str] = {}
    if kind not in AccountabilityStepKind.values:
        errors["kind"] = "Choose what the authorities did (or that they took no step)."
    if not source:
        errors["source"] = "Say where this is known from, e.g. “Letter of the Ministry of Justice, 5 March 2026”."
    elif len(source) > AccountabilityStep._meta.get_field("source").max_length:
        errors["source"] = f"Keep the source to {AccountabilityStep._meta.get_field('source').max_length} characters."
    if taken_on is not None:
        if taken_on > timezone.localdate():
            errors["taken_on"] = "The date is in the future."
        elif since is not None and taken_on < since:
            errors["taken_on"] = f"The step is dated before the events it is about ({long_date(since)})."
    if len(description) > 20000:
        errors["description"] = "Keep the description to 20,000 characters."
    if errors:
        raise ValidationError(errors)
    step = AccountabilityStep.objects.create(
        allegation=allegation, incident=incident, kind=kind, taken_on=taken_on, description=description,
        source=source, recorded_by=by,
    )
    label = AccountabilityStepKind(kind).label
    when = f" on {long_date(taken_on)}" if taken_on else ""
    if allegation is not None:
        about = f"the allegation against {allegation.person}"
        details = {
            "allegation": allegation.pk, "person": allegation.person_id, "person_name": str(allegation.person),
            "recipient": allegation.person.recipient_id,
        }
    else:
        about = f"the incident of {long_date(incident.occurred_on)} about {incident.recipient.name}"
        details = {"incident": incident.pk, "engagement": incident.engagement_id, "recipient": incident.recipient_id}
    audit_record(
        engagement=None, actor=by, action=AuditAction.RECORD_ACCOUNTABILITY_STEP,
        justification=f"{label}{when}, on {about} (source: {source}).",
        details={**details, "step": step.pk, "kind": kind, "taken_on": taken_on.isoformat() if taken_on else None},
    )
    return step



@transaction.atomic
def command_period_record(
    *, by: User, person: PersonOfInterest, unit: Recipient, position: str, start_date: date | None,
    end_date: date | None = None,
) -> CommandPeriod:
    """Record that the person holds (or held) a position over a unit of their country. A flagged person taking
    command of a supported unit alerts every supporting engagement (register.alerts, on the period's save)."""
    person = PersonOfInterest.objects.select_related("recipient").get(pk=person.pk)
    country = person.recipient.country
    access.require_record_in_register(by, country)
    errors: dict[str, str] = {}
    position = (position or "").strip()
    if not position:
        errors["position"] = "Name the position, e.g. “Commander of Esse Province”."
    if unit is None:
        errors["unit"] = "Choose the unit the position is over."
    elif unit.country != country:
        errors["unit"] = f"Choose a unit of {country}, the person's country."
    if start_date is None:
        errors["start_date"] = "Give the date the position was taken up."
    elif start_date > timezone.localdate():
        errors["start_date"] = "The date is in the future: record the period once it has started."
    if errors:
        raise ValidationError(errors)
    period = CommandPeriod(person=person, unit=unit, position=position, start_date=start_date, end_date=end_date)
    period.full_clean()
    period.save()
    until = f" to {long_date(end_date)}" if end_date else ", holding it now"
    audit_record(
        engagement=None, actor=by, action=AuditAction.SAVE_PERSON,
        justification=f"{person}: {position} over {unit.name} from {long_date(start_date)}{until}.",
        details={
            "person": person.pk, "person_name": str(person), "command_period": period.pk, "unit": unit.pk,
            "start_date": start_date.isoformat(), "end_date": end_date.isoformat() if end_date else None,
        },
    )
    return period
