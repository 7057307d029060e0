from django.contrib.auth.models import Group

from hrddp.access import ROLE_PERMISSIONS, user_may
from hrddp.models import Membership, Role
from hrddp.roles import GROUP_NAMES
from tests.factories import UserFactory


def test_each_role_is_a_group_with_its_permissions(db):
    for role, perms in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=GROUP_NAMES[role])
        granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        assert granted == perms


def test_a_membership_puts_the_user_in_the_role_group(office_a):
    user = UserFactory()
    membership = Membership.objects.create(user=user, role=Role.CHIEF_OF_MISSION, office=office_a)
    assert user.groups.filter(name=GROUP_NAMES[Role.CHIEF_OF_MISSION]).exists()

    membership.delete()

    assert not user.groups.filter(name=GROUP_NAMES[Role.CHIEF_OF_MISSION]).exists()


def test_a_role_counts_only_in_its_own_office(office_a, office_b, engagement, engagement_b):
    # A Chief of Mission in office A who is only a project manager in office B.
    user = UserFactory()
    Membership.objects.create(user=user, role=Role.CHIEF_OF_MISSION, office=office_a)
    Membership.objects.create(user=user, role=Role.PROJECT_MANAGER, office=office_b)

    assert user_may(user, "decide_engagement", engagement)
    assert not user_may(user, "decide_engagement", engagement_b)
    assert user_may(user, "prepare_engagement", engagement_b)


def test_hq_and_auditors_take_no_decision(hq, auditor, engagement):
    for user in (hq, auditor):
        assert not user_may(user, "prepare_engagement", engagement)
        assert not user_may(user, "decide_engagement", engagement)
