"""Personal API tokens: made and revoked on the user's tokens page by the audited services, stored hashed,
refused once revoked or expired."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken
from api.tokens import api_token_create, api_token_revoke
from hrddp.models import AuditAction, AuditEntry
from tests.api_client import api_as, token_for

OFFICES = "/api/v1/offices/"


def _bearer(secret):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_creating_a_token_stores_only_its_hash_and_writes_one_audit_entry(pm):
    token, secret = token_for(pm, name="Mission reporting tool")

    assert secret.startswith(f"hrddp_{token.prefix}_")
    assert secret not in {token.key_hash, token.prefix} and len(token.key_hash) == 64
    assert not ApiToken.objects.filter(key_hash__contains=secret[-20:]).exists()
    entry = AuditEntry.objects.get()
    assert entry.action == AuditAction.CREATE_API_TOKEN and entry.actor == pm and entry.engagement is None
    assert entry.details["api_token_name"] == "Mission reporting tool"
    assert secret not in str(entry.details) + entry.justification


def test_a_token_answers_for_its_user(pm, office_a):
    client = api_as(pm)

    response = client.get(OFFICES)

    assert response.status_code == 200
    assert [o["code"] for o in response.json()["results"]] == [office_a.code]
    client.token.refresh_from_db()
    assert client.token.last_used_at is not None


def test_the_word_token_works_like_bearer(pm, office_a):
    _token, secret = token_for(pm)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")

    assert client.get(OFFICES).status_code == 200


def test_a_revoked_token_gets_401_and_the_revocation_is_audited(pm, office_a):
    token, secret = token_for(pm)

    api_token_revoke(by=pm, token=token)
    response = _bearer(secret).get(OFFICES)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"
    assert "revoked" in response.json()["error"]["message"]
    assert AuditEntry.objects.filter(action=AuditAction.REVOKE_API_TOKEN, actor=pm).count() == 1


def test_an_expired_token_gets_401(pm, office_a):
    token, secret = token_for(pm, days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_on=timezone.localdate() - timedelta(days=1))

    response = _bearer(secret).get(OFFICES)

    assert response.status_code == 401
    assert "expired" in response.json()["error"]["message"]


def test_a_token_is_good_through_its_expiry_day(pm, office_a):
    token, secret = token_for(pm, days=0)

    assert _bearer(secret).get(OFFICES).status_code == 200


@pytest.mark.parametrize("header", ["Bearer hrddp_nothing_here", "Bearer x", "Bearer", "Bearer a b", "Token hrddp_"])
def test_an_unknown_or_malformed_token_gets_401(pm, header):
    token_for(pm)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)

    assert client.get(OFFICES).status_code == 401


def test_a_token_with_the_right_prefix_and_a_wrong_secret_gets_401(pm):
    token, secret = token_for(pm)

    assert _bearer(secret[:-2] + ("aa" if not secret.endswith("aa") else "bb")).get(OFFICES).status_code == 401


def test_no_credentials_get_401(db):
    assert APIClient().get(OFFICES).status_code == 401


def test_a_disabled_users_token_gets_401(pm):
    _token, secret = token_for(pm)
    pm.is_active = False
    pm.save()

    assert _bearer(secret).get(OFFICES).status_code == 401


def test_only_the_holder_revokes_a_token(pm, outsider):
    token, _secret = token_for(pm)

    with pytest.raises(PermissionDenied):
        api_token_revoke(by=outsider, token=token)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_creating_refuses_a_missing_name_and_a_past_or_far_expiry_all_at_once(pm):
    with pytest.raises(ValidationError) as refused:
        api_token_create(by=pm, name="  ", expires_on=timezone.localdate() - timedelta(days=1))
    assert set(refused.value.message_dict) == {"name", "expires_on"}
    with pytest.raises(ValidationError) as refused:
        api_token_create(by=pm, name="Far", expires_on=timezone.localdate() + timedelta(days=400))
    assert set(refused.value.message_dict) == {"expires_on"}
    assert not ApiToken.objects.exists() and not AuditEntry.objects.exists()


# --- The tokens page ------------------------------------------------------------------------------------


def test_the_tokens_page_shows_a_new_secret_once(client, pm):
    client.force_login(pm)
    expires = (timezone.localdate() + timedelta(days=30)).isoformat()

    created = client.post(reverse("api_tokens"), {"name": "BI dashboard", "expires_on": expires})
    again = client.get(reverse("api_tokens"))

    token = ApiToken.objects.get()
    assert created.status_code == 200 and created["Cache-Control"] == "no-store"
    secret = created.context["secret"]
    assert secret.startswith(f"hrddp_{token.prefix}_") and secret in created.content.decode()
    assert again.status_code == 200 and secret not in again.content.decode() and "BI dashboard" in again.content.decode()


def test_the_tokens_page_answers_bad_input_with_field_errors(client, pm):
    client.force_login(pm)

    response = client.post(reverse("api_tokens"), {"name": "", "expires_on": "not a date"})

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "expires_on"}
    assert not ApiToken.objects.exists()


def test_the_owner_revokes_a_token_from_the_page(client, pm):
    token, _secret = token_for(pm)
    client.force_login(pm)

    response = client.post(reverse("api_token_revoke", args=[token.pk]))

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_colleague_cannot_see_or_revoke_someone_elses_token(client, pm, com):
    token, _secret = token_for(pm, name="Owner's sync")
    client.force_login(com)

    page = client.get(reverse("api_tokens"))
    response = client.post(reverse("api_token_revoke", args=[token.pk]))

    assert "Owner's sync" not in page.content.decode()
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_outsider_cannot_revoke_someone_elses_token(client, pm, outsider):
    token, _secret = token_for(pm)
    client.force_login(outsider)

    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404


def test_the_page_is_linked_from_every_page_and_needs_sign_in(client, pm):
    assert client.get(reverse("api_tokens")).status_code == 302
    client.force_login(pm)
    assert reverse("api_tokens") in client.get(reverse("inbox")).content.decode()
