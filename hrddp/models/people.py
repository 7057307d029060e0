"""Offices, people and their roles."""

import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


def _new_session_salt() -> str:
    return secrets.token_hex(16)


class User(AbstractUser):
    # Part of the session hash: changing it signs the user out of every
    # session at once ("log out everywhere").
    session_salt = models.CharField(max_length=32, default=_new_session_salt, editable=False)

    class Meta(AbstractUser.Meta):
        ordering = ["last_name", "first_name", "username"]
        swappable = "AUTH_USER_MODEL"

    def __str__(self):
        return self.get_full_name() or self.username

    def get_session_auth_hash(self):
        from django.utils.crypto import salted_hmac

        return salted_hmac(
            "hrddp.User.get_session_auth_hash",
            f"{self.password}:{self.session_salt}",
            algorithm="sha256",
        ).hexdigest()


class Office(models.Model):
    """A country office of a UN entity."""

    code = models.SlugField(max_length=20, unique=True, help_text="Short code used in references, e.g. DRV.")
    name = models.CharField(max_length=200)
    entity = models.CharField(max_length=100, default="IOM", help_text="The UN entity the office belongs to.")
    country = models.CharField(max_length=100)
    region = models.CharField(max_length=100, blank=True)
    has_country_mechanism = models.BooleanField(
        "UN HRDDP country mechanism exists",
        default=False,
        help_text="Whether a UN HRDDP country mechanism operates in this country (Action 3).",
    )
    mechanism_secretariat_contact = models.CharField(max_length=200, blank=True)
    letterhead_address = models.TextField(blank=True, help_text="Printed on the office's letters.")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    PROJECT_MANAGER = "project_manager", "Project manager"
    CHIEF_OF_MISSION = "chief_of_mission", "Chief of Mission"
    REGIONAL_SPECIALIST = "regional_specialist", "Regional specialist"
    HQ_HUMAN_RIGHTS = "hq_human_rights", "HQ Human Rights Team"
    AUDITOR = "auditor", "Auditor"


# Roles that see every office; the others are held for one office at a time.
GLOBAL_ROLES = frozenset({Role.HQ_HUMAN_RIGHTS, Role.AUDITOR})


class Membership(models.Model):
    """A user's role, for one office or (HQ, auditors) for all of them."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships",
        help_text="Empty for roles that cover every office (HQ, auditors).",
    )

    class Meta:
        ordering = ["user", "role", "office"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "office"], name="membership_unique"),
            models.UniqueConstraint(
                fields=["user", "role"], condition=Q(office__isnull=True), name="membership_unique_global"
            ),
            models.CheckConstraint(
                condition=Q(office__isnull=True, role__in=sorted(r.value for r in GLOBAL_ROLES))
                | Q(office__isnull=False) & ~Q(role__in=sorted(r.value for r in GLOBAL_ROLES)),
                name="membership_office_matches_role",
            ),
        ]

    def __str__(self):
        where = self.office or "all offices"
        return f"{self.user} — {self.get_role_display()} ({where})"
