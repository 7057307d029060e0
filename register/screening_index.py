"""The name index of a country's persons of interest, built once and kept, for screening lists of names.

    index = index_for("Darvonia")       # a CountryIndex: .names (register.matching.NameIndex), .persons, .version
    index.names.match("LEFEVRE, Etienne", birth_year=1971)
    bump("Darvonia")                     # the persons or their names changed: every process rebuilds

What the index holds: each person of interest of the country (the recipients whose `country` it is) under their
full name and every alias, with their year of birth (the date's year when only the date is known), keyed by the
person's id; `persons` gives each id's full name and recipient. It does not hold what is alleged against them
or whether they are excluded: the screening reads that afresh each time (two queries), so an allegation
substantiated a minute ago counts, and a change of status does not throw a 50,000-person index away.

Where it is kept: in the memory of the process (the last few countries screened), under the version it was
built from. Building it for 50,000 persons takes one to a few seconds; pickling it for the Django cache and
reading it back costs about as much (17 MB), and the default cache is each process's own memory anyway.

The version is shared through the database (register.models.NameIndexVersion), not the cache: with the
default local-memory cache each gunicorn or Celery worker has its own, and a person added through one must
reach the screenings of all. It is a random token, changed in the writer's own transaction by the signals
connected in `attach` (post_save and post_delete of PersonOfInterest and PersonAlias; a person or recipient
moved to another country changes both countries'), and by `bump` after writes that send no signal (an import
of persons or recipients: imports.services calls it). A screening reads the token first, then (only when the
token differs from the kept index's) the persons: an index is never older than the token it is kept under.

Building takes three queries whatever the number of persons: the version, the persons, their aliases.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from hrddp.models import PersonOfInterest, Recipient
from register.matching import NameIndex
from register.models import NameIndexVersion, PersonAlias

# How many countries' indexes a process keeps (about 140 MB for 50,000 persons, much less for most countries).
KEEP = 4


@dataclass(frozen=True)
class IndexedPerson:
    full_name: str
    recipient_id: int
    birth_year: int | None


@dataclass(frozen=True)
class CountryIndex:
    country: str
    version: str
    names: NameIndex
    persons: dict[int, IndexedPerson]


_kept: OrderedDict[str, CountryIndex] = OrderedDict()
# One build at a time: two screenings of a country arriving together build its index once.
_building = threading.Lock()


def current_version(country: str) -> str:
    """The country's version token; one is made when the country has none yet (a fresh database, or one
    filled without signals), so that an index is always kept under a token of this database."""
    version = NameIndexVersion.objects.filter(country=country).values_list("version", flat=True).first()
    return version if version is not None else bump(country)


def bump(*countries: str) -> str:
    """Give each country a new version token, so that every process builds its index again when next asked.
    In the caller's transaction: rolled back with it. Returns the last token made."""
    token = ""
    for country in dict.fromkeys(c for c in countries if c):
        token = uuid.uuid4().hex
        if NameIndexVersion.objects.filter(country=country).update(version=token, changed_at=timezone.now()):
            continue
        try:
            with transaction.atomic():  # a savepoint: another writer may have made the row meanwhile
                NameIndexVersion.objects.create(country=country, version=token)
        except IntegrityError:
            NameIndexVersion.objects.filter(country=country).update(version=token, changed_at=timezone.now())
    return token


def bump_all() -> None:
    """Every country's index is built again when next asked (after a bulk change of persons across countries)."""
    countries = set(Recipient.objects.values_list("country", flat=True).distinct())
    countries |= set(NameIndexVersion.objects.values_list("country", flat=True))
    bump(*sorted(countries))


def index_for(country: str) -> CountryIndex:
    """The country's index: the one kept when it was built under the current version, else built now."""
    version = current_version(country)
    with _building:
        kept = _kept.get(country)
        if kept is not None and kept.version == version:
            _kept.move_to_end(country)
            return kept
        built = build(country, version)
        _kept[country] = built
        _kept.move_to_end(country)
        while len(_kept) > KEEP:
            _kept.popitem(last=False)
        return built


def build(country: str, version: str = "") -> CountryIndex:
    """Build the country's index from the database: two queries (the persons, their aliases)."""
    rows = PersonOfInterest.objects.filter(recipient__country=country).order_by("pk").values_list(
        "pk", "full_name", "birth_year", "birth_date", "recipient_id"
    )
    persons: dict[int, IndexedPerson] = {}
    names: dict[int, list[str]] = {}
    for pk, full_name, birth_year, birth_date, recipient_id in rows.iterator(chunk_size=5000):
        year = birth_year or (birth_date.year if birth_date else None)
        persons[pk] = IndexedPerson(full_name=full_name, recipient_id=recipient_id, birth_year=year)
        names[pk] = [full_name]
    aliases = PersonAlias.objects.filter(person__recipient__country=country).order_by("person_id", "pk")
    for person_id, name in aliases.values_list("person_id", "name").iterator(chunk_size=5000):
        if person_id in names:
            names[person_id].append(name)
    index = NameIndex((pk, names[pk], person.birth_year) for pk, person in persons.items())
    return CountryIndex(country=country, version=version, names=index, persons=persons)


def forget_kept() -> None:
    """Drop the indexes this process keeps (the tests start each from the database)."""
    with _building:
        _kept.clear()


# --- Keeping the version in step -----------------------------------------------------------------------


def _country_of_recipient(recipient_id) -> str | None:
    if recipient_id is None:
        return None
    return Recipient.objects.filter(pk=recipient_id).values_list("country", flat=True).first()


def _country_of_person(person_id) -> str | None:
    if person_id is None:
        return None
    return PersonOfInterest.objects.filter(pk=person_id).values_list("recipient__country", flat=True).first()


def _person_before_save(sender, instance: PersonOfInterest, raw=False, **kwargs):
    # A person moved to a recipient of another country leaves the first country's index too.
    instance._name_index_country_before = None
    if not raw and instance.pk is not None:
        instance._name_index_country_before = _country_of_person(instance.pk)


def _person_saved(sender, instance: PersonOfInterest, raw=False, **kwargs):
    if raw:
        return
    bump(getattr(instance, "_name_index_country_before", None) or "", _country_of_recipient(instance.recipient_id) or "")


def _person_deleted(sender, instance: PersonOfInterest, **kwargs):
    bump(_country_of_recipient(instance.recipient_id) or "")


def _alias_changed(sender, instance: PersonAlias, raw=False, **kwargs):
    if raw:
        return
    bump(_country_of_person(instance.person_id) or "")


def _recipient_before_save(sender, instance: Recipient, raw=False, **kwargs):
    instance._name_index_country_before = None
    if not raw and instance.pk is not None:
        instance._name_index_country_before = _country_of_recipient(instance.pk)


def _recipient_saved(sender, instance: Recipient, created=False, raw=False, **kwargs):
    # Only a recipient that changes country moves persons from one index to another; a new one holds none yet.
    before = getattr(instance, "_name_index_country_before", None)
    if not raw and not created and before is not None and before != instance.country:
        bump(before, instance.country)


def attach(app_label: str) -> None:
    """Called once from RegisterConfig.ready(): the signals that change a country's version."""
    uid = f"{app_label}.screening_index"
    pre_save.connect(_person_before_save, sender=PersonOfInterest, dispatch_uid=f"{uid}.person_pre_save")
    post_save.connect(_person_saved, sender=PersonOfInterest, dispatch_uid=f"{uid}.person_save")
    post_delete.connect(_person_deleted, sender=PersonOfInterest, dispatch_uid=f"{uid}.person_delete")
    post_save.connect(_alias_changed, sender=PersonAlias, dispatch_uid=f"{uid}.alias_save")
    post_delete.connect(_alias_changed, sender=PersonAlias, dispatch_uid=f"{uid}.alias_delete")
    pre_save.connect(_recipient_before_save, sender=Recipient, dispatch_uid=f"{uid}.recipient_pre_save")
    post_save.connect(_recipient_saved, sender=Recipient, dispatch_uid=f"{uid}.recipient_save")
