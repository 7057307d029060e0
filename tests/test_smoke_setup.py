from hrddp.access import visible_engagements


def test_it_scopes_engagements_to_the_office(pm, outsider, hq, engagement, engagement_b):
    assert list(visible_engagements(pm)) == [engagement]
    assert list(visible_engagements(outsider)) == [engagement_b]
    assert set(visible_engagements(hq)) == {engagement, engagement_b}
