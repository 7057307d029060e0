"""Keep role groups in step with the role table and with memberships."""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

from hrddp.access import ROLE_PERMISSIONS
from hrddp.models import Membership
from hrddp.roles import GROUP_NAMES


def sync_role_groups(**kwargs) -> None:
    """Create or update one group per role with exactly the permissions of hrddp.access.ROLE_PERMISSIONS."""
    wanted = {perm for perms in ROLE_PERMISSIONS.values() for perm in perms}
    by_name = {}
    for perm in Permission.objects.select_related("content_type").filter(
        content_type__app_label__in={p.split(".")[0] for p in wanted}
    ):
        by_name[f"{perm.content_type.app_label}.{perm.codename}"] = perm
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=GROUP_NAMES[role])
        group.permissions.set([by_name[p] for p in perms if p in by_name])


def _last_app_with_role_permissions() -> str:
    """The label of the last installed app whose models' permissions the roles carry."""
    labels = {perm.split(".")[0] for perms in ROLE_PERMISSIONS.values() for perm in perms}
    return [config.label for config in apps.get_app_configs() if config.label in labels][-1]


@receiver(post_migrate)
def _sync_after_migrate(sender, **kwargs):
    # Sent once per app after its permissions exist; the last app of ours sees them all.
    if sender.label == _last_app_with_role_permissions():
        sync_role_groups()


@receiver(post_save, sender=Membership)
def _join_role_group(sender, instance, **kwargs):
    group, _ = Group.objects.get_or_create(name=GROUP_NAMES[instance.role])
    instance.user.groups.add(group)
    instance.user.__dict__.pop("_hrddp_memberships", None)


@receiver(post_delete, sender=Membership)
def _leave_role_group(sender, instance, **kwargs):
    if not Membership.objects.filter(user_id=instance.user_id, role=instance.role).exists():
        group = Group.objects.filter(name=GROUP_NAMES[instance.role]).first()
        if group is not None:
            instance.user.groups.remove(group)
