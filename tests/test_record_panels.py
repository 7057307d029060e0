"""The core's record panels (hrddp.record_panels): what a higher app shows on a lower app's page of one record,
without the lower app importing it."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from hrddp import record_panels


@pytest.fixture
def attached():
    saved = dict(record_panels._attached)
    yield record_panels._attached
    record_panels._attached.clear()
    record_panels._attached.update(saved)


def test_the_evidence_and_discussion_apps_attach_their_panels():
    assert {"evidence", "discussion"} <= set(record_panels._attached)


def test_a_place_that_does_not_exist_is_refused():
    with pytest.raises(ImproperlyConfigured):
        record_panels.record_panels(object(), None, "sidebar")


def test_a_panel_returning_anything_but_a_template_is_refused(attached):
    attached["broken"] = lambda obj, user, place, engagement: {"context": {}}

    with pytest.raises(ImproperlyConfigured):
        record_panels.record_panels(object(), None, "page")


def test_nothing_is_shown_about_no_record(attached):
    attached["any"] = lambda obj, user, place, engagement: {"template": "x.html"}

    assert record_panels.record_panels(None, None) == []

