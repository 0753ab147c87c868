"""Order background work: confirmations after commit, lapsing unpaid orders on a schedule."""

from __future__ import annotations

from celery import shared_task
from django_tenants.utils import tenant_context

from ticketing.schedule import shops
from ticketing.tickets.services import send_order_confirmation as send_confirmation_with_tickets


@shared_task(name="orders.send_order_confirmation")
def send_order_confirmation(*, order_id: int) -> None:
    """E-mail the buyer their order with the tickets PDF and a calendar file (queued after commit)."""
    send_confirmation_with_tickets(order_id=order_id)


@shared_task(name="orders.expire_unpaid_orders_everywhere")
def expire_unpaid_orders_everywhere() -> int:
    """Beat entry point (public schema): lapse overdue pay-later orders in every reseller's schema."""
    from ticketing.orders.services import expire_unpaid_orders  # services queue this module's tasks

    expired = 0
    for tenant in shops():
        with tenant_context(tenant):
            expired += expire_unpaid_orders()
    return expired
