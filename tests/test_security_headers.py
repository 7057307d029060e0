"""Every response carries a Content-Security-Policy without inline script or style and a Permissions-Policy;
what a signed-in user is sent is never stored by a cache; `next=` only leads back into the site; the case
PDF finds its stylesheet with the production static storage."""

import io

import pytest
from django.test import override_settings
from django.urls import reverse
from pypdf import PdfReader

from common import pdf
from hrddp.models import Notification
from interventions import letters
from interventions.models import InterventionCase
from tests.builders import engagement_ready_for


@pytest.fixture
def case(office_a):
    engagement = engagement_ready_for("record_course_of_action", office=office_a)
    return InterventionCase.objects.get(engagement=engagement)


def _pages(engagement):
    return [
        reverse("engagement_list"),
        reverse("engagement_detail", args=[engagement.pk]),
        reverse("engagement_history", args=[engagement.pk]),
        reverse("recipient_detail", args=[engagement.recipient_id]),
        reverse("inbox"),
        "/incidents/",
        "/letters/",
        "/dashboard/",
        "/exports/incidents.csv",
    ]


def test_the_sign_in_page_has_the_content_security_policy_and_the_permissions_policy(client):
    response = client.get(reverse("login"))

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy and "base-uri 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]


def test_every_page_a_signed_in_user_gets_is_marked_no_store(client, pm, engagement):
    client.force_login(pm)

    for url in _pages(engagement):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url
        assert "unsafe-inline" not in response["Content-Security-Policy"], url


def test_the_admin_is_marked_no_store(client, pm):
    pm.is_staff = True
    pm.save(update_fields=["is_staff"])
    client.force_login(pm)

    response = client.get("/admin/")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "next_url", ["//evil.example", "https://evil.example/inbox/", "javascript:alert(1)", "\\\\evil.example", "///evil.example"]
)
def test_mark_read_never_sends_the_user_to_another_site(client, pm, next_url):
    client.force_login(pm)

    response = client.post(reverse("inbox_mark_read"), {"next": next_url})

    assert response.status_code == 302
    assert response["Location"] == reverse("inbox")


def test_mark_read_returns_to_a_page_of_this_site(client, pm, engagement):
    client.force_login(pm)
    here = reverse("engagement_detail", args=[engagement.pk])

    response = client.post(reverse("inbox_mark_read"), {"next": here})

    assert response["Location"] == here


def test_mark_read_with_a_malformed_id_is_a_400_and_marks_nothing(client, pm):
    note = Notification.objects.create(user=pm, kind=Notification.Kind.REMINDER, title="Reminder")
    client.force_login(pm)

    response = client.post(reverse("inbox_mark_read"), {"id": "1 OR 1=1"})

    assert response.status_code == 400
    note.refresh_from_db()
    assert note.read_at is None


def test_the_case_pdf_has_its_stylesheet_with_the_production_static_storage(client, com, case, tmp_path, monkeypatch):
    # Given the static storage of DEBUG=0: hashed names from a manifest (here empty), so any {% static %}
    # in the PDF's template would fail, and a hashed URL would not be found by the fetcher.
    served = []
    real = pdf._static_path
    monkeypatch.setattr(pdf, "_static_path", lambda url: served.append(url) or real(url))
    storages = {
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    client.force_login(com)

    with override_settings(STORAGES=storages, STATIC_ROOT=str(tmp_path)):
        response = client.get(reverse("case_pdf", args=[case.engagement_id, case.pk]))

    # Then the PDF is rendered with the letters' stylesheet
    assert response.status_code == 200
    assert served == [pdf.static_path_url(letters.LETTER_STYLESHEET)]
    assert PdfReader(io.BytesIO(response.content)).pages
    assert "no-store" in response["Cache-Control"]
