"""API use cases: making and revoking keys, noting their use, and idempotency records."""

from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from api.errors import ApiError, ApiErrorCode
from api.models import ApiKey, IdempotencyRecord
from api.scopes import PlatformScope, Scope
from tenants.near_cache import near_cache
from ticketing.audit.services import record
from ticketing.team.access import require_permission
from ticketing.team.roles import Permission

KEY_PREFIX = "tk_"  # every key starts so, which secret scanners can be taught to spot
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class NewApiKey:
    key: ApiKey
    token: str  # shown once; only its hash is kept


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """(prefix, token): 8 hex digits to look the key up by, then 32 random bytes."""
    prefix = secrets.token_hex(4)
    return prefix, f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"


def grant_cache_key(prefix: str) -> str:
    return f"api-key:{prefix}"


def _clean_scopes(scopes: list[str], allowed: set[str]) -> list[str]:
    unknown = sorted(set(scopes) - allowed)
    if unknown or not scopes:
        raise ApiError(
            ApiErrorCode.INVALID_SCOPES,
            f"Unknown scopes: {', '.join(unknown)}." if unknown else "Choose at least one scope.",
            field="scopes",
        )
    return sorted(set(scopes))


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name or len(name) > 100:
        raise ApiError(ApiErrorCode.INVALID_NAME, "Name the key in 1 to 100 characters.", field="name")
    return name


def create_api_key(*, actor: User | None, name: str, scopes: list[str]) -> NewApiKey:
    """Make a reseller's API key with these scopes; the token is returned once and never stored."""
    require_permission(actor, Permission.MANAGE_CATALOG, Permission.MANAGE_ORDERS)
    name = _clean_name(name)
    scopes = _clean_scopes(scopes, {str(scope) for scope in Scope})
    prefix, token = new_token()
    with transaction.atomic(durable=True):
        key = ApiKey.objects.create(
            name=name,
            prefix=prefix,
            secret_hash=hash_token(token),
            scopes=scopes,
            created_by=actor if actor is not None and actor.pk else None,
        )
        record(action="api_key.created", target=key, actor=actor, name=name, scopes=scopes, prefix=prefix)
    return NewApiKey(key=key, token=token)


def create_platform_api_key(*, admin: User, name: str, scopes: list[str]) -> NewApiKey:
    """Make a platform key (public schema) acting for a platform admin, who must be active staff."""
    if not (admin.is_active and admin.is_staff):
        raise ApiError(ApiErrorCode.INVALID_SCOPES, "Only platform staff may hold platform keys.")
    name = _clean_name(name)
    scopes = _clean_scopes(scopes, {str(scope) for scope in PlatformScope})
    prefix, token = new_token()
    with transaction.atomic(durable=True):
        key = ApiKey.objects.create(
            name=name, prefix=prefix, secret_hash=hash_token(token), scopes=scopes, created_by=admin
        )
    return NewApiKey(key=key, token=token)


def revoke_api_key(*, actor: User | None, key_id: int) -> ApiKey:
    """Withdraw a key at once: its cached look-up goes with the commit."""
    require_permission(actor, Permission.MANAGE_CATALOG, Permission.MANAGE_ORDERS)
    with transaction.atomic(durable=True):
        key = ApiKey.objects.select_for_update().filter(pk=key_id).first()
        if key is None:
            raise ApiError(ApiErrorCode.KEY_NOT_FOUND, "No such key.", http_status=404)
        if key.revoked_at is None:
            key.revoked_at = timezone.now()
            key.revoked_by = actor if actor is not None and actor.pk else None
            key.save(update_fields=["revoked_at", "revoked_by"])
            record(action="api_key.revoked", target=key, actor=actor, prefix=key.prefix)
        # In every process, now and again after the commit (a request meanwhile may have
        # cached the old grant).
        near_cache.forget(grant_cache_key(key.prefix))
    return key


def note_key_used(*, key_id: int, now: datetime | None = None) -> None:
    """Bump last_used_at, at most once a minute per key: a flag in the shared cache spares the
    write, and this process's copy of the flag spares asking the shared cache on every request."""
    flag, seconds = f"api-key-used:{key_id}", int(TOUCH_EVERY.total_seconds())
    if near_cache.get(flag, seconds) is not None or not cache.add(flag, 1, seconds):
        return
    now = now or timezone.now()
    ApiKey.objects.filter(pk=key_id).exclude(last_used_at__gt=now - TOUCH_EVERY).update(last_used_at=now)


# Idempotency ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    """The outcome of claiming an idempotency key: run the request (record_id) or replay."""

    record_id: int | None
    replay: IdempotencyRecord | None = None


def _expiry(now: datetime) -> datetime:
    return now - timedelta(hours=settings.API_IDEMPOTENCY_HOURS)


def claim_idempotency_key(*, owner: str, key: str, request_hash: str) -> Claim:
    """Insert the key's record before the request runs, or find the earlier request's.

    One INSERT … ON CONFLICT, in autocommit (committed before the request runs, as a
    transaction of its own would be): of concurrent requests with the same key exactly one
    gets the row; the others see it running (409) or, once done, replay its answer. A
    record past its 24 hours is taken over in the same statement, under a new id, as if
    deleted and inserted again.

    The claim commits without waiting for its WAL to reach the disk (synchronous_commit off
    for its own transaction): it is visible to other requests at once all the same, and it is
    on disk before anything it guards is, since the order's commit (or the completion's)
    flushes the WAL up to that point, which includes it. Lost in a crash before then, it
    guarded nothing that happened. One disk flush fewer per API order: measured with
    `make bench`, the flush waits cost the API rush about a sixth of its throughput.
    """
    if not key or len(key) > 255 or not key.isprintable():
        raise ApiError(
            ApiErrorCode.IDEMPOTENCY_KEY_INVALID,
            "The Idempotency-Key header is 1 to 255 printable characters.",
            field="Idempotency-Key",
        )
    now = timezone.now()
    while True:
        record_id = _insert_claim(owner, key, request_hash, now)
        if record_id is not None:
            return Claim(record_id=record_id)
        earlier = IdempotencyRecord.objects.filter(owner=owner, key=key).first()
        if earlier is not None:
            break
        # Gone between the two statements (its request failed on the server): claim again.
    if earlier.request_hash != request_hash:
        raise ApiError(
            ApiErrorCode.IDEMPOTENCY_KEY_REUSED,
            "This Idempotency-Key was used with another request; use a new key for a new request.",
            http_status=409,
        )
    if earlier.state == IdempotencyRecord.State.RUNNING:
        raise ApiError(
            ApiErrorCode.IDEMPOTENCY_KEY_IN_USE,
            "A request with this Idempotency-Key is still running; retry in a moment.",
            http_status=409,
        )
    return Claim(record_id=None, replay=earlier)


@functools.cache
def _claim_sql() -> str:
    table = IdempotencyRecord._meta.db_table
    return (
        f'INSERT INTO "{table}" AS r (owner, key, request_hash, state, created_at) '
        "SELECT %s, %s, %s, %s, %s WHERE set_config('synchronous_commit', 'off', true) IS NOT NULL "
        "ON CONFLICT (owner, key) DO UPDATE SET "
        "id = DEFAULT, request_hash = EXCLUDED.request_hash, state = EXCLUDED.state, "
        "response_status = NULL, response_body = NULL, created_at = EXCLUDED.created_at "
        "WHERE r.created_at < %s RETURNING r.id"
    )


def _insert_claim(owner: str, key: str, request_hash: str, now: datetime) -> int | None:
    """The new record's id; None when the key holds a record of the last 24 hours."""
    with connection.cursor() as cursor:
        cursor.execute(
            _claim_sql(), [owner, key, request_hash, IdempotencyRecord.State.RUNNING, now, _expiry(now)]
        )
        row = cursor.fetchone()
    return None if row is None else int(row[0])


@functools.cache
def _complete_sql() -> str:
    table = IdempotencyRecord._meta.db_table
    return f'UPDATE "{table}" SET state = %s, response_status = %s, response_body = %s WHERE id = %s'


def complete_idempotency_key(*, record_id: int, status: int, body: object) -> None:
    """Keep the answer to replay it (a request that failed on the server keeps nothing).

    One statement: in autocommit once the request's own transaction is over, or inside that
    transaction, to commit with the work it answers (api.idempotency.keep_answer_within).
    """
    with connection.cursor() as cursor:
        if status >= 500:
            cursor.execute(f'DELETE FROM "{IdempotencyRecord._meta.db_table}" WHERE id = %s', [record_id])
            return
        body_field = IdempotencyRecord._meta.get_field("response_body")
        cursor.execute(
            _complete_sql(),
            [
                IdempotencyRecord.State.DONE,
                status,
                body_field.get_db_prep_save(body, connection),
                record_id,
            ],
        )


def purge_idempotency_records(*, now: datetime | None = None) -> int:
    """Delete records older than 24 hours (they no longer replay anyway)."""
    with transaction.atomic(durable=True):
        deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=_expiry(now or timezone.now())).delete()
    return deleted
