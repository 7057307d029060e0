"""The list of letters across engagements: scoped, filtered by kind and status, sorted, and a bounded
number of queries for 10 and 1,000 engagements."""

from datetime import date

from django.urls import reverse
from django.utils import timezone

from interventions.models import Letter, LetterKind
from tests.factories import UserFactory
from tests.portfolio_data import queries_for_10_and_1000

URL = reverse("letter_overview")
MAX_QUERIES = 12


def _letter(engagement, reference, *, kind=LetterKind.NOTIFICATION, issued=False, dispatched=False):
    signatory = UserFactory()
    return Letter.objects.create(
        engagement=engagement, kind=kind, reference=reference, addressee="Ministry of the Interior",
        signatory=signatory, issued_at=timezone.now() if issued else None, issued_by=signatory if issued else None,
        letter_date=date(2026, 3, 2) if issued else None,
        dispatched_on=date(2026, 3, 3) if dispatched else None, dispatch_channel="Courier" if dispatched else "",
    )


def _listed(client, user, **params):
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200
    return list(response.context["page"].object_list)


def test_it_redirects_an_anonymous_visitor_to_the_login_page(client):
    assert client.get(URL)["Location"].startswith(reverse("login"))


def test_it_shows_the_project_manager_only_their_offices_letters(client, pm, engagement, engagement_b):
    mine = _letter(engagement, "AAA/1")
    _letter(engagement_b, "BBB/1")

    assert _listed(client, pm) == [mine]


def test_it_shows_the_outsider_none_of_office_a(client, outsider, engagement, engagement_b):
    _letter(engagement, "AAA/1")
    theirs = _letter(engagement_b, "BBB/1")

    assert _listed(client, outsider) == [theirs]


def test_it_filters_by_kind_and_status(client, hq, engagement):
    draft = _letter(engagement, "AAA/1")
    issued = _letter(engagement, "AAA/2", kind=LetterKind.SUSPENSION, issued=True)
    sent = _letter(engagement, "AAA/3", issued=True, dispatched=True)

    assert _listed(client, hq, kind=LetterKind.SUSPENSION) == [issued]
    assert _listed(client, hq, status="draft") == [draft]
    assert _listed(client, hq, status="issued") == [issued]
    assert _listed(client, hq, status="dispatched") == [sent]


def test_it_sorts_by_reference(client, hq, engagement):
    second, first = _letter(engagement, "AAA/2"), _letter(engagement, "AAA/1")

    assert _listed(client, hq, sort="reference") == [first, second]
    assert _listed(client, hq, sort="-reference") == [second, first]


def test_it_runs_the_same_bounded_number_of_queries_for_10_and_1000_engagements(client, hq, pm, office_a, office_b):
    few, many = queries_for_10_and_1000(client, [hq, pm], office_a, office_b, URL, None)

    assert few == many
    assert max(many) <= MAX_QUERIES
