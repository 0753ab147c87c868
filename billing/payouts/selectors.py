"""Reading payout accounts, schedules and payouts."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from billing.payouts.models import Payout, PayoutAccount, PayoutSchedule
from core.money import Money, currency_exponent
from tenants.models import Tenant


def holding_days_for(*, tenant: Tenant) -> int:
    """Days after an event ends before its money may be paid out (the platform default without a schedule)."""
    days = PayoutSchedule.objects.filter(tenant=tenant).values_list("holding_days", flat=True).first()
    return settings.PAYOUT_DEFAULT_HOLDING_DAYS if days is None else days


def platform_minimum(currency: str) -> Money:
    """The smallest payout the platform makes in ``currency`` (settings, else ten major units)."""
    configured = settings.PAYOUT_MINIMUMS.get(currency)
    return Money(configured if configured is not None else 10 * 10 ** currency_exponent(currency), currency)


def payout_minimum(*, schedule: PayoutSchedule | None, currency: str) -> Money:
    floor = platform_minimum(currency)
    chosen = (schedule.minimum_amounts if schedule else {}).get(currency)
    return Money(int(chosen), currency) if chosen is not None and int(chosen) > floor.amount_minor else floor


def schedule_for(*, tenant: Tenant) -> PayoutSchedule | None:
    return PayoutSchedule.objects.filter(tenant=tenant).first()


def payout_account_for(*, tenant: Tenant) -> PayoutAccount | None:
    return PayoutAccount.objects.filter(tenant=tenant).first()


def payouts_of(*, tenant: Tenant) -> QuerySet[Payout]:
    return Payout.objects.filter(tenant=tenant).order_by("-created_at", "-pk")
