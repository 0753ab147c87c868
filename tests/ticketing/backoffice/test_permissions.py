"""Every back-office page and action checks the member's role: a role without the permission
gets 403 and nothing changes; someone signed out is sent to sign in.

The table below names every back-office URL (the back office's own and the branding, domain
and webhook pages mounted beside it under /backoffice/); a test fails when a new one is not in it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from api.webhooks.models import Delivery, WebhookEndpoint
from branding.models import ContentTranslation, CustomDomainRequest, LegalPage, Theme
from ticketing.audit.models import LogEntry
from ticketing.catalog.models import AddOn, Event, EventSeries, TicketType, Venue
from ticketing.discounts.models import Discount
from ticketing.orders.models import Order
from ticketing.team.models import Membership
from ticketing.team.roles import ROLE_PERMISSIONS, Permission, Role

from .conftest import Shop

P = Permission


@dataclass(frozen=True)
class Page:
    name: str
    needs: frozenset[Permission]
    args: Callable[[Shop], list[Any]] = lambda shop: []
    post: Callable[[Shop], dict[str, str]] | None = None  # None: a page that only reads
    get: bool = True  # also opens with GET (a form page, or a page that reads)
    namespace: str = "backoffice"

    @property
    def url_name(self) -> str:
        return f"{self.namespace}:{self.name}"


def no_data(shop: Shop) -> dict[str, str]:
    return {}


EVENT_FIELDS = {
    "name": "Changed", "slug": "changed-night", "starts_at": "2030-01-01T20:00",
    "ends_at": "2030-01-01T23:00", "timezone": "UTC", "capacity": "60", "attendance_mode": "in_person",
    "hold_minutes": "15",
}  # fmt: skip
TICKET_FIELDS = {
    "name": "Balcony", "kind": "general_admission", "price_minor": "30.00", "quantity": "10",
    "min_per_order": "1", "max_per_order": "10", "visibility": "public", "position": "0",
}  # fmt: skip
ADDON_FIELDS = {
    "name": "Poster", "kind": "merchandise", "price_minor": "5.00", "quantity": "10", "max_per_order": "2",
    "position": "0",
}  # fmt: skip

VENUE_FIELDS = {"name": "Opera", "city": "Vienna", "country": "AT", "timezone": "Europe/Vienna"}
SERIES_FIELDS = {
    "name": "Matinees", "slug": "matinees", "timezone": "UTC", "capacity": "40", "duration_minutes": "90",
    "hold_minutes": "15", "rule": "list", "dates": "2031-03-01 15:00\n2031-03-08 15:00",
}  # fmt: skip

THEME_FIELDS = {
    "display_name": "Changed", "primary_color": "#0b3d91", "accent_color": "#ffcc00",
    "background_color": "#ffffff", "text_color": "#1b1b1b", "font": "system", "footer_links": "",
    "custom_css": "", "email_sender_name": "", "email_reply_to": "",
}  # fmt: skip


def branding_page(name: str, **fields: Any) -> Page:
    """A branding or custom-domain page: owners and managers only (MANAGE_BRANDING)."""
    return Page(name, frozenset({P.MANAGE_BRANDING}), namespace="branding_backoffice", **fields)


def webhooks_page(name: str, **fields: Any) -> Page:
    """A webhook endpoint or delivery page: owners and managers only (MANAGE_WEBHOOKS)."""
    return Page(name, frozenset({P.MANAGE_WEBHOOKS}), namespace="webhooks_backoffice", **fields)


ENDPOINT_FIELDS = {"url": "https://93.184.215.14/changed", "event_types": ["order.paid"], "description": ""}

PAGES = [
    Page("dashboard", frozenset()),
    Page("event_list", frozenset()),
    Page("event_detail", frozenset(), args=lambda shop: [shop.event.pk]),
    Page("event_create", frozenset({P.MANAGE_CATALOG}), post=lambda shop: EVENT_FIELDS),
    Page(
        "event_edit", frozenset({P.MANAGE_CATALOG}), args=lambda s: [s.event.pk], post=lambda s: EVENT_FIELDS
    ),
    Page(
        "event_publish",
        frozenset({P.MANAGE_CATALOG}),
        args=lambda s: [s.draft_event.pk],
        post=no_data,
        get=False,
    ),
    Page(
        "event_unpublish", frozenset({P.MANAGE_CATALOG}), args=lambda s: [s.event.pk], post=no_data, get=False
    ),
    Page(
        "event_cancel",
        frozenset({P.MANAGE_CATALOG, P.MANAGE_ORDERS}),
        args=lambda s: [s.event.pk],
        post=lambda s: {"reason": "Storm", "confirm": "on"},
    ),
    Page(
        "ticket_type_create",
        frozenset({P.MANAGE_CATALOG}),
        args=lambda s: [s.event.pk],
        post=lambda s: TICKET_FIELDS,
    ),
    Page(
        "ticket_type_edit",
        frozenset({P.MANAGE_CATALOG}),
        args=lambda s: [s.ticket_type.pk],
        post=lambda s: TICKET_FIELDS,
    ),
    Page(
        "addon_create",
        frozenset({P.MANAGE_CATALOG}),
        args=lambda s: [s.event.pk],
        post=lambda s: ADDON_FIELDS,
    ),
    Page(
        "addon_edit", frozenset({P.MANAGE_CATALOG}), args=lambda s: [s.addon.pk], post=lambda s: ADDON_FIELDS
    ),
    Page(
        "event_image",
        frozenset({P.MANAGE_CATALOG}),
        args=lambda s: [s.event.pk],
        post=lambda s: {"image": ""},
    ),
    Page("event_image_file", frozenset(), args=lambda s: [s.event.pk]),
    Page(
        "event_image_remove",
        frozenset({P.MANAGE_CATALOG}),
        args=lambda s: [s.event.pk],
        post=no_data,
        get=False,
    ),
    Page("venue_list", frozenset()),
    Page("venue_create", frozenset({P.MANAGE_CATALOG}), post=lambda s: VENUE_FIELDS),
    Page(
        "venue_edit", frozenset({P.MANAGE_CATALOG}), args=lambda s: [s.venue.pk], post=lambda s: VENUE_FIELDS
    ),
    Page("series_list", frozenset()),
    Page("series_detail", frozenset(), args=lambda s: [s.series.pk]),
    Page("series_create", frozenset({P.MANAGE_CATALOG}), post=lambda s: SERIES_FIELDS),
    Page("box_office", frozenset({P.SELL_BOX_OFFICE})),
    Page(
        "box_office_sale",
        frozenset({P.SELL_BOX_OFFICE}),
        args=lambda s: [s.event.pk],
        post=lambda s: {f"ticket_{s.ticket_type.pk}": "2", "payment_method": "cash"},
    ),
    Page("order_list", frozenset({P.VIEW_ORDERS})),
    Page("order_tickets", frozenset({P.VIEW_ORDERS}), args=lambda s: [s.paid_order.code]),
    Page("order_detail", frozenset({P.VIEW_ORDERS}), args=lambda s: [s.paid_order.code]),
    Page(
        "order_mark_paid",
        frozenset({P.SELL_BOX_OFFICE}),
        args=lambda s: [s.pending_order.code],
        post=no_data,
        get=False,
    ),
    Page(
        "order_cancel",
        frozenset({P.MANAGE_ORDERS}),
        args=lambda s: [s.pending_order.code],
        post=lambda s: {"reason": "Asked to"},
        get=False,
    ),
    Page(
        "order_refund",
        frozenset({P.MANAGE_ORDERS}),
        args=lambda s: [s.paid_order.code],
        post=lambda s: {"scope": "whole", "reason": "Asked to"},
        get=False,
    ),
    Page(
        "order_invoice",
        frozenset({P.VIEW_ORDERS}),
        args=lambda s: [s.paid_order.code, s.paid_order.invoices.get().pk],
    ),
    Page(
        "regions",
        frozenset({P.MANAGE_CATALOG}),
        post=lambda s: {
            "region-code": "UK",
            "region-name": "United Kingdom",
            "region-currency": "GBP",
            "region-position": "0",
            "save_region": "1",
        },
    ),
    Page(
        "payment_options",
        frozenset({P.MANAGE_ORDERS}),
        post=lambda s: {"card_enabled": "on", "box_office_enabled": "on"},
    ),
    Page(
        "refund_retry",
        frozenset({P.MANAGE_ORDERS}),
        args=lambda s: [s.paid_order.code, 1],
        post=no_data,
        get=False,
    ),
    Page("discount_list", frozenset({P.MANAGE_CATALOG})),
    Page(
        "discount_create",
        frozenset({P.MANAGE_CATALOG}),
        post=lambda s: {"kind": "percent", "code": "NEWCODE", "percent_bp": "10"},
    ),
    Page(
        "event_discount_create",
        frozenset({P.MANAGE_CATALOG}),
        args=lambda s: [s.event.pk],
        post=lambda s: {"kind": "group", "name": "Groups", "percent_bp": "10", "min_tickets": "8"},
    ),
    Page(
        "discount_edit",
        frozenset({P.MANAGE_CATALOG}),
        args=lambda s: [s.discount.pk],
        post=lambda s: {"name": "Changed", "percent_bp": "50", "usage_limit": "20"},
    ),
    Page(
        "discount_switch",
        frozenset({P.MANAGE_CATALOG}),
        args=lambda s: [s.discount.pk],
        post=lambda s: {"active": "0"},
        get=False,
    ),
    Page("team", frozenset({P.MANAGE_TEAM})),
    Page(
        "member_invite",
        frozenset({P.MANAGE_TEAM}),
        post=lambda s: {"email": "new@example.com", "role": "scanner"},
        get=False,
    ),
    Page(
        "member_role",
        frozenset({P.MANAGE_TEAM}),
        args=lambda s: [s.member.pk],
        post=lambda s: {f"m{s.member.pk}-role": "owner"},
        get=False,
    ),
    Page("member_remove", frozenset({P.MANAGE_TEAM}), args=lambda s: [s.member.pk], post=no_data, get=False),
    # Branding, legal pages, translations, custom domains
    branding_page("branding", post=lambda s: THEME_FIELDS),
    branding_page("preview", post=lambda s: THEME_FIELDS),
    branding_page("legal_pages", post=lambda s: {"kind": "terms", "terms-body": "Our terms."}),
    branding_page("translations"),
    branding_page(
        "translate_event",
        args=lambda s: [s.event.pk, "de"],
        post=lambda s: {"event__name": "Konzert", "event__description": ""},
    ),
    branding_page("domains", post=lambda s: {"hostname": "karten.acme-events.example"}),
    branding_page("verify_domain", args=lambda s: [s.domain_request.pk], post=no_data, get=False),
    branding_page("remove_domain", args=lambda s: [s.domain_request.pk], post=no_data, get=False),
    branding_page("make_main_domain", post=lambda s: {"hostname": "acme.localhost"}, get=False),
    # Webhook endpoints and their deliveries
    webhooks_page("endpoint_list"),
    webhooks_page("endpoint_create", post=lambda s: ENDPOINT_FIELDS),
    webhooks_page("endpoint_detail", args=lambda s: [s.webhook_delivery.endpoint_id]),
    webhooks_page(
        "endpoint_edit", args=lambda s: [s.webhook_delivery.endpoint_id], post=lambda s: ENDPOINT_FIELDS
    ),
    webhooks_page(
        "endpoint_switch",
        args=lambda s: [s.webhook_delivery.endpoint_id],
        post=lambda s: {"active": "0"},
        get=False,
    ),
    webhooks_page("endpoint_test", args=lambda s: [s.webhook_delivery.endpoint_id], post=no_data, get=False),
    webhooks_page(
        "endpoint_roll_secret", args=lambda s: [s.webhook_delivery.endpoint_id], post=no_data, get=False
    ),
    webhooks_page(
        "endpoint_delete", args=lambda s: [s.webhook_delivery.endpoint_id], post=no_data, get=False
    ),
    webhooks_page("delivery_detail", args=lambda s: [s.webhook_delivery.pk]),
    webhooks_page("delivery_redeliver", args=lambda s: [s.webhook_delivery.pk], post=no_data, get=False),
]


def _refused_cases() -> list[Any]:
    cases = []
    for page in PAGES:
        for role in Role:
            if not page.needs <= ROLE_PERMISSIONS[role]:
                for method in (["get"] if page.get else []) + (["post"] if page.post is not None else []):
                    cases.append(pytest.param(page, role, method, id=f"{page.name}-{role.value}-{method}"))
    return cases


def state(shop: Shop) -> tuple[Any, ...]:
    """Everything these pages could change; the audit trail records each change a service makes."""
    return (
        LogEntry.objects.count(),
        sorted(Event.objects.values_list("pk", "name", "status", "capacity", "image")),
        sorted(Venue.objects.values_list("pk", "name", "city", "timezone")),
        sorted(EventSeries.objects.values_list("pk", "name")),
        sorted(TicketType.objects.values_list("pk", "name", "price_minor", "quantity")),
        sorted(AddOn.objects.values_list("pk", "name", "price_minor")),
        sorted(Order.objects.values_list("pk", "status", "refunded_minor")),
        sorted(Discount.objects.values_list("pk", "name", "percent_bp", "is_active", "usage_limit")),
        sorted(Membership.objects.values_list("user__email", "user__is_active", "role")),
        sorted(Theme.objects.values_list("pk", "display_name", "primary_color")),
        sorted(LegalPage.objects.values_list("kind", "body")),
        sorted(ContentTranslation.objects.values_list("object_id", "language", "field", "text")),
        sorted(CustomDomainRequest.objects.values_list("hostname", "status")),
        sorted(WebhookEndpoint.objects.values_list("pk", "url", "active", "secret_hint", "event_types")),
        sorted(Delivery.objects.values_list("pk", "status", "attempts_allowed")),
    )


@pytest.mark.parametrize(("page", "role", "method"), _refused_cases())
def test_a_role_without_the_permission_gets_403_and_nothing_changes(
    shop: Shop, signed_in, page: Page, role: Role, method: str
) -> None:
    client: Client = signed_in(role)
    url = reverse(page.url_name, args=page.args(shop))
    before = state(shop)
    if method == "post":
        assert page.post is not None
        response = client.post(url, page.post(shop))
    else:
        response = client.get(url)
    assert response.status_code == 403, response.content.decode()[:500]
    assert "Not allowed" in response.content.decode()
    assert state(shop) == before


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_someone_signed_out_is_sent_to_sign_in(shop: Shop, page: Page) -> None:
    from tests.conftest import client_for

    url = reverse(page.url_name, args=page.args(shop))
    response = (
        client_for("acme.localhost").post(url, {}) if not page.get else client_for("acme.localhost").get(url)
    )
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")


def test_staff_outside_the_team_are_refused(shop: Shop) -> None:
    from accounts.models import User
    from tests.conftest import client_for

    outsider = User.objects.create_user("nobody@example.com", "pw", is_staff=True)
    client = client_for("acme.localhost")
    client.force_login(outsider)
    response = client.get(reverse("backoffice:dashboard"))
    assert response.status_code == 403
    assert "Your account is not on the team of this shop." in response.content.decode()


@pytest.mark.parametrize(("page", "role"), [
    pytest.param(page, role, id=f"{page.name}-{role.value}")
    for page in PAGES if page.get and not page.post for role in Role if page.needs <= ROLE_PERMISSIONS[role]
])  # fmt: skip
def test_each_role_opens_the_pages_it_may_read(shop: Shop, signed_in, page: Page, role: Role) -> None:
    response = signed_in(role).get(reverse(page.url_name, args=page.args(shop)))
    assert response.status_code == 200


def test_every_back_office_url_is_in_the_permission_table() -> None:
    resolver = get_resolver("controlplane.urls_tenant")
    mounted = [
        pattern for pattern in resolver.url_patterns
        if isinstance(pattern, URLResolver) and str(pattern.pattern) == "backoffice/"
    ]  # fmt: skip
    assert {included.namespace for included in mounted} == {
        "backoffice",
        "branding_backoffice",
        "webhooks_backoffice",
    }
    names = {
        f"{included.namespace}:{pattern.name}"
        for included in mounted
        for pattern in included.url_patterns
        if isinstance(pattern, URLPattern)
    }
    assert names == {page.url_name for page in PAGES}
