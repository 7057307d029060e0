"""Who reaches which letter page: another office's engagement or letter is 'not
found' on every page; a letter is found only under its own engagement; HQ and
auditors read but do not act; anonymous visitors are sent to sign in."""

import pytest
from django.urls import reverse

from interventions import letters as services
from interventions.letters import letter_draft, letter_issue
from interventions.models import Letter, LetterKind
from tests.factories import EngagementFactory

ADDRESSEE = "Commander of Esse Province\nMinistry of the Interior"

# (URL name, method, the letter it needs: None, "draft" or "issued")
PAGES = [
    ("letter_list", "get", None),
    ("letter_new", "get", None),
    ("letter_new", "post", None),
    ("letter_detail", "get", "draft"),
    ("letter_edit", "get", "draft"),
    ("letter_edit", "post", "draft"),
    ("letter_preview", "get", "draft"),
    ("letter_issue", "post", "draft"),
    ("letter_pdf", "get", "issued"),
    ("letter_dispatch", "post", "issued"),
    ("letter_correct", "get", "issued"),
    ("letter_correct", "post", "issued"),
]
LETTER_PAGES = [page for page in PAGES if page[2]]
READ_PAGES = [("letter_list", None), ("letter_detail", "draft"), ("letter_detail", "issued"),
              ("letter_preview", "draft"), ("letter_pdf", "issued")]
ACTION_PAGES = [page for page in PAGES if page[0] not in {"letter_list", "letter_detail", "letter_preview", "letter_pdf"}]

FORM_DATA = {
    "kind": LetterKind.NOTIFICATION, "language": "en", "addressee": "Someone", "subject": "S", "body": "B",
    "dispatched_on": "2026-01-01", "channel": "Courier",
}


def _letters(engagement, pm, com):
    draft = letter_draft(
        engagement=engagement, kind=LetterKind.NOTIFICATION, language="en", addressee=ADDRESSEE, signatory=com,
        subject="", body="", by=pm,
    )
    issued = letter_issue(
        letter=letter_draft(
            engagement=engagement, kind=LetterKind.NOTIFICATION, language="en", addressee=ADDRESSEE, signatory=com,
            subject="", body="", by=pm,
        ),
        by=com,
    )
    return {"draft": draft, "issued": issued}


# Who reaches a page does not depend on what the letter says: a stand-in PDF keeps these tests fast.
TINY_PDF = b"%PDF-1.7\n% stand-in for a rendered letter\n%%EOF\n"


@pytest.fixture
def letters(engagement, pm, com, monkeypatch):
    monkeypatch.setattr(services, "letter_render_pdf", lambda *, letter: TINY_PDF)
    return _letters(engagement, pm, com)


def _url(name, engagement, letter=None):
    args = [engagement.pk] + ([letter.pk] if letter is not None else [])
    return reverse(name, args=args)


def _request(client, method, url, com=None):
    data = dict(FORM_DATA, signatory=com.pk) if com else FORM_DATA
    return client.post(url, data) if method == "post" else client.get(url)


def _snapshot():
    return list(Letter.objects.order_by("pk").values())


@pytest.mark.parametrize("name, method, needs", PAGES)
def test_an_outsider_gets_404_on_every_letter_page(client, outsider, engagement, letters, com, name, method, needs):
    client.force_login(outsider)
    before = _snapshot()

    response = _request(client, method, _url(name, engagement, letters.get(needs)), com)

    assert response.status_code == 404
    assert _snapshot() == before


@pytest.mark.parametrize("name, method, needs", LETTER_PAGES)
@pytest.mark.parametrize("who", ["pm", "com"])
def test_a_letter_is_not_found_under_another_engagement_of_the_same_office(
    request, client, office_a, engagement, letters, com, name, method, needs, who
):
    other = EngagementFactory(office=office_a)
    client.force_login(request.getfixturevalue(who))
    before = _snapshot()

    response = _request(client, method, _url(name, other, letters[needs]), com)

    assert response.status_code == 404
    assert _snapshot() == before


@pytest.mark.parametrize("name, method, needs", PAGES)
def test_an_anonymous_visitor_is_sent_to_sign_in(client, engagement, letters, name, method, needs):
    before = _snapshot()

    response = _request(client, method, _url(name, engagement, letters.get(needs)))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert _snapshot() == before


@pytest.mark.parametrize("name, needs", READ_PAGES)
@pytest.mark.parametrize("who", ["hq", "auditor"])
def test_hq_and_auditors_read_and_download_letters_of_every_office(request, client, engagement, letters, name, needs, who):
    client.force_login(request.getfixturevalue(who))

    response = client.get(_url(name, engagement, letters.get(needs)))

    assert response.status_code == 200


@pytest.mark.parametrize("name, method, needs", ACTION_PAGES)
@pytest.mark.parametrize("who", ["hq", "auditor"])
def test_hq_and_auditors_do_not_draft_issue_dispatch_or_correct(
    request, client, engagement, letters, com, name, method, needs, who
):
    client.force_login(request.getfixturevalue(who))
    before = _snapshot()

    response = _request(client, method, _url(name, engagement, letters.get(needs)), com)

    assert response.status_code == 403
    assert _snapshot() == before


def test_the_issued_letter_of_another_office_is_not_downloadable_by_its_reference(client, outsider, engagement, letters):
    client.force_login(outsider)

    response = client.get(_url("letter_pdf", engagement, letters["issued"]))

    assert response.status_code == 404
    assert b"%PDF" not in response.content
    assert letters["issued"].reference not in response.content.decode()
