"""Letters to recipient authorities (domain.md section 5): draft, render, issue, dispatch.

The project manager drafts a letter (hrddp.access.may_draft_letter); only the Chief of
Mission who signs it issues it (hrddp.access.may_issue_letter). Issuing renders the PDF
once, stores it with the SHA-256 of its exact bytes and writes the audit entry,
all in one transaction; from then on the letter never changes (Letter.save()
refuses it) but for its dispatch, recorded once. A mistake is put right by a
correction: a new letter that names the one it corrects.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.dateformat import format as format_date

from common.pdf import pdf_render, static_path_url
from hrddp import access
from hrddp.models import AuditAction, Engagement, Role, User
from hrddp.services import audit_record
from interventions.decision_letters import decision_step_pending
from interventions.models import Letter, LetterKind, LetterSequence
from mitigation.models import InterventionProcedure

logger = logging.getLogger(__name__)

LANGUAGES = ("en", "fr")

# Kinds whose letter says nothing without the office's own paragraphs: the
# measures required (P¶16), the grounds (P¶26, P¶27), why support ends.
BODY_REQUIRED = {
    LetterKind.UNLESS_AND_UNTIL: "Say which measures the recipient must take before support is possible (P¶16).",
    LetterKind.INTERCESSION: "Set out the grounds: the violations, where and when, and the units concerned (P¶26).",
    LetterKind.SUSPENSION: "Set out the grounds: the violations that continue despite the intercession (P¶27).",
    LetterKind.CESSATION: "Set out why support is withdrawn: the violations that continue.",
}

STANDARD_SUBJECTS = {
    "en": {
        LetterKind.NOTIFICATION: "Core principles of United Nations support to non-United Nations security forces",
        LetterKind.UNLESS_AND_UNTIL: "Support not possible unless and until measures are taken",
        LetterKind.INTERCESSION: "Grave violations of international humanitarian, human rights or refugee law",
        LetterKind.SUSPENSION: "Suspension of support",
        LetterKind.RESUMPTION: "Resumption of support",
        LetterKind.CESSATION: "Withdrawal of support",
    },
    "fr": {
        LetterKind.NOTIFICATION: "Principes fondamentaux de l’appui de l’ONU à des forces de sécurité non onusiennes",
        LetterKind.UNLESS_AND_UNTIL: "Appui impossible tant que des mesures n’auront pas été prises",
        LetterKind.INTERCESSION: "Violations graves du droit international humanitaire, des droits de l’homme ou du droit des réfugiés",
        LetterKind.SUSPENSION: "Suspension de l’appui",
        LetterKind.RESUMPTION: "Reprise de l’appui",
        LetterKind.CESSATION: "Retrait de l’appui",
    },
}

SIGNATORY_TITLES = {"en": "Chief of Mission", "fr": "Chef de mission"}

# The letter's own stylesheet, a static file served by common.pdf's URL fetcher.
LETTER_STYLESHEET = "css/letters.css"


class LetterRefused(Exception):
    """The letter cannot be issued, dispatched or corrected as asked; the message says why."""


class LetterAlreadyIssued(LetterRefused):
    pass


# --- Who does what -------------------------------------------------------------


def chiefs_of_mission(engagement: Engagement):
    """The users who hold the Chief of Mission role in the engagement's office (the possible signatories)."""
    return User.objects.filter(
        memberships__role=Role.CHIEF_OF_MISSION, memberships__office=engagement.office_id, is_active=True
    ).distinct()


def standard_subject(kind: str, language: str) -> str:
    return STANDARD_SUBJECTS.get(language, STANDARD_SUBJECTS["en"]).get(kind, "")


def default_addressee(engagement: Engagement) -> str:
    """The engagement's government focal point, one line each for name, title and authority."""
    focal = engagement.focal_point
    if focal is None:
        return ""
    return "\n".join(part for part in (focal.full_name, focal.title, focal.authority) if part)


# --- Drafting ------------------------------------------------------------------


def _next_reference(engagement: Engagement) -> str:
    """The office's next number this year, e.g. DRV/HRDDP/2026/0007.

    The sequence row is locked until the transaction ends, so two drafts never
    get the same number; the reference's unique constraint backs this up.
    """
    year = timezone.localdate().year
    sequence, _ = LetterSequence.objects.select_for_update().get_or_create(office_id=engagement.office_id, year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return f"{engagement.office.code.upper()}/HRDDP/{year}/{sequence.last_number:04d}"


def _validate_draft(letter: Letter) -> None:
    errors: dict[str, list[str]] = {}
    if letter.kind not in LetterKind.values:
        errors.setdefault("kind", []).append("Choose the kind of letter.")
    if letter.language not in LANGUAGES:
        errors.setdefault("language", []).append("Choose English or French.")
    if not letter.addressee.strip():
        errors.setdefault("addressee", []).append("Name the recipient authority the letter is addressed to.")
    if not letter.subject.strip():
        errors.setdefault("subject", []).append("Give the letter a subject.")
    if letter.kind in BODY_REQUIRED and not letter.body.strip():
        errors.setdefault("body", []).append(BODY_REQUIRED[letter.kind])
    if letter.signatory_id is None or not access.may_issue_letter(letter.signatory, letter.engagement):
        errors.setdefault("signatory", []).append("The letter is signed by a Chief of Mission of the office.")
    if errors:
        raise ValidationError(errors)


def letter_draft(
    *, engagement: Engagement, kind: str, language: str, addressee: str, signatory: User, subject: str, body: str,
    by: User, corrects: Letter | None = None,
) -> Letter:
    """A new draft with its own reference. A correction names the issued letter of this engagement it replaces."""
    if not access.may_draft_letter(by, engagement):
        raise PermissionDenied("Only the project manager drafts letters.")
    if corrects is not None:
        if corrects.engagement_id != engagement.pk:
            raise LetterRefused("A correction belongs to the engagement of the letter it corrects.")
        if not corrects.is_issued:
            raise LetterRefused("Only an issued letter is corrected; a draft is simply edited.")
        if kind != corrects.kind:
            raise LetterRefused("A correction is a letter of the same kind as the one it corrects.")
    letter = Letter(
        engagement=engagement, kind=kind, language=language, addressee=(addressee or "").strip(),
        signatory=signatory, subject=(subject or "").strip() or standard_subject(kind, language),
        body=(body or "").strip(), corrects=corrects,
        created_by=by, created_at=timezone.now(),
    )
    _validate_draft(letter)
    with transaction.atomic():
        letter.reference = _next_reference(engagement)
        letter.save()
        what = f"correction of letter {corrects.reference}" if corrects else "letter"
        audit_record(
            engagement=engagement, actor=by, action=AuditAction.DRAFT_LETTER,
            justification=f"Drafted {what} {letter.reference} ({letter.get_kind_display()}, {letter.get_language_display()}).",
            details={"letter": letter.pk, "reference": letter.reference, "kind": letter.kind},
        )
    return letter


def letter_update_draft(
    *, letter: Letter, language: str, addressee: str, signatory: User, subject: str, body: str, by: User
) -> Letter:
    """Change a draft before it is issued (its kind, reference and what it corrects stay)."""
    if not access.may_draft_letter(by, letter.engagement):
        raise PermissionDenied("Only the project manager edits draft letters.")
    with transaction.atomic():
        current = Letter.objects.select_for_update().get(pk=letter.pk)
        if current.is_issued:
            raise LetterAlreadyIssued(
                f"Letter {current.reference} has been issued and cannot be changed; draft a correction instead."
            )
        current.language = language
        current.addressee = (addressee or "").strip()
        current.signatory = signatory
        current.subject = (subject or "").strip() or standard_subject(current.kind, language)
        current.body = (body or "").strip()
        _validate_draft(current)
        current.save(update_fields=["language", "addressee", "signatory", "subject", "body"])
    return current


def letter_correction_initial(*, letter: Letter) -> dict:
    """What a correction of an issued letter starts from: a copy of its content."""
    return {
        "kind": letter.kind, "language": letter.language, "addressee": letter.addressee,
        "signatory": letter.signatory_id, "subject": letter.subject, "body": letter.body,
    }


# --- Rendering -----------------------------------------------------------------


def _format_date(day: date, language: str) -> str:
    with translation.override(language):
        return format_date(day, "j F Y")


def _recipient_name(recipient) -> str:
    lineage = recipient.lineage()
    if len(lineage) == 1:
        return recipient.name
    return f"{recipient.name} ({lineage[0].name})"


def _procedure(engagement: Engagement) -> InterventionProcedure | None:
    return (
        InterventionProcedure.objects.select_related("monitoring_responsible", "recipient_focal_point")
        .filter(engagement=engagement)
        .first()
    )


def _earlier_letters(letter: Letter) -> dict[str, dict]:
    """The latest issued letter of each kind of this engagement before this one (e.g. the intercession a suspension follows)."""
    earlier = {}
    issued = (
        Letter.objects.filter(engagement_id=letter.engagement_id, issued_at__isnull=False)
        .exclude(pk=letter.pk)
        .order_by("issued_at", "pk")
    )
    if letter.issued_at is not None:
        issued = issued.filter(issued_at__lt=letter.issued_at)
    for other in issued:
        earlier[other.kind] = _letter_ref(other, letter.language)
    return earlier


def _letter_ref(other: Letter, language: str) -> dict:
    day = other.letter_date or timezone.localdate(other.issued_at)
    return {"reference": other.reference, "date": _format_date(day, language)}


def _context(letter: Letter) -> dict:
    engagement = letter.engagement
    language = letter.language if letter.language in LANGUAGES else "en"
    day = letter.letter_date or timezone.localdate()
    signatory = letter.signatory
    return {
        "letter": letter,
        "engagement": engagement,
        "office": engagement.office,
        "project": engagement.project,
        "recipient_name": _recipient_name(engagement.recipient),
        "procedure": _procedure(engagement),
        "is_draft": not letter.is_issued,
        "date_text": _format_date(day, language),
        "subject": letter.subject or standard_subject(letter.kind, language),
        "corrected": _letter_ref(letter.corrects, language) if letter.corrects_id else None,
        "earlier": _earlier_letters(letter),
        "signatory_name": signatory.get_full_name() or signatory.username,
        "signatory_title": SIGNATORY_TITLES[language],
        "stylesheets": [static_path_url(LETTER_STYLESHEET)],
    }


def letter_html(*, letter: Letter) -> str:
    """The letter as HTML, from the template of its kind in its language."""
    language = letter.language if letter.language in LANGUAGES else "en"
    return render_to_string(f"interventions/letters/pdf/{letter.kind}_{language}.html", _context(letter))


def letter_render_pdf(*, letter: Letter) -> bytes:
    """The letter as PDF bytes, on the office's letterhead. A letter not yet issued is marked as a draft."""
    return pdf_render(letter_html(letter=letter))


# --- Issuing and dispatch --------------------------------------------------------


def _file_name(letter: Letter) -> str:
    return letter.reference.replace("/", "-") + ".pdf"


def letter_issue(*, letter: Letter, by: User, with_step: bool = False) -> Letter:
    """Issue a draft: render its PDF, store it with its SHA-256, date it, and audit it, all at once.

    Refuses (LetterAlreadyIssued) a letter issued before, and PermissionDenied
    to anyone but a Chief of Mission of the engagement who signs the letter.
    A decision letter (suspension, resumption, cessation) is issued with its step
    (interventions.intercession.letter_issue_with_step, which passes `with_step`).
    """
    stored_name = None
    try:
        with transaction.atomic():
            current = (
                Letter.objects.select_for_update()
                .select_related("engagement__office", "engagement__project", "engagement__recipient", "signatory")
                .get(pk=letter.pk)
            )
            if not access.may_issue_letter(by, current.engagement):
                raise PermissionDenied("Only the Chief of Mission issues letters.")
            if current.is_issued:
                raise LetterAlreadyIssued(
                    f"Letter {current.reference} was already issued on {timezone.localtime(current.issued_at):%d %b %Y %H:%M}."
                )
            if current.signatory_id != by.pk:
                raise LetterRefused(
                    f"Letter {current.reference} is to be signed by {current.signatory}: only the signatory issues it. "
                    "To sign it yourself, have the draft changed to name you."
                )
            _validate_draft(current)
            if not with_step and decision_step_pending(current):
                raise LetterRefused(
                    f"A {current.get_kind_display().split(' (')[0].lower()} letter is issued together with its "
                    "decision: use the button that issues it and takes the step, so that the letter and the "
                    "decision are one record."
                )
            now = timezone.now()
            current.issued_at = now
            current.issued_by = by
            current.letter_date = timezone.localdate(now)
            content = letter_render_pdf(letter=current)
            current.sha256 = hashlib.sha256(content).hexdigest()
            current.pdf.save(_file_name(current), ContentFile(content), save=False)
            stored_name = current.pdf.name
            current.save()
            audit_record(
                engagement=current.engagement, actor=by, action=AuditAction.ISSUE_LETTER,
                justification=(
                    f"Issued letter {current.reference} ({current.get_kind_display()}) "
                    f"to {current.addressee.splitlines()[0]}."
                ),
                details={"letter": current.pk, "reference": current.reference, "kind": current.kind,
                         "sha256": current.sha256},
            )
    except BaseException:
        # The file is not part of the transaction: remove what a failed issue stored.
        if stored_name:
            letter.pdf.storage.delete(stored_name)
        raise
    return current


def letter_record_dispatch(*, letter: Letter, dispatched_on: date, channel: str, by: User) -> Letter:
    """Record when and how an issued letter was sent; once only."""
    channel = (channel or "").strip()
    with transaction.atomic():
        current = Letter.objects.select_for_update().select_related("engagement").get(pk=letter.pk)
        if not access.may_record_letter_dispatch(by, current.engagement):
            raise PermissionDenied("Only the office's project manager or Chief of Mission records a dispatch.")
        if not current.is_issued:
            raise LetterRefused(f"Letter {current.reference} has not been issued: there is nothing to dispatch yet.")
        if current.is_dispatched:
            raise LetterRefused(
                f"The dispatch of letter {current.reference} was already recorded "
                f"({current.dispatched_on:%d %b %Y}, {current.dispatch_channel})."
            )
        errors = {}
        if dispatched_on is None:
            errors["dispatched_on"] = ["Give the date the letter was sent."]
        elif dispatched_on < (current.letter_date or timezone.localdate(current.issued_at)):
            errors["dispatched_on"] = ["A letter cannot be sent before the date it bears."]
        elif dispatched_on > timezone.localdate():
            errors["dispatched_on"] = ["The dispatch date cannot be in the future."]
        if not channel:
            errors["channel"] = ["Say how the letter was sent, e.g. hand delivery to the Ministry's registry."]
        if errors:
            raise ValidationError(errors)
        current.dispatched_on = dispatched_on
        current.dispatch_channel = channel
        current.save(update_fields=["dispatched_on", "dispatch_channel"])
        audit_record(
            engagement=current.engagement, actor=by, action=AuditAction.RECORD_LETTER_DISPATCH,
            justification=f"Letter {current.reference} sent on {dispatched_on:%d %b %Y} by {channel}.",
            details={"letter": current.pk, "reference": current.reference},
        )
    return current


def letter_stored_pdf(*, letter: Letter) -> bytes:
    """The stored PDF of an issued letter, checked against its recorded SHA-256."""
    if not letter.is_issued or not letter.pdf:
        raise LetterRefused(f"No PDF is stored for letter {letter.reference}.")
    with letter.pdf.open("rb") as stream:
        content = stream.read()
    if hashlib.sha256(content).hexdigest() != letter.sha256:
        logger.error("The stored PDF of letter %s does not match its SHA-256.", letter.reference)
        raise LetterRefused(
            f"The stored PDF of letter {letter.reference} does not match its recorded fingerprint; "
            "it is not served. Tell the administrator."
        )
    return content
