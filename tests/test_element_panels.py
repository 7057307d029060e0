"""The panels later apps attach beside an element of the risk assessment (assessments.element_panels): attached by
element, shown in attach order for the user who opens the page, none when a panel has nothing for that user; and
the page is the form alone when nothing is attached."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from assessments import element_panels
from assessments.models import RiskElement
from hrddp.models import State
from tests.builders import start_assessment
from tests.factories import EngagementFactory


@pytest.fixture
def nothing_attached(monkeypatch):
    monkeypatch.setattr(element_panels, "_attached", {})


@pytest.fixture
def at_assessment(office_a):
    engagement = EngagementFactory(office=office_a, state=State.ASSESSMENT)
    start_assessment(engagement)
    return engagement


def test_with_nothing_attached_the_page_is_the_form_alone(client, pm, com, at_assessment, nothing_attached):
    # Given no app attached a panel, when the project manager and the Chief of Mission open the page
    for user in (pm, com):
        client.force_login(user)
        response = client.get(reverse("risk_assessment_edit", args=[at_assessment.pk]))

        # Then it renders every element without a panel
        page = response.content.decode()
        assert response.status_code == 200
        assert 'class="element-panel"' not in page and 'class="element-body"' not in page
        assert f'id="element-{RiskElement.COMPLIANCE_RECORD}"' in page or f'id="read-{RiskElement.COMPLIANCE_RECORD}"' in page


def test_the_register_attaches_its_record_beside_element_2():
    assert "register" in element_panels._attached[RiskElement.COMPLIANCE_RECORD]


def test_a_misspelt_element_is_refused_when_the_app_starts(nothing_attached):
    with pytest.raises(ImproperlyConfigured, match="no element of the risk assessment is called 'compliance'"):
        element_panels.element_panel_attach("someapp", "compliance", lambda engagement, user: None)


def test_panels_are_shown_in_attach_order_and_a_panel_with_nothing_for_the_user_is_left_out(
    nothing_attached, at_assessment, pm
):
    element_panels.element_panel_attach("first", RiskElement.COMPLIANCE_RECORD, lambda e, u: {"template": "a.html"})
    element_panels.element_panel_attach("silent", RiskElement.COMPLIANCE_RECORD, lambda e, u: None)
    element_panels.element_panel_attach(
        "second", RiskElement.COMPLIANCE_RECORD, lambda e, u: {"template": "b.html", "context": {"who": u.pk}}
    )
    element_panels.element_panel_attach("quiet", RiskElement.DEATH_PENALTY, lambda e, u: None)

    shown = element_panels.element_panels(at_assessment, pm)

    assert shown == {
        RiskElement.COMPLIANCE_RECORD: [
            {"template": "a.html", "context": {}}, {"template": "b.html", "context": {"who": pm.pk}},
        ]
    }


def test_a_panel_that_returns_no_template_is_a_programming_error(nothing_attached, at_assessment, pm):
    element_panels.element_panel_attach("broken", RiskElement.COMPLIANCE_RECORD, lambda e, u: {"context": {}})

    with pytest.raises(ImproperlyConfigured, match="broken: the panel beside 'compliance_record'"):
        element_panels.element_panels(at_assessment, pm)
