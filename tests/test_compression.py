"""Pages go compressed to a browser that accepts it, so that a list over a slow link stays small."""

import gzip

from django.urls import reverse

from tests.portfolio_data import bulk_portfolio


def test_a_full_list_page_travels_compressed_under_10_kb(client, pm, office_a):
    # Given a list of fifty engagements, a full page
    bulk_portfolio(office_a, 60)
    client.force_login(pm)

    # When a browser that accepts gzip asks for it
    response = client.get(reverse("engagement_list"), HTTP_ACCEPT_ENCODING="gzip, deflate, br")

    # Then it is compressed, small on the wire, and whole once unpacked
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert len(response.content) < 10_000
    assert gzip.decompress(response.content).decode().count("<tr>") >= 50


def test_a_browser_that_does_not_accept_it_gets_the_page_as_it_is(client, pm, office_a):
    client.force_login(pm)

    response = client.get(reverse("engagement_list"))

    assert not response.has_header("Content-Encoding") and b"<table" in response.content
