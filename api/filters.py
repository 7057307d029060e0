"""The filters of the lists (django-filter), each read from the query string.

`updated_since` (an ISO 8601 moment) is offered where a timestamp says a record changed: engagements (any
audit entry on them since, which every write to an engagement or to a record of its Actions leaves, or opened
since); screenings, preconditions and coordination records (their `updated_at`); notifications (received or read
since). Other records say when they were made, not when they were last changed, so they offer no such filter.
"""

from __future__ import annotations

from datetime import UTC

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField

from assessments.models import AssessmentStatus
from hrddp.models import AuditEntry, RecipientCategory, RecipientLevel, State
from mitigation.models import LetterKind
from monitoring.models import Channel, VerificationStatus

# Ids above this overflow a 64-bit integer column: they are refused as invalid, never sent to the database.
_ID_MAX = 2**63 - 1


class IdFilter(filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", _ID_MAX)
        super().__init__(*args, **kwargs)


class _UtcMoment(IsoDateTimeField):
    """An ISO 8601 moment, in UTC before it reaches the database: an offset Python accepts (up to ±23:59) may be
    one PostgreSQL refuses (beyond ±15:59); one that takes the moment out of the calendar is invalid."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return value
        try:
            return value.astimezone(UTC)
        except (OverflowError, ValueError) as exc:
            raise forms.ValidationError(_("Give a moment between the years 1 and 9999.")) from exc


class _UpdatedSince(filters.IsoDateTimeFilter):
    field_class = _UtcMoment

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Changed at or after this moment (ISO 8601), for incremental sync."))
        super().__init__(**kwargs)


class OfficeFilter(filters.FilterSet):
    country = filters.CharFilter()


class RecipientFilter(filters.FilterSet):
    country = filters.CharFilter()
    category = filters.ChoiceFilter(choices=RecipientCategory.choices)
    level = filters.ChoiceFilter(choices=RecipientLevel.choices)
    parent = IdFilter(field_name="parent_id")
    q = filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Name contains"))


class ProjectFilter(filters.FilterSet):
    office = IdFilter(field_name="office_id")


class EngagementFilter(filters.FilterSet):
    q = filters.CharFilter(method="search", label=_("Reference, title or recipient contains"))
    state = filters.MultipleChoiceFilter(choices=State.choices)
    office = IdFilter(field_name="office_id")
    project = IdFilter(field_name="project_id")
    recipient = IdFilter(field_name="recipient_id")
    country = filters.CharFilter(field_name="office__country")
    recipient_category = filters.ChoiceFilter(field_name="recipient__category", choices=RecipientCategory.choices)
    updated_since = _UpdatedSince(method="changed_since")

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(reference__icontains=value) | Q(title__icontains=value) | Q(recipient__name__icontains=value)
        )

    def changed_since(self, queryset, name, value):
        entries = AuditEntry.objects.filter(engagement=OuterRef("pk"), at__gte=value)
        return queryset.filter(Q(created_at__gte=value) | Exists(entries))


class ByEngagementFilter(filters.FilterSet):
    engagement = IdFilter(field_name="engagement_id")


class UpdatedByEngagementFilter(ByEngagementFilter):
    updated_since = _UpdatedSince(field_name="updated_at", lookup_expr="gte")


class AssessmentFilter(ByEngagementFilter):
    status = filters.ChoiceFilter(choices=AssessmentStatus.choices)


class MeasureFilter(filters.FilterSet):
    engagement = IdFilter(field_name="plan__engagement_id")
    plan = IdFilter(field_name="plan_id")
    status = filters.CharFilter()
    due_before = filters.DateFilter(field_name="due_date", lookup_expr="lte")


class IncidentFilter(ByEngagementFilter):
    recipient = IdFilter(field_name="recipient_id")
    channel = filters.ChoiceFilter(choices=Channel.choices)
    verification_status = filters.ChoiceFilter(choices=VerificationStatus.choices)
    grave_violation = filters.BooleanFilter()
    occurred_from = filters.DateFilter(field_name="occurred_on", lookup_expr="gte")
    occurred_to = filters.DateFilter(field_name="occurred_on", lookup_expr="lte")


class IndicatorFilter(ByEngagementFilter):
    quarter_start = filters.DateFilter()


class LetterFilter(ByEngagementFilter):
    kind = filters.ChoiceFilter(choices=LetterKind.choices)
    issued = filters.BooleanFilter(field_name="issued_at", lookup_expr="isnull", exclude=True)


class NotificationFilter(filters.FilterSet):
    unread = filters.BooleanFilter(field_name="read_at", lookup_expr="isnull")
    updated_since = _UpdatedSince(method="changed_since")

    def changed_since(self, queryset, name, value):
        return queryset.filter(Q(created_at__gte=value) | Q(read_at__gte=value))
