"""Action 7: intervention cases, letters and exclusions. (The intervention procedure, set before approval, is
mitigation.models.InterventionProcedure.)"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from assessments.models import RiskElement

# The kinds of letter are defined with the approval stage, which reads the notification letter; imported from
# here as well, next to the letters.
from mitigation.models import LetterKind


class LetterIsIssued(Exception):
    """An issued letter is a record sent to an authority: it never changes and is never deleted."""


# What may still be written on an issued letter, once: when and how it was sent.
DISPATCH_FIELDS = ("dispatched_on", "dispatch_channel")


class LetterQuerySet(models.QuerySet):
    def update(self, **kwargs):
        # Bulk updates bypass Letter.save(); refuse them on issued letters.
        if self.filter(issued_at__isnull=False).exists():
            raise LetterIsIssued("Issued letters cannot be changed; record a dispatch or draft a correction.")
        return super().update(**kwargs)

    def delete(self):
        if self.filter(issued_at__isnull=False).exists():
            raise LetterIsIssued("Issued letters cannot be deleted.")
        return super().delete()


class Letter(models.Model):
    """A letter to the recipient authority (P¶16, P¶19, P¶26, P¶27), signed by the Chief of Mission.

    A draft is prepared by the project manager; once the Chief of Mission
    issues it, its PDF is stored with its SHA-256 and nothing of it changes
    again but its dispatch, recorded once. A mistake is put right by a new
    letter that `corrects` the first.
    """

    engagement = models.ForeignKey("hrddp.Engagement", on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(max_length=32, choices=LetterKind.choices)
    language = models.CharField(max_length=2, choices=[("en", "English"), ("fr", "Français")], default="en")
    reference = models.CharField(max_length=60, unique=True)
    addressee = models.TextField(help_text="The recipient authority the letter is addressed to.")
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(
        blank=True,
        help_text="The office's own paragraphs: e.g. the measures required, or the grounds of the intercession.",
    )
    signatory = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections",
        help_text="The issued letter this one corrects and replaces.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    letter_date = models.DateField(null=True, blank=True, help_text="The date printed on the letter, set at issue.")
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pdf = models.FileField(upload_to="letters/%Y/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    dispatched_on = models.DateField(null=True, blank=True)
    dispatch_channel = models.CharField(max_length=100, blank=True)

    objects = LetterQuerySet.as_manager()

    class Meta:
        ordering = ["engagement", "-pk"]

    def __str__(self):
        return f"{self.reference} — {self.get_kind_display()}"

    @property
    def is_issued(self) -> bool:
        return self.issued_at is not None

    @property
    def is_dispatched(self) -> bool:
        return self.dispatched_on is not None

    def save(self, *args, **kwargs):
        if self.pk is not None:
            self._refuse_changes_to_an_issued_letter()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.issued_at is not None or (
            self.pk is not None and Letter.objects.filter(pk=self.pk, issued_at__isnull=False).exists()
        ):
            raise LetterIsIssued("Issued letters cannot be deleted.")
        return super().delete(*args, **kwargs)

    def _refuse_changes_to_an_issued_letter(self) -> None:
        fields = [f for f in self._meta.concrete_fields if not f.primary_key]
        stored = Letter.objects.filter(pk=self.pk).values(*(f.attname for f in fields)).first()
        if stored is None or stored["issued_at"] is None:
            return  # a draft, or a letter being issued now
        changed = []
        for field in fields:
            new = field.get_prep_value(field.value_from_object(self))
            old = field.get_prep_value(stored[field.attname])
            if new == old:
                continue
            if field.attname in DISPATCH_FIELDS and old in (None, "") and new not in (None, ""):
                # The dispatch is recorded once, after issue.
                if all(stored[name] in (None, "") for name in DISPATCH_FIELDS):
                    continue
            changed.append(field.name)
        if changed:
            raise LetterIsIssued(
                f"Letter {stored['reference']} was issued and cannot be changed "
                f"({', '.join(changed)}); draft a correction instead."
            )


class LetterSequence(models.Model):
    """The last letter number an office used in a year: references run without gaps."""

    office = models.ForeignKey("hrddp.Office", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office", "year"], name="letter_sequence_unique_per_office_year")]

    def __str__(self):
        return f"{self.office} {self.year}: {self.last_number}"


class InterventionCase(models.Model):
    """One intercession: from violations detected to Result A or B (T/Box 7)."""

    engagement = models.ForeignKey("hrddp.Engagement", on_delete=models.PROTECT, related_name="intervention_cases")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    report = models.TextField(help_text="The report to the Chief of Mission: incidents, units, persons, what monitoring showed.")
    incidents = models.ManyToManyField("monitoring.Incident", blank=True, related_name="intervention_cases")
    # The course of action agreed with the Chief of Mission (T/Box 7).
    strengthen_mitigation = models.BooleanField("Strengthen mitigation measures", default=False)
    report_to_oversight = models.BooleanField("Report to an oversight or accountability body", default=False)
    communicate_with_focal_point = models.BooleanField("Communicate through the agreed channel with the focal point", default=False)
    exclude_individuals_or_units = models.BooleanField("Exclude specific individuals or units", default=False)
    course_notes = models.TextField(blank=True)
    course_recorded_at = models.DateTimeField(null=True, blank=True)
    course_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    suspension_risk_evaluation = models.TextField(
        blank=True, help_text="P¶21(g): the risks of suspending, including to the safety and security of staff."
    )
    mandate_critically_affected = models.BooleanField(
        default=False, help_text="P¶28: the governing body must be advised."
    )
    # P¶28, flagged by the Chief of Mission with reasons (HQ is then told the governing body must be advised).
    mandate_flag_reason = models.TextField(blank=True)
    mandate_flagged_at = models.DateTimeField(null=True, blank=True)
    mandate_flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    governing_body_advised_on = models.DateField(null=True, blank=True)
    governing_body_advised_how = models.TextField(blank=True)
    governing_body_advised_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Who evaluated the risks of suspending, and when (the checklist's fourth item).
    suspension_evaluated_at = models.DateTimeField(null=True, blank=True)
    suspension_evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    why_suspension_skipped = models.TextField(blank=True)
    result = models.CharField(
        max_length=1, blank=True,
        choices=[("A", "Result A: violations adequately addressed"), ("B", "Result B: violations not addressed")],
    )
    result_evidence = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["engagement", "-opened_at", "-pk"]

    def __str__(self):
        return f"Intervention case of {self.engagement} opened {self.opened_at:%Y-%m-%d}"

    COURSES = ["strengthen_mitigation", "report_to_oversight", "communicate_with_focal_point", "exclude_individuals_or_units"]

    def chosen_courses(self) -> list[str]:
        return [self._meta.get_field(name).verbose_name for name in self.COURSES if getattr(self, name)]


class IntercessionCommunication(models.Model):
    """The intercession brought to the national authorities through the agreed channel (P¶26, T/Box 7), when
    it was not (or not only) by letter: with whom, when and how. Recorded once, never changed: a mistake is put
    right by recording the communication again with a note."""

    case = models.ForeignKey(InterventionCase, on_delete=models.PROTECT, related_name="communications")
    communicated_on = models.DateField(help_text="The day the grounds were brought to the authorities' attention.")
    counterpart = models.CharField(
        max_length=300, help_text="Who received them: the recipient's focal point, or the official met."
    )
    channel = models.CharField(max_length=300, help_text="How: the agreed channel (meeting, call, note verbale...).")
    summary = models.TextField(help_text="What was brought to their attention, and what they answered.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["communicated_on", "pk"]

    def __str__(self):
        return f"Intercession with {self.counterpart} on {self.communicated_on:%Y-%m-%d}"


class CriticalDifficultyReport(models.Model):
    """A critical difficulty reported at once to the decision makers (P¶25): written by the project manager,
    sent to the Chief of Mission and HQ, kept with the case as a PDF. A case may have several (follow-ups)."""

    case = models.ForeignKey(InterventionCase, on_delete=models.PROTECT, related_name="critical_reports")
    circumstances = models.TextField()
    measures = models.TextField(help_text="The measures taken or proposed to mitigate or remedy.")
    recommendations = models.TextField(help_text="Recommendations for follow-up.")
    elements = models.JSONField(default=list, blank=True, help_text="The risk-assessment elements concerned.")
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-written_at", "-pk"]

    def __str__(self):
        return f"Report to the decision makers of {self.written_at:%Y-%m-%d}"

    def element_labels(self) -> list[str]:
        labels = dict(RiskElement.choices)
        return [labels.get(value, value) for value in self.elements]


class ExclusionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(lifted_at__isnull=True)


class Exclusion(models.Model):
    """A person or unit excluded from support (T/Box 7 course of action; T/Box 3 measure type 6).

    Excluding a force or command excludes its commands and units. The excluded
    are flagged wherever they appear, and no new activity may target them.
    Lifting keeps the record: it states when, by whom and why.
    """

    engagement = models.ForeignKey("hrddp.Engagement", on_delete=models.PROTECT, related_name="exclusions")
    case = models.ForeignKey(
        InterventionCase, on_delete=models.PROTECT, null=True, blank=True, related_name="exclusions",
        help_text="The intervention case whose course of action decided it, if any (it may come from a mitigation measure).",
    )
    person = models.ForeignKey(
        "hrddp.PersonOfInterest", on_delete=models.PROTECT, null=True, blank=True, related_name="exclusions"
    )
    unit = models.ForeignKey(
        "hrddp.Recipient", on_delete=models.PROTECT, null=True, blank=True, related_name="exclusions",
        help_text="The force, command or unit excluded; its commands and units are excluded with it.",
    )
    reason = models.TextField()
    excluded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    excluded_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lift_reason = models.TextField(blank=True)

    objects = ExclusionQuerySet.as_manager()

    class Meta:
        ordering = ["engagement", "-excluded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(person__isnull=False, unit__isnull=True) | models.Q(person__isnull=True, unit__isnull=False)
                ),
                name="exclusion_names_a_person_or_a_unit",
            ),
            # One exclusion in force per person and per unit: two at once (a double click, two Chiefs of
            # Mission) would make lifting one leave the other silently in force.
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(lifted_at__isnull=True, person__isnull=False),
                name="one_exclusion_in_force_per_person",
            ),
            models.UniqueConstraint(
                fields=["unit"], condition=models.Q(lifted_at__isnull=True, unit__isnull=False),
                name="one_exclusion_in_force_per_unit",
            ),
        ]

    def __str__(self):
        return f"Exclusion of {self.person or self.unit}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None
