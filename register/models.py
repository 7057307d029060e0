"""What the UN knows about a recipient's people (P¶12, P¶14, P¶15; T/Action 5 §6-7).

A person of interest (hrddp.PersonOfInterest, with their command periods) is told apart by the names they appear
under; the allegations against them move through a reviewed status, each change by a named role with reasons;
the accountability record lists what the authorities did about an allegation or an incident; a name screening
keeps, for a support activity, how each name on a list was matched and who decided what.

The register is shared by the offices of a country (HQ and auditors see every country), like the recipients.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from assessments.models import SourceReliability
from monitoring.models import InformationCredibility


class PersonAlias(models.Model):
    """Another form of a person's name: a spelling, a name in another script, a nom de guerre."""

    person = models.ForeignKey("hrddp.PersonOfInterest", on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    note = models.CharField(max_length=200, blank=True, help_text="e.g. 'Arabic script', 'nom de guerre'.")

    class Meta:
        ordering = ["person", "name"]
        verbose_name_plural = "person aliases"
        constraints = [models.UniqueConstraint(fields=["person", "name"], name="person_alias_unique")]

    def __str__(self):
        return self.name


class AllegationCategory(models.TextChoices):
    # The grave violations of P¶12(a), with the commander's own responsibility of P¶12(a)(iii).
    WAR_CRIMES = "war_crimes", "War crimes"
    CRIMES_AGAINST_HUMANITY = "crimes_against_humanity", "Crimes against humanity"
    GROSS_VIOLATIONS = "gross_violations", "Gross violations of human rights"
    REFOULEMENT = "refoulement", "Refoulement"
    COMMAND_RESPONSIBILITY = (
        "command_responsibility",
        "Command responsibility: failed to prevent, or to punish, violations by subordinates (P¶12(a)(iii))",
    )


class AllegationStatus(models.TextChoices):
    REPORTED = "reported", "Reported"
    UNDER_REVIEW = "under_review", "Under review"
    SUBSTANTIATED = "substantiated", "Substantiated"
    NOT_SUBSTANTIATED = "not_substantiated", "Not substantiated"
    CLEARED = "cleared", "Cleared"


# The statuses in which an allegation is still being looked at.
OPEN_STATUSES = (AllegationStatus.REPORTED, AllegationStatus.UNDER_REVIEW)


class AllegationQuerySet(models.QuerySet):
    def substantiated(self):
        return self.filter(status=AllegationStatus.SUBSTANTIATED)


class Allegation(ConcurrentTransitionMixin, models.Model):
    """An allegation of grave violations against a person of interest.

    Its status changes only through register.services (each change by a named role, with reasons, in the
    audit trail); the transitions below are the moves the status may make."""

    person = models.ForeignKey("hrddp.PersonOfInterest", on_delete=models.PROTECT, related_name="allegations")
    office = models.ForeignKey(
        "hrddp.Office", on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        help_text="The office that recorded it (empty: HQ).",
    )
    category = models.CharField(max_length=32, choices=AllegationCategory.choices)
    summary = models.TextField(help_text="What the person is alleged to have done, where.")
    occurred_on = models.DateField("When", null=True, blank=True, help_text="The date, or the first day, of the events.")
    incident = models.ForeignKey(
        "monitoring.Incident", on_delete=models.SET_NULL, null=True, blank=True, related_name="allegations",
        help_text="The incident the allegation arises from, when it was logged.",
    )
    status = FSMField(default=AllegationStatus.REPORTED, choices=AllegationStatus.choices, protected=True, db_index=True)
    status_changed_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = AllegationQuerySet.as_manager()

    class Meta:
        ordering = ["person", "-occurred_on", "-pk"]
        indexes = [models.Index(fields=["person", "status"], name="allegation_person_status")]

    def __str__(self):
        return f"{self.get_category_display()} — {self.person}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    # The moves a status may make; register.services.allegation_status_change takes them.
    @transition(field=status, source=AllegationStatus.REPORTED, target=AllegationStatus.UNDER_REVIEW)
    def review(self):
        pass

    @transition(field=status, source=list(OPEN_STATUSES), target=AllegationStatus.SUBSTANTIATED)
    def substantiate(self):
        pass

    @transition(field=status, source=list(OPEN_STATUSES), target=AllegationStatus.NOT_SUBSTANTIATED)
    def not_substantiate(self):
        pass

    @transition(
        field=status, source=[*OPEN_STATUSES, AllegationStatus.SUBSTANTIATED], target=AllegationStatus.CLEARED
    )
    def clear(self):
        pass

    @transition(
        field=status,
        source=[AllegationStatus.SUBSTANTIATED, AllegationStatus.NOT_SUBSTANTIATED, AllegationStatus.CLEARED],
        target=AllegationStatus.UNDER_REVIEW,
    )
    def reopen(self):
        pass


class AllegationSource(models.Model):
    """Where an allegation comes from, graded as the toolkit grades information (T/Action 6)."""

    allegation = models.ForeignKey(Allegation, on_delete=models.CASCADE, related_name="sources")
    description = models.CharField(
        max_length=500, help_text="The report or channel, e.g. 'OHCHR report, March 2026'. Name no witness here."
    )
    source_reliability = models.CharField(max_length=1, choices=SourceReliability.choices)
    information_credibility = models.CharField(max_length=1, choices=InformationCredibility.choices)

    class Meta:
        ordering = ["allegation", "pk"]

    def __str__(self):
        return f"{self.description} ({self.source_reliability}/{self.information_credibility})"

    @property
    def grade(self) -> str:
        return f"{self.source_reliability}{self.information_credibility}"


class AllegationStatusChange(models.Model):
    """One move of an allegation's status: by whom, in which role, when and why. Never changed."""

    allegation = models.ForeignKey(Allegation, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=32, choices=AllegationStatus.choices, blank=True)
    to_status = models.CharField(max_length=32, choices=AllegationStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=32, help_text="The role the change was made in (hrddp.Role).")
    reason = models.TextField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["allegation", "at", "pk"]

    def __str__(self):
        return f"{self.get_from_status_display() or 'new'} → {self.get_to_status_display()}"


class AccountabilityStepKind(models.TextChoices):
    # P¶12(b)(ii), P¶14(b)-(c), T/Action 5 §7: what the authorities did about it.
    INVESTIGATION_OPENED = "investigation_opened", "Investigation opened"
    INVESTIGATION_CLOSED = "investigation_closed", "Investigation closed without charges"
    PROSECUTION = "prosecution", "Prosecution"
    DISCIPLINARY = "disciplinary", "Disciplinary action"
    REMEDIAL = "remedial", "Remedial action (e.g. removal from command, reparation)"
    CONVICTION = "conviction", "Conviction"
    ACQUITTAL = "acquittal", "Acquittal"
    NONE = "none", "No step taken"


# The steps that count as the authorities acting on it (an acquittal ends a prosecution); "investigation closed
# without charges" and "none" do not. The recipient's page and the person's page both read this one list.
ACTION_TAKEN = (
    AccountabilityStepKind.INVESTIGATION_OPENED, AccountabilityStepKind.PROSECUTION,
    AccountabilityStepKind.DISCIPLINARY, AccountabilityStepKind.REMEDIAL, AccountabilityStepKind.CONVICTION,
    AccountabilityStepKind.ACQUITTAL,
)


class AccountabilityStep(models.Model):
    """A step the national authorities took (or did not) on one allegation or one incident."""

    allegation = models.ForeignKey(
        Allegation, on_delete=models.PROTECT, null=True, blank=True, related_name="accountability_steps"
    )
    incident = models.ForeignKey(
        "monitoring.Incident", on_delete=models.PROTECT, null=True, blank=True, related_name="accountability_steps"
    )
    kind = models.CharField(max_length=32, choices=AccountabilityStepKind.choices)
    taken_on = models.DateField("Date", null=True, blank=True, help_text="When the step was taken (or found missing).")
    description = models.TextField(blank=True)
    source = models.CharField(max_length=500, help_text="Where this is known from.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-taken_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(allegation__isnull=False, incident__isnull=True)
                | Q(allegation__isnull=True, incident__isnull=False),
                name="accountability_step_one_subject",
            ),
        ]

    def __str__(self):
        return self.get_kind_display()


class SupportContinuation(models.Model):
    """The Chief of Mission's reasons why support may go on although a commander of the supported unit has a
    substantiated allegation or is excluded, with the plan's measure that keeps that person out of it (P¶16).

    Before the mitigation plan is drawn up (the first endorsement) there is no measure yet: the reasons alone let
    the assessment be endorsed, and approving support then needs the plan's measure as well."""

    engagement = models.ForeignKey("hrddp.Engagement", on_delete=models.PROTECT, related_name="support_continuations")
    person = models.ForeignKey("hrddp.PersonOfInterest", on_delete=models.PROTECT, related_name="+")
    measure = models.ForeignKey(
        "mitigation.MitigationMeasure", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reason = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["engagement", "-decided_at"]
        constraints = [
            models.UniqueConstraint(fields=["engagement", "person"], name="support_continuation_unique"),
        ]

    def __str__(self):
        return f"{self.engagement} — {self.person}"


class ScreeningResult(models.TextChoices):
    CLEAR = "clear", "Clear"
    POSSIBLE = "possible", "Possible match"
    FLAGGED = "flagged", "Excluded or with substantiated allegations"


class ScreeningDecision(models.TextChoices):
    SAME_PERSON = "same_person", "Same person"
    NOT_SAME_PERSON = "not_same_person", "Not the same person"


class NameScreening(models.Model):
    """A list of people screened for a support activity (T/Action 5 §6), as matched and as resolved."""

    activity = models.ForeignKey("hrddp.SupportActivity", on_delete=models.PROTECT, related_name="name_screenings")
    title = models.CharField(max_length=200, help_text="e.g. 'Trainees, March course'.")
    source_name = models.CharField(max_length=255, blank=True, help_text="The file the list came from, if any.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title


class NameScreeningLine(models.Model):
    """One name of a screened list: what was matched, and the decision on a possible match."""

    screening = models.ForeignKey(NameScreening, on_delete=models.CASCADE, related_name="lines")
    line_number = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    birth_date = models.DateField(null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    unit = models.CharField(max_length=200, blank=True)
    rank = models.CharField(max_length=100, blank=True)
    # As matched: the result, the best candidate and the others (person id, score, matched name, reasons).
    result = models.CharField(max_length=16, choices=ScreeningResult.choices)
    person = models.ForeignKey(
        "hrddp.PersonOfInterest", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    score = models.FloatField(null=True, blank=True)
    candidates = models.JSONField(default=list, blank=True)
    # As resolved by the project manager, for a possible match; `outcome` is the line's colour then
    # (clear: green, possible: amber, flagged: red), the same as `result` until a decision is made.
    outcome = models.CharField(max_length=16, choices=ScreeningResult.choices)
    decision = models.CharField(max_length=16, choices=ScreeningDecision.choices, blank=True)
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["screening", "line_number"]
        constraints = [
            models.UniqueConstraint(fields=["screening", "line_number"], name="name_screening_line_unique"),
        ]

    def __str__(self):
        return f"{self.line_number}. {self.name}"


class NameIndexVersion(models.Model):
    """Which state of a country's persons of interest and their names the screening's name index was built from.

    register.screening_index changes `version` (a fresh random token) in the same transaction as every save or
    delete of a person, an alias or a recipient of the country, and after an import of persons or recipients;
    each process of the app keeps its index while the token it was built under is still the one here. The token
    lives in the database, not the cache: the default cache is each process's own memory, and a change made by
    one process (a web worker, a Celery worker) must reach all of them."""

    country = models.CharField(max_length=100, unique=True)
    version = models.CharField(max_length=32)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.country}: {self.version}"
