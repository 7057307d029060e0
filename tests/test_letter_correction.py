"""Correcting an issued letter: a new letter that names the one it corrects; the
issued letter, its stored bytes and their hash stay exactly as they were."""

import hashlib

from interventions.letters import letter_correction_initial, letter_draft, letter_issue, letter_render_pdf
from interventions.models import Letter, LetterKind
from tests.pages import pdf_text

ADDRESSEE = "General Idris Valemo\nCommander of Esse Province\nMinistry of the Interior"


def _stored(letter) -> bytes:
    with Letter.objects.get(pk=letter.pk).pdf.open("rb") as stream:
        return stream.read()


def test_a_correction_is_a_new_letter_and_leaves_the_first_untouched(engagement, pm, com):
    first = letter_issue(
        letter=letter_draft(
            engagement=engagement, kind=LetterKind.NOTIFICATION, language="en", addressee=ADDRESSEE, signatory=com,
            subject="", body="Support: two motorbikes.", by=pm,
        ),
        by=com,
    )
    content, digest = _stored(first), first.sha256
    copied = letter_correction_initial(letter=first)

    correction = letter_draft(
        engagement=engagement, by=pm, corrects=first,
        **{**copied, "signatory": com, "body": "Support: three motorbikes."},
    )
    letter_issue(letter=correction, by=com)

    assert correction.pk != first.pk and correction.reference != first.reference
    assert correction.corrects == first and list(first.corrections.all()) == [correction]
    stored_first = Letter.objects.get(pk=first.pk)
    assert (stored_first.body, stored_first.sha256, stored_first.pdf.name) == (
        "Support: two motorbikes.", digest, first.pdf.name,
    )
    assert _stored(first) == content and hashlib.sha256(content).hexdigest() == digest


def test_a_correction_starts_from_a_copy_of_the_issued_letter(engagement, pm, com):
    first = letter_issue(
        letter=letter_draft(
            engagement=engagement, kind=LetterKind.INTERCESSION, language="fr", addressee=ADDRESSEE, signatory=com,
            subject="Objet précis", body="Les motifs.", by=pm,
        ),
        by=com,
    )

    assert letter_correction_initial(letter=first) == {
        "kind": LetterKind.INTERCESSION, "language": "fr", "addressee": ADDRESSEE, "signatory": com.pk,
        "subject": "Objet précis", "body": "Les motifs.",
    }


def test_the_correction_says_which_letter_it_corrects_and_replaces(engagement, pm, com):
    first = letter_issue(
        letter=letter_draft(
            engagement=engagement, kind=LetterKind.NOTIFICATION, language="en", addressee=ADDRESSEE, signatory=com,
            subject="", body="", by=pm,
        ),
        by=com,
    )
    correction = letter_draft(
        engagement=engagement, kind=LetterKind.NOTIFICATION, language="fr", addressee=ADDRESSEE, signatory=com,
        subject="", body="", by=pm, corrects=first,
    )

    text = pdf_text(letter_render_pdf(letter=correction))

    assert f"La présente lettre rectifie et remplace notre lettre réf. {first.reference} du" in text
