"""Check-in: admitting a ticket at the door, once.

A scanner sends what it read: the signed code from the ticket's QR (verified against the
shop's published keys) or the ticket's public id typed in by hand. The ticket row is
locked for the length of the check, so of two scanners reading the same ticket at the
same moment one admits it and the other is told it is already in; the unique
constraint on CheckIn.ticket backs that up.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from ticketing.audit.services import record
from ticketing.catalog.models import Event
from ticketing.checkin.errors import CheckInError, CheckInErrorCode
from ticketing.checkin.models import CheckIn
from ticketing.orders.models import Ticket
from ticketing.outbox.models import EventType
from ticketing.outbox.payloads import ticket_payload
from ticketing.outbox.services import record_event
from ticketing.team.access import require_permission
from ticketing.team.roles import Permission
from ticketing.tickets.documents import VALID_AFTER_END, VALID_BEFORE_START
from ticketing.tickets.errors import TicketError, TicketErrorCode
from ticketing.tickets.selectors import verify_ticket_code

PUBLIC_ID = re.compile(r"^[0-9a-f]{32}$")


def _read_code(code: str) -> tuple[str, int | None, str]:
    """(ticket public id, event id the signature vouches for or None, method) from what was scanned."""
    text = "".join(code.split())
    if not text:
        raise CheckInError(CheckInErrorCode.INVALID_INPUT, _("Scan or type a ticket code."), field="code")
    if PUBLIC_ID.match(text.lower()):
        return text.lower(), None, CheckIn.Method.PUBLIC_ID
    claims = verify_ticket_code(text.upper(), at=timezone.now())  # raises TicketError (bad, expired, …)
    return claims.ticket_id, claims.event_id, CheckIn.Method.SIGNED_CODE


def _check_entry_window(event: Event) -> None:
    """The same window a signed ticket states: from 12 hours before the start to 6 after the end."""
    now = timezone.now()
    if now < event.starts_at - VALID_BEFORE_START:
        raise TicketError(TicketErrorCode.NOT_YET_VALID, _("This ticket is not valid yet."))
    if now > event.ends_at + VALID_AFTER_END:
        raise TicketError(TicketErrorCode.EXPIRED, _("This ticket is no longer valid."))


def check_in_ticket(
    *,
    code: str,
    actor: User | None,
    event: Event | None = None,
    gate: str = "",
    device: str = "",
    actor_label: str = "",
) -> CheckIn:
    """Admit the ticket behind a scanned code (or typed public id), refusing a second entry."""
    require_permission(actor, Permission.SCAN)
    public_id, signed_event_id, method = _read_code(code)
    with transaction.atomic(durable=True):
        ticket = (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("order", "event")
            .filter(public_id=public_id)
            .first()
        )
        if ticket is None or (signed_event_id is not None and signed_event_id != ticket.event_id):
            raise CheckInError(
                CheckInErrorCode.UNKNOWN_TICKET, _("No ticket of this shop has this code."), http_status=404
            )
        if method == CheckIn.Method.PUBLIC_ID:
            _check_entry_window(ticket.event)  # a signed code carries its own window, checked above
        if event is not None and ticket.event_id != event.pk:
            raise CheckInError(
                CheckInErrorCode.WRONG_EVENT,
                _("This ticket is for “%(ticket_event)s”, not for “%(event)s”.")
                % {"ticket_event": ticket.event, "event": event},
                extra={"ticket_event": ticket.event_id},
                http_status=409,
            )
        if ticket.status == Ticket.Status.CANCELLED:
            raise CheckInError(
                CheckInErrorCode.TICKET_CANCELLED, _("This ticket was cancelled."), http_status=409
            )
        if ticket.status == Ticket.Status.REFUNDED:
            raise CheckInError(
                CheckInErrorCode.TICKET_REFUNDED, _("This ticket was refunded."), http_status=409
            )
        if not ticket.order.is_open:
            raise CheckInError(
                CheckInErrorCode.ORDER_NOT_VALID,
                _("The order of this ticket is no longer valid (%(status)s).")
                % {"status": ticket.order.get_status_display()},
                http_status=409,
            )
        earlier = CheckIn.objects.filter(ticket=ticket).first()
        if earlier is not None:
            raise CheckInError(
                CheckInErrorCode.ALREADY_CHECKED_IN,
                _("Already checked in at %(time)s (%(gate)s).")
                % {
                    "time": f"{timezone.localtime(earlier.checked_in_at):%H:%M:%S}",
                    "gate": earlier.gate or "—",
                },
                extra={"checked_in_at": earlier.checked_in_at.isoformat(), "gate": earlier.gate},
                http_status=409,
            )
        check_in = CheckIn.objects.create(
            ticket=ticket,
            event=ticket.event,
            method=method,
            gate=gate.strip()[:64],
            device=device.strip()[:64],
            actor=actor if actor is not None and actor.pk else None,
            actor_label=actor_label[:120],
        )
        record(
            action="ticket.checked_in",
            target=ticket,
            actor=actor,
            gate=check_in.gate,
            device=check_in.device,
            via=actor_label,
        )
        record_event(
            type=EventType.TICKET_CHECKED_IN,
            payload={
                **ticket_payload(ticket),
                "checked_in_at": check_in.checked_in_at.isoformat(),
                "gate": check_in.gate,
                "method": check_in.method,
            },
            target=ticket,
        )
    return check_in
