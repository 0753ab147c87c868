"""Plan use cases for platform admins: plans, their terms and fee rules; contract fee rules.

Bad terms (a negative fee, an unknown limit or feature, a fixed fee without its currency)
are refused with a clear error before anything is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from accounts.models import User
from billing.audit import record_audit
from billing.entitlements import Feature, Limit
from billing.errors import BillingError, BillingErrorCode
from billing.models import FeeRule, Plan
from core.side_effects import enqueue_after_commit
from tenants.errors import TenantError
from tenants.models import Tenant
from tenants.validation import clean_currency

PLAN_CODE = re.compile(r"^[a-z][a-z0-9-]{1,39}$")


@dataclass(frozen=True)
class PlanTerms:
    code: str
    name: str
    monthly_fee_minor: int
    currency: str
    trial_days: int
    limits: dict[str, int | None]
    features: list[str]
    is_public: bool


def _whole(value: Any, field: str, label: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise BillingError(BillingErrorCode.INVALID_PLAN, f"{label} must be a whole number.", field=field)
    return value


def _currency(value: str, field: str) -> str:
    try:
        return clean_currency(value)
    except TenantError as error:
        raise BillingError(BillingErrorCode.INVALID_PLAN, error.message, field=field) from None


def clean_plan_terms(
    *,
    code: str,
    name: str,
    monthly_fee_minor: int,
    currency: str,
    trial_days: int = 14,
    limits: dict[str, Any] | None = None,
    features: list[str] | None = None,
    is_public: bool = True,
) -> PlanTerms:
    """Check a plan's terms without writing anything; raises BillingError naming the field at fault."""
    code = (code or "").strip().lower()
    if not PLAN_CODE.match(code):
        raise BillingError(
            BillingErrorCode.INVALID_PLAN,
            "The code is 2 to 40 lower-case letters, digits or hyphens, starting with a letter.",
            field="code",
        )
    name = " ".join((name or "").split())
    if not name:
        raise BillingError(BillingErrorCode.INVALID_PLAN, "A plan needs a name.", field="name")
    if _whole(monthly_fee_minor, "monthly_fee_minor", "The monthly fee") < 0:
        raise BillingError(
            BillingErrorCode.NEGATIVE_FEE, "The monthly fee cannot be negative.", field="monthly_fee_minor"
        )
    if not 0 <= _whole(trial_days, "trial_days", "The trial") <= 90:
        raise BillingError(BillingErrorCode.INVALID_PLAN, "A trial lasts 0 to 90 days.", field="trial_days")
    cleaned_limits: dict[str, int | None] = {}
    for key, value in (limits or {}).items():
        if key not in Limit.__members__.values():
            known = ", ".join(limit.value for limit in Limit)
            raise BillingError(
                BillingErrorCode.INVALID_PLAN, f"Unknown limit “{key}” (known: {known}).", field="limits"
            )
        if value is not None and (_whole(value, "limits", f"The limit on {key}") < 0):
            raise BillingError(
                BillingErrorCode.INVALID_PLAN, f"The limit on {key} cannot be negative.", field="limits"
            )
        cleaned_limits[key] = value
    unknown = sorted(set(features or []) - {feature.value for feature in Feature})
    if unknown:
        raise BillingError(
            BillingErrorCode.INVALID_PLAN, f"Unknown feature(s): {', '.join(unknown)}.", field="features"
        )
    return PlanTerms(
        code=code,
        name=name[:100],
        monthly_fee_minor=monthly_fee_minor,
        currency=_currency(currency, "currency"),
        trial_days=trial_days,
        limits=cleaned_limits,
        features=sorted(set(features or [])),
        is_public=is_public,
    )


def _sync_price_after_commit(plan: Plan) -> None:
    from billing.tasks import sync_plan_price  # tasks call services

    enqueue_after_commit(sync_plan_price, plan_id=plan.pk)


def create_plan(*, actor: User | None, **terms: Any) -> Plan:
    """Define a new plan (its Stripe product and price are created after commit)."""
    cleaned = clean_plan_terms(**terms)
    try:
        with transaction.atomic(durable=True):
            plan = Plan.objects.create(**cleaned.__dict__)
            record_audit(
                "plan.created", tenant=None, actor=actor, plan=plan.code, terms=_audit_terms(cleaned)
            )
            _sync_price_after_commit(plan)
    except IntegrityError:
        raise BillingError(
            BillingErrorCode.PLAN_CODE_TAKEN, f"A plan “{cleaned.code}” exists already.", field="code"
        ) from None
    return plan


def update_plan(*, actor: User | None, plan: Plan, **changes: Any) -> Plan:
    """Change a plan's terms; a new monthly fee gets a new Stripe price (existing ones are immutable)."""
    current = {field: getattr(plan, field) for field in PlanTerms.__dataclass_fields__}
    unknown = set(changes) - set(current)
    if unknown:
        raise TypeError(f"Cannot change {', '.join(sorted(unknown))} on a plan.")
    cleaned = clean_plan_terms(**{**current, **changes})
    with transaction.atomic(durable=True):
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        price_changed = (plan.monthly_fee_minor, plan.currency) != (
            cleaned.monthly_fee_minor,
            cleaned.currency,
        )
        for field, value in cleaned.__dict__.items():
            setattr(plan, field, value)
        if price_changed:
            plan.stripe_price_id = ""
        plan.save()
        record_audit("plan.updated", tenant=None, actor=actor, plan=plan.code, terms=_audit_terms(cleaned))
        if price_changed:
            _sync_price_after_commit(plan)
    return plan


def _audit_terms(terms: PlanTerms) -> dict[str, Any]:
    return {
        "monthly_fee_minor": terms.monthly_fee_minor,
        "currency": terms.currency,
        "limits": terms.limits,
        "features": terms.features,
    }


@dataclass(frozen=True)
class FeeTerms:
    item_type: str
    channel: str
    currency: str
    percent_bp: int
    fixed_minor: int


def clean_fee_terms(
    *, percent_bp: int, fixed_minor: int = 0, item_type: str = "", channel: str = "", currency: str = ""
) -> FeeTerms:
    """Check a fee rule without writing anything."""
    percent_bp = _whole(percent_bp, "percent_bp", "The percentage")
    fixed_minor = _whole(fixed_minor, "fixed_minor", "The fixed fee")
    if percent_bp < 0 or fixed_minor < 0:
        raise BillingError(
            BillingErrorCode.NEGATIVE_FEE,
            "Fees cannot be negative.",
            field="percent_bp" if percent_bp < 0 else "fixed_minor",
        )
    if percent_bp > 10_000:
        raise BillingError(BillingErrorCode.INVALID_FEE_RULE, "A fee is at most 100 %.", field="percent_bp")
    if item_type not in FeeRule.ItemType.values:
        raise BillingError(
            BillingErrorCode.INVALID_FEE_RULE, f"Unknown item type “{item_type}”.", field="item_type"
        )
    if channel not in FeeRule.Channel.values:
        raise BillingError(
            BillingErrorCode.INVALID_FEE_RULE, f"Unknown sales channel “{channel}”.", field="channel"
        )
    currency = _currency(currency, "currency") if currency else ""
    if fixed_minor and not currency:
        raise BillingError(
            BillingErrorCode.INVALID_FEE_RULE,
            "A fixed fee is an amount of money: name its currency "
            "(a rule for any currency takes a percentage only).",
            field="currency",
        )
    return FeeTerms(item_type, channel, currency, percent_bp, fixed_minor)


def set_fee_rule(
    *,
    actor: User | None,
    percent_bp: int,
    fixed_minor: int = 0,
    plan: Plan | None = None,
    tenant: Tenant | None = None,
    item_type: str = "",
    channel: str = "",
    currency: str = "",
) -> FeeRule:
    """Create or replace the fee for one scope of a plan, or of one reseller's contract."""
    if (plan is None) == (tenant is None):
        raise BillingError(
            BillingErrorCode.INVALID_FEE_RULE, "A fee rule belongs to a plan or to a reseller."
        )
    terms = clean_fee_terms(
        percent_bp=percent_bp,
        fixed_minor=fixed_minor,
        item_type=item_type,
        channel=channel,
        currency=currency,
    )
    with transaction.atomic(durable=True):
        rule, _ = FeeRule.objects.update_or_create(
            plan=plan,
            tenant=tenant,
            item_type=terms.item_type,
            channel=terms.channel,
            currency=terms.currency,
            defaults={"percent_bp": terms.percent_bp, "fixed_minor": terms.fixed_minor},
        )
        record_audit(
            "fee_rule.set",
            tenant=tenant,
            actor=actor,
            plan=plan.code if plan else None,
            scope=[terms.item_type, terms.channel, terms.currency],
            percent_bp=terms.percent_bp,
            fixed_minor=terms.fixed_minor,
        )
    return rule


def remove_fee_rule(*, actor: User | None, rule: FeeRule) -> None:
    with transaction.atomic(durable=True):
        record_audit(
            "fee_rule.removed",
            tenant=rule.tenant,
            actor=actor,
            plan=rule.plan.code if rule.plan else None,
            scope=[rule.item_type, rule.channel, rule.currency],
        )
        rule.delete()
