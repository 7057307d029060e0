"""The discussion on a record: the project manager, the Chief of Mission and HQ comment where they see the record,
auditors read; an edit keeps the earlier text visible; a mention tells the colleague named, if they may see the
engagement; every comment is audited and stands in the engagement's printable history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from discussion.models import Comment
from discussion.services import comment_add, comment_edit, mentioned_usernames
from hrddp.models import AuditAction, AuditEntry, Notification, State
from tests.builders import complete_assessment, complete_plan, open_case
from tests.factories import EngagementFactory
from tests.test_incident_helpers import force, log  # noqa: F401 - fixtures


def _post(client, user, engagement, body="Is the MOU signed?", target="engagement", target_id=None):
    client.force_login(user)
    return client.post(reverse("comment_new", args=[engagement.pk]), {
        "target": target, "target_id": target_id or engagement.pk, "body": body,
        "next": reverse("engagement_detail", args=[engagement.pk]),
    })


@pytest.mark.parametrize("who", ["pm", "com", "hq"])
def test_the_project_manager_chief_of_mission_and_hq_comment_on_the_engagement(request, client, engagement, who):
    user = request.getfixturevalue(who)

    response = _post(client, user, engagement)

    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.author == user and comment.target == engagement and comment.body == "Is the MOU signed?"
    entry = AuditEntry.objects.get(action=AuditAction.ADD_COMMENT)
    assert entry.actor == user and "Is the MOU signed?" in entry.justification


def test_an_auditor_reads_the_discussion_but_posting_is_403(client, pm, auditor, engagement):
    comment_add(by=pm, target=engagement, body="The deed of donation is attached.")

    assert _post(client, auditor, engagement).status_code == 403
    content = client.get(reverse("engagement_detail", args=[engagement.pk])).content.decode()
    assert "The deed of donation is attached." in content
    assert reverse("comment_new", args=[engagement.pk]) not in content
    assert Comment.objects.count() == 1


def test_an_outsider_commenting_gets_404(client, outsider, engagement):
    assert _post(client, outsider, engagement).status_code == 404
    assert not Comment.objects.exists()


def test_an_outsider_cannot_read_the_discussion_or_edit_a_comment(client, pm, outsider, engagement):
    comment = comment_add(by=pm, target=engagement, body="Internal note")
    client.force_login(outsider)

    assert client.get(reverse("engagement_detail", args=[engagement.pk])).status_code == 404
    assert client.get(reverse("comment_edit", args=[engagement.pk, comment.pk])).status_code == 404


def test_an_empty_comment_is_refused_with_a_message(client, pm, engagement):
    response = _post(client, pm, engagement, body="   ")

    assert response.status_code == 400
    assert "Write the comment." in response.content.decode()
    assert not Comment.objects.exists()


def test_a_record_of_another_engagement_is_not_found(client, pm, engagement, engagement_b):
    assert _post(client, pm, engagement, target_id=engagement_b.pk).status_code == 404
    assert _post(client, pm, engagement, target="letter").status_code == 404


def test_an_edit_keeps_the_earlier_text_visible(client, pm, engagement):
    comment = comment_add(by=pm, target=engagement, body="The MOU is signed.")
    client.force_login(pm)

    response = client.post(reverse("comment_edit", args=[engagement.pk, comment.pk]),
                           {"body": "The MOU is signed by both parties."})

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "The MOU is signed by both parties." and comment.edited_at is not None
    assert [r.body for r in comment.revisions.all()] == ["The MOU is signed."]
    assert AuditEntry.objects.filter(action=AuditAction.EDIT_COMMENT).count() == 1
    content = client.get(reverse("engagement_detail", args=[engagement.pk])).content.decode()
    assert "The MOU is signed by both parties." in content and "The MOU is signed.<" in content.replace("\n", "")


def test_only_its_author_edits_a_comment(client, pm, com, auditor, engagement):
    comment = comment_add(by=pm, target=engagement, body="Mine")

    with pytest.raises(PermissionDenied):
        comment_edit(by=com, comment=comment, body="Changed")
    client.force_login(com)
    assert client.post(reverse("comment_edit", args=[engagement.pk, comment.pk]), {"body": "x"}).status_code == 404
    client.force_login(auditor)
    assert client.post(reverse("comment_edit", args=[engagement.pk, comment.pk]), {"body": "x"}).status_code == 403
    comment.refresh_from_db()
    assert comment.body == "Mine"


def test_a_mention_tells_a_colleague_who_sees_the_engagement_and_nobody_else(pm, com, hq, outsider, engagement):
    comment_add(by=pm, target=engagement, body="@com.a please read; @hq too. @pm.b cannot see this. @nobody.")

    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == {"com.a", "hq"}
    note = Notification.objects.get(user=com)
    assert note.engagement == engagement and "mentioned you" in note.title
    assert note.url.startswith(reverse("engagement_detail", args=[engagement.pk]))


def test_an_edit_tells_only_those_newly_mentioned(pm, com, hq, engagement):
    comment = comment_add(by=pm, target=engagement, body="@com.a see this")
    comment_edit(by=pm, comment=comment, body="@com.a see this, and @hq")

    assert Notification.objects.filter(user=com).count() == 1
    assert Notification.objects.filter(user=hq).count() == 1


def test_mentions_are_usernames_not_email_addresses():
    assert mentioned_usernames("Ask @pm.darvonia. Write to focal@interior.example") == ["pm.darvonia"]


@pytest.mark.parametrize("record", ["assessment", "plan", "incident", "case"])
def test_each_record_carries_its_own_discussion_on_its_page(client, pm, engagement, record):
    assessment = complete_assessment(engagement)
    targets = {
        "assessment": (assessment, reverse("risk_assessment_version", args=[engagement.pk, assessment.version])),
        "plan": None, "incident": None, "case": None,
    }
    if record == "plan":
        plan = complete_plan(engagement)
        targets["plan"] = (plan, reverse("mitigation_plan", args=[engagement.pk]))
    if record == "incident":
        incident = log(engagement, pm)
        targets["incident"] = (incident, reverse("incident_detail", args=[engagement.pk, incident.pk]))
    if record == "case":
        case = open_case(engagement)
        targets["case"] = (case, reverse("case_detail", args=[engagement.pk, case.pk]))
    obj, url = targets[record]

    response = _post(client, pm, engagement, body=f"A word on the {record}", target=record, target_id=obj.pk)

    assert response.status_code == 302
    assert Comment.objects.get().target == obj
    content = client.get(url).content.decode()
    assert f"A word on the {record}" in content
    # and not in the engagement's own discussion (its history names it, as it names every write)
    page = client.get(reverse("engagement_detail", args=[engagement.pk])).content.decode()
    discussion = page.split('class="card discussion"', 1)[1].split("</section>", 1)[0]
    assert f"A word on the {record}" not in discussion


def test_comments_stand_in_the_printable_history(client, pm, hq, engagement):
    incident = log(engagement, pm)
    comment_add(by=pm, target=engagement, body="The MOU is signed.")
    comment_add(by=hq, target=incident, body="Corroborate with the country team.")
    client.force_login(pm)

    content = client.get(reverse("engagement_history", args=[engagement.pk])).content.decode()

    assert "Discussion and advice" in content
    assert "The MOU is signed." in content and "Corroborate with the country team." in content
    assert "HQ advice" in content


def test_hq_advice_on_the_version_under_endorsement_stands_beside_the_decision_buttons(client, pm, com, hq, office_a):
    # given a version submitted for endorsement, and HQ's advice on it
    engagement = EngagementFactory(office=office_a, state=State.ENDORSEMENT)
    assessment = complete_assessment(engagement, status="submitted")
    comment_add(by=hq, target=assessment, body="Element 2 understates the 2025 reports; consider a high rating.")
    comment_add(by=pm, target=assessment, body="A project manager's note, not advice.")
    client.force_login(com)

    # when the Chief of Mission opens the engagement and the version
    for url in (reverse("engagement_detail", args=[engagement.pk]),
                reverse("risk_assessment_version", args=[engagement.pk, assessment.version])):
        content = client.get(url).content.decode()
        # then HQ's advice is shown in the box with the decision
        advice = content.split('class="hq-advice"', 1)[1].split("</aside>", 1)[0]
        assert "Element 2 understates the 2025 reports" in advice
        assert "A project manager's note" not in advice


def test_no_advice_box_outside_endorsement(client, com, hq, engagement):
    assessment = complete_assessment(engagement)
    comment_add(by=hq, target=assessment, body="Advice")
    client.force_login(com)

    assert 'class="hq-advice"' not in client.get(reverse("engagement_detail", args=[engagement.pk])).content.decode()


def test_a_comment_is_escaped_on_the_page(client, pm, engagement):
    comment_add(by=pm, target=engagement, body="<script>alert(1)</script>")
    client.force_login(pm)

    content = client.get(reverse("engagement_detail", args=[engagement.pk])).content.decode()

    assert "<script>alert(1)</script>" not in content and "&lt;script&gt;" in content


def test_a_comment_too_long_is_refused():
    with pytest.raises(ValidationError):
        from discussion.services import _clean_body

        _clean_body("x" * 5001)


@pytest.mark.parametrize("count", [2, 20])
def test_the_discussion_and_the_history_take_as_many_queries_with_20_comments_as_with_2(
    client, pm, com, hq, engagement, count, django_assert_max_num_queries
):
    incident = log(engagement, pm)
    for n in range(count):
        comment = comment_add(by=hq if n % 2 else pm, target=engagement if n % 3 else incident, body=f"Comment {n}")
        if n % 2 == 0:
            comment_edit(by=comment.author, comment=comment, body=f"Comment {n}, edited")
    client.force_login(com)

    with django_assert_max_num_queries(32):
        page = client.get(reverse("engagement_detail", args=[engagement.pk]))
    with django_assert_max_num_queries(14):
        history = client.get(reverse("engagement_history", args=[engagement.pk]))

    assert page.status_code == 200
    assert history.content.decode().count("Comment ") >= count


def test_an_edit_that_changes_nothing_records_nothing(pm, engagement):
    comment = comment_add(by=pm, target=engagement, body="Same")
    comment_edit(by=pm, comment=comment, body="Same")

    assert not comment.revisions.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.EDIT_COMMENT).exists()
