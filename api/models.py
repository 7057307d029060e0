"""Personal API tokens: what a program presents instead of a browser session.

Only a hash of the secret is kept: the secret is shown once, when the token is created, and a stolen
database gives no one a usable token. The first characters of the secret (its prefix) are kept in clear
so that a token is found by an index lookup and the user can tell their tokens apart.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for, e.g. the dashboard's nightly sync."))
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    # SHA-256 of the whole secret, hex. A secret is 256 random bits: a fast hash is enough (no dictionary to try).
    key_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_on = models.DateField(_("expires on"))
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, *, today=None) -> bool:
        """Neither revoked nor expired: a token is good up to and including its expiry date."""
        today = today or timezone.localdate()
        return self.revoked_at is None and self.expires_on >= today

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return _("revoked")
        if self.expires_on < timezone.localdate():
            return _("expired")
        return _("active")
