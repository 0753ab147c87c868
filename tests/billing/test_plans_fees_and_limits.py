"""Plans defined by platform admins: fees per item type, channel and currency; limits and features."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from billing import entitlements, services
from billing.errors import BillingError, BillingErrorCode
from billing.fees import SoldItem, fee_rules_for, platform_fee
from billing.models import FeeRule, Plan
from core.money import Money
from tenants.models import AuditEntry, Tenant
from tests.billing.factories import put_on_plan
from tests.ticketing.factories import make_event

PLAN = {
    "code": "festival",
    "name": "Festival",
    "monthly_fee_minor": 9900,
    "currency": "EUR",
    "limits": {"events": 2, "staff_seats": 5},
    "features": ["api"],
}


def test_a_plan_is_created_with_its_terms_and_audited(db: None) -> None:
    plan = services.create_plan(actor=None, **PLAN)
    assert (plan.monthly_fee_minor, plan.limits, plan.features) == (
        9900,
        {"events": 2, "staff_seats": 5},
        ["api"],
    )
    assert AuditEntry.objects.filter(action="plan.created", data__plan="festival").exists()


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"monthly_fee_minor": -100}, BillingErrorCode.NEGATIVE_FEE, "monthly_fee_minor"),
        ({"monthly_fee_minor": 9.99}, BillingErrorCode.INVALID_PLAN, "monthly_fee_minor"),
        ({"currency": "EURO"}, BillingErrorCode.INVALID_PLAN, "currency"),
        ({"limits": {"tickets": 3}}, BillingErrorCode.INVALID_PLAN, "limits"),
        ({"limits": {"events": -1}}, BillingErrorCode.INVALID_PLAN, "limits"),
        ({"features": ["teleportation"]}, BillingErrorCode.INVALID_PLAN, "features"),
        ({"code": "Bad Code"}, BillingErrorCode.INVALID_PLAN, "code"),
    ],
)
def test_a_plan_with_bad_terms_is_refused_and_nothing_is_written(
    db: None, changes: dict[str, object], code: str, field: str
) -> None:
    before = Plan.objects.count()
    with pytest.raises(BillingError) as refused:
        services.create_plan(actor=None, **{**PLAN, **changes})
    assert (refused.value.code, refused.value.field) == (code, field)
    assert Plan.objects.count() == before


def test_updating_a_plan_to_a_negative_fee_changes_nothing(db: None) -> None:
    plan = Plan.objects.get(code="growth")
    with pytest.raises(BillingError) as refused:
        services.update_plan(actor=None, plan=plan, monthly_fee_minor=-1)
    assert refused.value.code == BillingErrorCode.NEGATIVE_FEE
    plan.refresh_from_db()
    assert plan.monthly_fee_minor == 4900


def test_a_new_monthly_fee_needs_a_new_stripe_price(db: None) -> None:
    plan = Plan.objects.get(code="growth")
    Plan.objects.filter(pk=plan.pk).update(stripe_product_id="prod_1", stripe_price_id="price_old")
    plan.refresh_from_db()
    plan = services.update_plan(actor=None, plan=plan, name="Growth+")
    assert plan.stripe_price_id == "price_old"
    plan = services.update_plan(actor=None, plan=plan, monthly_fee_minor=5900)
    assert (plan.stripe_product_id, plan.stripe_price_id) == ("prod_1", "")


@pytest.mark.parametrize(
    ("terms", "code", "field"),
    [
        ({"percent_bp": -1}, BillingErrorCode.NEGATIVE_FEE, "percent_bp"),
        (
            {"percent_bp": 100, "fixed_minor": -5, "currency": "EUR"},
            BillingErrorCode.NEGATIVE_FEE,
            "fixed_minor",
        ),
        ({"percent_bp": 10_001}, BillingErrorCode.INVALID_FEE_RULE, "percent_bp"),
        ({"percent_bp": 100, "fixed_minor": 50}, BillingErrorCode.INVALID_FEE_RULE, "currency"),
        ({"percent_bp": 100, "channel": "carrier_pigeon"}, BillingErrorCode.INVALID_FEE_RULE, "channel"),
    ],
)
def test_bad_fee_rules_are_refused(db: None, terms: dict[str, object], code: str, field: str) -> None:
    plan = Plan.objects.get(code="growth")
    before = FeeRule.objects.count()
    with pytest.raises(BillingError) as refused:
        services.set_fee_rule(actor=None, plan=plan, **terms)  # type: ignore[arg-type]
    assert (refused.value.code, refused.value.field) == (code, field)
    assert FeeRule.objects.count() == before


def test_contract_fees_per_item_type_channel_and_currency_win_over_the_plan(acme: Tenant) -> None:
    acme = put_on_plan(acme, "growth")  # 3 % + 0.59 per unit in USD, 3 % elsewhere
    services.set_fee_rule(actor=None, tenant=acme, item_type="addon", percent_bp=800)
    services.set_fee_rule(
        actor=None, tenant=acme, channel="box_office", currency="USD", percent_bp=100, fixed_minor=10
    )
    rules = fee_rules_for(tenant=acme)
    ticket = SoldItem(item_type="ticket", quantity=2, total=Money(5000, "USD"))
    addon = SoldItem(item_type="addon", quantity=1, total=Money(1000, "USD"))
    assert platform_fee(rules=rules, items=[ticket], channel="online", currency="USD") == Money(
        150 + 118, "USD"
    )
    assert platform_fee(rules=rules, items=[addon], channel="online", currency="USD") == Money(80, "USD")
    assert platform_fee(rules=rules, items=[ticket], channel="box_office", currency="USD") == Money(
        50 + 20, "USD"
    )
    yen = SoldItem(item_type="ticket", quantity=3, total=Money(9000, "JPY"))
    assert platform_fee(rules=rules, items=[yen], channel="online", currency="JPY") == Money(270, "JPY")


def test_fees_never_exceed_the_line_and_free_lines_pay_nothing(acme: Tenant) -> None:
    acme = put_on_plan(acme, "starter")  # 5 % + USD 0.99 per unit
    rules = fee_rules_for(tenant=acme)
    cheap = SoldItem(item_type="ticket", quantity=4, total=Money(200, "USD"))
    free = SoldItem(item_type="ticket", quantity=10, total=Money(0, "USD"))
    assert platform_fee(rules=rules, items=[cheap, free], channel="online", currency="USD") == Money(
        200, "USD"
    )


def test_fees_refuse_to_mix_currencies(acme: Tenant) -> None:
    rules = fee_rules_for(tenant=put_on_plan(acme, "growth"))
    with pytest.raises(ValueError, match="EUR line in a USD sale"):
        platform_fee(
            rules=rules, items=[SoldItem("ticket", 1, Money(100, "EUR"))], channel="online", currency="USD"
        )


def test_the_event_limit_is_enforced_where_events_are_created(acme: Tenant) -> None:
    plan = services.create_plan(actor=None, **PLAN)  # 2 live events
    Tenant.objects.filter(pk=acme.pk).update(plan=plan)
    with tenant_context(acme):  # acme has one live event from the session set-up
        make_event()
        with pytest.raises(BillingError) as refused:
            make_event()
    assert refused.value.code == BillingErrorCode.LIMIT_REACHED
    assert refused.value.http_status == 403
    assert refused.value.extra == {"limit": "events", "allowed": 2, "in_use": 2}


def test_features_are_switched_by_the_plan(acme: Tenant) -> None:
    put_on_plan(acme, "starter")
    with pytest.raises(BillingError) as refused:
        entitlements.require_feature(entitlements.Feature.API, tenant=acme)
    assert refused.value.code == BillingErrorCode.FEATURE_NOT_IN_PLAN
    put_on_plan(acme, "growth")
    entitlements.require_feature(entitlements.Feature.API, tenant=acme)
    assert not entitlements.allows(acme, entitlements.Feature.SEATING)
    assert entitlements.allows(put_on_plan(acme, "enterprise"), entitlements.Feature.SEATING)
    assert entitlements.limit_of(acme, entitlements.Limit.EVENTS) is None  # enterprise: unlimited


def test_the_staff_seat_limit_is_enforced_where_staff_are_invited(acme: Tenant) -> None:
    from ticketing.team.services import invite_member

    plan = services.create_plan(actor=None, **{**PLAN, "limits": {"events": 2, "staff_seats": 1}})
    Tenant.objects.filter(pk=acme.pk).update(plan=plan)
    with tenant_context(acme), pytest.raises(BillingError) as refused:  # the owner holds the one seat
        invite_member(
            actor=None, email="clerk@acme.example", role="box_office", link_base="http://acme.localhost"
        )
    assert refused.value.code == BillingErrorCode.LIMIT_REACHED
    assert refused.value.extra["limit"] == "staff_seats"
