"""The confidential-access page of an engagement: who reads victims', witnesses' and sources' details;
the Chief of Mission grants it to a member of the office, or withdraws it, each audited."""

import pytest
from django.urls import reverse

from hrddp.access import may_see_confidential
from hrddp.models import AuditEntry, Role
from tests.factories import EngagementFactory, user_with_role
from tests.test_incident_helpers import active, force, grant  # noqa: F401 - fixtures

REASON = "Follows up the victims' protection with the protection cluster."


def _url(engagement):
    return reverse("incident_confidential_access", args=[engagement.pk])


def _revoke_url(engagement, user):
    return reverse("incident_confidential_revoke", args=[engagement.pk, user.pk])


def _grants(engagement):
    from hrddp.access import confidential_access_holders

    return confidential_access_holders(engagement)


def test_the_chief_of_mission_grants_a_project_manager_access_with_a_reason(client, com, pm, active):
    client.force_login(com)

    # when the COM grants the PM access
    response = client.post(_url(active), {"user": pm.pk, "reason": REASON})

    # then the PM reads the details of this engagement, and the history records why
    assert response.status_code == 302
    assert _grants(active) == [pm]
    assert may_see_confidential(pm, active)
    entry = AuditEntry.objects.get(action="grant_confidential_access")
    assert (entry.engagement, entry.actor, entry.details["user"]) == (active, com, pm.pk)
    assert REASON in entry.justification


def test_the_page_lists_who_has_access_and_offers_the_forms_to_the_com(client, com, pm, active):
    grant(pm, active)
    client.force_login(com)

    content = client.get(_url(active)).content.decode()

    assert str(pm) in content
    assert _revoke_url(active, pm) in content
    assert "Grant confidential access" in content


def test_a_grant_without_a_reason_re_renders_with_400(client, com, pm, active):
    client.force_login(com)

    response = client.post(_url(active), {"user": pm.pk, "reason": " "})

    assert response.status_code == 400
    assert "reason" in response.context["form"].errors
    assert _grants(active) == []


def test_access_is_granted_to_members_of_the_office_only(client, com, outsider, active):
    client.force_login(com)

    response = client.post(_url(active), {"user": outsider.pk, "reason": REASON})

    assert response.status_code == 400
    assert "user" in response.context["form"].errors
    assert _grants(active) == []
    assert not AuditEntry.objects.filter(action="grant_confidential_access").exists()


def test_the_chief_of_mission_withdraws_access(client, com, pm, active):
    grant(pm, active)
    client.force_login(com)

    response = client.post(_revoke_url(active, pm), {"reason": "Moved to another project."})

    assert response.status_code == 302
    assert _grants(active) == []
    entry = AuditEntry.objects.get(action="revoke_confidential_access")
    assert "Moved to another project." in entry.justification


def test_withdrawing_from_someone_without_access_is_not_found(client, com, pm, active):
    client.force_login(com)

    assert client.post(_revoke_url(active, pm)).status_code == 404


@pytest.mark.parametrize("who", ["pm", "hq", "auditor"])
def test_others_read_the_page_but_may_not_grant_or_withdraw(request, client, com, pm, active, who):
    grant(pm, active)
    user = request.getfixturevalue(who)
    client.force_login(user)

    page = client.get(_url(active))
    grant_response = client.post(_url(active), {"user": user.pk, "reason": REASON})
    revoke_response = client.post(_revoke_url(active, pm))

    assert page.status_code == 200
    assert "Grant confidential access" not in page.content.decode()
    assert (grant_response.status_code, revoke_response.status_code) == (403, 403)
    assert _grants(active) == [pm]


def test_a_com_of_another_office_gets_404(client, com_b, pm, active):
    client.force_login(com_b)

    assert client.get(_url(active)).status_code == 404
    assert client.post(_url(active), {"user": pm.pk, "reason": REASON}).status_code == 404
    assert _grants(active) == []


def test_it_returns_404_for_another_offices_engagement(client, outsider, pm, active):
    grant(pm, active)
    client.force_login(outsider)

    response = client.get(_url(active))

    assert response.status_code == 404
    assert str(pm) not in response.content.decode()
    assert client.post(_revoke_url(active, pm)).status_code == 404
    assert _grants(active) == [pm]


def test_a_grant_covers_one_engagement_only(client, com, pm, office_a, active):
    other = EngagementFactory(office=office_a)
    client.force_login(com)

    client.post(_url(active), {"user": pm.pk, "reason": REASON})

    assert may_see_confidential(pm, active)
    assert not may_see_confidential(pm, other)


def test_a_chief_of_mission_can_grant_access_to_themselves_and_it_is_audited(client, com, active):
    # no role reads the details by itself, the COM included: the grant is explicit and recorded
    assert not may_see_confidential(com, active)
    client.force_login(com)

    client.post(_url(active), {"user": com.pk, "reason": "Decides on the intercession."})

    assert may_see_confidential(com, active)
    assert AuditEntry.objects.filter(action="grant_confidential_access", details__user=com.pk).exists()


def test_an_hq_adviser_is_not_a_member_of_the_office(client, com, hq, active):
    client.force_login(com)

    response = client.post(_url(active), {"user": hq.pk, "reason": REASON})

    assert response.status_code == 400
    assert _grants(active) == []


def test_a_regional_specialist_of_the_office_may_be_granted_access(client, com, office_a, active):
    specialist = user_with_role(Role.REGIONAL_SPECIALIST, office_a, username="rs.a")
    client.force_login(com)

    assert client.post(_url(active), {"user": specialist.pk, "reason": REASON}).status_code == 302
    assert _grants(active) == [specialist]
