"""Two resellers look different on every page and document; the platform's notice follows the plan."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import tenant_context

from billing.models import Plan
from branding.selectors import document_branding, email_sender
from branding.services import set_legal_page, translate_content, update_theme
from tenants.models import Tenant
from tests.ticketing.factories import on_sale_event

from .conftest import image_bytes

LOOKS = {
    "acme": {
        "name": "Acme Live",
        "primary_color": "#0b3d91",
        "font": "serif",
        "css": "h1 { letter-spacing: .1em; }",
    },
    "bravo": {
        "name": "Bravo Tickets",
        "primary_color": "#0b6e4f",
        "font": "rounded",
        "css": "h1 { font-style: italic; }",
    },
}


def brand(tenant: Tenant, *, with_logo: bool = False) -> dict[str, str]:
    look = LOOKS[tenant.schema_name]
    with tenant_context(tenant):
        update_theme(
            actor=None,
            display_name=look["name"],
            primary_color=look["primary_color"],
            accent_color="#ffcc00",
            background_color="#ffffff",
            text_color="#1b1b1b",
            font=look["font"],
            custom_css=look["css"],
            footer_links=[{"label": f"About {look['name']}", "url": "/about/"}],
            email_sender_name=f"{look['name']} Box Office",
            email_reply_to=f"help@{tenant.schema_name}.example",
            logo=SimpleUploadedFile("logo.png", image_bytes(color=look["primary_color"]))
            if with_logo
            else None,
        )
        set_legal_page(actor=None, kind="imprint", body=f"{look['name']} GmbH\nMusterstraße 1")
        event, _ticket_type = on_sale_event()
    return {"event": event.slug}


def storefront_paths(slug: str) -> list[str]:
    return ["/", f"/events/{slug}/", "/my-tickets/", "/legal/imprint/", "/accounts/login/"]


def test_two_resellers_look_different_on_every_page(
    acme: Tenant, bravo: Tenant, acme_client: Client, bravo_client: Client
) -> None:
    shops = {"acme": (acme, acme_client), "bravo": (bravo, bravo_client)}
    slugs = {name: brand(tenant)["event"] for name, (tenant, _client) in shops.items()}
    for name, (_tenant, client) in shops.items():
        own, other = LOOKS[name], LOOKS["bravo" if name == "acme" else "acme"]
        for path in storefront_paths(slugs[name]):
            response = client.get(path)
            assert response.status_code == 200, path
            html = response.content.decode()
            assert f"--color-primary: {own['primary_color']};" in html, path
            assert own["name"] in html and other["name"] not in html, path
            assert own["css"] in html and other["css"] not in html, path
            assert f"About {own['name']}" in html, path
            assert 'href="/legal/imprint/"' in html, path


def test_two_resellers_documents_and_emails_differ(acme: Tenant, bravo: Tenant) -> None:
    brand(acme, with_logo=True)
    brand(bravo)
    with tenant_context(acme):
        acme_document, acme_sender = document_branding(), email_sender()
    with tenant_context(bravo):
        bravo_document, bravo_sender = document_branding(), email_sender()
    assert (acme_document.name, acme_document.primary_color) == ("Acme Live", "#0b3d91")
    assert (bravo_document.name, bravo_document.primary_color) == ("Bravo Tickets", "#0b6e4f")
    assert acme_document.logo_data_uri.startswith("data:image/png;base64,")
    assert bravo_document.logo_data_uri == ""
    assert acme_document.legal_lines == ["Acme Live GmbH", "Musterstraße 1"]
    assert acme_document.font_stack != bravo_document.font_stack
    assert acme_sender.from_email == "Acme Live Box Office <tickets@platform.localhost>"
    assert acme_sender.reply_to == ["help@acme.example"]
    assert bravo_sender.from_email == "Bravo Tickets Box Office <tickets@platform.localhost>"


def test_the_logo_is_served_from_its_own_shop_only(
    acme: Tenant, acme_client: Client, bravo_client: Client
) -> None:
    brand(acme, with_logo=True)
    html = acme_client.get("/").content.decode()
    logo_url = html.split('<a class="brand" href="/"><img src="', 1)[1].split('"', 1)[0]
    logo = acme_client.get(logo_url)
    assert logo.status_code == 200 and logo["Content-Type"] == "image/png"
    assert logo["Cache-Control"] == "public, max-age=31536000, immutable"
    assert logo.getvalue() == image_bytes(color=LOOKS["acme"]["primary_color"])
    assert bravo_client.get(logo_url).status_code == 404  # Bravo has no logo; Acme's is not reachable there


def test_the_platform_notice_shows_unless_the_plan_removes_it(acme: Tenant, acme_client: Client) -> None:
    brand(acme)
    assert "Ticketing by Ticket platform" in acme_client.get("/").content.decode()  # no plan
    Tenant.objects.filter(pk=acme.pk).update(plan=Plan.objects.get(code="starter"))
    html = acme_client.get("/").content.decode()
    assert "Ticketing by Ticket platform" in html
    # Custom CSS cannot hide it: display and visibility are not allowed, and the notice carries its own.
    assert (
        'class="platform-notice" style="display: inline !important; visibility: visible !important;' in html
    )
    Tenant.objects.filter(pk=acme.pk).update(plan=Plan.objects.get(code="growth"))
    assert "Ticketing by" not in acme_client.get("/").content.decode()
    with tenant_context(acme):
        assert document_branding().platform_notice == ""


def test_legal_pages_are_published_translated_and_taken_down(bravo: Tenant, bravo_client: Client) -> None:
    with tenant_context(bravo):
        page = set_legal_page(actor=None, kind="imprint", body="Bravo Tickets GmbH\n\nBerlin")
        assert page is not None
        translate_content(
            actor=None, target=page, language="en", texts={"body": "Bravo Tickets Ltd\n\nBerlin"}
        )
    german = bravo_client.get("/legal/imprint/").content.decode()
    assert "<h1>Impressum</h1>" in german and "<p>Bravo Tickets GmbH</p>" in german
    english = bravo_client.get("/legal/imprint/", headers={"Accept-Language": "en"}).content.decode()
    assert "<h1>Imprint</h1>" in english and "<p>Bravo Tickets Ltd</p>" in english
    assert bravo_client.get("/legal/privacy/").status_code == 404
    with tenant_context(bravo):
        set_legal_page(actor=None, kind="imprint", body="   ")
    assert bravo_client.get("/legal/imprint/").status_code == 404


@pytest.mark.parametrize(
    "path", ["/backoffice/branding/", "/backoffice/domains/", "/backoffice/branding/legal/"]
)
def test_backoffice_pages_send_anonymous_visitors_to_sign_in(path: str, acme_client: Client) -> None:
    # Anonymous visitors are sent to sign in, on a page in the shop's look.
    response = acme_client.get(path, follow=True)
    assert response.redirect_chain[0][0].startswith("/accounts/login/?next=")
    assert "Acme Live" in response.content.decode()
