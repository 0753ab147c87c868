"""Resellers' subscriptions to their plans (Stripe Billing) and dunning.

The local Subscription row is written first, in the same transaction as the reseller's
plan; Stripe is told after commit (a task), with idempotency keys, so a sign-up never
waits for Stripe and a retried task never opens a second subscription.

Dunning follows the provider's invoice webhooks, whoever sends them: a failed invoice
opens a grace period (BILLING_GRACE_DAYS), a paid one closes it; a beat task suspends
resellers whose grace period ran out, through the tenants' own suspend_tenant, and a
later payment resumes them (only those that dunning suspended).
"""

from __future__ import annotations

import logging
from contextlib import suppress
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from billing.audit import record_audit
from billing.entitlements import require_usage_within
from billing.errors import BillingError, BillingErrorCode
from billing.models import Plan, Subscription
from billing.processor import subscriptions as gateway
from core.side_effects import enqueue_after_commit
from core.tasks import send_email
from tenants.errors import TenantError
from tenants.models import Tenant
from tenants.services import assign_plan, resume_tenant, suspend_tenant

logger = logging.getLogger(__name__)

GRACE_STATUSES = (Subscription.Status.PAST_DUE, Subscription.Status.UNPAID)


def start_subscription(*, tenant: Tenant, plan: Plan, billing_email: str, actor: User | None) -> Subscription:
    """Start the reseller's trial on ``plan`` (the Stripe subscription follows after commit)."""
    with transaction.atomic(durable=True):
        subscription = begin_subscription(tenant=tenant, plan=plan, billing_email=billing_email, actor=actor)
    return subscription


def begin_subscription(*, tenant: Tenant, plan: Plan, billing_email: str, actor: User | None) -> Subscription:
    """start_subscription inside the caller's transaction (sign-up provisions and subscribes at once)."""
    existing = Subscription.objects.filter(tenant=tenant).first()
    if existing is not None:
        return existing
    now = timezone.now()
    subscription = Subscription.objects.create(
        tenant=tenant,
        plan=plan,
        billing_email=billing_email,
        status=Subscription.Status.TRIALING if plan.trial_days else Subscription.Status.ACTIVE,
        trial_ends_at=now + timedelta(days=plan.trial_days) if plan.trial_days else None,
    )
    if tenant.plan_id != plan.pk:
        assign_plan(tenant=tenant, plan=plan, actor=actor)
    record_audit(
        "subscription.started", tenant=tenant, actor=actor, plan=plan.code, trial_days=plan.trial_days
    )
    from billing.tasks import open_provider_subscription  # tasks call services

    enqueue_after_commit(open_provider_subscription, subscription_id=subscription.pk)
    return subscription


def ensure_plan_price(*, plan: Plan) -> Plan:
    """Give the plan a Stripe product and a price for its current monthly fee (once)."""
    if plan.stripe_product_id and plan.stripe_price_id:
        return plan
    product_id = plan.stripe_product_id or gateway.create_product(plan_code=plan.code, name=plan.name)
    price_id = gateway.create_monthly_price(
        product_id=product_id,
        plan_code=plan.code,
        amount_minor=plan.monthly_fee_minor,
        currency=plan.currency,
    )
    with transaction.atomic(durable=True):
        Plan.objects.filter(pk=plan.pk).update(stripe_product_id=product_id, stripe_price_id=price_id)
    plan.stripe_product_id, plan.stripe_price_id = product_id, price_id
    return plan


def open_provider_subscription(*, subscription_id: int) -> Subscription:
    """Create the Stripe customer and subscription of a local subscription (repeats change nothing)."""
    subscription = Subscription.objects.select_related("tenant", "plan").get(pk=subscription_id)
    if subscription.stripe_subscription_id:
        return subscription
    plan = ensure_plan_price(plan=subscription.plan)
    tenant = subscription.tenant
    customer_id = subscription.stripe_customer_id or gateway.create_customer(
        tenant_id=tenant.pk, email=subscription.billing_email, name=tenant.name
    )
    trial_left = 0
    if subscription.trial_ends_at:
        trial_left = max(0, (subscription.trial_ends_at - timezone.now()).days)
    opened = gateway.create_subscription(
        customer_id=customer_id,
        price_id=plan.stripe_price_id,
        trial_days=trial_left,
        tenant_id=tenant.pk,
        idempotency_key=f"subscription-{subscription.pk}",
    )
    with transaction.atomic(durable=True):
        subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
        subscription.stripe_customer_id = customer_id
        subscription.stripe_subscription_id = opened.id
        subscription.stripe_item_id = opened.item_id
        _apply_state(subscription, opened)
        subscription.save()
        record_audit("subscription.opened_at_provider", tenant=tenant, provider_id=opened.id)
    return subscription


def _apply_state(subscription: Subscription, state: gateway.ProviderSubscription) -> None:
    if state.status in Subscription.Status.values:
        subscription.status = state.status
    subscription.trial_ends_at = state.trial_end or subscription.trial_ends_at
    subscription.current_period_end = state.current_period_end or subscription.current_period_end
    if state.item_id:
        subscription.stripe_item_id = state.item_id


def change_plan(*, tenant: Tenant, plan: Plan, actor: User | None) -> Subscription:
    """Upgrade or downgrade: Stripe prorates (an upgrade is invoiced now, a downgrade credited).

    A plan whose limits are below what the reseller uses now (events, staff seats, custom
    domains) is refused at once, naming each excess; nothing changes here or at Stripe. The
    reseller reduces its use first (not a change scheduled for the period's end, which would
    leave a shop over its plan with nobody deciding what to give up).
    """
    subscription = Subscription.objects.select_related("plan").filter(tenant=tenant).first()
    if subscription is None:
        raise BillingError(BillingErrorCode.NO_SUBSCRIPTION, "This reseller has no subscription yet.")
    if subscription.status == Subscription.Status.CANCELED:
        raise BillingError(BillingErrorCode.SUBSCRIPTION_CANCELED, "The subscription was canceled.")
    if subscription.plan_id == plan.pk:
        raise BillingError(
            BillingErrorCode.SAME_PLAN, f"The reseller is on {plan.name} already.", field="plan"
        )
    require_usage_within(tenant, plan)
    upgrade = plan.monthly_fee_minor > subscription.plan.monthly_fee_minor
    state = None
    if subscription.stripe_subscription_id:
        plan = ensure_plan_price(plan=plan)
        state = gateway.change_price(
            subscription_id=subscription.stripe_subscription_id,
            item_id=subscription.stripe_item_id,
            price_id=plan.stripe_price_id,
            upgrade=upgrade,
        )
    with transaction.atomic(durable=True):
        subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
        previous = subscription.plan_id
        subscription.plan = plan
        if state is not None:
            _apply_state(subscription, state)
        subscription.save()
        assign_plan(tenant=tenant, plan=plan, actor=actor)
        record_audit(
            "subscription.plan_changed",
            tenant=tenant,
            actor=actor,
            plan=plan.code,
            previous_plan_id=previous,
            direction="upgrade" if upgrade else "downgrade",
        )
    return subscription


def _fresh(subscription: Subscription, event_created: datetime) -> bool:
    """Events can arrive out of order: an older one than the newest applied changes nothing."""
    last = subscription.last_provider_event_at
    return last is None or event_created >= last


def apply_provider_subscription(
    *, state: gateway.ProviderSubscription, event_created: datetime
) -> Subscription | None:
    """customer.subscription.created/updated/deleted: mirror the status, open or close grace."""
    with transaction.atomic(durable=True):
        subscription = (
            Subscription.objects.select_for_update().filter(stripe_subscription_id=state.id).first()
        )
        if subscription is None or not _fresh(subscription, event_created):
            return subscription
        before = subscription.status
        _apply_state(subscription, state)
        subscription.last_provider_event_at = event_created
        if subscription.status in GRACE_STATUSES:
            _open_grace(subscription)
        elif subscription.status in (Subscription.Status.ACTIVE, Subscription.Status.TRIALING):
            subscription.grace_until = None
        subscription.save()
        if subscription.status != before:
            record_audit(
                "subscription.status", tenant=subscription.tenant, status=subscription.status, previous=before
            )
    _resume_if_paid(subscription)
    return subscription


def _open_grace(subscription: Subscription) -> None:
    if subscription.grace_until is not None:
        return
    subscription.grace_until = timezone.now() + timedelta(days=settings.BILLING_GRACE_DAYS)
    record_audit(
        "subscription.grace_opened", tenant=subscription.tenant, until=subscription.grace_until.isoformat()
    )
    if subscription.billing_email:
        enqueue_after_commit(
            send_email,
            to=[subscription.billing_email],
            subject=f"Payment failed for {subscription.tenant.name}",
            body=(
                f"Hello,\n\nwe could not collect the subscription fee for {subscription.tenant.name}.\n"
                f"Please update your payment method by {subscription.grace_until:%Y-%m-%d}; after that "
                "date your shop will be suspended until the invoice is paid.\n"
            ),
        )


def invoice_payment_failed(*, subscription_id: str, event_created: datetime) -> Subscription | None:
    """invoice.payment_failed: the subscription is past due and a grace period opens (once)."""
    with transaction.atomic(durable=True):
        subscription = (
            Subscription.objects.select_for_update()
            .select_related("tenant")
            .filter(stripe_subscription_id=subscription_id)
            .first()
        )
        if subscription is None or not _fresh(subscription, event_created):
            return subscription
        subscription.status = Subscription.Status.PAST_DUE
        subscription.last_provider_event_at = event_created
        _open_grace(subscription)
        subscription.save()
    return subscription


def invoice_paid(*, subscription_id: str, event_created: datetime) -> Subscription | None:
    """invoice.paid: the grace period closes; a reseller that dunning suspended is resumed."""
    with transaction.atomic(durable=True):
        subscription = (
            Subscription.objects.select_for_update()
            .select_related("tenant")
            .filter(stripe_subscription_id=subscription_id)
            .first()
        )
        if subscription is None:
            return None
        if _fresh(subscription, event_created):
            subscription.status = Subscription.Status.ACTIVE
            subscription.last_provider_event_at = event_created
        if subscription.grace_until is not None:
            record_audit("subscription.grace_closed", tenant=subscription.tenant)
        subscription.grace_until = None
        subscription.save()
    _resume_if_paid(subscription)
    return subscription


def _resume_if_paid(subscription: Subscription) -> None:
    if not subscription.suspended_for_nonpayment or subscription.grace_until is not None:
        return
    with suppress(TenantError):  # resumed meanwhile (or closed): nothing left to undo
        resume_tenant(tenant=subscription.tenant, actor=None)
    with transaction.atomic(durable=True):
        Subscription.objects.filter(pk=subscription.pk).update(suspended_for_nonpayment=False)
        record_audit("subscription.resumed_after_payment", tenant=subscription.tenant)


def enforce_dunning(*, now: datetime | None = None) -> list[Tenant]:
    """Suspend every reseller whose grace period ran out with the invoice still unpaid."""
    now = now or timezone.now()
    suspended: list[Tenant] = []
    overdue = Subscription.objects.filter(
        status__in=GRACE_STATUSES, grace_until__lte=now, suspended_for_nonpayment=False
    ).select_related("tenant")
    for subscription in overdue:
        tenant = subscription.tenant
        if tenant.status not in (Tenant.Status.TRIAL, Tenant.Status.ACTIVE):
            continue  # suspended by an admin, or closed: not dunning's to change
        try:
            suspend_tenant(
                tenant=tenant, actor=None, reason="subscription invoice unpaid after the grace period"
            )
        except TenantError as error:
            logger.warning("Dunning could not suspend %s: %s", tenant, error.message)
            continue
        with transaction.atomic(durable=True):
            Subscription.objects.filter(pk=subscription.pk).update(suspended_for_nonpayment=True)
            record_audit("subscription.suspended_for_nonpayment", tenant=tenant)
        suspended.append(tenant)
    return suspended
