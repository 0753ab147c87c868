"""Ticket reads: the shop's published keys, and an order's tickets as a document shows them."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import to_locale

from branding.models import Theme
from branding.selectors import current_theme
from tenants.context import current_schema_name
from tenants.models import Tenant
from ticketing.orders.models import Order, OrderLine, Ticket
from ticketing.tickets import payload
from ticketing.tickets.models import SigningKey


def published_signing_keys() -> QuerySet[SigningKey]:
    """Keys whose signatures scanners accept: the active one and the retired ones."""
    return SigningKey.objects.filter(status__in=[SigningKey.Status.ACTIVE, SigningKey.Status.RETIRED])


def verification_keys() -> dict[str, Ed25519PublicKey]:
    """This shop's published public keys by key id, for verifying ticket codes on the server."""
    return {
        key.key_id: Ed25519PublicKey.from_public_bytes(key.public_key_bytes)
        for key in published_signing_keys()
    }


def verify_ticket_code(code: str, *, at: datetime | None = None) -> payload.TicketClaims:
    """Check a scanned ticket code against this shop's published keys (see payload.verify_ticket)."""
    return payload.verify_ticket(code, public_keys=verification_keys(), at=at)


def public_key_document(*, shop: Tenant) -> dict[str, Any]:
    """The JWK set (RFC 7517/8037) a scanner downloads once to verify this shop's tickets offline."""
    return {
        "issuer": shop.schema_name,
        "payload_version": payload.VERSION,
        "keys": [
            {
                "kty": "OKP",
                "crv": "Ed25519",
                "alg": "EdDSA",
                "use": "sig",
                "kid": key.key_id,
                "x": base64.urlsafe_b64encode(key.public_key_bytes).decode().rstrip("="),
                "status": key.status,
                "created_at": key.created_at.isoformat(),
            }
            for key in published_signing_keys()
        ],
    }


def current_shop() -> Tenant:
    """The reseller whose schema the connection is on (in a request or in a task)."""
    return Tenant.objects.get(schema_name=current_schema_name())


@dataclass(frozen=True)
class OrderTickets:
    """An order with what its ticket documents show, fetched up front."""

    shop: Tenant
    theme: Theme | None
    order: Order
    tickets: list[Ticket]  # valid ones only, with ticket_type and line
    lines: list[OrderLine]

    @property
    def shop_name(self) -> str:
        return self.theme.display_name if self.theme is not None else self.shop.name

    @property
    def language(self) -> str:
        """The buyer's language: the one the order was placed in, else the shop's default."""
        return self.order.language or self.shop.default_language or settings.LANGUAGE_CODE

    @property
    def locale(self) -> str:
        """The language as a Babel locale name, for dates and amounts ("de", "pt_BR")."""
        return to_locale(self.language)


def order_tickets(*, order_id: int) -> OrderTickets:
    order = Order.objects.select_related("event", "event__venue").get(pk=order_id)
    tickets = list(
        order.tickets.filter(status=Ticket.Status.VALID).select_related("ticket_type", "line").order_by("pk")
    )
    return OrderTickets(
        shop=current_shop(),
        theme=current_theme(),
        order=order,
        tickets=tickets if order.is_open else [],
        lines=list(order.lines.all()),
    )
