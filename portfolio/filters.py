"""The filters of the lists (django-filter), shared by the pages and their exports.

Choices of office and country are limited to what the user sees, so a filter
can never name, and so never reveal, another office's records.
"""

from __future__ import annotations

import django_filters as filters
from django import forms
from django.db.models import F, Q
from django.utils import timezone

from assessments.models import RiskRating
from hrddp import access
from hrddp.forms import DateField
from hrddp.models import AuditAction, RecipientCategory, State
from interventions.models import LetterKind
from mitigation.models import MeasureNature, MeasureStatus, MeasureType
from monitoring.models import Channel, VerificationStatus, ViolationCategory
from portfolio import queries

RISK_CHOICES = [*RiskRating.choices, (queries.NOT_RATED, "Not rated yet")]
YES_NO = [("yes", "Yes"), ("no", "No")]


class SortFilter(filters.OrderingFilter):
    """Sorting by a column: empty values last either way, and the primary key last so that pages never
    overlap when many rows share a value."""

    def filter(self, qs, value):
        if not value:
            return qs
        ordering = []
        for param in value:
            name = self.get_ordering_value(param)
            descending = name.startswith("-")
            expression = F(name.lstrip("-"))
            ordering.append(expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True))
        return qs.order_by(*ordering, "-pk" if value[0].startswith("-") else "pk")


class _DateInput(forms.DateInput):
    input_type = "date"


class _DateFilter(filters.DateFilter):
    # The project's date field: a date beyond 1900–2199 is refused with a message, never computed with.
    field_class = DateField


def _offices(request):
    return access.visible_offices(request.user) if request is not None else access.visible_offices(None)


class ScopedFilterSet(filters.FilterSet):
    """Office and country choices from the offices the user sees; a date range; sorting."""

    office = filters.ModelChoiceFilter(queryset=_offices, field_name="office", label="Office", empty_label="All offices")
    country = filters.ChoiceFilter(field_name="office__country", label="Country", empty_label="All countries")
    start = _DateFilter(label="From", widget=_DateInput, method="filter_start")
    end = _DateFilter(label="To", widget=_DateInput, method="filter_end")

    # The field the date range applies to, and the path to the office, per list.
    date_field = ""
    office_path = "office"

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.filters["office"].field_name = self.office_path
        self.filters["country"].field_name = f"{self.office_path}__country"
        self.filters["country"].extra["choices"] = [(c, c) for c in access.countries_of(_offices(request))]

    def filter_start(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__gte": value}) if value else queryset

    def filter_end(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__lte": value}) if value else queryset

    @property
    def qs(self):
        # A filter that does not validate shows nothing rather than everything: the page says why.
        if self.is_bound and not self.form.is_valid():
            return self.queryset.none()
        return super().qs

    def applied(self) -> bool:
        return self.is_bound and any(
            v not in (None, "", [])
            for k, v in (self.form.cleaned_data if self.form.is_valid() else {}).items()
            if k != "sort"
        )


class _RangeForm(forms.Form):
    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end of the period is before its start.")
        return data


class EngagementFilter(ScopedFilterSet):
    q = filters.CharFilter(label="Search", method="search")
    state = filters.ChoiceFilter(choices=State.choices, empty_label="All states")
    stage = filters.ChoiceFilter(
        choices=[(k, label) for k, (label, _) in queries.STAGES.items()], method="filter_stage", label="Stage",
        empty_label="Any stage",
    )
    risk = filters.ChoiceFilter(field_name="assessed_risk", choices=RISK_CHOICES, label="Assessed risk", empty_label="Any")
    residual = filters.ChoiceFilter(field_name="residual_risk", choices=RISK_CHOICES, label="Residual risk", empty_label="Any")
    category = filters.ChoiceFilter(
        field_name="recipient__category", choices=RecipientCategory.choices, label="Recipient category", empty_label="All"
    )
    overdue = filters.ChoiceFilter(
        choices=list(queries.OVERDUE.items()), method="filter_overdue", label="Needs attention", empty_label="—"
    )
    event = filters.ChoiceFilter(
        choices=list(queries.EVENTS.items()), method="filter_event", label="Decision taken",
        empty_label="—", help_text="With a decision chosen, the dates apply to when it was taken.",
    )
    sort = SortFilter(
        fields=[
            ("reference", "reference"), ("title", "title"), ("office__name", "office"),
            ("recipient__name", "recipient"), ("state", "state"), ("state_changed_at", "since"),
            ("assessed_risk", "risk"), ("residual_risk", "residual"),
        ],
        label="Sort by",
    )

    date_field = "state_changed_at__date"

    class Meta:
        form = _RangeForm
        fields = []

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(reference__icontains=value) | Q(title__icontains=value) | Q(recipient__name__icontains=value)
        )

    def filter_stage(self, queryset, name, value):
        return queryset.filter(state__in=queries.STAGES[value][1])

    def filter_overdue(self, queryset, name, value):
        return queries.engagements_overdue(queryset, value, today=timezone.localdate())

    def filter_event(self, queryset, name, value):
        # With a decision chosen, the period is when it was taken (filter_start/end then leave it).
        data = self.form.cleaned_data
        return queries.engagements_with_event(queryset, value, start=data.get("start"), end=data.get("end"))

    def filter_start(self, queryset, name, value):
        return queryset if self.form.cleaned_data.get("event") else super().filter_start(queryset, name, value)

    def filter_end(self, queryset, name, value):
        return queryset if self.form.cleaned_data.get("event") else super().filter_end(queryset, name, value)


class IncidentFilter(ScopedFilterSet):
    q = filters.CharFilter(label="Search", method="search")
    category = filters.ChoiceFilter(
        choices=ViolationCategory.choices, method="filter_category", label="Violation category", empty_label="All"
    )
    channel = filters.ChoiceFilter(choices=Channel.choices, empty_label="All channels")
    grave = filters.ChoiceFilter(
        choices=YES_NO, method="filter_grave", label="Grave violation with substantial grounds", empty_label="—"
    )
    verification = filters.ChoiceFilter(
        field_name="verification_status", choices=VerificationStatus.choices, empty_label="Any"
    )
    recipient_category = filters.ChoiceFilter(
        field_name="engagement__recipient__category", choices=RecipientCategory.choices,
        label="Recipient category", empty_label="All",
    )
    state = filters.ChoiceFilter(field_name="engagement__state", choices=State.choices, label="Engagement state", empty_label="Any")
    sort = SortFilter(
        fields=[
            ("occurred_on", "date"), ("engagement__reference", "engagement"), ("engagement__office__name", "office"),
            ("channel", "channel"), ("verification_status", "verification"),
        ],
        label="Sort by",
    )

    date_field = "occurred_on"
    office_path = "engagement__office"

    class Meta:
        form = _RangeForm
        fields = []

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(description__icontains=value) | Q(place__icontains=value) | Q(engagement__reference__icontains=value)
            | Q(recipient__name__icontains=value)
        )

    def filter_category(self, queryset, name, value):
        return queryset.filter(category_q(value))

    def filter_grave(self, queryset, name, value):
        grave = Q(grave_violation=True, substantial_grounds=True)
        return queryset.filter(grave) if value == "yes" else queryset.exclude(grave)


def category_q(category: str, prefix: str = "") -> Q:
    """Incidents of a violation category. The categories are a JSON list; matching its quoted text works
    alike on SQLite and PostgreSQL (values are fixed slugs, none a part of another)."""
    return Q(**{f"{prefix}categories__icontains": f'"{category}"'})


class MeasureFilter(ScopedFilterSet):
    q = filters.CharFilter(label="Search", method="search")
    measure_type = filters.ChoiceFilter(choices=MeasureType.choices, label="Type", empty_label="All types")
    status = filters.ChoiceFilter(choices=MeasureStatus.choices, empty_label="Any status")
    nature = filters.ChoiceFilter(choices=MeasureNature.choices, empty_label="Preventive or corrective")
    overdue = filters.ChoiceFilter(choices=[("yes", "Past due, not in place")], method="filter_overdue", label="Past due", empty_label="—")
    state = filters.ChoiceFilter(field_name="plan__engagement__state", choices=State.choices, label="Engagement state", empty_label="Any")
    sort = SortFilter(
        fields=[
            ("due_date", "due"), ("status", "status"), ("measure_type", "type"),
            ("plan__engagement__reference", "engagement"), ("plan__engagement__office__name", "office"),
        ],
        label="Sort by",
    )

    date_field = "due_date"
    office_path = "plan__engagement__office"

    class Meta:
        form = _RangeForm
        fields = []

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value) | Q(owner__icontains=value) | Q(plan__engagement__reference__icontains=value)
        )

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(queries.measures_past_due_q(today=timezone.localdate()))


LETTER_STATUS = [("draft", "Draft"), ("issued", "Issued, not dispatched"), ("dispatched", "Dispatched")]


class LetterFilter(ScopedFilterSet):
    kind = filters.ChoiceFilter(choices=LetterKind.choices, empty_label="All kinds")
    status = filters.ChoiceFilter(choices=LETTER_STATUS, method="filter_status", empty_label="Any")
    language = filters.ChoiceFilter(choices=[("en", "English"), ("fr", "Français")], empty_label="Any language")
    sort = SortFilter(
        fields=[
            ("letter_date", "date"), ("reference", "reference"), ("kind", "kind"),
            ("engagement__office__name", "office"), ("dispatched_on", "dispatched"),
        ],
        label="Sort by",
    )

    date_field = "issued_at__date"
    office_path = "engagement__office"

    class Meta:
        form = _RangeForm
        fields = []

    def filter_status(self, queryset, name, value):
        if value == "draft":
            return queryset.filter(issued_at__isnull=True)
        if value == "issued":
            return queryset.filter(issued_at__isnull=False, dispatched_on__isnull=True)
        return queryset.filter(dispatched_on__isnull=False)



class AuditFilter(ScopedFilterSet):
    """The audit trail: by engagement, person, action and period (the office and country of the engagement)."""

    engagement = filters.CharFilter(label="Engagement", method="filter_engagement", help_text="Its reference, e.g. DRV-2026-005.")
    person = filters.CharFilter(label="Person", method="filter_person", help_text="Who acted: user name or name.")
    action = filters.ChoiceFilter(choices=AuditAction.choices, label="Action", empty_label="Every action")
    q = filters.CharFilter(label="Why (words in it)", method="search")
    sort = SortFilter(fields=[("at", "at"), ("action", "action")], label="Sort by")

    date_field = "at__date"
    office_path = "engagement__office"

    class Meta:
        form = _RangeForm
        fields = []

    def filter_engagement(self, queryset, name, value):
        return queryset.filter(engagement__reference__iexact=value.strip()) if value.strip() else queryset

    def filter_person(self, queryset, name, value):
        words = value.split()
        for word in words:
            queryset = queryset.filter(
                Q(actor__username__icontains=word) | Q(actor__first_name__icontains=word)
                | Q(actor__last_name__icontains=word)
            )
        return queryset

    def search(self, queryset, name, value):
        return queryset.filter(justification__icontains=value.strip()) if value.strip() else queryset
