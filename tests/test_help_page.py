"""The help page: the seven Actions with their paragraphs, who does what, and the demo; linked from every page."""

from django.urls import reverse


def test_a_signed_in_user_reads_the_actions_the_roles_and_the_demo(client, pm):
    client.force_login(pm)

    response = client.get(reverse("help"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Intervention (Action 7, P¶26–28)" in content and "Chief of Mission" in content and "pm.darvonia" in content
    assert f'href="{reverse("help")}"' in client.get(reverse("inbox")).content.decode()


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    assert client.get(reverse("help"))["Location"].startswith(reverse("login"))


def test_a_post_is_refused(client, pm):
    client.force_login(pm)

    assert client.post(reverse("help")).status_code == 405
