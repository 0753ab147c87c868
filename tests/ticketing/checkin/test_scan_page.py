"""The back office's scan page: scanners and the box office paste a code and see admit / do not admit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.models import Tenant
from ticketing.checkin.models import CheckIn
from ticketing.inventory.services import Selection
from ticketing.orders.services import Buyer, buy_tickets
from ticketing.team.roles import Role
from ticketing.tickets.services import ticket_code

from ..factories import make_member, on_sale_event

pytestmark = pytest.mark.django_db


def _client(tenant: Tenant, role: str) -> Client:
    client = Client(HTTP_HOST="acme.localhost")
    with tenant_context(tenant):
        client.force_login(make_member(role))
    return client


def test_a_scanner_admits_a_ticket_once_by_pasting_its_code(acme: Tenant) -> None:
    with tenant_context(acme):
        event, ticket_type = on_sale_event(starts_at=timezone.now() + timedelta(hours=1))
        order = buy_tickets(
            event=event,
            selection=Selection(tickets={ticket_type.pk: 1}),
            buyer=Buyer("Ada", "ada@example.com"),
        )
        code = ticket_code(ticket=order.tickets.get())
    scanner = _client(acme, Role.SCANNER)
    assert scanner.get("/backoffice/scan/").status_code == 200
    admitted = scanner.post("/backoffice/scan/", {"code": code, "gate": "North"})
    assert admitted.status_code == 200 and b"Admit." in admitted.content
    again = scanner.post("/backoffice/scan/", {"code": code, "gate": "North"})
    assert (
        again.status_code == 409
        and b"Do not admit." in again.content
        and b"Already checked in" in again.content
    )
    with tenant_context(acme):
        check_in = CheckIn.objects.get()
        assert check_in.gate == "North" and check_in.actor is not None


def test_an_empty_code_is_a_form_error(acme: Tenant) -> None:
    response = _client(acme, Role.BOX_OFFICE).post("/backoffice/scan/", {"code": ""})
    assert response.status_code == 400 and b"errorlist" in response.content


def test_roles_without_scanning_may_not_open_it(acme: Tenant) -> None:
    assert _client(acme, Role.ANALYST).get("/backoffice/scan/").status_code == 403


def test_the_scan_page_speaks_the_shops_language(bravo: Tenant) -> None:
    client = Client(HTTP_HOST="bravo.localhost")
    with tenant_context(bravo):
        client.force_login(make_member(Role.SCANNER))
    page = client.get("/backoffice/scan/").content.decode()
    assert "Tickets scannen" in page and "Noch niemand eingelassen." in page
    refused = client.post("/backoffice/scan/", {"code": "f" * 32}).content.decode()
    assert "Nicht einlassen." in refused and "Kein Ticket dieses Shops hat diesen Code." in refused
