"""Check-in: a signed code or a typed ticket id admits a valid ticket once, and never twice."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any, cast

import pytest
from django.db import connection as default_connection
from django.utils import timezone

from core.errors import DomainError
from tenants.models import Tenant
from ticketing.audit.models import LogEntry
from ticketing.catalog.models import Event
from ticketing.checkin.errors import CheckInErrorCode
from ticketing.checkin.models import CheckIn
from ticketing.checkin.services import check_in_ticket
from ticketing.inventory.services import Selection
from ticketing.orders.models import Order, Ticket
from ticketing.orders.services import Buyer, buy_tickets, cancel_order, mark_order_paid, refund_order
from ticketing.team.errors import TeamErrorCode
from ticketing.team.roles import Role
from ticketing.tickets.errors import TicketErrorCode
from ticketing.tickets.services import ticket_code

from ..factories import make_member, on_sale_event

connection = cast(Any, default_connection)


def _order(quantity: int = 2, *, starts_in: timedelta = timedelta(hours=2)) -> Order:
    event, ticket_type = on_sale_event(capacity=50, quantity=50, starts_at=timezone.now() + starts_in)
    return buy_tickets(
        event=event,
        selection=Selection(tickets={ticket_type.pk: quantity}),
        buyer=Buyer(name="Ada Lovelace", email="ada@example.com"),
    )


@pytest.mark.usefixtures("in_acme")
class TestCheckIn:
    def test_a_signed_code_admits_its_ticket_and_records_who_where(self) -> None:
        ticket = _order().tickets.all()[0]
        scanner = make_member(Role.SCANNER)
        admitted = check_in_ticket(
            code=ticket_code(ticket=ticket), actor=scanner, gate="North", device="phone 3"
        )
        assert (admitted.ticket, admitted.method, admitted.gate, admitted.device) == (
            ticket,
            CheckIn.Method.SIGNED_CODE,
            "North",
            "phone 3",
        )
        assert admitted.actor == scanner
        entry = LogEntry.objects.get(action="ticket.checked_in", object_id=ticket.pk)
        assert entry.actor == scanner and entry.data["gate"] == "North"

    def test_a_typed_public_id_admits_its_ticket(self) -> None:
        ticket = _order().tickets.all()[0]
        admitted = check_in_ticket(code=f"  {ticket.public_id.upper()} ", actor=None, actor_label="API key x")
        assert admitted.method == CheckIn.Method.PUBLIC_ID and admitted.actor_label == "API key x"

    def test_a_second_entry_is_refused_with_when_and_where(self) -> None:
        ticket = _order().tickets.all()[0]
        check_in_ticket(code=ticket.public_id, actor=None, gate="North")
        with pytest.raises(DomainError) as refused:
            check_in_ticket(code=ticket_code(ticket=ticket), actor=None, gate="South")
        assert refused.value.code == CheckInErrorCode.ALREADY_CHECKED_IN and refused.value.http_status == 409
        assert refused.value.extra["gate"] == "North"
        assert CheckIn.objects.filter(ticket=ticket).count() == 1

    def test_cancelled_and_refunded_tickets_are_refused(self) -> None:
        unpaid = _order()
        cancel_order(order=unpaid, actor=None)
        with pytest.raises(DomainError) as cancelled:
            check_in_ticket(code=unpaid.tickets.all()[0].public_id, actor=None)
        assert cancelled.value.code == CheckInErrorCode.TICKET_CANCELLED

        paid = mark_order_paid(order=_order(), actor=None)
        first, second = paid.tickets.order_by("pk")
        refund_order(order=paid, actor=None, ticket_ids=[first.pk])
        assert check_in_ticket(code=ticket_code(ticket=Ticket.objects.get(pk=second.pk)), actor=None).pk
        with pytest.raises(DomainError) as refunded:
            check_in_ticket(code=first.public_id, actor=None)
        assert refunded.value.code == CheckInErrorCode.TICKET_REFUNDED
        assert not CheckIn.objects.filter(ticket=first).exists()

    def test_a_forged_or_garbled_code_is_refused(self) -> None:
        ticket = _order().tickets.all()[0]
        code = ticket_code(ticket=ticket)
        forged = code[:40] + ("A" if code[40] != "A" else "B") + code[41:]
        with pytest.raises(DomainError) as bad:
            check_in_ticket(code=forged, actor=None)
        assert bad.value.code in {TicketErrorCode.BAD_SIGNATURE, TicketErrorCode.MALFORMED_PAYLOAD}
        with pytest.raises(DomainError) as unknown:
            check_in_ticket(code="f" * 32, actor=None)
        assert unknown.value.code == CheckInErrorCode.UNKNOWN_TICKET and unknown.value.http_status == 404
        with pytest.raises(DomainError) as empty:
            check_in_ticket(code="   ", actor=None)
        assert empty.value.field == "code"
        assert not CheckIn.objects.exists()

    def test_a_ticket_for_another_event_is_refused_when_the_gate_names_its_event(self) -> None:
        ticket = _order().tickets.all()[0]
        other = _order().event
        with pytest.raises(DomainError) as wrong:
            check_in_ticket(code=ticket.public_id, actor=None, event=other)
        assert wrong.value.code == CheckInErrorCode.WRONG_EVENT

    def test_tickets_are_admitted_only_in_their_entry_window(self) -> None:
        early = _order(starts_in=timedelta(days=3)).tickets.all()[0]
        for code in (early.public_id, ticket_code(ticket=early)):
            with pytest.raises(DomainError) as refused:
                check_in_ticket(code=code, actor=None)
            assert refused.value.code == TicketErrorCode.NOT_YET_VALID
        assert not CheckIn.objects.exists()

    def test_only_roles_that_scan_may_check_in(self) -> None:
        ticket = _order().tickets.all()[0]
        with pytest.raises(DomainError) as refused:
            check_in_ticket(code=ticket.public_id, actor=make_member(Role.ANALYST))
        assert refused.value.code == TeamErrorCode.PERMISSION_DENIED
        assert check_in_ticket(code=ticket.public_id, actor=make_member(Role.BOX_OFFICE)).pk


def test_a_code_signed_by_another_shop_is_refused(in_bravo: Tenant) -> None:
    bravo_code = ticket_code(ticket=_order().tickets.all()[0])
    connection.set_tenant(Tenant.objects.get(schema_name="acme"))
    with pytest.raises(DomainError) as refused:
        check_in_ticket(code=bravo_code, actor=None)
    assert refused.value.code == TicketErrorCode.UNKNOWN_KEY
    connection.set_tenant(in_bravo)


SCANNERS = 8


@pytest.mark.usefixtures("django_db_setup", "committed")
def test_scanners_racing_on_one_ticket_admit_it_once() -> None:
    acme = Tenant.objects.get(schema_name="acme")
    connection.set_tenant(acme)
    order = _order(1)
    ticket = order.tickets.get()
    code = ticket_code(ticket=ticket)
    start = threading.Barrier(SCANNERS)
    outcomes: list[str] = [""] * SCANNERS

    def scan(number: int) -> None:
        connection.set_tenant(acme)
        try:
            start.wait()
            check_in_ticket(code=code, actor=None, gate=f"gate {number}")
            outcomes[number] = "admitted"
        except DomainError as error:
            outcomes[number] = error.code
        except Exception as error:  # a deadlock or a constraint error would fail the test
            outcomes[number] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan, args=(number,)) for number in range(SCANNERS)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        connection.set_tenant(acme)
        assert sorted(outcomes) == ["admitted"] + [CheckInErrorCode.ALREADY_CHECKED_IN] * (SCANNERS - 1)
        assert CheckIn.objects.filter(ticket=ticket).count() == 1
    finally:
        connection.set_tenant(acme)
        CheckIn.objects.filter(ticket__order=order).delete()
        LogEntry.objects.filter(action="ticket.checked_in", object_id=ticket.pk).delete()
        event = order.event
        Order.objects.filter(event=event).delete()
        Event.objects.filter(pk=event.pk).delete()
        connection.set_schema_to_public()
