"""The letter as a PDF (domain.md section 5): letterhead, reference, date, addressee,
the standard paragraphs of its kind in English or French, the office's own
paragraphs and the signature; read back with pypdf."""


import pytest

from interventions.letters import letter_draft, letter_issue, letter_render_pdf
from interventions.models import LetterKind
from tests.builders import fill_procedure
from tests.factories import FocalPointFactory
from tests.pages import pdf_text

ADDRESSEE_EN = "General Idris Valemo\nCommander of Esse Province\nMinistry of the Interior of Darvonia"
ADDRESSEE_FR = "Général Idris Valemo\nCommandant de la province d’Esse\nMinistère de l’Intérieur de la Darvonie"

CORE_PRINCIPLES_EN = [
    "Support by United Nations entities to non-United Nations security forces must be consistent with the purposes "
    "and principles of the Charter of the United Nations and with the Organization’s obligations under international "
    "law to respect, promote and encourage respect for international humanitarian, human rights and refugee law.",
    "United Nations support cannot be provided to units that fall under the command of individuals against whom "
    "there are substantiated allegations of grave violations of international humanitarian, human rights or refugee law.",
    "the United Nations is obliged to continuously assess whether the actions of the recipient are consistent with "
    "the Organization’s obligations",
]
CORE_PRINCIPLES_FR = [
    "L’appui fourni par les entités des Nations Unies à des forces de sécurité non onusiennes doit être conforme aux "
    "buts et principes énoncés dans la Charte des Nations Unies",
    "l’Organisation des Nations Unies ne peut apporter son appui à des unités placées sous le commandement de personnes "
    "contre lesquelles pèsent des allégations fondées de violations graves du droit international humanitaire",
    "l’Organisation des Nations Unies est tenue d’évaluer en permanence si les actes du bénéficiaire sont conformes",
]

# One sentence of each kind's standard paragraphs, in each language.
STANDARD_SENTENCE = {
    (LetterKind.NOTIFICATION, "en"): "I wish to inform you in writing of the core principles that govern such support.",
    (LetterKind.NOTIFICATION, "fr"): "je tiens à vous informer par écrit des principes fondamentaux qui régissent un tel appui.",
    (LetterKind.UNLESS_AND_UNTIL, "en"): "Support will not be possible unless and until measures are taken",
    (LetterKind.UNLESS_AND_UNTIL, "fr"): "Celui-ci ne sera possible que si et lorsque des mesures auront été prises",
    (LetterKind.INTERCESSION, "en"): "I hereby bring these grounds to the attention of your authorities with a view to bringing those violations to an end.",
    (LetterKind.INTERCESSION, "fr"): "je porte par la présente ces motifs à l’attention de vos autorités afin qu’il soit mis fin à ces violations.",
    (LetterKind.SUSPENSION, "en"): "the Office must therefore suspend its support",
    (LetterKind.SUSPENSION, "fr"): "le Bureau est donc tenu de suspendre son appui",
    (LetterKind.RESUMPTION, "en"): "the support will resume with effect from the date of this letter.",
    (LetterKind.RESUMPTION, "fr"): "l’appui reprendra à compter de la date de la présente lettre.",
    (LetterKind.CESSATION, "en"): "the Office must therefore withdraw its support.",
    (LetterKind.CESSATION, "fr"): "le Bureau est donc tenu de retirer son appui.",
}
SIGNATORY_TITLE = {"en": "Chief of Mission", "fr": "Chef de mission"}
BODY = {
    "en": "On 3 May, officers of the Kael checkpoint unit detained two traders without charge.",
    "fr": "Le 3 mai, des agents de l’unité du poste de contrôle de Kael ont détenu deux commerçants sans inculpation.",
}


def one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def office(office_a):
    office_a.entity = "IOM"
    office_a.name = "Darvonia Country Office"
    office_a.letterhead_address = "UN Compound, 14 Harbour Road\nEsse City, Darvonia"
    office_a.save()
    return office_a


@pytest.fixture
def com(com):
    com.first_name, com.last_name = "Amara", "Okonjo-Reyes"
    com.save()
    return com


def draft(engagement, pm, com, *, kind=LetterKind.NOTIFICATION, language="en", body=None, **fields):
    return letter_draft(
        engagement=engagement, kind=kind, language=language,
        addressee=fields.pop("addressee", ADDRESSEE_EN if language == "en" else ADDRESSEE_FR),
        signatory=com, subject=fields.pop("subject", ""), body=BODY[language] if body is None else body, by=pm,
        **fields,
    )


@pytest.mark.parametrize("language, addressee, principles", [
    ("en", ADDRESSEE_EN, CORE_PRINCIPLES_EN),
    ("fr", ADDRESSEE_FR, CORE_PRINCIPLES_FR),
])
def test_an_issued_notification_is_a_real_pdf_with_the_addressee_reference_and_core_principles(
    office, engagement, pm, com, language, addressee, principles
):
    letter = draft(engagement, pm, com, language=language, addressee=addressee)

    issued = letter_issue(letter=letter, by=com)

    content = issued.pdf.open("rb").read()
    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    assert one_line(addressee) in text
    assert issued.reference in text
    for sentence in principles:
        assert one_line(sentence) in text
    assert "Amara Okonjo-Reyes" in text
    assert SIGNATORY_TITLE[language] in text
    assert "Darvonia Country Office" in text and "UN Compound, 14 Harbour Road" in text


@pytest.mark.parametrize("kind, language", sorted(STANDARD_SENTENCE))
def test_each_kind_prints_its_standard_paragraphs_and_the_offices_own_in_its_language(
    office, engagement, pm, com, kind, language
):
    letter = draft(engagement, pm, com, kind=kind, language=language)

    text = pdf_text(letter_render_pdf(letter=letter))

    assert one_line(STANDARD_SENTENCE[(kind, language)]) in text
    assert BODY[language] in text
    assert letter.reference in text
    assert SIGNATORY_TITLE[language] in text


def test_the_date_is_written_out_in_the_letters_language(office, engagement, pm, com, time_machine):
    time_machine.move_to("2026-11-05 10:00:00+00:00")
    english = letter_issue(letter=draft(engagement, pm, com), by=com)
    french = letter_issue(letter=draft(engagement, pm, com, language="fr"), by=com)

    assert "5 November 2026" in pdf_text(english.pdf.open("rb").read())
    assert "5 novembre 2026" in pdf_text(french.pdf.open("rb").read())


def test_the_notification_names_the_procedures_of_the_intervention_procedure(office, engagement, pm, com):
    focal = FocalPointFactory(office=office, full_name="Colonel Mira Astan", title="Commander of Esse Province")
    pm.first_name, pm.last_name = "Jonas", "Feld"
    pm.save()
    fill_procedure(engagement, monitor=pm, focal_point=focal, reporting="Same-day call to the Chief of Mission.")

    text = pdf_text(letter_render_pdf(letter=draft(engagement, pm, com)))

    assert "through your focal point, Colonel Mira Astan, Commander of Esse Province" in text
    assert "Jonas Feld is responsible for this due-diligence monitoring" in text
    assert "Same-day call to the Chief of Mission." in text


def test_without_a_procedure_the_notification_says_the_procedures_will_follow(office, engagement, pm, com):
    text = pdf_text(letter_render_pdf(letter=draft(engagement, pm, com)))

    assert "The Office will inform you of the procedures it puts in place to implement the policy" in text


def test_a_draft_preview_is_marked_as_a_draft_and_an_issued_letter_is_not(office, engagement, pm, com):
    letter = draft(engagement, pm, com)

    preview = pdf_text(letter_render_pdf(letter=letter))
    issued = pdf_text(letter_issue(letter=letter, by=com).pdf.open("rb").read())

    assert "DRAFT — NOT ISSUED" in preview
    assert "Draft — not issued." in preview
    assert "DRAFT" not in issued and "Draft" not in issued


def test_a_suspension_cites_the_intercession_letter_it_follows(office, engagement, pm, com):
    intercession = letter_issue(letter=draft(engagement, pm, com, kind=LetterKind.INTERCESSION), by=com)

    text = pdf_text(letter_render_pdf(letter=draft(engagement, pm, com, kind=LetterKind.SUSPENSION)))

    assert f"By its letter ref. {intercession.reference} of" in text


def test_the_addressee_and_body_are_printed_as_text_never_as_markup(office, engagement, pm, com):
    letter = draft(
        engagement, pm, com, addressee="Minister <b>of</b> Interior",
        body='<img src="file:///etc/passwd"> & <a href="http://example.org">link</a>',
    )

    text = pdf_text(letter_render_pdf(letter=letter))

    assert "Minister <b>of</b> Interior" in text
    assert '<img src="file:///etc/passwd"> & <a href="http://example.org">link</a>' in text


def test_rendering_a_letter_takes_well_under_a_second(office, engagement, pm, com):
    import time

    letter = draft(engagement, pm, com)
    letter_render_pdf(letter=letter)  # the first render loads WeasyPrint and the fonts

    started = time.perf_counter()
    letter_render_pdf(letter=letter)

    assert time.perf_counter() - started < 1.0
