"""Payments fixtures: card orders in acme's schema, cards made the way Stripe.js makes them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.request import Request, urlopen

import pytest
import stripe
from django.db import connection as default_connection
from django.db import transaction
from django_tenants.utils import tenant_context

from billing.ledger.models import LedgerEntry, LedgerTransaction
from tenants.models import Tenant
from tests.ticketing.factories import on_sale_event
from ticketing.inventory.services import Selection
from ticketing.orders.models import Order
from ticketing.orders.services import Buyer, buy_tickets

VISA = "4242424242424242"
connection: Any = default_connection  # django-tenants adds set_tenant() at run time
THREE_D_SECURE = "4000002760003184"
DECLINED = "4000000000000341"  # localstripe: attaches, then declines the charge (card_declined)


def place_card_order(
    *, price_minor: int = 2500, quantity: int = 2, currency: str = "", capacity: int = 100
) -> Order:
    """A card order awaiting its payment, placed through the order service as the checkout does."""
    fields: dict[str, Any] = {"currency": currency} if currency else {}
    event, ticket_type = on_sale_event(
        price_minor=price_minor, capacity=capacity, quantity=capacity, **fields
    )
    return buy_tickets(
        event=event,
        selection=Selection(tickets={ticket_type.pk: quantity}),
        buyer=Buyer(name="Ada Buyer", email="ada@example.com"),
        payment_method=Order.PaymentMethod.CARD,
    )


@pytest.fixture
def card_order(in_acme: Any) -> Order:
    return place_card_order()


@pytest.fixture
def card(localstripe: str) -> Callable[[str], str]:
    """``card(number)``: a PaymentMethod id, as Stripe.js's confirmCardSetup gives the page.

    Card data goes to Stripe only; our server sees the id."""

    def make(number: str) -> str:
        # localstripe wants a secret key for this call; Stripe.js makes the same PaymentMethod in a browser.
        client = stripe.StripeClient("sk_test_localstripe", base_addresses={"api": localstripe})
        method = client.v1.payment_methods.create(
            {"type": "card", "card": {"number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123"}}
        )
        return str(method.id)

    return make


def authenticate_3ds(
    localstripe_url: str, *, intent_id: str, client_secret: str, success: bool = True
) -> dict[str, Any]:
    """What Stripe.js confirmCardPayment does when the buyer passes (or fails) the bank's step, over HTTP."""
    request = Request(  # noqa: S310 - the loopback localstripe this run started
        f"{localstripe_url}/v1/payment_intents/{intent_id}/_authenticate"
        f"?success={'true' if success else 'false'}",
        # As localstripe's Stripe.js sends it: a JSON body with the publishable key and the client secret.
        data=json.dumps({"key": "pk_test_browser", "client_secret": client_secret}).encode(),
    )
    with urlopen(request, timeout=5) as response:  # noqa: S310
        return dict(json.loads(response.read()))


def intents_at(localstripe_url: str) -> list[dict[str, Any]]:
    client = stripe.StripeClient("sk_test_localstripe", base_addresses={"api": localstripe_url})
    listed = client.v1.payment_intents.list({"limit": 100})
    return [intent.to_dict() for intent in listed.auto_paging_iter()]  # the whole run's, page by page


@pytest.fixture
def committed_acme(committed: None) -> Iterator[Tenant]:
    """acme with real commits; the ledger rows the race books are purged afterwards."""
    tenant = Tenant.objects.get(schema_name="acme")
    made: list[int] = []
    try:
        yield tenant
    finally:
        connection.close()
        with tenant_context(tenant):
            racing = Order.objects.filter(buyer_email__endswith="@race.example")
            made = list(racing.values_list("pk", flat=True))
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL ledger.allow_purge = 'on'")
            sales = LedgerTransaction.objects.filter(tenant=tenant, source_type="order", source_id__in=made)
            LedgerEntry.objects.filter(transaction__in=sales).delete()
            sales.delete()
