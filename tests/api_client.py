"""Calling the API as a user: a token made through the one service that makes them, sent as a bearer token."""

from __future__ import annotations

from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from api.tokens import api_token_create


def token_for(user, *, name="Nightly sync", days=30):
    """(token, secret) of a new token of `user`."""
    return api_token_create(by=user, name=name, expires_on=timezone.localdate() + timedelta(days=days))


def api_as(user, **kwargs) -> APIClient:
    """A client that sends a fresh token of `user` with every call; `client.token` is the token."""
    token, secret = token_for(user, **kwargs)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    client.token = token
    client.secret = secret
    # Each test starts with no calls counted against the rate limit (the cache outlives a test).
    cache.clear()
    return client
