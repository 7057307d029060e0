"""Drafting a letter through the web: the form comes prefilled from the engagement;
a refused draft re-renders with its errors and loses nothing."""

import pytest
from django.urls import reverse

from hrddp.models import AuditEntry
from interventions.models import Letter, LetterKind
from tests.factories import FocalPointFactory


@pytest.fixture
def engagement(engagement, office_a):
    engagement.focal_point = FocalPointFactory(
        office=office_a, full_name="Idris Valemo", title="Commander of Esse Province", authority="Ministry of the Interior"
    )
    engagement.save()
    return engagement


def _url(engagement, query=""):
    return reverse("letter_new", args=[engagement.pk]) + query


def _data(com, **changes):
    data = {
        "kind": LetterKind.INTERCESSION, "language": "en", "addressee": "Idris Valemo\nCommander of Esse Province",
        "signatory": com.pk, "subject": "", "body": "Two traders were killed at the Kael checkpoint on 3 May.",
    }
    data.update(changes)
    return data


def test_it_prefills_the_kind_language_addressee_signatory_and_subject(client, pm, com, engagement):
    client.force_login(pm)

    response = client.get(_url(engagement, "?kind=intercession&language=fr"))

    assert response.status_code == 200
    form = response.context["form"]
    assert form["kind"].value() == LetterKind.INTERCESSION
    assert form["language"].value() == "fr"
    assert form["addressee"].value() == "Idris Valemo\nCommander of Esse Province\nMinistry of the Interior"
    assert form["signatory"].value() == com.pk
    assert form["subject"].value().startswith("Violations graves du droit international humanitaire")
    content = response.content.decode()
    assert '<label for="id_addressee">' in content and '<label for="id_body">' in content


def test_it_saves_the_draft_with_its_reference_and_goes_to_it(client, pm, com, engagement):
    client.force_login(pm)

    response = client.post(_url(engagement), _data(com))

    letter = Letter.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("letter_detail", args=[engagement.pk, letter.pk])
    assert (letter.kind, letter.signatory, letter.created_by, letter.issued_at) == (
        LetterKind.INTERCESSION, com, pm, None,
    )
    assert letter.subject == "Grave violations of international humanitarian, human rights or refugee law"
    assert letter.reference.startswith("AAA/HRDDP/")
    assert AuditEntry.objects.get().action == "draft_letter"


def test_a_refused_draft_shows_what_is_missing_and_keeps_what_was_typed(client, pm, com, engagement):
    client.force_login(pm)

    response = client.post(_url(engagement), _data(com, body="", addressee="Minister of the Interior\nEsse City"))

    assert response.status_code == 400
    content = response.content.decode()
    assert 'id="error-summary"' in content
    assert '<a href="#id_body">' in content
    assert 'aria-invalid="true"' in content
    assert "Minister of the Interior\nEsse City</textarea>" in content
    assert not Letter.objects.exists() and not AuditEntry.objects.exists()


def test_a_signatory_from_another_office_is_not_accepted(client, pm, com_b, engagement):
    client.force_login(pm)

    response = client.post(_url(engagement), _data(com_b))

    assert response.status_code == 400
    assert '<a href="#id_signatory">' in response.content.decode()
    assert not Letter.objects.exists()


def test_the_chief_of_mission_does_not_draft(client, com, engagement):
    client.force_login(com)

    assert client.get(_url(engagement)).status_code == 403
    assert client.post(_url(engagement), _data(com)).status_code == 403
    assert not Letter.objects.exists()


def test_it_returns_404_for_another_offices_engagement(client, outsider, com, engagement):
    client.force_login(outsider)

    assert client.get(_url(engagement)).status_code == 404
    assert client.post(_url(engagement), _data(com)).status_code == 404
    assert not Letter.objects.exists()
