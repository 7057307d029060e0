from guardian.shortcuts import assign_perm

from hrddp.access import user_may, visible_engagements
from hrddp.models import EngagementUserObjectPermission


def test_a_grant_shares_one_engagement_with_a_user_of_another_office(outsider, engagement, engagement_b):
    # Given a project manager of office B, when office A grants them one engagement,
    assign_perm("hrddp.view_engagement", outsider, engagement)
    # then they see it beside their own office's, and no other.
    assert set(visible_engagements(outsider)) == {engagement, engagement_b}


def test_a_grant_to_decide_makes_a_delegate(outsider, engagement):
    assert not user_may(outsider, "decide_engagement", engagement)
    assign_perm("hrddp.decide_engagement", outsider, engagement)
    assert user_may(outsider, "decide_engagement", engagement)


def test_the_grants_go_with_the_engagement(outsider, engagement):
    assign_perm("hrddp.view_engagement", outsider, engagement)
    assign_perm("hrddp.decide_engagement", outsider, engagement)
    assert EngagementUserObjectPermission.objects.filter(content_object=engagement).count() == 2

    engagement.delete()

    assert not EngagementUserObjectPermission.objects.exists()
