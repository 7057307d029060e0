"""Letter pages of one engagement. Views parse input, call a service and render.

Another office's engagement, or a letter of another engagement, is 'not
found' (404); an action the user's role does not allow is 'forbidden' (403).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.pdf import pdf_response
from hrddp import access, reauthentication
from hrddp.models import Engagement, State
from hrddp.services import EngagementChangedMeanwhile, TransitionRefused
from interventions import decision_letters, intercession, letters
from interventions.forms import DispatchForm, LetterForm
from interventions.models import Letter, LetterKind

_WITH_PARTS = Engagement.objects.select_related("office", "project", "recipient", "focal_point")


def _letter(request, pk, letter_pk) -> tuple[access.EngagementAccess, Letter]:
    perms = access.engagement_for_request(request, pk, queryset=_WITH_PARTS)
    letter = get_object_or_404(
        Letter.objects.select_related("signatory", "issued_by", "created_by", "corrects"),
        pk=letter_pk, engagement=perms.engagement,
    )
    letter.engagement = perms.engagement
    return perms, letter


def _suggested_kind(engagement: Engagement) -> str:
    """The letter the engagement's state calls for (domain.md sections 3 and 5)."""
    latest = engagement.letters.filter(issued_at__isnull=False).order_by("-issued_at", "-pk").first()
    if engagement.state == State.DECLINED:
        return LetterKind.UNLESS_AND_UNTIL
    if engagement.state == State.INTERCESSION:
        return LetterKind.INTERCESSION
    if engagement.state == State.SUSPENDED:
        return LetterKind.SUSPENSION
    if engagement.state == State.CEASED:
        return LetterKind.CESSATION
    if engagement.state == State.ACTIVE and latest is not None and latest.kind == LetterKind.SUSPENSION:
        return LetterKind.RESUMPTION
    return LetterKind.NOTIFICATION


def _detail(
    request, perms: access.EngagementAccess, letter, *, status=200, refusals=(), dispatch_form=None, justification="",
):
    # A decision letter is issued with its step: the page shows the step's other conditions before the button.
    step = None if letter.is_issued else decision_letters.decision_step_pending(letter)
    decision = {}
    if step is not None and perms.may_issue_letter:
        decision = {
            "decision_step": step, "decision_button": decision_letters.STEP_BUTTONS[step],
            "decision_effect": decision_letters.STEP_EFFECTS[step],
            "decision_refusals": intercession.refusals_besides_letter(perms.engagement, step),
            "revision": perms.engagement.revision, "justification": justification,
        }
    return render(
        request, "interventions/letter_detail.html",
        decision | {
            "engagement": perms.engagement,
            "letter": letter,
            "corrections": letter.corrections.order_by("pk"),
            "may_draft": perms.may_draft_letter,
            "may_decide": perms.may_issue_letter,
            "is_signatory": letter.signatory_id == request.user.pk,
            "may_dispatch": perms.may_record_letter_dispatch,
            "dispatch_form": dispatch_form or DispatchForm(),
            "refusals": list(refusals),
        },
        status=status,
    )


def _form_page(request, engagement, form, *, title, letter=None, corrects=None, status=200):
    return render(
        request, "interventions/letter_form.html",
        {
            "engagement": engagement, "form": form, "title": title, "letter": letter, "corrects": corrects,
            "body_hints": [(LetterKind(kind).label, hint) for kind, hint in letters.BODY_REQUIRED.items()],
            "no_signatory": not form.fields["signatory"].queryset.exists(),
        },
        status=status,
    )


@login_required
@require_GET
def letter_list(request, pk):
    perms = access.engagement_for_request(request, pk, queryset=_WITH_PARTS)
    engagement = perms.engagement
    items = engagement.letters.select_related("signatory", "issued_by", "corrects").order_by("-created_at", "-pk")
    return render(
        request, "interventions/letter_list.html",
        {
            "engagement": engagement, "letters": items, "may_draft": perms.may_draft_letter,
            "kinds": LetterKind.choices, "suggested_kind": _suggested_kind(engagement),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def letter_new(request, pk):
    perms = access.engagement_for_request(request, pk, queryset=_WITH_PARTS)
    engagement = perms.engagement
    perms.require_prepare()
    kind = request.GET.get("kind")
    if kind not in LetterKind.values:
        kind = _suggested_kind(engagement)
    latest = engagement.letters.order_by("-pk").first()
    language = request.GET.get("language") or (latest.language if latest else "en")
    if language not in letters.LANGUAGES:
        language = "en"
    signatory = letters.chiefs_of_mission(engagement).order_by("last_name", "first_name").first()
    initial = {
        "kind": kind, "language": language, "addressee": letters.default_addressee(engagement),
        "signatory": signatory.pk if signatory else None, "subject": letters.standard_subject(kind, language),
    }
    form = LetterForm(request.POST or None, initial=initial, engagement=engagement)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            letter = letters.letter_draft(
                engagement=engagement, kind=data["kind"], language=data["language"], addressee=data["addressee"],
                signatory=data["signatory"], subject=data["subject"], body=data["body"], by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Draft {letter.reference} saved. Preview it; the Chief of Mission issues it.")
            return redirect("letter_detail", pk=engagement.pk, letter_pk=letter.pk)
    status = 400 if request.method == "POST" else 200
    return _form_page(request, engagement, form, title="New letter", status=status)


@login_required
@require_GET
def letter_detail(request, pk, letter_pk):
    perms, letter = _letter(request, pk, letter_pk)
    return _detail(request, perms, letter)


@login_required
@require_http_methods(["GET", "POST"])
def letter_edit(request, pk, letter_pk):
    perms, letter = _letter(request, pk, letter_pk)
    engagement = perms.engagement
    perms.require_prepare()
    if letter.is_issued:
        return _detail(
            request, perms, letter, status=409,
            refusals=[f"Letter {letter.reference} has been issued and cannot be changed; draft a correction instead."],
        )
    initial = {
        "kind": letter.kind, "language": letter.language, "addressee": letter.addressee,
        "signatory": letter.signatory_id, "subject": letter.subject, "body": letter.body,
    }
    form = LetterForm(request.POST or None, initial=initial, engagement=engagement, kind_fixed=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            letters.letter_update_draft(
                letter=letter, language=data["language"], addressee=data["addressee"], signatory=data["signatory"],
                subject=data["subject"], body=data["body"], by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except letters.LetterAlreadyIssued as exc:
            return _detail(request, perms, letter, status=409, refusals=[str(exc)])
        else:
            messages.success(request, f"Draft {letter.reference} saved.")
            return redirect("letter_detail", pk=engagement.pk, letter_pk=letter.pk)
    status = 400 if request.method == "POST" else 200
    return _form_page(request, engagement, form, title=f"Edit draft {letter.reference}", letter=letter, status=status)


@login_required
@require_GET
def letter_preview(request, pk, letter_pk):
    """The draft as it would print, marked as a draft; nothing is stored."""
    perms, letter = _letter(request, pk, letter_pk)
    engagement = perms.engagement
    if letter.is_issued:
        return redirect("letter_pdf", pk=engagement.pk, letter_pk=letter.pk)
    content = letters.letter_render_pdf(letter=letter)
    return pdf_response(content, filename=f"draft-{letter.reference}.pdf")


@login_required
@require_POST
def letter_issue(request, pk, letter_pk):
    perms, letter = _letter(request, pk, letter_pk)
    engagement = perms.engagement
    perms.require_decide()
    if (again := reauthentication.ask_again(request)) is not None:
        return again
    step = None if letter.is_issued else decision_letters.decision_step_pending(letter)
    justification = request.POST.get("justification", "")
    try:
        if step is not None:
            try:
                revision = int(request.POST.get("revision", ""))
            except ValueError:
                revision = None
            issued = intercession.letter_issue_with_step(
                letter=letter, by=request.user, justification=justification, expected_revision=revision,
            )
        else:
            issued = letters.letter_issue(letter=letter, by=request.user)
    except TransitionRefused as exc:
        return _detail(request, perms, letter, status=400, refusals=exc.reasons, justification=justification)
    except EngagementChangedMeanwhile as exc:
        perms.engagement.refresh_from_db()
        return _detail(request, perms, letter, status=409, refusals=[exc.message], justification=justification)
    except letters.LetterAlreadyIssued as exc:
        letter.refresh_from_db()
        return _detail(request, perms, letter, status=409, refusals=[str(exc)])
    except letters.LetterRefused as exc:
        return _detail(request, perms, letter, status=400, refusals=[str(exc)])
    except ValidationError as exc:
        return _detail(request, perms, letter, status=400, refusals=exc.messages)
    if step is not None:
        messages.success(
            request,
            f"Letter {issued.reference} issued and the decision taken: {decision_letters.STEP_WORDS[step]}. "
            "Record the letter's dispatch once it has been sent.",
        )
        return redirect("letter_detail", pk=engagement.pk, letter_pk=letter.pk)
    messages.success(request, f"Letter {issued.reference} issued. Record its dispatch once it has been sent.")
    return redirect("letter_detail", pk=engagement.pk, letter_pk=letter.pk)


@login_required
@require_GET
def letter_pdf(request, pk, letter_pk):
    """The stored PDF of an issued letter: the very bytes whose SHA-256 is recorded."""
    perms, letter = _letter(request, pk, letter_pk)
    if not letter.is_issued or not letter.pdf:
        raise Http404("No PDF is stored for this letter.")
    try:
        content = letters.letter_stored_pdf(letter=letter)
    except letters.LetterRefused as exc:
        return _detail(request, perms, letter, status=500, refusals=[str(exc)])
    return pdf_response(content, filename=f"{letter.reference}.pdf", inline=False, sha256=letter.sha256)


@login_required
@require_POST
def letter_dispatch(request, pk, letter_pk):
    perms, letter = _letter(request, pk, letter_pk)
    engagement = perms.engagement
    perms.require_prepare_or_decide("Only the office's project manager or Chief of Mission records a dispatch.")
    form = DispatchForm(request.POST)
    if form.is_valid():
        try:
            letters.letter_record_dispatch(
                letter=letter, dispatched_on=form.cleaned_data["dispatched_on"],
                channel=form.cleaned_data["channel"], by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except letters.LetterRefused as exc:
            letter.refresh_from_db()
            return _detail(request, perms, letter, status=409, refusals=[str(exc)])
        else:
            messages.success(request, f"Dispatch of letter {letter.reference} recorded.")
            return redirect("letter_detail", pk=engagement.pk, letter_pk=letter.pk)
    return _detail(request, perms, letter, status=400, dispatch_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def letter_correct(request, pk, letter_pk):
    """A new draft that copies an issued letter and says it corrects it; the issued letter stays as it is."""
    perms, original = _letter(request, pk, letter_pk)
    engagement = perms.engagement
    perms.require_prepare()
    if not original.is_issued:
        return _detail(
            request, perms, original, status=409,
            refusals=[f"Letter {original.reference} is still a draft: edit it rather than correct it."],
        )
    initial = letters.letter_correction_initial(letter=original)
    form = LetterForm(request.POST or None, initial=initial, engagement=engagement, kind_fixed=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            correction = letters.letter_draft(
                engagement=engagement, kind=original.kind, language=data["language"], addressee=data["addressee"],
                signatory=data["signatory"], subject=data["subject"], body=data["body"], by=request.user,
                corrects=original,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except letters.LetterRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Draft {correction.reference} corrects letter {original.reference}.")
            return redirect("letter_detail", pk=engagement.pk, letter_pk=correction.pk)
    status = 400 if request.method == "POST" else 200
    return _form_page(
        request, engagement, form, title=f"Correct letter {original.reference}", corrects=original, status=status
    )
