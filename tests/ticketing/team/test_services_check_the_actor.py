"""Services check the acting person's role too: an API or a script can do no more than the page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ticketing.audit.models import LogEntry
from ticketing.catalog.services import create_event, create_ticket_type, publish_event, update_event
from ticketing.discounts.services import create_discount
from ticketing.inventory.services import Selection
from ticketing.orders.services import (
    Buyer,
    buy_tickets,
    cancel_event,
    cancel_order,
    mark_order_paid,
    refund_order,
)
from ticketing.team.errors import TeamError, TeamErrorCode
from ticketing.team.roles import ROLE_PERMISSIONS, Permission, Role

from ..factories import make_event, make_member, make_ticket_type, on_sale_event

pytestmark = pytest.mark.usefixtures("in_acme")


def _world() -> dict[str, Any]:
    event, ticket_type = on_sale_event(capacity=20, quantity=20)
    buyer = Buyer(name="Ada", email="ada@example.com")
    pending = buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 1}), buyer=buyer)
    paid = buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 1}), buyer=buyer)
    mark_order_paid(order=paid, actor=None)
    draft = make_event()
    make_ticket_type(draft)
    return {"event": event, "draft": draft, "pending": pending, "paid": paid}


USE_CASES: list[tuple[str, frozenset[Permission], Callable[..., Any]]] = [
    ("create_event", frozenset({Permission.MANAGE_CATALOG}), lambda actor, w: create_event(
        actor=actor, capacity=5, name="X", slug="x-event", starts_at=w["event"].starts_at,
        ends_at=w["event"].ends_at)),
    ("update_event", frozenset({Permission.MANAGE_CATALOG}),
     lambda actor, w: update_event(actor=actor, event=w["event"], name="Renamed")),
    ("create_ticket_type", frozenset({Permission.MANAGE_CATALOG}), lambda actor, w: create_ticket_type(
        actor=actor, event=w["draft"], quantity=5, name="Seat", price_minor=100)),
    ("publish_event", frozenset({Permission.MANAGE_CATALOG}),
     lambda actor, w: publish_event(actor=actor, event=w["draft"])),
    ("create_discount", frozenset({Permission.MANAGE_CATALOG}),
     lambda actor, w: create_discount(actor=actor, kind="percent", code="SVC", percent_bp=100)),
    ("mark_order_paid", frozenset({Permission.SELL_BOX_OFFICE}),
     lambda actor, w: mark_order_paid(order=w["pending"], actor=actor)),
    ("cancel_order", frozenset({Permission.MANAGE_ORDERS}),
     lambda actor, w: cancel_order(order=w["pending"], actor=actor)),
    ("refund_order", frozenset({Permission.MANAGE_ORDERS}),
     lambda actor, w: refund_order(order=w["paid"], actor=actor)),
    ("cancel_event", frozenset({Permission.MANAGE_CATALOG, Permission.MANAGE_ORDERS}),
     lambda actor, w: cancel_event(actor=actor, event=w["event"])),
]  # fmt: skip


@pytest.mark.parametrize(
    ("use_case", "role"),
    [
        pytest.param(use_case, role, id=f"{use_case[0]}-{role.value}")
        for use_case in USE_CASES
        for role in Role
        if not use_case[1] <= ROLE_PERMISSIONS[role]
    ],
)
def test_a_service_refuses_an_actor_without_the_permission(use_case, role: Role) -> None:
    _, _, call = use_case
    world = _world()
    before = LogEntry.objects.count()
    with pytest.raises(TeamError) as refused:
        call(make_member(role), world)
    assert (refused.value.code, refused.value.http_status) == (TeamErrorCode.PERMISSION_DENIED, 403)
    assert LogEntry.objects.count() == before


@pytest.mark.parametrize("use_case", USE_CASES, ids=[use_case[0] for use_case in USE_CASES])
def test_a_service_lets_a_manager_act_and_records_who(use_case) -> None:
    _, _, call = use_case
    world = _world()
    manager = make_member("manager")
    call(manager, world)
    assert LogEntry.objects.filter(actor=manager).exists()
