"""Order background work: confirmations after commit, lapsing unpaid orders on a schedule."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django_tenants.utils import tenant_context

from accounts.models import User
from ticketing.catalog.models import Event
from ticketing.schedule import shops
from ticketing.tickets.services import send_due_confirmations as send_confirmations_due_now
from ticketing.tickets.services import send_order_confirmation as send_confirmation_with_tickets


@shared_task(name="orders.send_order_confirmation")
def send_order_confirmation(*, order_id: int) -> None:
    """E-mail the buyer their order with the tickets PDF and a calendar file (queued after commit)."""
    send_confirmation_with_tickets(order_id=order_id)


@shared_task(name="orders.send_due_confirmations")
def send_due_confirmations() -> int:
    """Relay: e-mail every order of this shop whose confirmation is due (queued after commit, coalesced)."""
    return send_confirmations_due_now()


@shared_task(name="orders.send_due_confirmations_everywhere")
def send_due_confirmations_everywhere() -> int:
    """Beat entry point (public schema): confirmations a relay should have sent by now, in every shop.

    A relay runs a second after the orders it stands for; anything due for longer than
    ``CONFIRMATION_SWEEP_AFTER`` seconds missed its relay (a web process died between commit
    and queueing, or the broker was down).
    """
    sent = 0
    for tenant in shops():
        with tenant_context(tenant):
            sent += send_confirmations_due_now(
                older_than=timedelta(seconds=settings.CONFIRMATION_SWEEP_AFTER)
            )
    return sent


@shared_task(name="orders.expire_unpaid_orders_everywhere")
def expire_unpaid_orders_everywhere() -> int:
    """Beat entry point (public schema): lapse overdue pay-later orders in every reseller's schema."""
    from ticketing.orders.services import expire_unpaid_orders  # services queue this module's tasks

    expired = 0
    for tenant in shops():
        with tenant_context(tenant):
            expired += expire_unpaid_orders()
    return expired


@shared_task(name="orders.settle_cancelled_event")
def settle_cancelled_event(*, event_id: int, actor_id: int | None, reason: str = "") -> dict[str, int]:
    """Cancel or refund the open orders of an event the organizer called off (queued after commit)."""
    from ticketing.orders.services import settle_orders_of_cancelled_event

    event = Event.objects.get(pk=event_id)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    settlement = settle_orders_of_cancelled_event(event=event, actor=actor, reason=reason)
    return {"settled": settlement.settled, "unsettled": len(settlement.unsettled)}
