"""Recipients of support: non-UN security forces, their units and people."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


class RecipientCategory(models.TextChoices):
    # P¶7 and the toolkit's definitions (T/Action 1).
    MILITARY = "military", "National or regional military"
    PARAMILITARY = "paramilitary", "Paramilitary"
    POLICE = "police", "Police"
    INTELLIGENCE = "intelligence", "Intelligence services"
    BORDER_CUSTOMS = "border_customs", "Border control and customs"
    COAST_GUARD = "coast_guard", "Coast guard and port security"
    DETENTION = "detention", "Forces in charge of detention centres"
    CYBERSECURITY = "cybersecurity", "Cybersecurity"
    AUTHORITY = "authority", "Authority directly responsible for such forces (e.g. a ministry)"
    REGIONAL_PEACEKEEPING = "regional_peacekeeping", "Peacekeeping forces of a regional organisation"
    PRIVATE_SECURITY = "private_security", "Private security company under state direction"
    NON_STATE_ARMED_GROUP = "non_state_armed_group", "Non-state armed group"


class RecipientLevel(models.TextChoices):
    FORCE = "force", "Force"
    COMMAND = "command", "Command"
    UNIT = "unit", "Unit"


# What each level's parent must be: a force stands alone, a command belongs to
# a force, a unit to a command (or directly to a force).
_PARENT_LEVELS = {
    RecipientLevel.FORCE: (),
    RecipientLevel.COMMAND: (RecipientLevel.FORCE,),
    RecipientLevel.UNIT: (RecipientLevel.FORCE, RecipientLevel.COMMAND),
}


class Recipient(models.Model):
    """A non-UN security force, or one of its commands or units."""

    name = models.CharField(max_length=200)
    country = models.CharField(max_length=100)
    category = models.CharField(max_length=32, choices=RecipientCategory.choices)
    level = models.CharField(max_length=16, choices=RecipientLevel.choices, default=RecipientLevel.FORCE)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        ordering = ["country", "name"]
        constraints = [
            models.UniqueConstraint(fields=["country", "parent", "name"], name="recipient_unique_name"),
            models.CheckConstraint(
                condition=Q(level=RecipientLevel.FORCE, parent__isnull=True) | ~Q(level=RecipientLevel.FORCE),
                name="recipient_force_has_no_parent",
            ),
        ]

    def __str__(self):
        return " › ".join(r.name for r in self.lineage())

    def clean(self):
        allowed = _PARENT_LEVELS[RecipientLevel(self.level)]
        if self.parent is None and allowed:
            raise ValidationError({"parent": f"A {self.get_level_display().lower()} belongs to a force or command."})
        if self.parent is not None:
            if self.parent.level not in allowed:
                raise ValidationError({"parent": f"A {self.get_level_display().lower()} cannot sit under a {self.parent.get_level_display().lower()}."})
            if self.parent.country != self.country:
                raise ValidationError({"parent": "A unit is in the same country as its force."})

    def lineage(self):
        """This recipient and its ancestors, force first (at most three levels)."""
        chain, node = [], self
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    def commanders_on(self, day: date):
        """The persons holding a command position over this unit on a given day."""
        return PersonOfInterest.objects.filter(
            command_periods__unit=self,
            command_periods__start_date__lte=day,
        ).filter(Q(command_periods__end_date__isnull=True) | Q(command_periods__end_date__gte=day)).distinct()


def in_subtree(recipient: "Recipient", path: str = "") -> Q:
    """Whatever sits at `path` ("" for recipients themselves, "recipient" for an incident or a person...) being
    `recipient` or one of its commands or units below it (the tree has three levels at most)."""
    prefix = f"{path}__" if path else ""
    return (
        Q(**{f"{prefix}pk": recipient.pk})
        | Q(**{f"{prefix}parent_id": recipient.pk})
        | Q(**{f"{prefix}parent__parent_id": recipient.pk})
    )


def persons_of_force(recipient: "Recipient"):
    """The persons of interest of the recipient's whole force (any command or unit of it), A–Z."""
    force = recipient.lineage()[0]
    return (
        PersonOfInterest.objects.filter(in_subtree(force, "recipient")).select_related("recipient")
        .order_by("full_name", "pk")
    )


class PersonOfInterest(models.Model):
    """An individual in a recipient force, e.g. a commander (P¶12(a)(iii), P¶19)."""

    full_name = models.CharField(max_length=200)
    rank = models.CharField(max_length=100, blank=True)
    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="persons_of_interest")
    # What tells two people of the same name apart (T/Action 5 §6); no photographs.
    birth_date = models.DateField("Date of birth", null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        "Year of birth", null=True, blank=True, help_text="When only the year is known; filled from the date otherwise."
    )
    service_number = models.CharField(max_length=100, blank=True)
    identifiers = models.TextField(
        "Other identifiers", blank=True,
        help_text="Other photo-free identifiers, e.g. a national identity number or a father's name.",
    )

    class Meta:
        ordering = ["full_name"]
        verbose_name_plural = "persons of interest"

    def __str__(self):
        return f"{self.rank} {self.full_name}".strip()

    def clean(self):
        if self.birth_date is not None:
            if self.birth_year is not None and self.birth_year != self.birth_date.year:
                raise ValidationError({"birth_year": "The year of birth differs from the date of birth."})
            self.birth_year = self.birth_date.year
        if self.birth_year is not None and not 1900 <= self.birth_year <= date.today().year:
            raise ValidationError({"birth_year": f"Give a year between 1900 and {date.today().year}."})


class CommandPeriod(models.Model):
    """Who held which position over which unit, and when."""

    person = models.ForeignKey(PersonOfInterest, on_delete=models.CASCADE, related_name="command_periods")
    unit = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="command_periods")
    position = models.CharField(max_length=200, help_text="e.g. Commander of Esse Province")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="Empty while the position is held.")

    class Meta:
        ordering = ["unit", "-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="command_period_ends_after_start",
            ),
        ]

    def __str__(self):
        until = self.end_date.isoformat() if self.end_date else "now"
        return f"{self.person} — {self.position} ({self.start_date.isoformat()} to {until})"

    def clean(self):
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "A command period cannot end before it starts."})
        if self.person_id and self.unit_id and self.start_date:
            overlapping = CommandPeriod.objects.filter(person_id=self.person_id, unit_id=self.unit_id).exclude(pk=self.pk)
            overlapping = overlapping.filter(Q(end_date__isnull=True) | Q(end_date__gte=self.start_date))
            if self.end_date:
                overlapping = overlapping.filter(start_date__lte=self.end_date)
            if overlapping.exists():
                raise ValidationError("This person already holds a position over this unit in that period.")


class GovernmentFocalPoint(models.Model):
    """The national authority's focal point and the office's counterpart (T/Action 2a, T/Box 7)."""

    office = models.ForeignKey("hrddp.Office", on_delete=models.PROTECT, related_name="focal_points")
    full_name = models.CharField(max_length=200)
    title = models.CharField(max_length=200, help_text="e.g. Commander of Esse Province")
    authority = models.CharField(max_length=200, help_text="The national authority they speak for.")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=50, blank=True)
    office_counterpart = models.ForeignKey(
        "hrddp.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="The office's counterpart for this focal point.",
    )

    class Meta:
        ordering = ["full_name"]

    def __str__(self):
        return f"{self.full_name}, {self.title}"
