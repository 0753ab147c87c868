"""Check-in reads for the scan page and the API."""

from __future__ import annotations

from django.db.models import QuerySet

from ticketing.checkin.models import CheckIn
from ticketing.orders.models import Ticket


def tickets_with_check_ins() -> QuerySet[Ticket]:
    """Tickets with their order and their check-in, if any (one query)."""
    return Ticket.objects.select_related("order", "check_in")


def all_check_ins() -> QuerySet[CheckIn]:
    return CheckIn.objects.select_related("ticket", "event", "ticket__ticket_type")


def recent_check_ins(limit: int = 20) -> list[CheckIn]:
    return list(all_check_ins().order_by("-checked_in_at", "-pk")[:limit])
