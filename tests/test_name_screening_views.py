"""The pages of the screening of names: the list of an engagement's screenings, a new screening (pasted or
uploaded, every problem said at once and the pasted list given back), a screening's lines as a list that
fits a phone with their colour in words, the resolving of a match, and the CSV; an outsider gets 404
everywhere, an auditor reads but may not screen nor resolve (403)."""

import csv
import io

import pytest
from django.urls import reverse

from hrddp.models import AuditAction, AuditEntry, PersonOfInterest
from interventions.exclusions import exclusion_record
from register.models import NameScreening
from register.screening import name_screening_run
from tests.factories import SupportActivityFactory
from tests.test_import_helpers import csv_file, xlsx_file


@pytest.fixture
def activity(engagement):
    return SupportActivityFactory(engagement=engagement, description="Human rights training, March course")


@pytest.fixture
def lefevre(engagement):
    return PersonOfInterest.objects.create(full_name="Étienne Lefèvre", recipient=engagement.recipient, birth_year=1971)


@pytest.fixture
def screening(pm, com, activity, engagement, lefevre):
    reyl = PersonOfInterest.objects.create(full_name="Tomas Reyl", recipient=engagement.recipient)
    exclusion_record(engagement=engagement, by=com, reason="Ordered the Kael killings", person=reyl)
    return name_screening_run(
        by=pm, activity=activity, title="Trainees, March course",
        text="LEFEVRE, Etienne; 1971; 3rd Battalion; Captain\nTomas Reyl\nAmina Diallo",
    )


def _urls(engagement, screening):
    line = screening.lines.get(line_number=1)
    return {
        "list": reverse("name_screening_list", args=[engagement.pk]),
        "new": reverse("name_screening_new", args=[engagement.pk]),
        "detail": reverse("name_screening_detail", args=[engagement.pk, screening.pk]),
        "export": reverse("name_screening_export", args=[engagement.pk, screening.pk]),
        "resolve": reverse("name_screening_line_resolve", args=[engagement.pk, screening.pk, line.pk]),
    }


def test_a_pm_of_another_country_gets_404_on_every_page_read_or_posted(client, outsider, engagement, screening):
    client.force_login(outsider)
    for name, url in _urls(engagement, screening).items():
        assert client.get(url).status_code == 404, name
        # The pages that take a POST 404 it too (the others answer any POST 405, whoever asks)
        posted = client.post(url, {"title": "x", "text": "Amina Diallo", "choice": "not", "reason": "x"}).status_code
        assert posted == (404 if name in ("new", "resolve") else 405), name
    assert NameScreening.objects.count() == 1


def test_a_screening_of_another_engagement_is_404_under_this_one(client, pm, engagement, engagement_b, screening):
    client.force_login(pm)
    other = SupportActivityFactory(engagement=engagement_b)
    assert client.get(reverse("name_screening_detail", args=[other.engagement.pk, screening.pk])).status_code == 404
    line = screening.lines.first()
    assert client.get(reverse("name_screening_line_resolve", args=[engagement.pk, screening.pk + 1, line.pk])).status_code == 404


def test_an_auditor_reads_the_screening_but_may_not_screen_nor_resolve(client, auditor, engagement, screening):
    client.force_login(auditor)
    urls = _urls(engagement, screening)
    assert client.get(urls["list"]).status_code == 200
    page = client.get(urls["detail"])
    assert page.status_code == 200 and "Resolve this match" not in page.content.decode()
    assert client.get(urls["export"]).status_code == 200

    assert client.get(urls["new"]).status_code == 403
    assert client.post(urls["new"], {"title": "x", "text": "Amina Diallo"}).status_code == 403
    assert client.post(urls["resolve"], {"choice": "not", "reason": "x"}).status_code == 403
    assert NameScreening.objects.count() == 1 and not screening.lines.exclude(decision="").exists()


def test_the_engagement_page_links_each_activity_to_a_new_screening(client, pm, engagement, activity):
    client.force_login(pm)
    page = client.get(reverse("engagement_detail", args=[engagement.pk])).content.decode()
    assert f'{reverse("name_screening_new", args=[engagement.pk])}?activity={activity.pk}' in page
    assert reverse("name_screening_list", args=[engagement.pk]) in page


def test_a_pm_screens_a_pasted_list_and_lands_on_its_lines(client, pm, engagement, activity, lefevre):
    client.force_login(pm)
    new = reverse("name_screening_new", args=[engagement.pk])
    assert client.get(f"{new}?activity={activity.pk}").status_code == 200

    response = client.post(new, {"activity": activity.pk, "title": "Trainees", "text": "LEFEVRE, Etienne\nAmina Diallo"})

    screening = NameScreening.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("name_screening_detail", args=[engagement.pk, screening.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Screened 2 names: 1 clear, 1 possible matches" in page
    assert "LEFEVRE, Etienne" in page and "Étienne Lefèvre" in page and "same apart from accents" in page
    assert "Amber: Possible match" in page
    # The matched person links to their page in the register
    assert reverse("person_detail", args=[lefevre.pk]) in page


def test_every_problem_is_said_at_once_and_the_pasted_list_comes_back(client, pm, engagement, activity):
    client.force_login(pm)
    text = "Amina Diallo; 1980\nJosé Ramírez; 31/02/1975"

    response = client.post(reverse("name_screening_new", args=[engagement.pk]), {"activity": activity.pk, "title": "", "text": text})

    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["title"] and form.errors["text"][0].startswith("Line 2: the date of birth “31/02/1975”")
    assert "José Ramírez; 31/02/1975</textarea>" in response.content.decode()
    assert not NameScreening.objects.exists()


def test_a_list_with_no_activity_chosen_says_so_with_the_lists_problems(client, pm, engagement, activity):
    client.force_login(pm)
    response = client.post(reverse("name_screening_new", args=[engagement.pk]), {"title": "x", "text": ""})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"activity", "text"}


@pytest.mark.parametrize("make", [csv_file, xlsx_file])
def test_a_pm_screens_an_uploaded_file(client, pm, engagement, activity, lefevre, make):
    client.force_login(pm)
    upload = make(["Nom", "Date de naissance", "Unité"], [["LEFEVRE, Etienne", "1971", "3e bataillon"], ["Amina Diallo", "", ""]])
    upload.name = f"stagiaires.{'csv' if make is csv_file else 'xlsx'}"

    response = client.post(reverse("name_screening_new", args=[engagement.pk]), {"activity": activity.pk, "title": "Stagiaires", "upload": upload})

    assert response.status_code == 302
    screening = NameScreening.objects.get()
    assert screening.source_name == upload.name
    assert [(line.line_number, line.result) for line in screening.lines.all()] == [(2, "possible"), (3, "clear")]


def test_an_uploaded_file_with_a_bad_row_says_which_and_asks_for_the_file_again(client, pm, engagement, activity):
    client.force_login(pm)
    upload = csv_file(["name", "date of birth"], [["Amina Diallo", "someday"]], name="list.csv")

    response = client.post(reverse("name_screening_new", args=[engagement.pk]), {"activity": activity.pk, "title": "x", "upload": upload})

    assert response.status_code == 400
    errors = response.context["form"].errors["upload"]
    assert errors[0].startswith("Row 2: the date of birth “someday” cannot be read") and "Choose the file again" in errors[-1]


def test_the_lines_are_a_list_with_their_colour_in_words_not_a_table(client, pm, engagement, screening):
    client.force_login(pm)
    page = client.get(_urls(engagement, screening)["detail"] + "?show=all").content.decode()
    assert "<table" not in page and 'class="record-list screening-lines"' in page
    assert "Red: Excluded or substantiated allegation" in page and "Excluded from support" in page
    assert "Green: Clear" in page and "Amber: Possible match" in page
    # The counts, in words beside the colours
    counts = client.get(_urls(engagement, screening)["detail"]).context["counts"]
    assert (counts["clear"], counts["possible"], counts["flagged"], counts["to_resolve"]) == (1, 1, 1, 2)


def test_the_default_view_shows_the_lines_to_look_at_and_junk_filters_fall_back(client, pm, engagement, screening):
    client.force_login(pm)
    detail = _urls(engagement, screening)["detail"]
    names = [row["line"].name for row in client.get(detail).context["rows"]]
    assert names == ["LEFEVRE, Etienne", "Tomas Reyl"]
    assert client.get(detail + "?show=nothing&page=9999999999999999").status_code == 200


def test_a_pm_resolves_a_match_with_a_reason_and_goes_back_to_the_line(client, pm, engagement, screening):
    client.force_login(pm)
    urls = _urls(engagement, screening)

    response = client.post(urls["resolve"], {"choice": "not", "reason": "Born 1988, another unit.", "show": "all"})

    assert response.status_code == 302 and response["Location"].endswith("?show=all#line-1")
    line = screening.lines.get(line_number=1)
    assert (line.decision, line.outcome, line.decided_by) == ("not_same_person", "clear", pm)
    page = client.get(response["Location"]).content.decode()
    assert "Not the same person" in page and "Born 1988, another unit." in page
    assert AuditEntry.objects.filter(action=AuditAction.RESOLVE_SCREENING_MATCH).count() == 1


def test_a_resolve_without_a_reason_shows_the_line_with_the_error_and_keeps_the_choice(client, pm, engagement, screening, lefevre):
    client.force_login(pm)

    response = client.post(_urls(engagement, screening)["resolve"], {"choice": f"same:{lefevre.pk}", "reason": " "})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Give the reason for the decision" in page and f'value="same:{lefevre.pk}" checked' in page
    assert screening.lines.get(line_number=1).decision == ""


def test_junk_choices_are_refused_as_no_decision(client, pm, engagement, screening):
    client.force_login(pm)
    for choice in ("same:abc", "same:" + "9" * 40, "maybe", ""):
        response = client.post(_urls(engagement, screening)["resolve"], {"choice": choice, "reason": "x"})
        assert response.status_code == 400
    assert not screening.lines.exclude(decision="").exists()


def test_the_csv_holds_every_line_with_its_outcome_and_decision(client, pm, engagement, screening):
    client.force_login(pm)
    client.post(_urls(engagement, screening)["resolve"], {"choice": "not", "reason": "=cmd|' /C calc'!A0"})

    response = client.get(_urls(engagement, screening)["export"])

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Line", "Name", "Date of birth"]
    assert [(r[0], r[1], r[7], r[8]) for r in rows[1:]] == [
        ("1", "LEFEVRE, Etienne", "Clear", "green"),
        ("2", "Tomas Reyl", "Excluded or substantiated allegation", "red"),
        ("3", "Amina Diallo", "Clear", "green"),
    ]
    assert rows[1][6] == "Possible match" and rows[1][16] == "Not the same person"
    assert rows[1][17].startswith("'=")  # a spreadsheet does not run it
    assert rows[2][14] == "Excluded from support"


def test_the_list_page_counts_each_screenings_lines(client, pm, engagement, screening):
    client.force_login(pm)
    page = client.get(_urls(engagement, screening)["list"]).content.decode()
    assert "Trainees, March course" in page and "1 clear" in page and "2 to resolve" in page


def test_a_file_past_the_size_cap_is_refused_while_it_arrives_and_nothing_is_screened(client, pm, engagement, activity, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1_000
    client.force_login(pm)
    upload = csv_file(["name"], [[f"Person {i} Diallo"] for i in range(200)], name="big.csv")

    response = client.post(reverse("name_screening_new", args=[engagement.pk]), {"activity": activity.pk, "title": "x", "upload": upload})

    assert response.status_code == 400
    assert "the limit is 1,000 bytes" in " ".join(response.context["form"].errors["upload"])
    assert not NameScreening.objects.exists()
