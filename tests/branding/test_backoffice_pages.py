"""The branding, legal, translation and domain pages of the back office: staff only, one service per
submit, refusals shown on the field with nothing changed."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import tenant_context

from accounts.models import User
from billing.models import Plan
from branding.models import ContentTranslation, CustomDomainRequest, Theme
from branding.selectors import translations_of
from tenants.models import Domain, Tenant
from tests.ticketing.factories import on_sale_event

from .conftest import image_bytes
from .dns_server import InMemoryZone

FORM = {
    "display_name": "Acme Live",
    "primary_color": "#0b3d91",
    "accent_color": "#ffcc00",
    "background_color": "#ffffff",
    "text_color": "#1b1b1b",
    "font": "system",
    "footer_links": "Contact | https://acme.example/contact\nFAQ | /faq/",
    "custom_css": "",
    "email_sender_name": "",
    "email_reply_to": "",
}


def saved_theme(tenant: Tenant) -> Theme:
    with tenant_context(tenant):
        return Theme.objects.get(pk=1)


def test_customers_without_staff_rights_are_refused(acme: Tenant) -> None:
    client = Client(HTTP_HOST="acme.localhost")
    with tenant_context(acme):
        buyer = User.objects.create_user("buyer@example.com", "a long password 123")
        client.force_login(buyer)
    assert client.get("/backoffice/branding/").status_code == 403
    assert client.post("/backoffice/branding/", FORM).status_code == 403


def test_staff_save_the_look_and_see_it_on_the_storefront(acme: Tenant, acme_staff: Client) -> None:
    page = acme_staff.get("/backoffice/branding/")
    assert page.status_code == 200 and 'name="primary_color"' in page.content.decode()

    saved = acme_staff.post(
        "/backoffice/branding/",
        {**FORM, "custom_css": "h1 { color: #0b3d91 }", "logo": SimpleUploadedFile("l.png", image_bytes())},
    )

    assert saved.status_code == 302
    theme = saved_theme(acme)
    assert theme.primary_color == "#0b3d91" and theme.logo
    assert theme.footer_links == [
        {"label": "Contact", "url": "https://acme.example/contact"},
        {"label": "FAQ", "url": "/faq/"},
    ]
    storefront = Client(HTTP_HOST="acme.localhost").get("/").content.decode()
    assert "--color-primary: #0b3d91;" in storefront and "h1 { color: #0b3d91; }" in storefront


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"text_color": "#aaaaaa"}, "below the 4.5:1 that WCAG AA asks for body text"),
        ({"custom_css": "body { background: url(https://evil.example/x.png) }"}, "url() is not allowed"),
        ({"custom_css": "@import url(x.css);"}, "@import is not allowed"),
        ({"footer_links": "Just a label"}, "Write each link as: Label | https://…"),
        ({"logo": "not-an-image"}, "The logo is not an image we can use"),
    ],
)
def test_bad_input_is_shown_on_the_page_and_saves_nothing(
    acme: Tenant, acme_staff: Client, changes: dict[str, Any], message: str
) -> None:
    before = saved_theme(acme)
    if changes.get("logo") == "not-an-image":
        changes = {"logo": SimpleUploadedFile("logo.png", b"GIF89a but not really")}
    response = acme_staff.post("/backoffice/branding/", {**FORM, "primary_color": "#550000", **changes})
    assert response.status_code == 400
    assert message in response.content.decode()
    after = saved_theme(acme)
    assert (after.primary_color, after.logo.name, after.updated_at) == (
        before.primary_color,
        before.logo.name,
        before.updated_at,
    )


def test_the_preview_shows_unsaved_changes_and_saves_nothing(acme: Tenant, acme_staff: Client) -> None:
    before = saved_theme(acme)
    preview = acme_staff.post(
        "/backoffice/branding/preview/",
        {**FORM, "primary_color": "#123456", "custom_css": "h1 { letter-spacing: 1px }"},
    )
    html = preview.content.decode()
    assert preview.status_code == 200 and preview["X-Frame-Options"] == "SAMEORIGIN"
    assert "--color-primary: #123456;" in html and "h1 { letter-spacing: 1px; }" in html
    refused = acme_staff.post(
        "/backoffice/branding/preview/", {**FORM, "text_color": "#eeeeee"}
    ).content.decode()
    assert "below the 4.5:1" in refused and f"--color-primary: {before.primary_color};" in refused
    assert saved_theme(acme).updated_at == before.updated_at


def test_legal_pages_are_edited_one_at_a_time(acme: Tenant, acme_staff: Client) -> None:
    response = acme_staff.post("/backoffice/branding/legal/", {"kind": "terms", "terms-body": "Our terms."})
    assert response.status_code == 302
    assert Client(HTTP_HOST="acme.localhost").get("/legal/terms/").status_code == 200
    assert acme_staff.post("/backoffice/branding/legal/", {"kind": "cookies"}).status_code == 400


def test_an_event_and_its_ticket_types_are_translated_in_one_form(acme: Tenant, acme_staff: Client) -> None:
    with tenant_context(acme):
        event, ticket_type = on_sale_event(name="Standing")
    form = acme_staff.get(f"/backoffice/branding/translations/events/{event.pk}/de/")
    assert form.status_code == 200 and f'name="ticket_type_{ticket_type.pk}__name"' in form.content.decode()

    saved = acme_staff.post(
        f"/backoffice/branding/translations/events/{event.pk}/de/",
        {
            "event__name": "Konzert",
            "event__description": "",
            f"ticket_type_{ticket_type.pk}__name": "Stehplatz",
        },
    )

    assert saved.status_code == 302
    with tenant_context(acme):
        assert translations_of(event) == {"de": {"name": "Konzert"}}
        assert translations_of(ticket_type) == {"de": {"name": "Stehplatz"}}
    german = Client(HTTP_HOST="acme.localhost").get(
        f"/events/{event.slug}/", headers={"Accept-Language": "de"}
    )
    assert "<h1>Konzert</h1>" in german.content.decode() and "Stehplatz" in german.content.decode()

    # The shop's default language is edited on the event itself; a too-long name changes nothing.
    refused = acme_staff.post(
        f"/backoffice/branding/translations/events/{event.pk}/en/", {"event__name": "x"}
    )
    assert refused.status_code == 400 and "the shop&#x27;s default language" in refused.content.decode()
    too_long = acme_staff.post(
        f"/backoffice/branding/translations/events/{event.pk}/de/",
        {"event__name": "K" * 201, f"ticket_type_{ticket_type.pk}__name": ""},
    )
    assert too_long.status_code == 400
    with tenant_context(acme):
        assert ContentTranslation.objects.filter(language="de").count() == 2


def test_a_domain_is_added_verified_and_served_from_the_domains_page(
    acme: Tenant, acme_staff: Client, zone: InMemoryZone, nameserver: str
) -> None:
    refused = acme_staff.post("/backoffice/domains/", {"hostname": "tickets.acme-events.example"})
    assert refused.status_code == 403 and "not part of your plan" in refused.content.decode()

    Tenant.objects.filter(pk=acme.pk).update(plan=Plan.objects.get(code="growth"))
    assert acme_staff.post("/backoffice/domains/", {"hostname": "acme.localhost"}).status_code == 400
    assert (
        acme_staff.post("/backoffice/domains/", {"hostname": "tickets.acme-events.example"}).status_code
        == 302
    )
    with tenant_context(acme):
        request = CustomDomainRequest.objects.get()
    page = acme_staff.get("/backoffice/domains/").content.decode()
    assert request.txt_record_name in page and request.txt_record_value in page

    failed = acme_staff.post(f"/backoffice/domains/{request.pk}/verify/", follow=True)
    assert "No TXT record was found" in failed.content.decode()
    assert not Domain.objects.filter(domain="tickets.acme-events.example").exists()

    zone.add_txt(request.txt_record_name, request.txt_record_value)
    verified = acme_staff.post(f"/backoffice/domains/{request.pk}/verify/", follow=True)
    assert "is verified and now serves your shop" in verified.content.decode()
    assert Client(HTTP_HOST="tickets.acme-events.example").get("/").status_code == 200
