"""Who is calling: an API key (Authorization: Bearer tk_…) or a signed-in staff session.

A key is looked up by its public prefix in the current schema only, so a key of one
reseller is unknown on every other reseller's host (and on the platform's). The whole
key is compared by its SHA-256 in constant time.
"""

from __future__ import annotations

import secrets
from typing import Any

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.request import Request

from accounts.models import User
from api.selectors import KeyGrant, key_grant
from api.services import KEY_PREFIX, hash_token, note_key_used
from tenants.context import current_schema_name


class ApiClient:
    """The caller behind a reseller's API key: acts within its scopes, as no team member."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None

    def __init__(self, grant: KeyGrant) -> None:
        self.grant = grant

    def __str__(self) -> str:
        return f"API key {self.grant.name} ({self.grant.prefix})"

    def get_username(self) -> str:
        return str(self)


def _grant_for(token: str) -> KeyGrant:
    invalid = exceptions.AuthenticationFailed("Invalid or revoked API key.")
    if not token.startswith(KEY_PREFIX) or len(token) < len(KEY_PREFIX) + 10:
        raise invalid
    grant = key_grant(token[len(KEY_PREFIX) : len(KEY_PREFIX) + 8])
    if grant is None or grant.revoked or not secrets.compare_digest(hash_token(token), grant.secret_hash):
        raise invalid
    return grant


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, KeyGrant] | None:
        header = request.headers.get("Authorization", "")
        if not header:
            return None
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise exceptions.AuthenticationFailed("Send the key as “Authorization: Bearer <key>”.")
        grant = _grant_for(token.strip())
        note_key_used(key_id=grant.key_id)
        if current_schema_name() == "public":
            # A platform key acts for the platform admin who holds it, while they are one.
            holder = User.objects.filter(pk=grant.holder_id or 0, is_active=True, is_staff=True).first()
            if holder is None:
                raise exceptions.AuthenticationFailed("This key's holder is no longer platform staff.")
            return holder, grant
        return ApiClient(grant), grant

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class StaffSessionAuthentication(SessionAuthentication):
    """The back office's session (active staff only), with Django's CSRF check on writes."""

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        found = super().authenticate(request)
        if found is None or not (found[0].is_active and found[0].is_staff):
            return None
        return found
