"""Webhook use cases: endpoints (staff), and the relay that fans the outbox out and delivers.

Staff use cases take ``actor=`` and check MANAGE_WEBHOOKS; the relay runs as the system
in the tenant's schema (Celery task, beat sweep). Deliveries are claimed with
``SELECT … FOR UPDATE SKIP LOCKED`` and a short lease, the HTTP request is made outside
any transaction, and its outcome is written in a transaction of its own, so a slow
receiver never holds a row lock and a crashed worker's delivery is retried after its lease.
"""

from __future__ import annotations

import json
import logging
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from api.webhooks.errors import WebhookError, WebhookErrorCode
from api.webhooks.models import ALL_EVENTS, Delivery, DeliveryAttempt, WebhookEndpoint
from api.webhooks.sealing import open_secret, seal_secret
from api.webhooks.signing import SIGNATURE_HEADER, new_secret, signature
from api.webhooks.targets import resolve_target
from api.webhooks.transport import Answer, post
from branding.selectors import shop_language
from core.side_effects import enqueue_after_commit
from core.tasks import send_email
from tenants.context import current_schema_name
from ticketing.audit.services import record
from ticketing.outbox.models import EventType, OutboxEvent
from ticketing.outbox.services import new_event_id
from ticketing.team.access import require_permission
from ticketing.team.roles import Permission, Role
from ticketing.team.selectors import team_members

logger = logging.getLogger(__name__)

TEST_EVENT_TYPE = "webhook.test"
USER_AGENT = "TicketPlatform-Webhooks/1"
SUBSCRIBABLE_TYPES: tuple[str, ...] = tuple(str(event_type) for event_type in EventType)


@dataclass(frozen=True)
class EndpointWithSecret:
    """An endpoint just created or given a new secret: the only time the secret is shown."""

    endpoint: WebhookEndpoint
    secret: str


# Staff use cases ------------------------------------------------------------------------------


def _clean_event_types(event_types: list[str] | tuple[str, ...]) -> list[str]:
    chosen = sorted({str(event_type).strip() for event_type in event_types})
    if not chosen:
        raise WebhookError(
            WebhookErrorCode.INVALID_EVENT_TYPES, _("Choose at least one event type."), field="event_types"
        )
    if ALL_EVENTS in chosen:
        return [ALL_EVENTS]
    unknown = [event_type for event_type in chosen if event_type not in SUBSCRIBABLE_TYPES]
    if unknown:
        raise WebhookError(
            WebhookErrorCode.INVALID_EVENT_TYPES,
            _("Unknown event types: %(types)s.") % {"types": ", ".join(unknown)},
            field="event_types",
        )
    return chosen


def _clean_description(description: str) -> str:
    description = " ".join(description.split())
    if len(description) > 200:
        raise WebhookError(
            WebhookErrorCode.INVALID_DESCRIPTION,
            _("Keep the description under 200 characters."),
            field="description",
        )
    return description


def _clean_url(url: str) -> str:
    url = url.strip()
    if len(url) > 2000:
        raise WebhookError(WebhookErrorCode.INVALID_URL, _("This URL is too long."), field="url")
    resolve_target(url)  # refuses private targets and plain http unless the settings allow them
    return url


def create_endpoint(
    *, actor: User | None, url: str, event_types: list[str] | tuple[str, ...], description: str = ""
) -> EndpointWithSecret:
    """Add a webhook endpoint; the answer carries its signing secret, shown this once."""
    require_permission(actor, Permission.MANAGE_WEBHOOKS)
    url = _clean_url(url)  # a DNS look-up: before the transaction, not inside it
    types = _clean_event_types(event_types)
    description = _clean_description(description)
    secret = new_secret()
    with transaction.atomic(durable=True):
        endpoint = WebhookEndpoint.objects.create(
            url=url,
            description=description,
            event_types=types,
            secret_sealed=seal_secret(secret),
            secret_hint=secret[-4:],
        )
        record(action="webhook_endpoint.created", target=endpoint, actor=actor, url=url, event_types=types)
    return EndpointWithSecret(endpoint=endpoint, secret=secret)


def update_endpoint(
    *,
    actor: User | None,
    endpoint: WebhookEndpoint,
    url: str,
    event_types: list[str] | tuple[str, ...],
    description: str = "",
) -> WebhookEndpoint:
    """Change where an endpoint points and what it receives (its secret stays)."""
    require_permission(actor, Permission.MANAGE_WEBHOOKS)
    url = _clean_url(url)
    types = _clean_event_types(event_types)
    description = _clean_description(description)
    with transaction.atomic(durable=True):
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        before = {"url": endpoint.url, "event_types": endpoint.event_types}
        endpoint.url, endpoint.event_types, endpoint.description = url, types, description
        endpoint.save(update_fields=["url", "event_types", "description", "updated_at"])
        record(
            action="webhook_endpoint.updated",
            target=endpoint,
            actor=actor,
            before=before,
            url=url,
            event_types=types,
        )
    return endpoint


def set_endpoint_active(*, actor: User | None, endpoint: WebhookEndpoint, active: bool) -> WebhookEndpoint:
    """Switch an endpoint off (nothing is sent to it) or on again (its failure count starts over)."""
    require_permission(actor, Permission.MANAGE_WEBHOOKS)
    with transaction.atomic(durable=True):
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        if endpoint.active == active:
            return endpoint
        endpoint.active = active
        endpoint.disabled_reason = "" if active else _("Switched off by %(who)s.") % {"who": _who(actor)}
        endpoint.consecutive_failures = 0
        endpoint.failing_since = None
        endpoint.save(
            update_fields=["active", "disabled_reason", "consecutive_failures", "failing_since", "updated_at"]
        )
        record(
            action="webhook_endpoint.enabled" if active else "webhook_endpoint.disabled",
            target=endpoint,
            actor=actor,
        )
    return endpoint


MAX_PREVIOUS_SECRET_HOURS = 72


def roll_secret(
    *, actor: User | None, endpoint: WebhookEndpoint, previous_valid_hours: int = 24
) -> EndpointWithSecret:
    """Give an endpoint a new signing secret, shown once; the old one also signs for
    ``previous_valid_hours`` more (0: it stops at once), so the receiver can switch over."""
    require_permission(actor, Permission.MANAGE_WEBHOOKS)
    if not 0 <= previous_valid_hours <= MAX_PREVIOUS_SECRET_HOURS:
        raise WebhookError(
            WebhookErrorCode.INVALID_ROLL,
            _("The old secret may keep signing for 0 to %(hours)s hours.")
            % {"hours": MAX_PREVIOUS_SECRET_HOURS},
            field="previous_valid_hours",
        )
    secret = new_secret()
    with transaction.atomic(durable=True):
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        if previous_valid_hours:
            endpoint.previous_secret_sealed = endpoint.secret_sealed
            endpoint.previous_secret_expires_at = timezone.now() + timedelta(hours=previous_valid_hours)
        else:
            endpoint.previous_secret_sealed, endpoint.previous_secret_expires_at = b"", None
        endpoint.secret_sealed = seal_secret(secret)
        endpoint.secret_hint = secret[-4:]
        endpoint.save(
            update_fields=[
                "secret_sealed",
                "secret_hint",
                "previous_secret_sealed",
                "previous_secret_expires_at",
                "updated_at",
            ]
        )
        record(
            action="webhook_endpoint.secret_rolled",
            target=endpoint,
            actor=actor,
            previous_valid_hours=previous_valid_hours,
        )
    return EndpointWithSecret(endpoint=endpoint, secret=secret)


def delete_endpoint(*, actor: User | None, endpoint: WebhookEndpoint) -> None:
    """Remove an endpoint and its delivery log."""
    require_permission(actor, Permission.MANAGE_WEBHOOKS)
    with transaction.atomic(durable=True):
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        record(action="webhook_endpoint.deleted", target=endpoint, actor=actor, url=endpoint.url)
        endpoint.delete()


def _require_active(endpoint: WebhookEndpoint) -> None:
    if not endpoint.active:
        raise WebhookError(
            WebhookErrorCode.ENDPOINT_DISABLED,
            _("This endpoint is switched off; switch it on first."),
            http_status=409,
        )


def redeliver(*, actor: User | None, delivery: Delivery) -> Delivery:
    """Send a delivery again now, whatever its state: one more attempt, logged like the others."""
    require_permission(actor, Permission.MANAGE_WEBHOOKS)
    with transaction.atomic(durable=True):
        delivery = (
            Delivery.objects.select_for_update(of=("self",)).select_related("endpoint").get(pk=delivery.pk)
        )
        _require_active(delivery.endpoint)
        delivery.status = Delivery.Status.PENDING
        delivery.next_attempt_at = timezone.now()
        delivery.attempts_allowed = delivery.attempts + 1
        delivery.completed_at = None
        delivery.save(update_fields=["status", "next_attempt_at", "attempts_allowed", "completed_at"])
        record(action="webhook_delivery.redelivered", target=delivery, actor=actor, event=delivery.event_id)
        _deliver_after_commit(delivery, manual=True)
    return delivery


def send_test_event(*, actor: User | None, endpoint: WebhookEndpoint) -> Delivery:
    """Send a signed ``webhook.test`` event to one endpoint, to check the receiver's set-up."""
    require_permission(actor, Permission.MANAGE_WEBHOOKS)
    now = timezone.now()
    with transaction.atomic(durable=True):
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        _require_active(endpoint)
        event = OutboxEvent.objects.create(
            public_id=new_event_id(),
            type=TEST_EVENT_TYPE,
            payload={"object": "webhook_endpoint", "id": endpoint.pk, "url": endpoint.url},
            relayed_at=now,  # for this endpoint only, never fanned out
        )
        delivery = Delivery.objects.create(
            event=event, endpoint=endpoint, attempts_allowed=1, next_attempt_at=now
        )
        record(action="webhook_endpoint.tested", target=endpoint, actor=actor, event=event.public_id)
        _deliver_after_commit(delivery, manual=True)
    return delivery


def _deliver_after_commit(delivery: Delivery, *, manual: bool) -> None:
    from api.webhooks.tasks import deliver  # the tasks call these services

    enqueue_after_commit(deliver, delivery_id=delivery.pk, manual=manual)


def _who(actor: User | None) -> str:
    return actor.email if actor is not None and actor.pk else _("the system")


# The relay (system) ---------------------------------------------------------------------------


def relay_outbox(*, batch_size: int = 500, now: datetime | None = None) -> int:
    """Fan every outbox event not relayed yet out to the active endpoints subscribed to it.

    Concurrent relays (the after-commit task, the beat sweep) skip each other's rows.
    """
    relayed = 0
    while True:
        with transaction.atomic(durable=True):
            events = list(
                OutboxEvent.objects.filter(relayed_at__isnull=True)
                .select_for_update(skip_locked=True)
                .order_by("pk")[:batch_size]
            )
            if not events:
                return relayed
            moment = now or timezone.now()
            endpoints = list(WebhookEndpoint.objects.filter(active=True))
            Delivery.objects.bulk_create(
                [
                    Delivery(
                        event=event,
                        endpoint=endpoint,
                        attempts_allowed=settings.WEBHOOK_MAX_ATTEMPTS,
                        next_attempt_at=moment,
                    )
                    for event in events
                    for endpoint in endpoints
                    if endpoint.subscribes_to(event.type)
                ],
                ignore_conflicts=True,
            )
            OutboxEvent.objects.filter(pk__in=[event.pk for event in events]).update(relayed_at=moment)
        relayed += len(events)
        if len(events) < batch_size:
            return relayed


def retry_delay(attempts_made: int, *, rng: random.Random | None = None) -> timedelta:
    """How long to wait after the ``attempts_made``-th failed attempt: doubling, ±20 % jitter, capped.

    The jitter spreads the retries of many deliveries that failed together (a receiver
    that was down), so they do not all come back at the same second.
    """
    base = settings.WEBHOOK_RETRY_BASE_SECONDS
    ceiling = settings.WEBHOOK_RETRY_MAX_SECONDS
    nominal = min(ceiling, base * 2 ** max(attempts_made - 1, 0))
    jitter = (rng or random).uniform(0.8, 1.2)
    return timedelta(seconds=min(ceiling, nominal * jitter))


def _lease() -> timedelta:
    """How long a claimed delivery is left to its worker before another may try it."""
    return timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS + 60)


def deliver_due(*, now: datetime | None = None, limit: int = 100) -> int:
    """Attempt every pending delivery whose time has come (active endpoints only); returns how many."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        claimed = list(
            Delivery.objects.filter(
                status=Delivery.Status.PENDING, next_attempt_at__lte=now, endpoint__active=True
            )
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        Delivery.objects.filter(pk__in=claimed).update(next_attempt_at=now + _lease())
    for delivery_id in claimed:
        _attempt(delivery_id, manual=False, now=now)
    return len(claimed)


def deliver(*, delivery_id: int, manual: bool = False, now: datetime | None = None) -> Delivery | None:
    """Attempt one delivery now if it is still pending and its endpoint is on (redelivery, test)."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=delivery_id, status=Delivery.Status.PENDING, endpoint__active=True)
            .first()
        )
        if delivery is None:
            return None  # done already, switched off, or being attempted by another worker
        delivery.next_attempt_at = now + _lease()
        delivery.save(update_fields=["next_attempt_at"])
    return _attempt(delivery_id, manual=manual, now=now)


def event_body(event: OutboxEvent) -> bytes:
    """The JSON body POSTed for an event: an envelope around the object, as Stripe sends it."""
    envelope = {
        "id": event.public_id,
        "object": "event",
        "type": event.type,
        "created": int(event.created_at.timestamp()),
        "shop": current_schema_name(),
        "data": {"object": event.data},
    }
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode()


def _send(delivery: Delivery, number: int) -> Answer:
    endpoint = delivery.endpoint
    try:
        target = resolve_target(endpoint.url)  # again at every attempt: DNS may have changed
        secret = open_secret(bytes(endpoint.secret_sealed))
        previous = (
            open_secret(bytes(endpoint.previous_secret_sealed))
            if endpoint.signs_with_previous_secret(timezone.now())
            else ""
        )
    except WebhookError as refusal:
        return Answer(status_code=None, excerpt="", error=refusal.message[:300], duration_ms=0)
    body = event_body(delivery.event)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Webhook-Id": delivery.event.public_id,
        "Webhook-Event-Type": delivery.event.type,
        "Webhook-Delivery": str(delivery.pk),
        "Webhook-Attempt": str(number),
        SIGNATURE_HEADER: signature(
            secret=secret, body=body, timestamp=int(time.time()), previous_secret=previous
        ),
    }
    return post(target, body=body, headers=headers, timeout=settings.WEBHOOK_TIMEOUT_SECONDS)


def _attempt(delivery_id: int, *, manual: bool, now: datetime) -> Delivery:
    delivery = Delivery.objects.select_related("event", "endpoint").get(pk=delivery_id)
    if not delivery.endpoint.active:  # switched off since the claim (by an earlier attempt of the batch)
        Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.PENDING).update(next_attempt_at=now)
        return delivery
    number = delivery.attempts + 1
    started_at = timezone.now()
    answer = _send(delivery, number)
    with transaction.atomic(durable=True):
        delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
        DeliveryAttempt.objects.create(
            delivery=delivery,
            number=number,
            manual=manual,
            started_at=started_at,
            duration_ms=answer.duration_ms,
            status_code=answer.status_code,
            response_excerpt=answer.excerpt,
            error=answer.error,
        )
        delivery.attempts = number
        delivery.last_status_code = answer.status_code
        delivery.last_error = answer.error
        if answer.succeeded:
            delivery.status, delivery.next_attempt_at, delivery.completed_at = (
                Delivery.Status.SUCCEEDED,
                None,
                now,
            )
        elif number >= delivery.attempts_allowed:
            delivery.status, delivery.next_attempt_at, delivery.completed_at = (
                Delivery.Status.FAILED,
                None,
                now,
            )
        else:
            delivery.next_attempt_at = now + retry_delay(number)
        delivery.save(
            update_fields=[
                "attempts",
                "last_status_code",
                "last_error",
                "status",
                "next_attempt_at",
                "completed_at",
            ]
        )
        _count_outcome(delivery.endpoint_id, succeeded=answer.succeeded, now=now)
    return delivery


def _count_outcome(endpoint_id: int, *, succeeded: bool, now: datetime) -> None:
    """Keep the endpoint's run of failures; switch it off after too long a run, and tell the owners."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint_id)
    if succeeded:
        if endpoint.consecutive_failures or endpoint.failing_since:
            endpoint.consecutive_failures, endpoint.failing_since = 0, None
            endpoint.save(update_fields=["consecutive_failures", "failing_since"])
        return
    endpoint.consecutive_failures += 1
    endpoint.failing_since = endpoint.failing_since or now
    fields = ["consecutive_failures", "failing_since"]
    failing_for = (now - endpoint.failing_since).total_seconds()
    if (
        endpoint.active
        and endpoint.consecutive_failures >= settings.WEBHOOK_DISABLE_AFTER_FAILURES
        and failing_for >= settings.WEBHOOK_DISABLE_AFTER_SECONDS
    ):
        endpoint.active = False
        endpoint.disabled_reason = _("Switched off after %(count)s failed deliveries in a row.") % {
            "count": endpoint.consecutive_failures
        }
        fields += ["active", "disabled_reason"]
        record(
            action="webhook_endpoint.disabled",
            target=endpoint,
            consecutive_failures=endpoint.consecutive_failures,
            failing_since=endpoint.failing_since.isoformat(),
        )
        _tell_owners_endpoint_disabled(endpoint)
    endpoint.save(update_fields=fields)


def _tell_owners_endpoint_disabled(endpoint: WebhookEndpoint) -> None:
    owners = [member.user.email for member in team_members() if member.role == Role.OWNER]
    if not owners:
        logger.warning("Webhook endpoint %s switched off; the shop has no owner to tell.", endpoint.pk)
        return
    with translation.override(shop_language()):
        subject = _("Webhook endpoint switched off: %(url)s") % {"url": endpoint.url}
        body = _(
            "Deliveries to %(url)s failed %(count)s times in a row, so the endpoint was switched off "
            "and nothing more is sent to it. Fix the receiver, then switch the endpoint on again in the "
            "back office (Webhooks); deliveries still pending are sent then, and failed ones can be "
            "sent again from their log."
        ) % {"url": endpoint.url, "count": endpoint.consecutive_failures}
    enqueue_after_commit(send_email, to=owners, subject=subject, body=body)
