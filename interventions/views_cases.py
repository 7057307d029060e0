"""The intervention case of an engagement (Action 7, T/Box 7): report, course of action,
suspension evaluation, the steps, the letters to draft, the timeline, and the whole record as PDF."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from common.pdf import pdf_response
from hrddp import access
from hrddp.models import Engagement, State
from interventions import cases as services
from interventions import critical_reports, decision_letters, intercession
from interventions.case_record import case_record, case_record_render_pdf, critical_report_render_pdf
from interventions.forms_cases import (
    CaseReportForm,
    CourseForm,
    CriticalReportForm,
    GoverningBodyAdvisedForm,
    IntercessionCommunicationForm,
    MandateFlagForm,
    SkipReasonForm,
    SuspensionEvaluationForm,
)
from interventions.models import InterventionCase, LetterKind

STEPS = "open_intercession,record_course_of_action,resolve,suspend,cease,resume"

# Which letter a step calls for (P¶26, P¶27, resumption, cessation).
LETTER_AFTER = {
    "record_course_of_action": LetterKind.INTERCESSION,
    "suspend": LetterKind.SUSPENSION,
    "resume": LetterKind.RESUMPTION,
    "cease": LetterKind.CESSATION,
}


_WITH_PARTS = Engagement.objects.select_related("office", "recipient")


def _case(engagement: Engagement, case_pk: int | None) -> InterventionCase | None:
    cases = engagement.intervention_cases.select_related(
        "opened_by", "course_recorded_by", "mandate_flagged_by", "governing_body_advised_recorded_by"
    )
    if case_pk is None:
        case = (
            cases.filter(closed_at__isnull=True).order_by("-opened_at", "-pk").first()
            or cases.order_by("-opened_at", "-pk").first()
        )
    else:
        case = cases.filter(pk=case_pk).first()
        if case is None:
            raise Http404("No such intervention case.")
    if case is not None:
        case.engagement = engagement
    return case


def _page(request, perms: access.EngagementAccess, case, *, forms=None, status=200):
    engagement = perms.engagement
    may_decide = perms.may_decide
    may_prepare = perms.may_prepare
    context = {"engagement": engagement, "case": case, "may_decide": may_decide}
    if case is not None:
        context.update(case_record(engagement, case))
        latest = engagement.intervention_cases.order_by("-opened_at", "-pk").values_list("pk", flat=True).first()
        is_current = case.pk == latest
        is_open = case.closed_at is None
        interceding = is_open and engagement.state == State.INTERCESSION
        forms = forms or {}
        if is_open and (may_prepare or may_decide):
            context["report_form"] = forms.get("report") or CaseReportForm(
                engagement=engagement,
                initial={"report": case.report, "incidents": [i.pk for i in context["incidents"]]},
            )
        if may_decide and interceding and case.course_recorded_at is None:
            context["course_form"] = forms.get("course") or CourseForm(initial={
                name: getattr(case, name) for name in InterventionCase.COURSES
            } | {"course_notes": case.course_notes})
        if may_decide and interceding:
            context["evaluation_form"] = forms.get("evaluation") or SuspensionEvaluationForm(initial={
                "evaluation": case.suspension_risk_evaluation,
                "mandate_critically_affected": case.mandate_critically_affected,
            })
            context["skip_form"] = forms.get("skip") or SkipReasonForm(initial={"reason": case.why_suspension_skipped})
        if is_open and may_prepare:
            context["critical_report_form"] = forms.get("critical_report") or CriticalReportForm()
        if is_open and may_decide and case.mandate_flagged_at is None:
            context["mandate_form"] = forms.get("mandate") or MandateFlagForm()
        if (
            case.mandate_critically_affected and case.governing_body_advised_on is None
            and perms.may_record_governing_body_advised
        ):
            context["governing_body_form"] = forms.get("governing_body") or GoverningBodyAdvisedForm()
        context.update(intercession.case_checklist(case))
        if is_open and (may_prepare or may_decide) and engagement.state in (State.INTERCESSION, State.SUSPENDED):
            context["communication_form"] = forms.get("communication") or IntercessionCommunicationForm()
        context["communications"] = list(case.communications.select_related("recorded_by"))
        context["is_current"] = is_current
        if is_current and perms.may_draft_letter:
            context["letter_links"] = _letter_links(engagement, case, context)
        context["earlier_cases"] = list(
            engagement.intervention_cases.exclude(pk=case.pk).order_by("-opened_at", "-pk").only("pk", "opened_at", "result", "closed_at")
        )
    context["show_steps"] = case is None or context.get("is_current", False)
    return render(request, "interventions/case_detail.html", context, status=status)


def _letter_links(engagement: Engagement, case: InterventionCase, context: dict) -> list[dict]:
    """The letters the case calls for now: the intercession letter until the intercession is made, the letter
    of each decision open from here (it is issued with the decision), and those that follow the steps taken; a
    draft already written is linked instead, and a kind already issued for the case is not offered again."""
    base = reverse("letter_new", args=[engagement.pk])
    case_letters = list(engagement.letters.filter(created_at__gte=case.opened_at).order_by("pk").only(
        "pk", "kind", "reference", "issued_at"
    ))
    issued = {letter.kind for letter in case_letters if letter.issued_at is not None}
    drafts = {letter.kind: letter for letter in case_letters if letter.issued_at is None}
    kinds = []
    if case.closed_at is None:
        if engagement.state == State.INTERCESSION and context.get("intercession") is None:
            kinds.append(LetterKind.INTERCESSION)
        kinds += [
            decision_letters.STEP_LETTER[step] for step in ("suspend", "resume", "cease")
            if engagement.state in decision_letters.STEP_SOURCES[step]
        ]
    kinds += [LETTER_AFTER[a] for a in context["actions"] if a in LETTER_AFTER]
    links = []
    for kind in dict.fromkeys(LetterKind(k) for k in kinds):
        if kind in issued:
            continue
        draft = drafts.get(kind)
        if draft is not None:
            links.append({
                "url": reverse("letter_detail", args=[engagement.pk, draft.pk]),
                "label": f"{kind.label}: draft {draft.reference}", "draft": True,
            })
        else:
            links.append({"url": f"{base}?kind={kind.value}", "label": kind.label})
    return links


@login_required
def case_current(request, pk):
    """The engagement's open intervention case, or its latest one."""
    perms = access.engagement_for_request(request, pk, queryset=_WITH_PARTS)
    return _page(request, perms, _case(perms.engagement, None))


@login_required
def case_detail(request, pk, case_pk):
    perms = access.engagement_for_request(request, pk, queryset=_WITH_PARTS)
    return _page(request, perms, _case(perms.engagement, case_pk))


def _post(request, pk, case_pk, *, key, form_class, needs_decide, call, done, allowed_by=None):
    perms = access.engagement_for_request(request, pk, queryset=_WITH_PARTS)
    engagement = perms.engagement
    case = _case(engagement, case_pk)
    allowed = perms.may_decide
    if not needs_decide:
        allowed = allowed or perms.may_prepare
    if allowed_by is not None:
        allowed = allowed_by(perms)
    if not allowed:
        raise PermissionDenied("Your role does not allow this on this intervention case.")
    kwargs = {"engagement": engagement} if form_class is CaseReportForm else {}
    form = form_class(request.POST, **kwargs)
    if form.is_valid():
        try:
            call(case, form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("case_detail", pk=engagement.pk, case_pk=case.pk)
    return _page(request, perms, case, forms={key: form}, status=400)


def _add_errors(form, exc: ValidationError) -> None:
    """The service's refusals on the form: each on its field when the form has one, the rest above it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
@require_POST
def case_report(request, pk, case_pk):
    return _post(
        request, pk, case_pk, key="report", form_class=CaseReportForm, needs_decide=False,
        call=lambda case, data: services.case_update_report(
            case=case, by=request.user, report=data["report"], incident_ids=[i.pk for i in data["incidents"]],
        ),
        done="Report saved.",
    )


@login_required
@require_POST
def case_course(request, pk, case_pk):
    return _post(
        request, pk, case_pk, key="course", form_class=CourseForm, needs_decide=True,
        call=lambda case, data: services.case_set_course(
            case=case, by=request.user, **{name: data[name] for name in InterventionCase.COURSES},
            course_notes=data["course_notes"], corrective_measures=data["corrective_measures"],
            measure_type=data["measure_type"],
        ),
        done="Course of action saved. Record it with the step below.",
    )


@login_required
@require_POST
def case_suspension(request, pk, case_pk):
    return _post(
        request, pk, case_pk, key="evaluation", form_class=SuspensionEvaluationForm, needs_decide=True,
        call=lambda case, data: services.case_set_suspension_evaluation(
            case=case, by=request.user, evaluation=data["evaluation"],
            mandate_critically_affected=data["mandate_critically_affected"],
        ),
        done="Evaluation of the risks of suspending saved.",
    )


@login_required
@require_POST
def case_skip(request, pk, case_pk):
    return _post(
        request, pk, case_pk, key="skip", form_class=SkipReasonForm, needs_decide=True,
        call=lambda case, data: services.case_set_skip_reason(case=case, by=request.user, reason=data["reason"]),
        done="Reason to skip suspension saved.",
    )


@login_required
def case_pdf(request, pk, case_pk):
    """The whole case record as one PDF, on the letters' stylesheet."""
    engagement = access.engagement_for_request(request, pk, queryset=_WITH_PARTS).engagement
    case = _case(engagement, case_pk)
    return pdf_response(case_record_render_pdf(engagement, case), filename=f"{engagement.reference}-case-{case.pk}.pdf")


@login_required
@require_POST
def case_critical_report(request, pk, case_pk):
    """The project manager's report to the decision makers (P¶25), sent at once to the Chief of Mission and HQ."""
    return _post(
        request, pk, case_pk, key="critical_report", form_class=CriticalReportForm, needs_decide=False,
        allowed_by=lambda perms: perms.may_prepare,
        call=lambda case, data: critical_reports.critical_report_write(
            by=request.user, case=case, circumstances=data["circumstances"], measures=data["measures"],
            recommendations=data["recommendations"], elements=data["elements"],
        ),
        done="Report sent to the Chief of Mission and HQ.",
    )


@login_required
@require_POST
def case_mandate(request, pk, case_pk):
    """The Chief of Mission flags that suspension critically affects the mandate (P¶28)."""
    return _post(
        request, pk, case_pk, key="mandate", form_class=MandateFlagForm, needs_decide=True,
        call=lambda case, data: critical_reports.case_mandate_flag(by=request.user, case=case, reason=data["reason"]),
        done="Flagged: HQ is told that the governing body must be advised.",
    )


@login_required
@require_POST
def case_governing_body(request, pk, case_pk):
    """The Chief of Mission or HQ records when and how the governing body was advised (P¶28)."""
    return _post(
        request, pk, case_pk, key="governing_body", form_class=GoverningBodyAdvisedForm, needs_decide=True,
        allowed_by=lambda perms: perms.may_record_governing_body_advised,
        call=lambda case, data: critical_reports.governing_body_advised_record(
            by=request.user, case=case, advised_on=data["advised_on"], how=data["how"],
        ),
        done="Recorded when the governing body was advised.",
    )


@login_required
def critical_report_pdf(request, pk, case_pk, report_pk):
    """One report to the decision makers as a PDF."""
    engagement = access.engagement_for_request(request, pk, queryset=_WITH_PARTS).engagement
    case = _case(engagement, case_pk)
    report = case.critical_reports.select_related("written_by").filter(pk=report_pk).first()
    if report is None:
        raise Http404("No such report.")
    report.case = case
    return pdf_response(
        critical_report_render_pdf(engagement, report),
        filename=f"{engagement.reference}-case-{case.pk}-report-{report.pk}.pdf",
    )


@login_required
@require_POST
def case_communication(request, pk, case_pk):
    """The intercession brought to the authorities through the agreed channel (P¶26), recorded by the PM or COM."""
    return _post(
        request, pk, case_pk, key="communication", form_class=IntercessionCommunicationForm, needs_decide=False,
        call=lambda case, data: intercession.intercession_communication_record(
            by=request.user, case=case, communicated_on=data["communicated_on"], counterpart=data["counterpart"],
            channel=data["channel"], summary=data["summary"],
        ),
        done="Intercession recorded: P¶27 counts continuing violations from its date.",
    )
