"""Reseller subscriptions through Stripe Billing, and dunning driven by invoice webhooks.

localstripe serves products, customers, legacy plans, subscriptions on them and signed
webhooks; Prices, trials and proration are answered by the Stripe-shaped stub.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import stripe
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context
from pytest_django.fixtures import Settings as SettingsWrapper

from billing import subscriptions
from billing.errors import BillingError, BillingErrorCode
from billing.models import Plan, ProviderEvent, Subscription
from billing.processor import subscriptions as gateway
from tenants.models import AuditEntry, Domain, Tenant
from tests.billing import stripe_objects as objects
from tests.billing.deliveries import WEBHOOK_SECRET, deliver, signed
from tests.stripe_server import RecordedRequest, StripeStub, send_localstripe_webhooks
from tests.ticketing.factories import make_event, make_member


@pytest.fixture(autouse=True)
def _grace_days(settings: SettingsWrapper) -> None:
    settings.BILLING_GRACE_DAYS = 7


def subscribed(tenant: Tenant, *, stripe_id: str = "sub_1Live", plan_code: str = "growth") -> Subscription:
    subscription = subscriptions.start_subscription(
        tenant=tenant, plan=Plan.objects.get(code=plan_code), billing_email="billing@acme.example", actor=None
    )
    Subscription.objects.filter(pk=subscription.pk).update(
        stripe_subscription_id=stripe_id, stripe_customer_id="cus_1Acme", stripe_item_id="si_1Acme"
    )
    subscription.refresh_from_db()
    return subscription


# --- the Stripe Billing adapter ------------------------------------------------------------------


def test_prices_are_monthly_recurring_and_keyed_by_plan_and_fee(stripe_stub: StripeStub) -> None:
    stripe_stub.on(
        "POST",
        "/v1/prices",
        lambda r: (
            200,
            objects.price(
                product=r.params["product"], unit_amount=int(r.params["unit_amount"]), currency="eur"
            ),
        ),
    )
    price_id = gateway.create_monthly_price(
        product_id="prod_1G", plan_code="growth", amount_minor=4900, currency="EUR"
    )
    assert price_id.startswith("price_")
    [sent] = stripe_stub.calls("POST", "/v1/prices")
    assert sent.params["recurring"] == {"interval": "month"}
    assert (sent.params["unit_amount"], sent.params["currency"], sent.params["lookup_key"]) == (
        "4900",
        "eur",
        "plan-growth-eur-4900",
    )
    assert sent.idempotency_key == "plan-growth-eur-4900"


def test_a_trial_subscription_ends_in_an_invoice_without_a_card(stripe_stub: StripeStub) -> None:
    def answer(request: RecordedRequest) -> tuple[int, dict[str, Any]]:
        return 200, objects.subscription(
            customer=request.params["customer"],
            price_id=request.params["items"][0]["price"],
            trial_days=int(request.params["trial_period_days"]),
            id="sub_1Trial",
            item_id="si_1Trial",
        )

    stripe_stub.on("POST", "/v1/subscriptions", answer)
    opened = gateway.create_subscription(
        customer_id="cus_1A",
        price_id="price_1G",
        trial_days=14,
        tenant_id=3,
        idempotency_key="subscription-3",
    )
    assert (opened.id, opened.status, opened.item_id, opened.price_id) == (
        "sub_1Trial",
        "trialing",
        "si_1Trial",
        "price_1G",
    )
    assert opened.trial_end is not None and opened.trial_end - timezone.now() > timedelta(days=13)
    assert opened.current_period_end == opened.trial_end  # read from the item, as the API now places it
    [sent] = stripe_stub.calls("POST", "/v1/subscriptions")
    assert sent.params["items"] == [{"price": "price_1G"}]
    assert sent.params["trial_settings"] == {"end_behavior": {"missing_payment_method": "create_invoice"}}
    assert sent.idempotency_key == "subscription-3"


@pytest.mark.parametrize(("upgrade", "behavior"), [(True, "always_invoice"), (False, "create_prorations")])
def test_plan_changes_are_prorated(stripe_stub: StripeStub, upgrade: bool, behavior: str) -> None:
    stripe_stub.on(
        "POST",
        "/v1/subscriptions/sub_1A",
        lambda r: (
            200,
            objects.subscription(
                customer="cus_1A", price_id=r.params["items"][0]["price"], status="active", id="sub_1A"
            ),
        ),
    )
    changed = gateway.change_price(
        subscription_id="sub_1A", item_id="si_1A", price_id="price_1E", upgrade=upgrade
    )
    assert (changed.status, changed.price_id) == ("active", "price_1E")
    [sent] = stripe_stub.calls("POST", "/v1/subscriptions/sub_1A")
    assert sent.params == {"items": [{"id": "si_1A", "price": "price_1E"}], "proration_behavior": behavior}


def test_products_customers_and_legacy_subscriptions_on_localstripe(localstripe: str) -> None:
    product_id = gateway.create_product(plan_code="growth", name="Growth")
    customer_id = gateway.create_customer(tenant_id=1, email="billing@acme.example", name="Acme Live")
    client = stripe.StripeClient("sk_test_localstripe", base_addresses={"api": localstripe})
    assert client.v1.products.retrieve(product_id).name == "Growth"
    assert client.v1.customers.retrieve(customer_id).email == "billing@acme.example"
    # What localstripe serves of subscriptions (legacy plans) reads back through the same parser.
    plan = client.v1.plans.create(
        {"product": product_id, "amount": 4900, "currency": "eur", "interval": "month"}
    )
    client.v1.customers.update(customer_id, {"invoice_settings": {"default_payment_method": "pm_card_visa"}})
    legacy = client.v1.subscriptions.create({"customer": customer_id, "items": [{"plan": plan.id}]})
    state = gateway.subscription_from(legacy.to_dict())
    assert (state.id, state.customer, state.price_id) == (legacy.id, customer_id, plan.id)
    assert state.current_period_end is not None
    assert gateway.cancel_subscription(subscription_id=legacy.id).status == "canceled"


# --- subscription services -----------------------------------------------------------------------


def test_starting_a_subscription_puts_the_reseller_on_the_plan_with_a_trial(acme: Tenant) -> None:
    subscription = subscriptions.start_subscription(
        tenant=acme, plan=Plan.objects.get(code="growth"), billing_email="b@acme.example", actor=None
    )
    acme.refresh_from_db()
    assert acme.plan is not None and acme.plan.code == "growth"
    assert subscription.status == Subscription.Status.TRIALING
    assert subscription.trial_ends_at is not None
    assert AuditEntry.objects.filter(tenant=acme, action="tenant.plan_assigned").exists()


def test_the_provider_subscription_is_opened_once(acme: Tenant, stripe_stub: StripeStub) -> None:
    stripe_stub.on("POST", "/v1/products", {"id": "prod_1G", "object": "product", "name": "Growth"})
    stripe_stub.on(
        "POST",
        "/v1/prices",
        objects.price(product="prod_1G", unit_amount=4900, currency="eur") | {"id": "price_1G"},
    )
    stripe_stub.on("POST", "/v1/customers", {"id": "cus_1A", "object": "customer"})
    stripe_stub.on(
        "POST",
        "/v1/subscriptions",
        objects.subscription(customer="cus_1A", price_id="price_1G", id="sub_1A", item_id="si_1A"),
    )
    subscription = subscriptions.start_subscription(
        tenant=acme, plan=Plan.objects.get(code="growth"), billing_email="b@acme.example", actor=None
    )
    for _ in range(2):
        opened = subscriptions.open_provider_subscription(subscription_id=subscription.pk)
    assert (opened.stripe_customer_id, opened.stripe_subscription_id, opened.stripe_item_id) == (
        "cus_1A",
        "sub_1A",
        "si_1A",
    )
    assert len(stripe_stub.calls("POST", "/v1/subscriptions")) == 1
    sent = stripe_stub.calls("POST", "/v1/subscriptions")[0]
    assert int(sent.params["trial_period_days"]) in (13, 14)
    assert Plan.objects.get(code="growth").stripe_price_id == "price_1G"


def test_upgrading_changes_the_price_at_stripe_and_the_plan_here(
    acme: Tenant, stripe_stub: StripeStub
) -> None:
    subscribed(acme, stripe_id="sub_1Up")
    Plan.objects.filter(code="enterprise").update(stripe_product_id="prod_1E", stripe_price_id="price_1E")
    stripe_stub.on(
        "POST",
        "/v1/subscriptions/sub_1Up",
        objects.subscription(
            customer="cus_1Acme", price_id="price_1E", status="active", id="sub_1Up", item_id="si_1Acme"
        ),
    )
    subscription = subscriptions.change_plan(
        tenant=acme, plan=Plan.objects.get(code="enterprise"), actor=None
    )
    acme.refresh_from_db()
    assert subscription.plan.code == "enterprise" and acme.plan is not None and acme.plan.code == "enterprise"
    assert (
        stripe_stub.calls("POST", "/v1/subscriptions/sub_1Up")[0].params["proration_behavior"]
        == "always_invoice"
    )


def test_a_refused_plan_change_changes_nothing_here(acme: Tenant, stripe_stub: StripeStub) -> None:
    subscribed(acme, stripe_id="sub_1No")
    Plan.objects.filter(code="starter").update(stripe_product_id="prod_1S", stripe_price_id="price_1S")
    stripe_stub.on(
        "POST",
        "/v1/subscriptions/sub_1No",
        lambda r: (
            400,
            {
                "error": {
                    "type": "invalid_request_error",
                    "code": "resource_missing",
                    "message": "No such price",
                }
            },
        ),
    )
    from billing.processor.errors import ProcessorError

    with pytest.raises(ProcessorError):
        subscriptions.change_plan(tenant=acme, plan=Plan.objects.get(code="starter"), actor=None)
    assert Subscription.objects.get(tenant=acme).plan.code == "growth"


def test_a_downgrade_below_current_use_is_refused_naming_what_is_over(
    acme: Tenant, stripe_stub: StripeStub
) -> None:
    subscribed(acme, stripe_id="sub_1Down")
    Plan.objects.filter(code="starter").update(stripe_product_id="prod_1S", stripe_price_id="price_1S")
    with tenant_context(acme):  # starter: 5 events, 2 staff seats; acme has 1 event and its owner
        for _ in range(5):
            make_event()
        make_member("analyst")
        make_member("scanner")
    with pytest.raises(BillingError) as refused:
        subscriptions.change_plan(tenant=acme, plan=Plan.objects.get(code="starter"), actor=None)
    assert refused.value.code == BillingErrorCode.OVER_PLAN_LIMITS and refused.value.http_status == 409
    assert refused.value.message == (
        "Starter does not fit your current use: events: 6 in use, 5 allowed; "
        "staff seats: 3 in use, 2 allowed. Reduce these first, then change the plan."
    )
    assert {item["limit"] for item in refused.value.extra["over"]} == {"events", "staff_seats"}
    acme.refresh_from_db()
    assert Subscription.objects.get(tenant=acme).plan.code == "growth"
    assert acme.plan is not None and acme.plan.code == "growth"
    assert stripe_stub.requests == []  # Stripe was not asked either


def test_a_downgrade_that_fits_current_use_goes_through(acme: Tenant, stripe_stub: StripeStub) -> None:
    subscribed(acme, stripe_id="sub_1Fits")
    Plan.objects.filter(code="starter").update(stripe_product_id="prod_1S", stripe_price_id="price_1S")
    stripe_stub.on(
        "POST",
        "/v1/subscriptions/sub_1Fits",
        objects.subscription(customer="cus_1Acme", price_id="price_1S", status="active", id="sub_1Fits"),
    )
    subscription = subscriptions.change_plan(tenant=acme, plan=Plan.objects.get(code="starter"), actor=None)
    assert subscription.plan.code == "starter"


def test_custom_domains_count_against_a_plan_without_them(acme: Tenant) -> None:
    from billing import entitlements

    Domain.objects.create(tenant=acme, domain="tickets.acme-own.example", is_primary=False)
    starter = Plan.objects.get(code="starter")
    [over] = entitlements.overages(acme, starter)
    assert (over.limit, over.allowed, over.in_use) == ("custom_domains", 0, 1)
    assert entitlements.overages(acme, Plan.objects.get(code="growth")) == []


# --- dunning ---------------------------------------------------------------------------------------


def test_a_failed_invoice_opens_a_grace_period_then_dunning_suspends(
    acme: Tenant, platform_client: Client
) -> None:
    subscribed(acme)
    failed = objects.event(
        type="invoice.payment_failed",
        data_object=objects.invoice(customer="cus_1Acme", subscription="sub_1Live"),
    )
    assert deliver(platform_client, failed)["outcome"] == "grace period opened"
    assert deliver(platform_client, failed)["outcome"] == "duplicate"
    subscription = Subscription.objects.get(tenant=acme)
    assert subscription.status == Subscription.Status.PAST_DUE and subscription.grace_until is not None
    assert subscriptions.enforce_dunning(now=subscription.grace_until - timedelta(minutes=1)) == []
    assert subscriptions.enforce_dunning(now=subscription.grace_until) == [acme]
    acme.refresh_from_db()
    assert acme.status == Tenant.Status.SUSPENDED
    assert AuditEntry.objects.filter(tenant=acme, action="tenant.suspended").exists()
    assert subscriptions.enforce_dunning(now=subscription.grace_until + timedelta(days=1)) == []  # once

    paid = objects.event(
        type="invoice.paid",
        data_object=objects.invoice(
            customer="cus_1Acme", subscription="sub_1Live", status="paid", amount_paid=4900
        ),
    )
    assert deliver(platform_client, paid)["outcome"] == "invoice paid"
    acme.refresh_from_db()
    subscription.refresh_from_db()
    assert acme.status == Tenant.Status.TRIAL  # back to what it was before dunning
    assert (subscription.status, subscription.grace_until, subscription.suspended_for_nonpayment) == (
        Subscription.Status.ACTIVE,
        None,
        False,
    )


def test_dunning_leaves_resellers_an_admin_suspended_alone(acme: Tenant, platform_client: Client) -> None:
    from tenants.services import suspend_tenant

    subscribed(acme)
    deliver(
        platform_client,
        objects.event(
            type="invoice.payment_failed", data_object=objects.invoice(customer="c", subscription="sub_1Live")
        ),
    )
    suspend_tenant(tenant=acme, actor=None, reason="terms of service")
    grace = Subscription.objects.get(tenant=acme).grace_until
    assert grace is not None
    assert subscriptions.enforce_dunning(now=grace) == []
    deliver(
        platform_client,
        objects.event(
            type="invoice.paid",
            data_object=objects.invoice(customer="c", subscription="sub_1Live", status="paid"),
        ),
    )
    acme.refresh_from_db()
    assert acme.status == Tenant.Status.SUSPENDED  # payment does not lift an admin's suspension


def test_subscription_updates_apply_in_order(acme: Tenant, platform_client: Client) -> None:
    subscribed(acme)
    now = int(time.time())
    past_due = objects.subscription(
        customer="cus_1Acme", price_id="price_1G", status="past_due", id="sub_1Live"
    )
    active = objects.subscription(customer="cus_1Acme", price_id="price_1G", status="active", id="sub_1Live")
    deliver(
        platform_client, objects.event(type="customer.subscription.updated", data_object=active, created=now)
    )
    stale = deliver(
        platform_client,
        objects.event(type="customer.subscription.updated", data_object=past_due, created=now - 60),
    )
    assert stale["outcome"] == "subscription past_due"
    subscription = Subscription.objects.get(tenant=acme)
    assert (subscription.status, subscription.grace_until) == (
        Subscription.Status.ACTIVE,
        None,
    )  # older event ignored
    deliver(
        platform_client,
        objects.event(type="customer.subscription.updated", data_object=past_due, created=now + 60),
    )
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.PAST_DUE and subscription.grace_until is not None


def test_a_delivery_with_a_bad_signature_is_refused(acme: Tenant, platform_client: Client) -> None:
    subscribed(acme)
    event = objects.event(
        type="invoice.payment_failed", data_object=objects.invoice(customer="c", subscription="sub_1Live")
    )
    body, _ = signed(event)
    _, forged = signed(event, secret="whsec_someone_else")
    response = platform_client.post(
        "/billing/stripe/webhook/", data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=forged
    )
    assert response.status_code == 400
    assert response.json()["code"] == "webhook_signature_invalid"
    assert Subscription.objects.get(tenant=acme).grace_until is None
    assert not ProviderEvent.objects.filter(event_id=event["id"]).exists()


# --- webhooks as localstripe sends them -------------------------------------------------------------


class Receiver:
    """A loopback endpoint that keeps what localstripe delivers, to replay into the platform."""

    def __init__(self) -> None:
        self.deliveries: list[tuple[bytes, str]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.deliveries.append((body, self.headers.get("Stripe-Signature", "")))
                self.send_response(200)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def wait_for(self, event_type: str, timeout: float = 10) -> tuple[bytes, str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for body, signature in self.deliveries:
                if json.loads(body)["type"] == event_type:
                    return body, signature
            time.sleep(0.05)
        raise AssertionError(f"localstripe sent no {event_type}")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    yield receiver
    receiver.server.shutdown()


def test_an_invoice_paid_as_localstripe_signs_it_ends_dunning(
    acme: Tenant, localstripe: str, receiver: Receiver, platform_client: Client
) -> None:
    send_localstripe_webhooks(localstripe_url=localstripe, to=receiver.url, secret=WEBHOOK_SECRET)
    client = stripe.StripeClient("sk_test_localstripe", base_addresses={"api": localstripe})
    product = client.v1.products.create({"name": "Growth"})
    plan = client.v1.plans.create(
        {"product": product.id, "amount": 4900, "currency": "eur", "interval": "month"}
    )
    customer = client.v1.customers.create(
        {
            "email": "billing@acme.example",
            "payment_method": "pm_card_visa",
            "invoice_settings": {"default_payment_method": "pm_card_visa"},
        }
    )
    live = client.v1.subscriptions.create({"customer": customer.id, "items": [{"plan": plan.id}]})
    subscription = subscribed(acme, stripe_id=live.id)
    Subscription.objects.filter(pk=subscription.pk).update(
        status=Subscription.Status.PAST_DUE, grace_until=timezone.now() + timedelta(days=2)
    )

    body, signature = receiver.wait_for("invoice.payment_succeeded")
    response = platform_client.post(
        "/billing/stripe/webhook/",
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature,
    )
    assert response.status_code == 200 and response.json()["outcome"] == "invoice paid"
    subscription.refresh_from_db()
    assert (subscription.status, subscription.grace_until) == (Subscription.Status.ACTIVE, None)


def test_a_pending_custom_domain_request_counts_against_a_plan_without_custom_domains(acme: Tenant) -> None:
    from billing import entitlements
    from branding.models import CustomDomainRequest

    with tenant_context(acme):
        CustomDomainRequest.objects.create(hostname="tickets.acme-pending.example", token="t0k3n")
    [over] = entitlements.overages(acme, Plan.objects.get(code="starter"))
    assert (over.limit, over.allowed, over.in_use) == ("custom_domains", 0, 1)
