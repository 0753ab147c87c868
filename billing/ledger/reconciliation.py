"""Daily reconciliation: the ledger against the processor, balance by balance and movement by movement.

Per reseller with a payout account:

- **Balances.** Per currency, what the ledger says the processor holds (pending +
  available) must equal the connected account's balance (available + pending).
- **Movements.** Every balance transaction of the account in the last
  ``MOVEMENT_WINDOW`` (a charge, refund, dispute, payout, returned payout or fee transfer)
  must have its counterpart in the ledger (or in the payout it belongs to) with the same
  amount. A movement the ledger lacks, or one whose amount differs, is a mismatch naming
  the processor's object. The window overlaps the previous day's run, so a day the task
  did not run is still covered; a mismatch that lasts is reported again, on purpose.

Every difference, and every account that could not be read, is stored as a mismatch of
the run (the console's reconciliation pages) and mailed after commit to the platform's
admins: PLATFORM_ADMIN_EMAILS, else every active platform superuser.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import User
from billing.ledger import selectors
from billing.ledger.models import (
    Account,
    LedgerEntry,
    LedgerTransaction,
    ReconciliationMismatch,
    ReconciliationRun,
    TransactionKind,
)
from billing.payouts.models import Payout, PayoutAccount
from billing.processor import connect
from billing.processor.errors import ProcessorError
from core.money import Money
from core.side_effects import enqueue_after_commit
from core.tasks import send_email
from tenants.models import Tenant

logger = logging.getLogger(__name__)

MOVEMENT_WINDOW = timedelta(days=2)
Kind = ReconciliationMismatch.Kind

# Balance transaction types, as Stripe names them, and what the ledger records for each.
SALE_TYPES = {"charge", "payment"}
REFUND_TYPES = {"refund", "payment_refund"}
PAYOUT_TYPES = {"payout"}
RETURNED_PAYOUT_TYPES = {"payout_failure", "payout_cancel"}
FEE_TRANSFER_TYPES = {"transfer"}


def reconcile_with_provider(*, now: datetime | None = None) -> ReconciliationRun:
    """Compare every connected account with the ledger; store and report the differences."""
    now = now or timezone.now()
    found: list[ReconciliationMismatch] = []
    accounts = list(PayoutAccount.objects.select_related("tenant").order_by("tenant_id"))
    for account in accounts:
        try:
            found.extend(_balance_mismatches(account))
            found.extend(_movement_mismatches(account, since=now - MOVEMENT_WINDOW))
        except ProcessorError as error:
            found.append(
                ReconciliationMismatch(
                    tenant=account.tenant, kind=Kind.PROVIDER_ERROR, detail=error.message[:300]
                )
            )
    with transaction.atomic(durable=True):
        run = ReconciliationRun.objects.create(
            accounts_checked=len(accounts), mismatch_count=len(found), finished_at=timezone.now()
        )
        for mismatch in found:
            mismatch.run = run
        ReconciliationMismatch.objects.bulk_create(found)
        if found:
            _report(run, found)
    return run


def _balance_mismatches(account: PayoutAccount) -> list[ReconciliationMismatch]:
    tenant = account.tenant
    provider = connect.retrieve_balance(account_id=account.provider_account_id)
    found = []
    for currency in sorted(provider.currencies | set(selectors.currencies_of(tenant=tenant))):
        ledger = selectors.balances(tenant=tenant, currency=currency).at_processor
        held = provider.total(currency)
        if ledger != held:
            found.append(
                ReconciliationMismatch(
                    tenant=tenant,
                    currency=currency,
                    ledger_minor=ledger.amount_minor,
                    provider_minor=held.amount_minor,
                )
            )
    return found


def _movement_mismatches(account: PayoutAccount, *, since: datetime) -> list[ReconciliationMismatch]:
    tenant = account.tenant
    movements = connect.list_balance_transactions(account_id=account.provider_account_id, created_from=since)
    return [mismatch for movement in movements if (mismatch := _check_movement(tenant, movement)) is not None]


def _ledger_amount(
    tenant: Tenant, kind: str, reference: str, accounts: Iterable[Account], currency: str
) -> int | None:
    """The amount the ledger booked for the processor's object ``reference`` (None: not booked)."""
    booked = LedgerTransaction.objects.filter(
        tenant=tenant, kind=kind, provider_reference=reference, currency=currency
    )
    if not booked.exists():
        return None
    total = LedgerEntry.objects.filter(transaction__in=booked, account__in=list(accounts)).aggregate(
        total=Sum("amount_minor")
    )["total"]
    return int(total or 0)


def _check_movement(
    tenant: Tenant, movement: connect.ProviderBalanceTransaction
) -> ReconciliationMismatch | None:
    """The ledger's counterpart of one processor movement: None when it agrees, else the mismatch."""
    kind, source, currency = movement.type, movement.source, movement.amount.currency
    provider_minor = movement.amount.amount_minor
    ledger_minor: int | None
    if kind in SALE_TYPES:
        ledger_minor = _ledger_amount(tenant, TransactionKind.SALE, source, [Account.SALES], currency)
    elif kind in REFUND_TYPES:
        booked = _ledger_amount(tenant, TransactionKind.REFUND, source, [Account.REFUNDS], currency)
        ledger_minor = None if booked is None else -booked
    elif kind == "adjustment" and movement.reporting_category == "dispute":
        # The ledger books the disputed amount and the dispute fee together; Stripe's fee is the latter.
        provider_minor -= movement.fee.amount_minor
        booked = _ledger_amount(tenant, TransactionKind.CHARGEBACK, source, [Account.CHARGEBACKS], currency)
        ledger_minor = None if booked is None else -booked
    elif kind in PAYOUT_TYPES | RETURNED_PAYOUT_TYPES:
        payout = Payout.objects.filter(tenant=tenant, provider_payout_id=source, currency=currency).first()
        if payout is not None and kind in RETURNED_PAYOUT_TYPES and payout.status != Payout.Status.FAILED:
            return _mismatch(
                tenant, movement, Kind.AMOUNT, ledger_minor=0,
                detail=f"the processor returned payout {source}; the ledger still counts it paid out",
            )  # fmt: skip
        sign = -1 if kind in PAYOUT_TYPES else 1
        ledger_minor = None if payout is None else sign * payout.amount_minor
    elif kind in FEE_TRANSFER_TYPES:
        payout = Payout.objects.filter(
            tenant=tenant, provider_fee_transfer_id=source, currency=currency
        ).first()
        ledger_minor = None if payout is None else -payout.fees_settled_minor
    else:
        return None  # movements the ledger does not book one by one (processor fees, reserves)
    if ledger_minor is None:
        return _mismatch(
            tenant, movement, Kind.UNMATCHED, ledger_minor=0,
            detail=f"{kind} {source} of {movement.amount} on {movement.created:%Y-%m-%d} "
            "is not in the ledger",
        )  # fmt: skip
    if ledger_minor != provider_minor:
        return _mismatch(
            tenant, movement, Kind.AMOUNT, ledger_minor=ledger_minor,
            detail=f"{kind} {source}: ledger {Money(ledger_minor, currency)}, "
            f"processor {Money(provider_minor, currency)}",
        )  # fmt: skip
    return None


def _mismatch(
    tenant: Tenant, movement: connect.ProviderBalanceTransaction, kind: str, *, ledger_minor: int, detail: str
) -> ReconciliationMismatch:
    return ReconciliationMismatch(
        tenant=tenant,
        kind=kind,
        currency=movement.amount.currency,
        ledger_minor=ledger_minor,
        provider_minor=movement.amount.amount_minor,
        provider_reference=movement.id,
        detail=detail[:300],
    )


def admin_recipients() -> list[str]:
    """Who hears of mismatches: PLATFORM_ADMIN_EMAILS, else the platform's active superusers."""
    if settings.PLATFORM_ADMIN_EMAILS:
        return list(settings.PLATFORM_ADMIN_EMAILS)
    return sorted(User.objects.filter(is_superuser=True, is_active=True).values_list("email", flat=True))


def _report(run: ReconciliationRun, found: list[ReconciliationMismatch]) -> None:
    lines = []
    for mismatch in found:
        if mismatch.kind == Kind.PROVIDER_ERROR:
            lines.append(f"- {mismatch.tenant}: processor not readable ({mismatch.detail})")
        elif mismatch.kind == Kind.BALANCE:
            ledger = Money(mismatch.ledger_minor, mismatch.currency)
            held = Money(mismatch.provider_minor, mismatch.currency)
            lines.append(f"- {mismatch.tenant} {mismatch.currency}: ledger {ledger}, processor {held}")
        else:
            lines.append(f"- {mismatch.tenant}: {mismatch.detail} ({mismatch.provider_reference})")
    logger.warning("Ledger reconciliation found %d mismatch(es):\n%s", len(found), "\n".join(lines))
    recipients = admin_recipients()
    if recipients:
        enqueue_after_commit(
            send_email,
            to=recipients,
            subject=f"Ledger reconciliation: {len(found)} mismatch(es)",
            body="The ledger and the payment processor disagree:\n\n"
            + "\n".join(lines)
            + f"\n\nDetails: the console's reconciliation run {run.pk}.\n",
        )
