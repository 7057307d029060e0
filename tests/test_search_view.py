"""The one search across what a user may see: engagements, recipients and units, persons of interest by any of their
names, incidents by description and place, measures, letters and comments; the words found highlighted (escaped);
another office's records never found; victims', witnesses' and sources' details never searched; the query count
bounded whatever the number of records."""

import pytest
from django.urls import reverse

from discussion.search import highlight, words_of
from discussion.services import comment_add
from hrddp.models import PersonOfInterest, Recipient, RecipientLevel
from register.models import PersonAlias
from tests.builders import add_measure, complete_plan, issue_notification_letter
from tests.factories import EngagementFactory
from tests.test_incident_helpers import SOURCE, VICTIMS, WITNESSES, force, log  # noqa: F401 - fixtures


def _search(client, user, q):
    client.force_login(user)
    response = client.get(reverse("search"), {"q": q})
    return response, response.content.decode()


def _found(response, key):
    for section in response.context["sections"]:
        if section.key == key:
            return section.hits
    return []


@pytest.fixture
def kael(office_a, pm):
    """Office A's engagement with a unit at the Kael crossing, with an incident, a measure, a letter and a comment."""
    recipient = Recipient.objects.create(name="Kael Crossing Border Unit", country="Darvonia", category="border",
                                         level=RecipientLevel.UNIT)
    engagement = EngagementFactory(office=office_a, recipient=recipient, title="Border management at Kael")
    log(engagement, pm, place="Kael crossing", description="Detainees held beyond the legal limit at the post.")
    complete_plan(engagement, target_factors=False, include_gpraf=False)
    add_measure(engagement, title="Monthly visits to the Kael holding cells")
    letter = issue_notification_letter(engagement, issued=False)
    letter.subject = "Core principles for support at Kael"
    letter.save(update_fields=["subject"])
    comment_add(by=pm, target=engagement, body="The Kael commander agreed to the visits.")
    person = PersonOfInterest.objects.create(full_name="Marek Dalgo", rank="Colonel", recipient=recipient)
    PersonAlias.objects.create(person=person, name="Marek Dalgov")
    return engagement


def test_one_word_finds_every_kind_of_record_the_user_may_see(client, pm, kael):
    response, content = _search(client, pm, "Kael")

    assert response.status_code == 200
    for key in ("engagements", "recipients", "incidents", "measures", "letters", "comments"):
        assert _found(response, key), key
    assert "<mark>Kael</mark>" in content


def test_a_person_is_found_by_any_of_their_names(client, pm, kael):
    response, content = _search(client, pm, "Dalgov")

    hits = _found(response, "persons")
    assert len(hits) == 1 and "Marek Dalgo" in str(hits[0].title)
    assert "also known as" in content and "<mark>Dalgov</mark>" in content


def test_every_word_must_match(client, pm, kael):
    response, _ = _search(client, pm, "Kael nowhere-to-be-found")

    assert response.context["sections"] == []


@pytest.mark.parametrize("who", ["com", "hq", "auditor"])
def test_colleagues_hq_and_auditors_find_the_offices_records(request, client, kael, who):
    response, _ = _search(client, request.getfixturevalue(who), "Kael")

    assert _found(response, "engagements") and _found(response, "comments")


def test_an_outsider_finds_nothing_of_another_office(client, outsider, kael):
    response, content = _search(client, outsider, "Kael")

    for key in ("engagements", "incidents", "measures", "letters", "comments"):
        assert not _found(response, key), key
    assert "Border management at Kael" not in content


def test_confidential_details_are_never_searched_even_with_the_grant(client, pm, kael):
    from tests.test_incident_helpers import grant

    grant(pm, kael)
    for words in (VICTIMS.split(",")[0], WITNESSES.split(",")[0], SOURCE):
        response, content = _search(client, pm, words)
        assert not _found(response, "incidents"), words


def test_what_is_found_is_escaped_around_the_highlight(client, pm, engagement):
    comment_add(by=pm, target=engagement, body="<img src=x onerror=alert(1)> Kael")

    response, content = _search(client, pm, "Kael")

    assert "<img src=x" not in content
    assert "&lt;img src=x onerror=alert(1)&gt; <mark>Kael</mark>" in content


def test_an_empty_or_one_letter_query_searches_nothing(client, pm, kael):
    for q in ("", " ", "a", "%", "'"):
        response, _ = _search(client, pm, q)
        assert response.status_code == 200 and response.context["sections"] == []


def test_an_outsider_of_the_site_is_sent_to_sign_in(client):
    response = client.get(reverse("search"), {"q": "Kael"})
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_header_carries_the_search_box(client, pm, engagement):
    client.force_login(pm)
    content = client.get(reverse("engagement_detail", args=[engagement.pk])).content.decode()
    assert f'action="{reverse("search")}"' in content


def test_a_long_query_is_cut_not_refused(client, pm, kael):
    response, _ = _search(client, pm, "Kael " * 500)
    assert response.status_code == 200


def test_highlight_marks_each_word_case_insensitively_and_escapes_the_rest():
    assert highlight("Kael & kael <b>", ["KAEL"]) == "<mark>Kael</mark> &amp; <mark>kael</mark> &lt;b&gt;"


def test_words_are_at_most_eight_of_two_letters_or_more():
    assert words_of("a bb cc dd ee ff gg hh ii jj kk") == ["bb", "cc", "dd", "ee", "ff", "gg", "hh", "ii"]


@pytest.mark.parametrize("count", [2, 20])
def test_the_query_count_does_not_grow_with_the_records_found(client, pm, office_a, count, django_assert_max_num_queries):
    recipient = Recipient.objects.create(name="Kael Unit", country="Darvonia", category="border")
    for n in range(count):
        engagement = EngagementFactory(office=office_a, recipient=recipient, title=f"Kael support {n}")
        log(engagement, pm, place="Kael crossing")
        comment_add(by=pm, target=engagement, body=f"Kael note {n}")
        person = PersonOfInterest.objects.create(full_name=f"Kael Person {n}", recipient=recipient)
        PersonAlias.objects.create(person=person, name=f"Kaelson {n}")
    client.force_login(pm)

    with django_assert_max_num_queries(16):
        response = client.get(reverse("search"), {"q": "Kael"})

    assert len(_found(response, "comments")) == count
