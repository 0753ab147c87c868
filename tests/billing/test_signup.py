"""Self-service sign-up on the platform host, and the plans page."""

from __future__ import annotations

import time

from django.core import mail
from django.test import Client
from django_tenants.utils import schema_context

from accounts.models import User
from billing.models import Subscription
from branding.models import Theme
from tenants.models import Tenant
from tests.billing import stripe_objects as objects
from tests.stripe_server import StripeStub

FORM = {
    "plan": "growth",
    "name": "Delta Festivals",
    "subdomain": "delta",
    "email": "Owner@Delta.example",
    "currency": "EUR",
    "language": "de",
    "country": "DE",
}


def test_the_plans_page_lists_public_plans_with_their_fees(platform_client: Client) -> None:
    page = platform_client.get("/").content.decode()
    for name in ("Starter", "Growth", "Enterprise"):
        assert name in page
    assert "€49.00 per month" in page
    assert "3 % + €0.59 per item sold in EUR" in page
    assert "Unlimited events" in page
    assert 'href="/signup/?plan=growth"' in page


def test_signing_up_opens_a_branded_shop_on_trial_within_a_second(
    platform_client: Client, django_capture_on_commit_callbacks: object, stripe_stub: StripeStub
) -> None:
    stripe_stub.on("POST", "/v1/products", {"id": "prod_1G", "object": "product", "name": "Growth"})
    stripe_stub.on("POST", "/v1/prices", objects.price(product="prod_1G", unit_amount=4900, currency="eur"))
    stripe_stub.on("POST", "/v1/customers", {"id": "cus_1Delta", "object": "customer"})
    stripe_stub.on(
        "POST",
        "/v1/subscriptions",
        lambda r: (
            200,
            objects.subscription(
                customer="cus_1Delta", price_id=r.params["items"][0]["price"], id="sub_1Delta"
            ),
        ),
    )
    started = time.monotonic()
    with django_capture_on_commit_callbacks() as after_commit:  # type: ignore[operator]
        response = platform_client.post("/signup/", FORM)
    elapsed = time.monotonic() - started  # the request, as the reseller waits for it
    for callback in after_commit:  # then what a worker does: invitation, Stripe, pool top-up
        callback()
    assert response.status_code == 302, response.content.decode()
    assert response["Location"].startswith("http://delta.localhost:8000/accounts/invitation/")
    assert elapsed < 1.0, f"sign-up took {elapsed:.2f}s"

    tenant = Tenant.objects.get(schema_name="delta")
    assert (tenant.name, tenant.status, tenant.plan.code if tenant.plan else None) == (
        "Delta Festivals",
        Tenant.Status.TRIAL,
        "growth",
    )
    subscription = Subscription.objects.get(tenant=tenant)
    assert subscription.status == Subscription.Status.TRIALING and subscription.trial_ends_at is not None
    assert subscription.billing_email == "owner@delta.example"
    assert (subscription.stripe_customer_id, subscription.stripe_subscription_id) == (
        "cus_1Delta",
        "sub_1Delta",
    )
    [opened] = stripe_stub.calls("POST", "/v1/subscriptions")
    assert opened.params["trial_period_days"] in ("13", "14") and opened.params["metadata"] == {
        "tenant_id": str(tenant.pk)
    }
    with schema_context("delta"):
        assert Theme.objects.get().display_name == "Delta Festivals"
        assert User.objects.get().email == "owner@delta.example"
    [invitation] = [m for m in mail.outbox if m.to == ["owner@delta.example"]]
    assert "delta.localhost" in invitation.body

    landing = Client(HTTP_HOST="delta.localhost").get(
        response["Location"].removeprefix("http://delta.localhost:8000")
    )
    assert landing.status_code in (200, 302)


def test_a_taken_subdomain_is_refused_on_its_field_and_creates_nothing(
    platform_client: Client, acme: Tenant
) -> None:
    before = Tenant.objects.count()
    response = platform_client.post("/signup/", {**FORM, "subdomain": "acme"})
    assert response.status_code == 400
    assert "already taken" in response.content.decode()
    assert Tenant.objects.count() == before


def test_a_private_plan_cannot_be_chosen(platform_client: Client) -> None:
    from billing.models import Plan

    Plan.objects.filter(code="enterprise").update(is_public=False)
    response = platform_client.post("/signup/", {**FORM, "plan": "enterprise"})
    assert response.status_code == 400
    assert not Tenant.objects.filter(schema_name="delta").exists()


def test_a_german_visitor_gets_the_plans_page_in_german(platform_client: Client) -> None:
    response = platform_client.get("/", HTTP_ACCEPT_LANGUAGE="de")
    page = response.content.decode()
    assert response["Content-Language"] == "de"
    assert "Ihr eigener Ticketshop, unter Ihrer Marke" in page
    assert "pro Monat" in page and "per month" not in page
    assert "pro verkauftem Artikel in EUR" in page and "per item sold" not in page
    assert "Unbegrenzt viele Veranstaltungen" in page and "Unlimited" not in page
    assert "Mit Growth starten" in page


def test_a_refused_sign_up_is_explained_in_the_visitors_language(
    platform_client: Client, acme: Tenant
) -> None:
    response = platform_client.post("/signup/", {**FORM, "subdomain": "acme"}, HTTP_ACCEPT_LANGUAGE="de")
    page = response.content.decode()
    assert response.status_code == 400
    assert "Der Kurzname „acme“ ist bereits vergeben." in page and "already taken" not in page
    assert "Name Ihres Ticketshops" in page and "Meinen Shop eröffnen" in page
    assert not Tenant.objects.filter(name=FORM["name"]).exists()
