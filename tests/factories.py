"""Factories for the domain. Engagements can be built straight into any state
(tests of a transition start from its source state)."""

from datetime import date

import factory
from django.utils import timezone

from hrddp.models import (
    ActivityType,
    Engagement,
    GovernmentFocalPoint,
    Membership,
    Office,
    Project,
    Recipient,
    RecipientCategory,
    Role,
    State,
    SupportActivity,
    User,
)


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"o{n}")
    name = factory.LazyAttribute(lambda o: f"Office {o.code.upper()}")
    country = factory.Sequence(lambda n: f"Country {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def user_with_role(role: str, office: Office | None = None, **fields) -> User:
    user = UserFactory(**fields)
    Membership.objects.create(user=user, role=role, office=office)
    return user


class RecipientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recipient

    name = factory.Sequence(lambda n: f"Force {n}")
    country = "Darvonia"
    category = RecipientCategory.POLICE


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    office = factory.SubFactory(OfficeFactory)
    code = factory.Sequence(lambda n: f"P-{n}")
    title = "Community stabilisation"
    start_date = date(2026, 1, 1)
    end_date = date(2027, 12, 31)


class FocalPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GovernmentFocalPoint

    office = factory.SubFactory(OfficeFactory)
    full_name = "Idris Valemo"
    title = "Commander of Esse Province"
    authority = "Ministry of the Interior"


class EngagementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Engagement

    office = factory.SubFactory(OfficeFactory)
    project = factory.SubFactory(ProjectFactory, office=factory.SelfAttribute("..office"))
    recipient = factory.SubFactory(RecipientFactory, country=factory.SelfAttribute("..office.country"))
    title = factory.Sequence(lambda n: f"Engagement {n}")
    state = State.DRAFT
    created_at = factory.LazyFunction(timezone.now)


class SupportActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportActivity

    engagement = factory.SubFactory(EngagementFactory)
    description = factory.Sequence(lambda n: f"Activity {n}")
    activity_type = ActivityType.TRAINING


__all__ = [
    "EngagementFactory", "FocalPointFactory", "OfficeFactory", "ProjectFactory", "RecipientFactory",
    "Role", "SupportActivityFactory", "UserFactory", "user_with_role",
]
