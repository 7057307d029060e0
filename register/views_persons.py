"""The register's pages of a person of interest: who they are, the allegations against them with their sources,
status history and the authorities' steps, and the forms that record them; and the accountability record of
an incident. Views parse, call a service (register.person_services, register.services) and render.

Whoever works in the person's country sees the page (HQ and auditors: every country); anyone else gets 404.
Those who record in the register there (project managers, Chiefs of Mission, HQ) get the forms; deciding an
allegation is a Chief of Mission's or HQ's (access.may_decide_allegation); any other attempt is a 403."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from hrddp import access
from hrddp.models import PersonOfInterest, Recipient, in_subtree
from interventions.exclusions import excluded_persons
from monitoring.models import Incident
from register import person_selectors as selectors
from register.forms_persons import (
    AccountabilityStepForm,
    AllegationForm,
    AllegationSourceForm,
    AllegationStatusForm,
    CommandPeriodForm,
    PersonForm,
    service_errors,
)
from register.models import Allegation, AllegationStatus
from register.person_services import accountability_step_record, command_period_record, person_save
from register.services import allegation_moves, allegation_record, allegation_source_add, allegation_status_change

_REFUSED_RECORD = (
    "Only project managers and Chiefs of Mission of an office in this country, or HQ, record in the register."
)
_REFUSED_DECIDE = (
    "Only a Chief of Mission of an office in this country, or the HQ Human Rights Team, decides an allegation: "
    "substantiates it, finds it not substantiated, clears or reopens it."
)


def _person_or_404(request, pk) -> PersonOfInterest:
    person = selectors.person_for_page(request.user, pk)
    if person is None:
        raise Http404("No such person of interest.")
    return person


def _allegation_or_404(request, pk) -> Allegation:
    allegation = (
        Allegation.objects.filter(pk=pk, person__in=selectors.persons_visible(request.user))
        .select_related("person__recipient__parent__parent")
        .first()
    )
    if allegation is None:
        raise Http404("No such allegation.")
    return allegation


def _require_record(request, country: str) -> None:
    if not access.may_record_in_register(request.user, country):
        raise PermissionDenied(_REFUSED_RECORD)


def _person_url(person, anchor: str = "") -> str:
    return reverse("person_detail", args=[person.pk]) + (f"#{anchor}" if anchor else "")


# --- The person's page ------------------------------------------------------------------------------------


@login_required
@require_GET
def person_detail(request, pk):
    person = _person_or_404(request, pk)
    country = person.recipient.country
    perms = selectors.RegisterPermissions.of(request.user, country)
    return render(
        request, "register/person_detail.html",
        {
            "person": person, "lineage": person.recipient.lineage(), "aliases": list(person.aliases.all()),
            "command_periods": selectors.person_command_periods(person),
            "allegations": selectors.allegations_for_page(person.allegations.all(), perms=perms),
            "exclusion": excluded_persons(country).get(person.pk),
            "perms": perms,
        },
    )


def _person_form_page(request, form, *, recipient, person=None, status=200):
    return render(
        request, "register/person_form.html",
        {"form": form, "recipient": recipient, "lineage": recipient.lineage(), "person": person},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_new(request, pk):
    recipient = access.get_recipient_or_404(request.user, pk, Recipient.objects.select_related("parent__parent"))
    _require_record(request, recipient.country)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = person_save(by=request.user, recipient=recipient, **form.service_data())
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            messages.success(request, f"{person} recorded as a person of interest.")
            return redirect("person_detail", pk=person.pk)
    return _person_form_page(request, form, recipient=recipient, status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    person = _person_or_404(request, pk)
    _require_record(request, person.recipient.country)
    initial = {
        "full_name": person.full_name, "rank": person.rank, "aliases": PersonForm.alias_lines(person),
        "birth_date": person.birth_date, "birth_year": person.birth_year, "service_number": person.service_number,
        "identifiers": person.identifiers,
    }
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            person = person_save(by=request.user, person=person, recipient=person.recipient, **form.service_data())
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            messages.success(request, f"{person} saved.")
            return redirect("person_detail", pk=person.pk)
    return _person_form_page(
        request, form, recipient=person.recipient, person=person, status=400 if request.method == "POST" else 200
    )


# --- Allegations ------------------------------------------------------------------------------------------


def _incidents_about(recipient: Recipient):
    """The incidents an allegation against a person of `recipient` may arise from: about the recipient, the force
    or command above it, or a command or unit below it."""
    above = [r.pk for r in recipient.lineage()]
    return (
        Incident.objects.filter(
            Q(recipient_id__in=above) | Q(recipient__parent_id=recipient.pk) | Q(recipient__parent__parent_id=recipient.pk)
        )
        .select_related("recipient")
        .order_by("-occurred_on", "-pk")
    )


@login_required
@require_http_methods(["GET", "POST"])
def allegation_new(request, pk):
    person = _person_or_404(request, pk)
    _require_record(request, person.recipient.country)
    form = AllegationForm(request.POST or None, incidents=_incidents_about(person.recipient))
    if request.method == "POST" and form.is_valid():
        try:
            allegation_record(by=request.user, person=person, **form.service_data())
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            messages.success(request, f"Allegation against {person} recorded as reported.")
            return redirect(_person_url(person, "allegations"))
    return render(
        request, "register/allegation_form.html", {"form": form, "person": person},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def allegation_source_new(request, pk):
    allegation = _allegation_or_404(request, pk)
    person = allegation.person
    _require_record(request, person.recipient.country)
    form = AllegationSourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            allegation_source_add(by=request.user, allegation=allegation, **form.service_data())
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            messages.success(request, "Source added.")
            return redirect(_person_url(person, f"allegation-{allegation.pk}"))
    return render(
        request, "register/allegation_source_form.html",
        {"form": form, "person": person, "allegation": allegation, "sources": list(allegation.sources.all())},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def allegation_status(request, pk):
    """Move an allegation's status, with the reason. Only the moves the status allows are offered, and only to
    those who may make them; a move the user's role does not allow is refused with a 403."""
    allegation = _allegation_or_404(request, pk)
    person = allegation.person
    perms = selectors.RegisterPermissions.of(request.user, person.recipient.country)
    moves, shown = allegation_moves(allegation), perms.moves_for(allegation)
    asked = request.POST.get("to_status") if request.method == "POST" else None
    if not shown or (asked in moves and not perms.may_move(allegation, asked)):
        if not perms.may_record:
            raise PermissionDenied(_REFUSED_RECORD)
        raise PermissionDenied(_REFUSED_DECIDE)
    form = AllegationStatusForm(request.POST or None, moves=moves, shown=shown)
    if request.method == "POST" and form.is_valid():
        to_status = form.cleaned_data["to_status"]
        try:
            allegation_status_change(
                by=request.user, allegation=allegation, to_status=to_status, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            messages.success(request, f"The allegation is now {AllegationStatus(to_status).label.lower()}.")
            return redirect(_person_url(person, f"allegation-{allegation.pk}"))
    history = list(allegation.status_changes.select_related("by").order_by("at", "pk"))
    return render(
        request, "register/allegation_status_form.html",
        {"form": form, "person": person, "allegation": allegation, "history": history},
        status=400 if request.method == "POST" else 200,
    )


# --- The accountability record ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def accountability_allegation_new(request, pk):
    allegation = _allegation_or_404(request, pk)
    person = allegation.person
    _require_record(request, person.recipient.country)
    form = AccountabilityStepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accountability_step_record(by=request.user, allegation=allegation, **form.service_data())
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            messages.success(request, "Step of the authorities recorded.")
            return redirect(_person_url(person, f"allegation-{allegation.pk}"))
    steps = list(allegation.accountability_steps.select_related("recorded_by").order_by("taken_on", "recorded_at", "pk"))
    return render(
        request, "register/accountability_form.html",
        {
            "form": form, "person": person, "allegation": allegation, "steps": steps,
            "finding": selectors.accountability_finding(
                steps, since=allegation.occurred_on or timezone.localtime(allegation.recorded_at).date()
            ),
            "back": _person_url(person, f"allegation-{allegation.pk}"),
        },
        status=400 if request.method == "POST" else 200,
    )


def _incident_or_404(request, incident_pk) -> Incident:
    incident = selectors.incident_for_register(request.user, incident_pk)
    if incident is None:
        raise Http404("No such incident.")
    return incident


@login_required
@require_GET
def incident_accountability(request, incident_pk):
    """What the authorities did about an incident, and the finding; its public facts only (no victim, witness or
    source details, which stay on the engagement's incident page under its confidential access)."""
    incident = _incident_or_404(request, incident_pk)
    steps = selectors.incident_steps(incident)
    return render(
        request, "register/accountability_incident.html",
        {
            "incident": incident, "lineage": incident.recipient.lineage(), "steps": steps,
            "finding": selectors.accountability_finding(steps, since=incident.occurred_on, subject="incident"),
            "may_record": access.may_record_in_register(request.user, incident.recipient.country),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def accountability_incident_new(request, incident_pk):
    incident = _incident_or_404(request, incident_pk)
    _require_record(request, incident.recipient.country)
    form = AccountabilityStepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accountability_step_record(by=request.user, incident=incident, **form.service_data())
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            messages.success(request, "Step of the authorities recorded.")
            return redirect("incident_accountability", incident_pk=incident.pk)
    steps = selectors.incident_steps(incident)
    return render(
        request, "register/accountability_form.html",
        {
            "form": form, "incident": incident, "steps": steps,
            "finding": selectors.accountability_finding(steps, since=incident.occurred_on, subject="incident"),
            "back": reverse("incident_accountability", args=[incident.pk]),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def command_period_new(request, pk):
    person = _person_or_404(request, pk)
    _require_record(request, person.recipient.country)
    # The units of the person's force: the force, its commands and their units.
    force = person.recipient.lineage()[0]
    units = list(
        Recipient.objects.filter(in_subtree(force))
        .select_related("parent__parent").order_by("name")
    )
    form = CommandPeriodForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            command_period_record(by=request.user, person=person, **form.service_data())
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            messages.success(request, "Command period recorded.")
            return redirect(_person_url(person, "person-command"))
    return render(
        request, "register/command_period_form.html",
        {"form": form, "person": person, "back": _person_url(person, "person-command")},
        status=400 if request.method == "POST" else 200,
    )
