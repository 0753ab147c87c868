"""Payout use cases: payout accounts (Stripe Connect), schedules, and paying resellers out.

A payout is recorded first (payout row and ledger entries in one transaction, at most one
per reseller, currency and schedule period), and sent to the processor after commit
with an idempotency key derived from that period. Running the payout task twice, or
two workers at once, therefore pays once: the second finds the period's payout.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from billing.audit import record_audit
from billing.ledger import selectors as ledger_selectors
from billing.ledger import services as ledger
from billing.payouts.errors import PayoutError, PayoutErrorCode
from billing.payouts.models import Payout, PayoutAccount, PayoutSchedule
from billing.payouts.selectors import payout_minimum, platform_minimum
from billing.processor import connect
from billing.processor.errors import ProcessorError, ProcessorErrorCode
from core.money import Money
from core.side_effects import enqueue_after_commit
from tenants.errors import TenantError
from tenants.models import Tenant
from tenants.validation import clean_currency

PAYABLE_STATUSES = (Tenant.Status.TRIAL, Tenant.Status.ACTIVE, Tenant.Status.SUSPENDED)


@dataclass(frozen=True)
class OnboardingStart:
    account: PayoutAccount
    url: str


def open_payout_account(
    *, tenant: Tenant, actor: User | None, email: str, return_url: str, refresh_url: str, by: str = ""
) -> OnboardingStart:
    """Give the reseller a connected account (once) and a link to complete it on Stripe's pages.

    ``actor`` is a platform admin; a reseller's staff member (an account in the shop's
    schema) is named by e-mail in ``by``.
    """
    account = PayoutAccount.objects.filter(tenant=tenant).first()
    if account is None:
        # The processor call stays outside the transaction; its idempotency key makes a retry
        # after a crash find the same account instead of opening a second one.
        opened = connect.create_connected_account(
            tenant_id=tenant.pk,
            email=email,
            business_name=tenant.name,
            country=tenant.country,
            idempotency_key=f"connect-account-tenant-{tenant.pk}",
        )
        with transaction.atomic(durable=True):
            account, created = PayoutAccount.objects.get_or_create(
                tenant=tenant, defaults={"provider_account_id": opened.id}
            )
            if created:
                _apply_account_state(account, opened)
                record_audit("payout_account.opened", tenant=tenant, actor=actor, account=opened.id, by=by)
    url = connect.onboarding_link(
        account_id=account.provider_account_id, refresh_url=refresh_url, return_url=return_url
    )
    return OnboardingStart(account=account, url=url)


def _apply_account_state(account: PayoutAccount, state: connect.ConnectedAccount) -> None:
    account.charges_enabled = state.charges_enabled
    account.payouts_enabled = state.payouts_enabled
    account.details_submitted = state.details_submitted
    account.country = state.country or account.country
    account.default_currency = state.default_currency or account.default_currency
    if state.charges_enabled and state.payouts_enabled:
        account.status = PayoutAccount.Status.ACTIVE
    elif state.details_submitted:
        account.status = PayoutAccount.Status.RESTRICTED
    else:
        account.status = PayoutAccount.Status.ONBOARDING
    account.save()


def sync_payout_account(*, state: connect.ConnectedAccount) -> PayoutAccount | None:
    """Apply the processor's view of a connected account (account.updated, or a refresh)."""
    with transaction.atomic(durable=True):
        account = PayoutAccount.objects.select_for_update().filter(provider_account_id=state.id).first()
        if account is None:
            return None
        before = account.status
        _apply_account_state(account, state)
        if account.status != before:
            record_audit(
                "payout_account.status_changed", tenant=account.tenant, status=account.status, previous=before
            )
    return account


def refresh_payout_account(*, tenant: Tenant) -> PayoutAccount:
    """Read the reseller's connected account from the processor again (back from onboarding)."""
    account = PayoutAccount.objects.filter(tenant=tenant).first()
    if account is None:
        raise PayoutError(PayoutErrorCode.NO_PAYOUT_ACCOUNT, "Connect a payout account first.")
    state = connect.retrieve_account(account_id=account.provider_account_id)
    return sync_payout_account(state=state) or account


def _clean_minimums(minimum_amounts: dict[str, int]) -> dict[str, int]:
    cleaned: dict[str, int] = {}
    for currency, amount in minimum_amounts.items():
        try:
            code = clean_currency(str(currency))
        except TenantError:
            raise PayoutError(
                PayoutErrorCode.INVALID_CURRENCY, f"“{currency}” is not a currency.", field="minimum_amounts"
            ) from None
        if not isinstance(amount, int) or isinstance(amount, bool):
            raise PayoutError(
                PayoutErrorCode.INVALID_SCHEDULE,
                f"The minimum for {code} must be a whole number of minor units.",
                field="minimum_amounts",
            )
        floor = platform_minimum(code)
        if amount < floor.amount_minor:
            raise PayoutError(
                PayoutErrorCode.MINIMUM_TOO_LOW,
                f"The minimum payout in {code} cannot be below the platform's minimum of {floor}.",
                field="minimum_amounts",
                extra={"currency": code, "platform_minimum_minor": floor.amount_minor},
            )
        cleaned[code] = amount
    return cleaned


def set_payout_schedule(
    *,
    tenant: Tenant,
    actor: User | None,
    interval: str,
    holding_days: int,
    weekly_anchor: int = 0,
    monthly_anchor: int = 1,
    minimum_amounts: dict[str, int] | None = None,
    by: str = "",
) -> PayoutSchedule:
    """Choose how often the reseller is paid, from what amount, and how long after each event."""
    if interval not in PayoutSchedule.Interval.values:
        raise PayoutError(
            PayoutErrorCode.INVALID_SCHEDULE, "Choose daily, weekly or monthly payouts.", field="interval"
        )
    if not 0 <= weekly_anchor <= 6:
        raise PayoutError(PayoutErrorCode.INVALID_SCHEDULE, "Choose a weekday.", field="weekly_anchor")
    if not 1 <= monthly_anchor <= 28:
        raise PayoutError(
            PayoutErrorCode.INVALID_SCHEDULE,
            "Choose a day of the month from 1 to 28.",
            field="monthly_anchor",
        )
    if holding_days < settings.PAYOUT_MIN_HOLDING_DAYS:
        raise PayoutError(
            PayoutErrorCode.HOLDING_TOO_SHORT,
            f"Money is held at least {settings.PAYOUT_MIN_HOLDING_DAYS} day(s) after an event ends.",
            field="holding_days",
        )
    if holding_days > settings.PAYOUT_MAX_HOLD_DAYS:
        raise PayoutError(
            PayoutErrorCode.HOLDING_TOO_LONG,
            f"Money can be held at most {settings.PAYOUT_MAX_HOLD_DAYS} days.",
            field="holding_days",
        )
    minimums = _clean_minimums(minimum_amounts or {})
    with transaction.atomic(durable=True):
        schedule, _ = PayoutSchedule.objects.select_for_update().get_or_create(tenant=tenant)
        schedule.interval = interval
        schedule.weekly_anchor = weekly_anchor
        schedule.monthly_anchor = monthly_anchor
        schedule.holding_days = holding_days
        schedule.minimum_amounts = minimums
        schedule.save()
        record_audit(
            "payout_schedule.set",
            tenant=tenant,
            actor=actor,
            interval=interval,
            holding_days=holding_days,
            minimum_amounts=minimums,
            by=by,
        )
    return schedule


def due_period(*, schedule: PayoutSchedule | None, today: date) -> str | None:
    """The schedule period a payout on ``today`` belongs to, or None when none is due yet.

    A period is due from its anchor day on, so a day the task did not run is caught up
    on the next; once per period is the payout row's unique constraint.
    """
    interval = schedule.interval if schedule else PayoutSchedule.Interval.WEEKLY
    if interval == PayoutSchedule.Interval.DAILY:
        return today.isoformat()
    if interval == PayoutSchedule.Interval.WEEKLY:
        anchor = schedule.weekly_anchor if schedule else 0
        year, week, _ = today.isocalendar()
        return f"{year}-W{week:02d}" if today.weekday() >= anchor else None
    anchor = schedule.monthly_anchor if schedule else 1
    return f"{today:%Y-%m}" if today.day >= anchor else None


def pay_out(*, tenant: Tenant, currency: str, period: str, now: datetime | None = None) -> Payout | None:
    """Record the period's payout of the available balance (None: below the minimum, or nothing to pay)."""
    now = now or timezone.now()
    schedule = PayoutSchedule.objects.filter(tenant=tenant).first()
    with transaction.atomic(durable=True):
        # Releasing locks the reseller's book for the currency: from here on no other payout,
        # refund or chargeback of this reseller and currency runs until this commits.
        ledger.release_matured_funds(tenant=tenant, currency=currency, now=now)
        existing = Payout.objects.filter(tenant=tenant, currency=currency, period=period).first()
        if existing is not None:
            return existing
        current = ledger_selectors.balances(tenant=tenant, currency=currency)
        fees = max(0, min(current.fees_due.amount_minor, current.available.amount_minor))
        payable = current.available.amount_minor - fees
        minimum = payout_minimum(schedule=schedule, currency=currency)
        amount = payable if payable >= minimum.amount_minor else 0
        if amount == 0 and fees == 0:
            return None
        previous = Payout.objects.filter(tenant=tenant, currency=currency).order_by("-created_at").first()
        payout = Payout.objects.create(
            tenant=tenant,
            currency=currency,
            amount_minor=amount,
            fees_settled_minor=fees,
            period=period,
            covers_from=previous.created_at if previous else None,
        )
        if fees:
            ledger.settle_fees_due(tenant=tenant, currency=currency, key=payout.idempotency_key, now=now)
        if amount:
            payout.ledger_transaction = ledger.record_payout(
                tenant=tenant, amount=Money(amount, currency), key=payout.idempotency_key, now=now
            )
            payout.save(update_fields=["ledger_transaction"])
        record_audit(
            "payout.recorded",
            tenant=tenant,
            currency=currency,
            amount_minor=amount,
            fees_minor=fees,
            period=period,
        )
        from billing.payouts.tasks import submit_payout  # the tasks module calls these services

        enqueue_after_commit(submit_payout, payout_id=payout.pk)
    return payout


def run_due_payouts(*, now: datetime | None = None) -> list[Payout]:
    """Record every payout that is due today for every reseller with a working payout account."""
    now = now or timezone.now()
    made: list[Payout] = []
    accounts = PayoutAccount.objects.filter(
        payouts_enabled=True, tenant__status__in=PAYABLE_STATUSES
    ).select_related("tenant")
    for account in accounts:
        schedule = PayoutSchedule.objects.filter(tenant=account.tenant).first()
        period = due_period(schedule=schedule, today=timezone.localdate(now))
        if period is None:
            continue
        for currency in ledger_selectors.currencies_of(tenant=account.tenant):
            payout = pay_out(tenant=account.tenant, currency=currency, period=period, now=now)
            if payout is not None:
                made.append(payout)
    return made


def submit_payout(*, payout_id: int) -> Payout:
    """Send a recorded payout to the processor; repeated calls send it once."""
    payout = Payout.objects.select_related("tenant").get(pk=payout_id)
    if payout.status != Payout.Status.PENDING:
        return payout
    account = PayoutAccount.objects.filter(tenant=payout.tenant).first()
    if account is None:
        raise PayoutError(PayoutErrorCode.NO_PAYOUT_ACCOUNT, "The reseller has no payout account.")
    try:
        if payout.fees_settled_minor and not payout.provider_fee_transfer_id:
            transfer_id = connect.collect_fees(
                account_id=account.provider_account_id,
                amount=Money(payout.fees_settled_minor, payout.currency),
                idempotency_key=f"{payout.idempotency_key}-fees",
                description=f"Platform fees {payout.period}",
            )
            with transaction.atomic(durable=True):
                Payout.objects.filter(pk=payout.pk).update(provider_fee_transfer_id=transfer_id)
            payout.provider_fee_transfer_id = transfer_id
        sent = None
        if payout.amount_minor:
            sent = connect.create_payout(
                account_id=account.provider_account_id,
                amount=payout.amount,
                idempotency_key=payout.idempotency_key,
                description=f"Payout {payout.period}",
                metadata={"payout_id": str(payout.pk), "period": payout.period},
            )
    except ProcessorError as error:
        if error.code == ProcessorErrorCode.UNAVAILABLE:
            raise  # stays pending; the next run sends it again with the same idempotency key
        return fail_payout(
            payout_id=payout.pk, code=error.processor_code or error.code, message=error.message
        )
    with transaction.atomic(durable=True):
        payout = Payout.objects.select_for_update().get(pk=payout.pk)
        if payout.status == Payout.Status.PENDING:
            payout.status = Payout.Status.SUBMITTED if sent else Payout.Status.PAID
            payout.provider_payout_id = sent.id if sent else ""
            payout.submitted_at = timezone.now()
            if sent is None or sent.status == "paid":
                payout.status = Payout.Status.PAID
                payout.settled_at = payout.submitted_at
            payout.save()
            record_audit(
                "payout.submitted",
                tenant=payout.tenant,
                payout=payout.pk,
                provider_id=payout.provider_payout_id,
            )
    return payout


def fail_payout(*, payout_id: int, code: str, message: str) -> Payout:
    """The processor refused or returned a payout: its money goes back to the available balance."""
    now = timezone.now()
    with transaction.atomic(durable=True):
        payout = Payout.objects.select_for_update().select_related("tenant").get(pk=payout_id)
        if payout.status == Payout.Status.FAILED:
            return payout
        if payout.amount_minor:
            ledger.reverse_payout(
                tenant=payout.tenant, amount=payout.amount, key=payout.idempotency_key, now=now
            )
        if payout.fees_settled_minor and not payout.provider_fee_transfer_id:
            ledger.reverse_fee_settlement(
                tenant=payout.tenant,
                amount=Money(payout.fees_settled_minor, payout.currency),
                key=payout.idempotency_key,
                now=now,
            )
        payout.status = Payout.Status.FAILED
        payout.failure_code = code[:64]
        payout.failure_message = message[:300]
        payout.settled_at = now
        payout.save()
        record_audit(
            "payout.failed", tenant=payout.tenant, payout=payout.pk, code=code, message=message[:300]
        )
    return payout


def settle_from_provider(*, state: connect.ProviderPayout) -> Payout | None:
    """Apply a payout.paid / payout.failed notice from the processor (repeated notices change nothing)."""
    payout = Payout.objects.filter(provider_payout_id=state.id).first()
    if payout is None:
        return None
    if state.status in ("failed", "canceled"):
        return fail_payout(
            payout_id=payout.pk, code=state.failure_code or state.status, message=state.failure_message
        )
    if state.status == "paid":
        with transaction.atomic(durable=True):
            payout = Payout.objects.select_for_update().get(pk=payout.pk)
            if payout.status == Payout.Status.SUBMITTED:
                payout.status = Payout.Status.PAID
                payout.settled_at = timezone.now()
                payout.save(update_fields=["status", "settled_at"])
                record_audit("payout.paid", tenant=payout.tenant, payout=payout.pk)
    return payout


def resubmit_stale_payouts(*, older_than_minutes: int = 10) -> int:
    """Send again payouts recorded but never sent (the processor was unreachable)."""
    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    sent = 0
    for payout_id in Payout.objects.filter(status=Payout.Status.PENDING, created_at__lte=cutoff).values_list(
        "pk", flat=True
    ):
        try:
            submit_payout(payout_id=payout_id)
            sent += 1
        except ProcessorError:
            continue
    return sent
