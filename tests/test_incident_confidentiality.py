"""Victims', witnesses' and sources' details are read only with the engagement's confidential access,
in pages, exports and PDFs alike (one presenter redacts them all). No role grants it by itself."""

import csv
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from hrddp.models import Role
from monitoring.incident_output import REDACTED as SERVICE_REDACTED
from monitoring.incident_output import incident_redacted
from tests.factories import UserFactory, user_with_role
from tests.test_incident_helpers import (  # noqa: F401 - fixtures
    CONFIDENTIAL_VALUES,
    REDACTED,
    active,
    force,
    grant,
    log,
)


def _outputs(client, user, incident) -> dict[str, str]:
    """The incident as the user gets it from its page, the CSV export and its PDF."""
    client.force_login(user)
    engagement = incident.engagement
    page = client.get(reverse("incident_detail", args=[engagement.pk, incident.pk]))
    export = client.get(reverse("incident_export", args=[engagement.pk]))
    pdf = client.get(reverse("incident_pdf", args=[engagement.pk, incident.pk]))
    assert (page.status_code, export.status_code, pdf.status_code) == (200, 200, 200)
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    reader = PdfReader(io.BytesIO(pdf.content))
    return {
        "page": page.content.decode(),
        "csv": " | ".join(f"{row['Victims']} | {row['Witnesses']} | {row['Source']}" for row in rows),
        "pdf": " ".join(" ".join(p.extract_text().split()) for p in reader.pages),
    }


@pytest.fixture
def chief_granted(com, active):
    grant(com, active)
    return com


@pytest.fixture
def superuser(db):
    return UserFactory(is_superuser=True, is_staff=True, username="root")


@pytest.mark.parametrize("who", ["pm", "com", "hq", "auditor"])
def test_confidential_fields_are_absent_from_the_page_the_csv_and_the_pdf_for_a_user_without_confidential_access(
    request, client, pm, active, who
):
    # given an incident with victims, witnesses and a source, and a user who sees the engagement but holds no grant
    incident = log(active, pm)
    user = request.getfixturevalue(who)

    # when the user reads it in every form
    outputs = _outputs(client, user, incident)

    # then no confidential value appears anywhere, and each output says it is redacted
    for where, text in outputs.items():
        for value in CONFIDENTIAL_VALUES:
            assert value not in text, f"{value!r} leaked in the {where}"
        assert REDACTED in text, f"the {where} does not say it is redacted"


@pytest.mark.parametrize("who", ["pm", "chief_granted", "superuser"])
def test_confidential_fields_are_present_in_the_page_the_csv_and_the_pdf_for_a_user_with_confidential_access(
    request, client, pm, active, who
):
    # given an incident, and a user granted this engagement's confidential access (or a superuser)
    incident = log(active, pm)
    user = request.getfixturevalue(who)
    if who == "pm":
        grant(pm, active)

    # when the user reads it in every form
    outputs = _outputs(client, user, incident)

    # then every confidential value appears in each, and nothing says it is redacted
    for where, text in outputs.items():
        for value in CONFIDENTIAL_VALUES:
            assert value in text, f"{value!r} missing from the {where}"
        assert REDACTED not in text


def test_no_role_gives_confidential_access_by_itself(pm, active):
    # given users of every role in the office and beyond, none granted
    incident = log(active, pm)
    users = [pm] + [
        user_with_role(role, active.office if role not in (Role.HQ_HUMAN_RIGHTS, Role.AUDITOR) else None,
                       username=f"x.{role}")
        for role in Role.values if role != Role.PROJECT_MANAGER
    ]

    # then the presenter redacts for each of them
    for user in users:
        record = incident_redacted(incident, user)
        assert not record["confidential_visible"], user.username
        assert {record["victims"], record["witnesses"], record["source_details"]} == {SERVICE_REDACTED}


def test_a_revoked_grant_no_longer_shows_the_details(pm, com, active):
    from monitoring.confidential_access import confidential_access_grant, confidential_access_revoke

    incident = log(active, pm)
    confidential_access_grant(engagement=active, user=pm, by=com, reason="Follows up the victims' protection.")
    assert incident_redacted(incident, pm)["victims"] != SERVICE_REDACTED

    confidential_access_revoke(engagement=active, user=pm, by=com)

    from hrddp.models import User

    assert incident_redacted(incident, User.objects.get(pk=pm.pk))["victims"] == SERVICE_REDACTED
