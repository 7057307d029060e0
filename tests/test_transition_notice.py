from django.core import mail

from hrddp.services import engagement_transition
from tests.factories import SupportActivityFactory


def test_it_emails_the_office_about_a_step(pm, com, outsider, engagement, django_capture_on_commit_callbacks):
    SupportActivityFactory(engagement=engagement)

    with django_capture_on_commit_callbacks(execute=True):
        engagement_transition(engagement_id=engagement.pk, name="start_screening", by=pm, justification="New request.")

    # The Chief of Mission hears of it; the actor and other offices do not.
    assert [m.to for m in mail.outbox] == [[com.email]]
    assert "Start screening" in mail.outbox[0].subject
    assert "New request." in mail.outbox[0].body


def test_it_sends_nothing_before_the_transaction_commits(pm, com, engagement, django_capture_on_commit_callbacks):
    SupportActivityFactory(engagement=engagement)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        engagement_transition(engagement_id=engagement.pk, name="start_screening", by=pm, justification="New request.")

    assert len(callbacks) == 1
    assert mail.outbox == []
