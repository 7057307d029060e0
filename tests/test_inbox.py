from django.urls import reverse

from hrddp.models import Notification


def _note(user, title="Reassessment due", **fields):
    return Notification.objects.create(user=user, kind="reminder", title=title, **fields)


def test_it_requires_sign_in(client):
    assert client.get(reverse("inbox")).status_code == 302


def test_it_lists_the_users_own_notifications_only(client, pm, outsider):
    _note(pm, "Yours")
    _note(outsider, "Someone else's")
    client.force_login(pm)

    content = client.get(reverse("inbox")).content.decode()

    assert "Yours" in content
    assert "Someone else&#x27;s" not in content and "Someone else's" not in content


def test_the_header_counts_unread_notifications(client, pm):
    _note(pm)
    _note(pm)
    client.force_login(pm)

    content = client.get(reverse("engagement_list")).content.decode()

    assert 'aria-label="2 unread"' in content


def test_marking_one_as_read(client, pm):
    first, second = _note(pm, "First"), _note(pm, "Second")
    client.force_login(pm)

    response = client.post(reverse("inbox_mark_read"), {"id": first.pk})

    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None


def test_marking_all_as_read_leaves_other_users_alone(client, pm, outsider):
    _note(pm)
    theirs = _note(outsider)
    client.force_login(pm)

    client.post(reverse("inbox_mark_read"))

    assert not Notification.objects.filter(user=pm, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_one_cannot_mark_another_users_notification(client, pm, outsider):
    theirs = _note(outsider)
    client.force_login(pm)

    client.post(reverse("inbox_mark_read"), {"id": theirs.pk})

    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_it_runs_a_bounded_number_of_queries(client, pm, django_assert_max_num_queries):
    for i in range(40):
        _note(pm, f"Note {i}")
    client.force_login(pm)

    with django_assert_max_num_queries(10):
        assert client.get(reverse("inbox")).status_code == 200
