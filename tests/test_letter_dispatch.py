"""Recording how and when an issued letter was sent (interventions.letters.letter_record_dispatch): once, audited."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hrddp.models import AuditEntry
from interventions.letters import LetterRefused, letter_draft, letter_issue, letter_record_dispatch
from interventions.models import Letter, LetterKind

ADDRESSEE = "Commander of Esse Province\nMinistry of the Interior"


@pytest.fixture
def drafted(engagement, pm, com):
    return letter_draft(
        engagement=engagement, kind=LetterKind.NOTIFICATION, language="en", addressee=ADDRESSEE, signatory=com,
        subject="", body="", by=pm,
    )


@pytest.fixture
def issued(drafted, com):
    return letter_issue(letter=drafted, by=com)


@pytest.mark.parametrize("who", ["pm", "com"])
def test_the_project_manager_or_the_chief_of_mission_records_the_dispatch(request, issued, who):
    user = request.getfixturevalue(who)

    letter_record_dispatch(letter=issued, dispatched_on=timezone.localdate(), channel=" Hand delivery ", by=user)

    stored = Letter.objects.get(pk=issued.pk)
    assert (stored.dispatched_on, stored.dispatch_channel) == (timezone.localdate(), "Hand delivery")
    entry = AuditEntry.objects.get(action="record_letter_dispatch")
    assert entry.actor == user and issued.reference in entry.justification and "Hand delivery" in entry.justification


def test_the_dispatch_is_recorded_only_once(issued, pm):
    letter_record_dispatch(letter=issued, dispatched_on=timezone.localdate(), channel="Courier", by=pm)

    with pytest.raises(LetterRefused, match="already recorded"):
        letter_record_dispatch(letter=issued, dispatched_on=timezone.localdate(), channel="E-mail", by=pm)

    assert Letter.objects.get(pk=issued.pk).dispatch_channel == "Courier"
    assert AuditEntry.objects.filter(action="record_letter_dispatch").count() == 1


def test_a_draft_has_no_dispatch(drafted, pm):
    with pytest.raises(LetterRefused, match="has not been issued"):
        letter_record_dispatch(letter=drafted, dispatched_on=timezone.localdate(), channel="Courier", by=pm)


@pytest.mark.parametrize("days, channel, field", [
    (1, "Courier", "dispatched_on"),
    (-1, "Courier", "dispatched_on"),
    (0, "  ", "channel"),
])
def test_an_impossible_date_or_a_missing_channel_is_refused(issued, pm, days, channel, field):
    with pytest.raises(ValidationError) as refused:
        letter_record_dispatch(
            letter=issued, dispatched_on=timezone.localdate() + timedelta(days=days), channel=channel, by=pm
        )

    assert field in refused.value.message_dict
    assert Letter.objects.get(pk=issued.pk).dispatched_on is None


@pytest.mark.parametrize("who", ["hq", "auditor", "outsider"])
def test_nobody_outside_the_office_records_a_dispatch(request, issued, who):
    with pytest.raises(PermissionDenied):
        letter_record_dispatch(
            letter=issued, dispatched_on=timezone.localdate(), channel="Courier", by=request.getfixturevalue(who)
        )

    assert Letter.objects.get(pk=issued.pk).dispatched_on is None
