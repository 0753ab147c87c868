"""Daily reconciliation: the ledger's view of each reseller's processor balance against the processor's.

Per reseller with a payout account and per currency, what the ledger says the processor
holds (pending + available) must equal the connected account's balance (available +
pending). Every difference, and every account that could not be read, is stored as a
mismatch of the run and mailed to the platform's admins after commit.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from billing.ledger import selectors
from billing.ledger.models import ReconciliationMismatch, ReconciliationRun
from billing.payouts.models import PayoutAccount
from billing.processor import connect
from billing.processor.errors import ProcessorError
from core.money import Money
from core.side_effects import enqueue_after_commit
from core.tasks import send_email

logger = logging.getLogger(__name__)


def reconcile_with_provider() -> ReconciliationRun:
    """Compare every connected account's balance with the ledger; store and report the differences."""
    found: list[ReconciliationMismatch] = []
    accounts = list(PayoutAccount.objects.select_related("tenant").order_by("tenant_id"))
    for account in accounts:
        tenant = account.tenant
        try:
            provider = connect.retrieve_balance(account_id=account.provider_account_id)
        except ProcessorError as error:
            found.append(
                ReconciliationMismatch(
                    tenant=tenant, kind=ReconciliationMismatch.Kind.PROVIDER_ERROR, detail=error.message[:300]
                )
            )
            continue
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


def _report(run: ReconciliationRun, found: list[ReconciliationMismatch]) -> None:
    lines = []
    for mismatch in found:
        if mismatch.kind == ReconciliationMismatch.Kind.PROVIDER_ERROR:
            lines.append(f"- {mismatch.tenant}: processor not readable ({mismatch.detail})")
        else:
            ledger = Money(mismatch.ledger_minor, mismatch.currency)
            held = Money(mismatch.provider_minor, mismatch.currency)
            lines.append(f"- {mismatch.tenant} {mismatch.currency}: ledger {ledger}, processor {held}")
    logger.warning("Ledger reconciliation found %d mismatch(es):\n%s", len(found), "\n".join(lines))
    if settings.PLATFORM_ADMIN_EMAILS:
        enqueue_after_commit(
            send_email,
            to=list(settings.PLATFORM_ADMIN_EMAILS),
            subject=f"Ledger reconciliation: {len(found)} mismatch(es)",
            body="The ledger and the payment processor disagree:\n\n" + "\n".join(lines) + "\n",
        )
