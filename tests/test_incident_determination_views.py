"""The determination of a grave violation on the incident's page: the Chief of Mission determines or withdraws it,
the project manager or the Chief of Mission adds corroborating sources; why it cannot be determined yet is shown."""

import pytest
from django.urls import reverse

from monitoring.determinations import (
    corroborating_source_add,
    grave_violation_determination_withdraw,
    grave_violation_determine,
)
from monitoring.models import CorroboratingSource, GraveViolationDetermination, Incident
from tests.test_incident_helpers import active, command, force, grant, log, unit  # noqa: F401 - fixtures

REASONS = "The OHCHR field report and two independent witnesses describe the killings."


def _proposed(engagement, pm, **changes):
    values = dict(
        grave_violation=True, categories=["war_crimes"], source_reliability="F", information_credibility="6",
        verification_status="unverified",
    )
    return log(engagement, pm, **(values | changes))


def _url(name, incident, *extra):
    return reverse(name, args=[incident.engagement_id, incident.pk, *extra])


def _page(client, user, incident):
    client.force_login(user)
    response = client.get(_url("incident_detail", incident))
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_says_why_a_low_graded_incident_cannot_be_determined_yet(client, pm, com, active):
    # given an F6 grave violation, unverified
    incident = _proposed(active, pm)

    # when the Chief of Mission opens it
    content = _page(client, com, incident)

    # then the page says it is not determined yet, and why, and offers no determination form
    assert "Not yet" in content
    assert "The only source is graded F6" in content
    assert _url("incident_determine", incident) not in content


def test_the_chief_of_mission_determines_on_the_page_and_it_shows_who_when_why_and_the_grades(client, pm, com, active):
    # given a verified grave violation
    incident = _proposed(active, pm, verification_status="corroborated")
    client.force_login(com)
    assert _url("incident_determine", incident) in _page(client, com, incident)

    # when the Chief of Mission determines it on the page
    response = client.post(_url("incident_determine", incident), {"reasons": REASONS})

    # then it is recorded, and the page shows by whom, when, the reasons and the grades, and offers withdrawal
    assert response.status_code == 302
    determination = GraveViolationDetermination.objects.get()
    content = _page(client, com, incident)
    assert REASONS in content and "In force" in content and "Chief of Mission" in content
    assert "graded <span class=\"grade\">F6</span>, verification corroborated" in content
    assert _url("incident_determination_withdraw", incident, determination.pk) in content


def test_empty_reasons_re_render_the_page_with_the_error(client, pm, com, active):
    incident = _proposed(active, pm, verification_status="corroborated")
    client.force_login(com)

    response = client.post(_url("incident_determine", incident), {"reasons": " "})

    assert response.status_code == 400
    assert "Give the reasons" in response.content.decode()
    assert not GraveViolationDetermination.objects.exists()


def test_a_refused_determination_posted_anyway_says_why(client, pm, com, active):
    incident = _proposed(active, pm)
    client.force_login(com)

    response = client.post(_url("incident_determine", incident), {"reasons": REASONS})

    assert response.status_code == 400
    assert "The only source is graded F6" in response.content.decode()


def test_the_project_manager_is_refused_determining_and_withdrawing(client, pm, com, active):
    # given a verified grave violation; the project manager sees no determination form
    incident = _proposed(active, pm, verification_status="corroborated")
    assert _url("incident_determine", incident) not in _page(client, pm, incident)

    # when the project manager posts a determination, then it is forbidden
    assert client.post(_url("incident_determine", incident), {"reasons": REASONS}).status_code == 403

    # and the withdrawal of the Chief of Mission's determination is forbidden too
    determination = grave_violation_determine(by=com, incident=incident, reasons=REASONS)
    response = client.post(_url("incident_determination_withdraw", incident, determination.pk), {"reason": "No."})
    assert response.status_code == 403
    assert Incident.objects.get().substantial_grounds is True


def test_the_chief_of_mission_withdraws_with_a_reason_on_the_page(client, pm, com, active):
    incident = _proposed(active, pm, verification_status="corroborated")
    determination = grave_violation_determine(by=com, incident=incident, reasons=REASONS)
    client.force_login(com)
    url = _url("incident_determination_withdraw", incident, determination.pk)

    # when the reason is missing, then the page says so; with it, the flag is lifted
    missing = client.post(url, {"reason": ""})
    assert missing.status_code == 400 and "Say why the determination was mistaken" in missing.content.decode()
    assert client.post(url, {"reason": "The witnesses retracted."}).status_code == 302
    assert Incident.objects.get().substantial_grounds is False
    content = _page(client, com, incident)
    assert "Withdrawn" in content and "The witnesses retracted." in content


def test_the_project_manager_adds_a_corroborating_source_which_unlocks_the_determination(client, pm, com, active):
    incident = _proposed(active, pm)
    client.force_login(pm)

    # when a mistaken source is posted, the errors show all at once
    bad = client.post(_url("incident_source_add", incident), {"description": "", "source_reliability": "Z"})
    assert bad.status_code == 400
    assert set(bad.context["source_form"].errors) == {"description", "source_reliability", "information_credibility"}

    # when a good one is posted, it is recorded, and the Chief of Mission may now determine
    response = client.post(
        _url("incident_source_add", incident),
        {"description": "OHCHR field report", "source_reliability": "B", "information_credibility": "2",
         "independent": "on"},
    )
    assert response.status_code == 302
    assert CorroboratingSource.objects.get().independent is True
    content = _page(client, com, incident)
    assert "The only source is graded F6" not in content
    assert _url("incident_determine", incident) in content


def test_a_sources_description_is_read_only_with_the_confidential_grant(client, pm, com, active):
    incident = _proposed(active, pm)
    corroborating_source_add(
        by=pm, incident=incident, description="Witness Jonas Pell", source_reliability="B", information_credibility="2",
    )

    assert "Witness Jonas Pell" not in _page(client, com, incident)
    grant(com, active)
    assert "Witness Jonas Pell" in _page(client, com, incident)


@pytest.mark.parametrize("who", ["outsider", "com_b"])
def test_another_countrys_user_gets_404_on_every_new_endpoint(client, pm, com, active, who, request):
    incident = _proposed(active, pm, verification_status="corroborated")
    determination = grave_violation_determine(by=com, incident=incident, reasons=REASONS)
    client.force_login(request.getfixturevalue(who))

    for url, data in [
        (_url("incident_determine", incident), {"reasons": REASONS}),
        (_url("incident_determination_withdraw", incident, determination.pk), {"reason": "Mistaken."}),
        (_url("incident_source_add", incident),
         {"description": "x", "source_reliability": "B", "information_credibility": "2"}),
    ]:
        assert client.post(url, data).status_code == 404, url
    assert Incident.objects.get().substantial_grounds is True and not CorroboratingSource.objects.exists()


def test_a_determination_of_another_incident_is_404_under_this_url(client, pm, com, active):
    incident = _proposed(active, pm, verification_status="corroborated")
    other = _proposed(active, pm, verification_status="corroborated", place="Omri")
    determination = grave_violation_determine(by=com, incident=other, reasons=REASONS)
    client.force_login(com)

    response = client.post(_url("incident_determination_withdraw", incident, determination.pk), {"reason": "x"})

    assert response.status_code == 404


def test_the_new_endpoints_take_no_get(client, pm, com, active):
    incident = _proposed(active, pm)
    client.force_login(com)

    assert client.get(_url("incident_determine", incident)).status_code == 405
    assert client.get(_url("incident_source_add", incident)).status_code == 405


@pytest.mark.parametrize("sources", [1, 12])
def test_the_incident_page_costs_a_bounded_number_of_queries(
    client, pm, com, active, sources, django_assert_max_num_queries
):
    # given a determined incident with a number of corroborating sources and a withdrawn determination
    incident = _proposed(active, pm)
    for i in range(sources):
        corroborating_source_add(
            by=pm, incident=incident, description=f"Source {i}", source_reliability="B", information_credibility="2",
        )
    first = grave_violation_determine(by=com, incident=incident, reasons=REASONS)
    grave_violation_determination_withdraw(by=com, determination=first, reason="Mistaken.")
    grave_violation_determine(by=com, incident=incident, reasons=REASONS)
    client.force_login(com)
    client.get(_url("incident_detail", incident))

    # then the page costs the same whatever their number, and lists every source
    with django_assert_max_num_queries(QUERIES):
        response = client.get(_url("incident_detail", incident))
    assert response.status_code == 200
    assert response.content.decode().count('<span class="grade">B2</span> · independent') == sources


# The session, the user, the engagement, the incident and its parts, the commanders, the sources and the
# determinations (with their authors) once each, and the incident's evidence files and discussion: 22 today,
# whatever the number of sources.
QUERIES = 22
