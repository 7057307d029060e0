"""Creating, revoking and recognising personal API tokens.

A token acts for its user with the user's roles and grants and nothing more: hrddp.access answers for a
request made with a token exactly as for one made in the browser. Creating and revoking are the user's
own writes, audited like ending every session (hrddp.account); only the user who holds a token sees it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import ApiToken
from hrddp.models import AuditAction, User
from hrddp.services import audit_record

# How far ahead a token may expire: a year, after which its holder makes a new one (and the old one dies).
LONGEST_LIFE = timedelta(days=366)
# A token's use is written down at most this often: a busy integration would otherwise write on every call.
LAST_USED_PRECISION = timedelta(minutes=1)
TOKEN_START = "hrddp_"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


@transaction.atomic
def api_token_create(*, by: User, name: str, expires_on: date | None) -> tuple[ApiToken, str]:
    """A new token of `by`, and its secret: the only time the secret exists outside the caller's hands."""
    name = (name or "").strip()
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Name the token after what will use it.")]
    elif len(name) > ApiToken._meta.get_field("name").max_length:
        errors["name"] = [_("Keep the name under 100 characters.")]
    elif tokens_of(by).filter(name=name, revoked_at__isnull=True, expires_on__gte=today).exists():
        errors["name"] = [_("You already have a token with this name; revoke it or choose another name.")]
    if expires_on is None:
        errors["expires_on"] = [_("Give the date the token stops working.")]
    elif expires_on < today:
        errors["expires_on"] = [_("The expiry date has passed.")]
    elif expires_on > today + LONGEST_LIFE:
        errors["expires_on"] = [_("A token lives a year at most.")]
    if errors:
        raise ValidationError(errors)
    prefix = secrets.token_hex(4)
    while ApiToken.objects.filter(prefix=prefix).exists():  # one in four billion; still, never two alike
        prefix = secrets.token_hex(4)
    secret = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(user=by, name=name, prefix=prefix, key_hash=_digest(secret), expires_on=expires_on)
    token.save()
    audit_record(
        engagement=None, actor=by, action=AuditAction.CREATE_API_TOKEN,
        # The trail is a record, kept in the words it was written in (not translated).
        justification=f"Created the API token “{name}”, valid until {expires_on.isoformat()}.",
        details={"api_token": token.pk, "api_token_name": name, "prefix": prefix},
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, by: User, token: ApiToken) -> ApiToken:
    """Stop one of `by`'s tokens working, at once and for good."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != by.pk:
        raise PermissionDenied(_("Only the holder of a token revokes it."))
    if token.revoked_at is not None:
        raise ValidationError({"token": [_("This token was already revoked.")]})
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        engagement=None, actor=by, action=AuditAction.REVOKE_API_TOKEN,
        justification=f"Revoked the API token “{token.name}”.",
        details={"api_token": token.pk, "api_token_name": token.name, "prefix": token.prefix},
    )
    return token


def api_token_for_secret(secret: str) -> ApiToken | None:
    """The token whose secret this is, usable or not (the caller says which refusal applies); None if none."""
    if not secret.startswith(TOKEN_START):
        return None
    prefix, _sep, rest = secret[len(TOKEN_START):].partition("_")
    if not prefix or not rest:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.key_hash, _digest(secret)):
        return None
    return token


def api_token_mark_used(token: ApiToken) -> None:
    """Record when the token was last used (to the minute). Not audited: the calls it makes that change
    anything have their own entries, which name the token."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_PRECISION:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
