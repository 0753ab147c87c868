"""The reseller's plan page (owner only): usage against the plan, and plan changes that check it."""

from __future__ import annotations

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from accounts.models import User
from billing import subscriptions
from billing.models import Plan, Subscription
from tenants.models import AuditEntry, Tenant
from tests.billing import stripe_objects as objects
from tests.conftest import client_for
from tests.stripe_server import StripeStub
from tests.ticketing.factories import make_event, make_member

PAGE = "/backoffice/billing/plan/"


def signed_in(tenant: Tenant, role: str) -> Client:
    with tenant_context(tenant):
        user = User.objects.get(email="owner@acme.example") if role == "owner" else make_member(role)
        client = client_for("acme.localhost")
        client.force_login(user)
    return client


@pytest.fixture
def subscribed_acme(acme_on_growth: Tenant) -> Tenant:
    subscription = subscriptions.start_subscription(
        tenant=acme_on_growth, plan=Plan.objects.get(code="growth"), billing_email="", actor=None
    )
    Subscription.objects.filter(pk=subscription.pk).update(
        stripe_subscription_id="sub_1Page", stripe_customer_id="cus_1Page", stripe_item_id="si_1Page"
    )
    Plan.objects.filter(code="starter").update(stripe_product_id="prod_1S", stripe_price_id="price_1S")
    return acme_on_growth


def test_the_owner_sees_the_plan_what_the_shop_uses_and_what_would_not_fit(subscribed_acme: Tenant) -> None:
    with tenant_context(subscribed_acme):
        for _ in range(5):
            make_event()  # 6 live events with the session's
    page = signed_in(subscribed_acme, "owner").get(PAGE).content.decode()
    assert "Your shop is on Growth." in page
    assert '<td>events</td><td class="number">6</td><td class="number">50</td>' in page
    assert "Does not fit your current use: events: 6 in use, 5 allowed" in page  # starter
    assert "Switch to Enterprise" in page


def test_a_downgrade_the_shop_does_not_fit_is_refused_on_the_page_and_changes_nothing(
    subscribed_acme: Tenant, stripe_stub: StripeStub
) -> None:
    with tenant_context(subscribed_acme):
        for _ in range(5):
            make_event()
    response = signed_in(subscribed_acme, "owner").post(f"{PAGE}change/", {"plan": "starter"})
    assert response.status_code == 409
    assert "Starter does not fit your current use: events: 6 in use, 5 allowed" in response.content.decode()
    subscribed_acme.refresh_from_db()
    assert subscribed_acme.plan is not None and subscribed_acme.plan.code == "growth"
    assert Subscription.objects.get(tenant=subscribed_acme).plan.code == "growth"
    assert stripe_stub.requests == []


def test_the_owner_changes_to_a_plan_that_fits(subscribed_acme: Tenant, stripe_stub: StripeStub) -> None:
    stripe_stub.on(
        "POST",
        "/v1/subscriptions/sub_1Page",
        objects.subscription(customer="cus_1Page", price_id="price_1S", status="active", id="sub_1Page"),
    )
    client = signed_in(subscribed_acme, "owner")
    response = client.post(f"{PAGE}change/", {"plan": "starter"})
    assert response.status_code == 302
    subscribed_acme.refresh_from_db()
    assert subscribed_acme.plan is not None and subscribed_acme.plan.code == "starter"
    assert AuditEntry.objects.filter(action="subscription.plan_changed", tenant=subscribed_acme).exists()
    assert "Your shop is now on Starter." in client.get(PAGE).content.decode()


def test_an_unknown_plan_is_refused(subscribed_acme: Tenant) -> None:
    response = signed_in(subscribed_acme, "owner").post(f"{PAGE}change/", {"plan": "platinum"}, follow=True)
    assert "Choose one of the plans below." in response.content.decode()
    subscribed_acme.refresh_from_db()
    assert subscribed_acme.plan is not None and subscribed_acme.plan.code == "growth"


@pytest.mark.parametrize("role", ["manager", "analyst"])
def test_only_the_owner_changes_the_plan(subscribed_acme: Tenant, role: str) -> None:
    client = signed_in(subscribed_acme, role)
    assert client.get(PAGE).status_code == 403
    assert client.post(f"{PAGE}change/", {"plan": "enterprise"}).status_code == 403
    subscribed_acme.refresh_from_db()
    assert subscribed_acme.plan is not None and subscribed_acme.plan.code == "growth"
