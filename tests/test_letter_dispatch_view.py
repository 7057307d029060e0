"""Recording a letter's dispatch through the web form: once; errors re-render the page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hrddp.models import AuditEntry
from interventions.letters import letter_draft, letter_issue
from interventions.models import Letter, LetterKind

ADDRESSEE = "Idris Valemo\nCommander of Esse Province\nMinistry of the Interior"


@pytest.fixture
def issued(engagement, pm, com):
    draft = letter_draft(
        engagement=engagement, kind=LetterKind.NOTIFICATION, language="en", addressee=ADDRESSEE, signatory=com,
        subject="", body="", by=pm,
    )
    return letter_issue(letter=draft, by=com)


def _url(letter):
    return reverse("letter_dispatch", args=[letter.engagement_id, letter.pk])


def _data(**changes):
    data = {"dispatched_on": timezone.localdate().isoformat(), "channel": "Hand delivery to the Ministry's registry"}
    data.update(changes)
    return data


@pytest.mark.parametrize("who", ["pm", "com"])
def test_the_office_records_the_dispatch_and_returns_to_the_letter(request, client, issued, who):
    client.force_login(request.getfixturevalue(who))

    response = client.post(_url(issued), _data())

    assert response.status_code == 302
    assert response["Location"] == reverse("letter_detail", args=[issued.engagement_id, issued.pk])
    stored = Letter.objects.get(pk=issued.pk)
    assert (stored.dispatched_on, stored.dispatch_channel) == (
        timezone.localdate(), "Hand delivery to the Ministry's registry",
    )
    assert AuditEntry.objects.filter(action="record_letter_dispatch").count() == 1


def test_an_invalid_dispatch_re_renders_the_letter_page_with_the_errors_and_the_input(client, pm, issued):
    client.force_login(pm)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    response = client.post(_url(issued), _data(dispatched_on=tomorrow, channel="Registered post"))

    assert response.status_code == 400
    content = response.content.decode()
    assert 'id="error-summary"' in content and '<a href="#id_dispatched_on">' in content
    assert "cannot be in the future" in content
    assert 'value="Registered post"' in content and f'value="{tomorrow}"' in content
    assert Letter.objects.get(pk=issued.pk).dispatched_on is None


def test_a_missing_channel_is_shown_next_to_its_field(client, pm, issued):
    client.force_login(pm)

    response = client.post(_url(issued), _data(channel=""))

    assert response.status_code == 400
    assert '<a href="#id_channel">' in response.content.decode()


def test_a_second_dispatch_is_refused_with_a_conflict(client, pm, issued):
    client.force_login(pm)
    client.post(_url(issued), _data())

    response = client.post(_url(issued), _data(channel="E-mail"))

    assert response.status_code == 409
    assert Letter.objects.get(pk=issued.pk).dispatch_channel == "Hand delivery to the Ministry's registry"


def test_hq_does_not_record_a_dispatch(client, hq, issued):
    client.force_login(hq)

    assert client.post(_url(issued), _data()).status_code == 403
    assert Letter.objects.get(pk=issued.pk).dispatched_on is None


def test_it_returns_404_for_another_offices_engagement(client, outsider, issued):
    client.force_login(outsider)

    assert client.post(_url(issued), _data()).status_code == 404
    assert Letter.objects.get(pk=issued.pk).dispatched_on is None
