"""Recording money movements in the ledger. Each function writes one balanced transaction
inside its caller's transaction: the order service records a sale in the same atomic block
as the order (the tenant's search_path includes public), the payout service a payout in
the same block as the payout row.

Every movement has an idempotency key: recording it again returns the transaction
already written. Writers that draw on a balance (refunds, chargebacks, releases, fee
settlements, payouts) lock the reseller's book for the currency first (ledger.locking).

Rules kept by construction, and checked by the property test:
  - debits equal credits in every transaction, so per currency overall;
  - a transaction has one reseller and one currency; amounts never cross currencies;
  - held money (per time it becomes available), the available balance and the money the
    reseller collected itself never go below zero, except that a chargeback may take the
    available balance below zero (the processor takes disputed money whether or not it is
    there); refunds and payouts are refused when the balance cannot cover them;
  - platform fees are not refunded with a refund (the reseller bears them), so a refund
    of a processor sale can need more than the sale left after fees: the rest comes from
    the available balance.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from django.conf import settings
from django.db import connection
from django.utils import timezone

from billing.fees import SoldItem, fee_rules_for, platform_fee
from billing.ledger import selectors
from billing.ledger.errors import LedgerError, LedgerErrorCode
from billing.ledger.locking import lock_book
from billing.ledger.models import Account, Direction, LedgerEntry, LedgerTransaction, TransactionKind
from billing.payouts.selectors import holding_days_for
from billing.reseller import current_reseller
from core.money import Money
from tenants.models import Tenant


class CollectedBy(StrEnum):
    PROCESSOR = "processor"  # card payments: the money lands in the reseller's connected account
    RESELLER = "reseller"  # box office cash, bank transfer: the reseller holds the money itself


class SoldEvent(Protocol):
    @property
    def pk(self) -> Any: ...
    @property
    def name(self) -> str: ...
    @property
    def ends_at(self) -> datetime: ...


class SoldOrder(Protocol):
    """What the ledger reads of a paid order (ticketing.orders.Order fits)."""

    @property
    def pk(self) -> Any: ...
    @property
    def code(self) -> str: ...
    @property
    def currency(self) -> str: ...
    @property
    def total_minor(self) -> int: ...
    @property
    def event(self) -> SoldEvent: ...
    @property
    def lines(self) -> Any: ...  # a manager of lines with quantity, total_minor, ticket_type_id


class RefundMade(Protocol):
    @property
    def pk(self) -> Any: ...
    @property
    def amount_minor(self) -> int: ...
    @property
    def currency(self) -> str: ...


@dataclass(frozen=True)
class _Line:
    account: Account
    direction: Direction
    amount_minor: int
    available_on: datetime | None = None


def _debit(account: Account, amount: int, available_on: datetime | None = None) -> _Line:
    return _Line(account, Direction.DEBIT, amount, available_on)


def _credit(account: Account, amount: int, available_on: datetime | None = None) -> _Line:
    return _Line(account, Direction.CREDIT, amount, available_on)


def _require_transaction() -> None:
    if not connection.in_atomic_block:
        raise RuntimeError("Ledger entries are written inside the caller's transaction.")


def _existing(tenant: Tenant, key: str) -> LedgerTransaction | None:
    return LedgerTransaction.objects.filter(tenant=tenant, idempotency_key=key).first()


def _write(
    *,
    tenant: Tenant,
    currency: str,
    kind: TransactionKind,
    key: str,
    lines: Iterable[_Line],
    occurred_at: datetime | None = None,
    **fields: Any,
) -> LedgerTransaction:
    lines = [line for line in lines if line.amount_minor]
    debits = sum(line.amount_minor for line in lines if line.direction == Direction.DEBIT)
    credits = sum(line.amount_minor for line in lines if line.direction == Direction.CREDIT)
    if debits != credits or any(line.amount_minor < 0 for line in lines):
        raise AssertionError(f"Unbalanced ledger transaction {key}: {debits} ≠ {credits}")
    transaction = LedgerTransaction.objects.create(
        tenant=tenant,
        currency=currency,
        kind=kind,
        idempotency_key=key,
        occurred_at=occurred_at or timezone.now(),
        **fields,
    )
    LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(
                transaction=transaction,
                tenant=tenant,
                currency=currency,
                account=line.account,
                direction=line.direction,
                amount_minor=line.amount_minor,
                available_on=line.available_on,
            )
            for line in lines
        ]
    )
    return transaction


def available_on_for(*, tenant: Tenant, event_ends_at: datetime, now: datetime) -> datetime:
    """When money from a sale may be paid out: the holding period after the event ends.

    Capped, because a processor holding funds on manual payouts requires them paid out
    within a limit (Stripe: 90 days in most countries).
    """
    wanted = event_ends_at + timedelta(days=holding_days_for(tenant=tenant))
    latest = now + timedelta(days=settings.PAYOUT_MAX_HOLD_DAYS)
    return max(min(wanted, latest), now).replace(microsecond=0)


def sold_items(order: SoldOrder) -> list[SoldItem]:
    return [
        SoldItem(
            item_type="ticket" if line.ticket_type_id is not None else "addon",
            quantity=line.quantity,
            total=Money(line.total_minor, order.currency),
        )
        for line in order.lines.all()
    ]


def quote_platform_fee(*, order: SoldOrder, channel: str = "online", tenant: Tenant | None = None) -> Money:
    """The platform's fee on an order (Payments sends it as the charge's application fee)."""
    tenant = tenant or current_reseller()
    return platform_fee(
        rules=fee_rules_for(tenant=tenant), items=sold_items(order), channel=channel, currency=order.currency
    )


def tax_bands(order: SoldOrder) -> list[dict[str, Any]]:
    """An order's net and tax per jurisdiction and rate, as the ledger keeps them for tax summaries.

    Lines without tax fields (orders from before taxes, or value objects) count as untaxed.
    """
    jurisdiction = str(getattr(order, "tax_jurisdiction", "") or "")
    reverse_charge = bool(getattr(order, "reverse_charge", False))
    bands: dict[int, list[int]] = {}
    for line in order.lines.all():
        tax = int(getattr(line, "tax_minor", 0) or 0)
        gross = getattr(line, "gross_minor", None)
        net = (int(gross) - tax) if gross is not None else int(line.total_minor)
        band = bands.setdefault(int(getattr(line, "tax_rate_bp", 0) or 0), [0, 0])
        band[0] += net
        band[1] += tax
    return [
        {"jurisdiction": jurisdiction, "rate_bp": rate, "reverse_charge": reverse_charge, "net_minor": net,
         "tax_minor": tax}
        for rate, (net, tax) in sorted(bands.items(), reverse=True)
    ]  # fmt: skip


def record_sale(
    *,
    order: SoldOrder,
    collected_by: CollectedBy,
    channel: str = "online",
    processor_fee_minor: int = 0,
    platform_fee_minor: int | None = None,
    provider_reference: str = "",
    occurred_at: datetime | None = None,
) -> LedgerTransaction | None:
    """Record a paid order with the platform's and the processor's fees; None for a free order.

    Called inside the order service's transaction where an order becomes paid.
    ``platform_fee_minor`` overrides the quote with what the processor actually collected.
    """
    _require_transaction()
    tenant = current_reseller()
    key = f"sale:order:{order.pk}"
    existing = _existing(tenant, key)
    if existing is not None:
        return existing
    currency, gross = order.currency, order.total_minor
    if gross < 0 or processor_fee_minor < 0 or (platform_fee_minor or 0) < 0:
        raise LedgerError(LedgerErrorCode.INVALID_AMOUNT, "Sale amounts and fees cannot be negative.")
    if gross == 0:
        return None
    if processor_fee_minor > gross:
        raise LedgerError(LedgerErrorCode.INVALID_AMOUNT, "The processor's fee exceeds the sale.")
    if collected_by == CollectedBy.RESELLER and processor_fee_minor:
        raise LedgerError(
            LedgerErrorCode.INVALID_AMOUNT, "Money the reseller collected carries no processor fee."
        )
    fee = (
        platform_fee_minor
        if platform_fee_minor is not None
        else quote_platform_fee(order=order, channel=channel, tenant=tenant).amount_minor
    )
    fee = min(fee, gross - processor_fee_minor)  # the fee never exceeds what the sale leaves
    now = timezone.now()
    if collected_by == CollectedBy.PROCESSOR:
        held_until = available_on_for(tenant=tenant, event_ends_at=order.event.ends_at, now=now)
        lines = [
            _debit(Account.PENDING, gross, held_until),
            _credit(Account.SALES, gross),
            _debit(Account.PLATFORM_FEES, fee),
            _credit(Account.PENDING, fee, held_until),
            _debit(Account.PROCESSOR_FEES, processor_fee_minor),
            _credit(Account.PENDING, processor_fee_minor, held_until),
        ]
    else:
        held_until = None
        lines = [
            _debit(Account.RESELLER_COLLECTED, gross),
            _credit(Account.SALES, gross),
            _debit(Account.PLATFORM_FEES, fee),
            _credit(Account.FEES_DUE, fee),
        ]
    return _write(
        tenant=tenant,
        currency=currency,
        kind=TransactionKind.SALE,
        key=key,
        lines=lines,
        occurred_at=occurred_at or now,
        source_type="order",
        source_id=order.pk,
        source_code=order.code,
        event_id=order.event.pk,
        event_name=order.event.name[:200],
        channel=channel,
        provider_reference=provider_reference,
        details={
            "collected_by": str(collected_by),
            "available_on": held_until.isoformat() if held_until else None,
            "platform_fee_minor": fee,
            "processor_fee_minor": processor_fee_minor,
            "tax": tax_bands(order),
        },
    )


def _draw_from_sale(
    *, tenant: Tenant, sale: LedgerTransaction, amount: int, allow_negative: bool, what: str
) -> list[_Line]:
    """Credits taking ``amount`` out of what is still held of the sale, then out of the available balance."""
    held_until = datetime.fromisoformat(sale.details["available_on"])
    held = selectors.pending_bucket(
        tenant=tenant, currency=sale.currency, available_on=held_until
    ).amount_minor
    from_held = max(0, min(amount, held))
    rest = amount - from_held
    if rest and not allow_negative:
        available = selectors.balances(tenant=tenant, currency=sale.currency).available.amount_minor
        if rest > available:
            raise LedgerError(
                LedgerErrorCode.INSUFFICIENT_BALANCE,
                f"The balance cannot cover this {what}: {Money(rest, sale.currency)} more is needed than "
                f"{Money(max(available, 0), sale.currency)} available. Nothing was changed.",
                extra={"needed_minor": rest, "available_minor": available},
            )
    return [_credit(Account.PENDING, from_held, held_until), _credit(Account.AVAILABLE, rest)]


def _sale_for(tenant: Tenant, order_id: int, currency: str) -> LedgerTransaction:
    sale = selectors.sale_transaction(tenant=tenant, order_id=order_id)
    if sale is None:
        raise LedgerError(
            LedgerErrorCode.SALE_NOT_RECORDED,
            "This order's sale is not in the ledger, so it cannot be refunded here.",
        )
    if sale.currency != currency:
        raise LedgerError(
            LedgerErrorCode.CURRENCY_MISMATCH, f"The order was paid in {sale.currency}, not {currency}."
        )
    return sale


def record_refund(
    *,
    order: SoldOrder,
    refund: RefundMade,
    provider_reference: str = "",
    occurred_at: datetime | None = None,
    tax: list[dict[str, Any]] | None = None,
) -> LedgerTransaction | None:
    """Record money given back to a buyer (in the refund service's transaction); None: nothing moved.

    ``tax``: the refund's net and tax per rate (as ``tax_bands`` gives them) for tax summaries;
    without it the refund reduces the untaxed turnover.
    """
    _require_transaction()
    if refund.amount_minor < 0:
        raise LedgerError(LedgerErrorCode.INVALID_AMOUNT, "A refund cannot be negative.")
    if refund.amount_minor == 0:
        return None
    tenant = current_reseller()
    key = f"refund:{refund.pk}"
    sale = _sale_for(tenant, order.pk, refund.currency)
    lock_book(tenant=tenant, currency=sale.currency)
    existing = _existing(tenant, key)
    if existing is not None:
        return existing
    gross = sale.entries.get(account=Account.SALES).amount_minor
    already = selectors.refunded_on_sale(tenant=tenant, order_id=order.pk)
    if already + refund.amount_minor > gross:
        raise LedgerError(
            LedgerErrorCode.REFUND_EXCEEDS_SALE,
            f"Refunds would exceed the sale: {Money(gross - already, sale.currency)} is left to refund.",
        )
    amount = refund.amount_minor
    if sale.details["collected_by"] == CollectedBy.RESELLER:
        sources = [_credit(Account.RESELLER_COLLECTED, amount)]
    else:
        sources = _draw_from_sale(
            tenant=tenant, sale=sale, amount=amount, allow_negative=False, what="refund"
        )
    return _write(
        tenant=tenant,
        currency=sale.currency,
        kind=TransactionKind.REFUND,
        key=key,
        lines=[_debit(Account.REFUNDS, amount), *sources],
        occurred_at=occurred_at,
        source_type="order",
        source_id=order.pk,
        source_code=order.code,
        event_id=sale.event_id,
        event_name=sale.event_name,
        channel=sale.channel,
        provider_reference=provider_reference,
        details={"collected_by": sale.details["collected_by"], "refund_id": refund.pk, "tax": tax or []},
    )


def record_chargeback(
    *,
    tenant: Tenant,
    order_id: int,
    amount: Money,
    dispute_fee: Money,
    dispute_id: str,
    occurred_at: datetime | None = None,
) -> LedgerTransaction:
    """Record a lost dispute: the processor took the money and its fee, whether or not the balance had it."""
    _require_transaction()
    if amount.currency != dispute_fee.currency:
        raise LedgerError(LedgerErrorCode.CURRENCY_MISMATCH, "A chargeback and its fee are in one currency.")
    if amount.amount_minor <= 0 or dispute_fee.amount_minor < 0:
        raise LedgerError(LedgerErrorCode.INVALID_AMOUNT, "A chargeback takes a positive amount.")
    sale = _sale_for(tenant, order_id, amount.currency)
    if sale.details["collected_by"] != CollectedBy.PROCESSOR:
        raise LedgerError(LedgerErrorCode.NOT_PROCESSOR_SALE, "Only card payments can be charged back.")
    lock_book(tenant=tenant, currency=amount.currency)
    key = f"chargeback:{dispute_id}"
    existing = _existing(tenant, key)
    if existing is not None:
        return existing
    taken = amount.amount_minor + dispute_fee.amount_minor
    sources = _draw_from_sale(tenant=tenant, sale=sale, amount=taken, allow_negative=True, what="chargeback")
    return _write(
        tenant=tenant,
        currency=amount.currency,
        kind=TransactionKind.CHARGEBACK,
        key=key,
        lines=[_debit(Account.CHARGEBACKS, taken), *sources],
        occurred_at=occurred_at,
        source_type="order",
        source_id=order_id,
        source_code=sale.source_code,
        event_id=sale.event_id,
        event_name=sale.event_name,
        provider_reference=dispute_id,
        details={"amount_minor": amount.amount_minor, "dispute_fee_minor": dispute_fee.amount_minor},
    )


def release_matured_funds(*, tenant: Tenant, currency: str, now: datetime) -> LedgerTransaction | None:
    """Move held money whose holding period has passed to the available balance (None: nothing to move)."""
    _require_transaction()
    lock_book(tenant=tenant, currency=currency)
    matured = selectors.matured_buckets(tenant=tenant, currency=currency, now=now)
    buckets = [(held_until, amount) for held_until, amount in matured if amount > 0]
    if not buckets:
        return None
    total = sum(amount for _, amount in buckets)
    # Numbered under the book's lock: each release is a movement of its own.
    number = LedgerTransaction.objects.filter(
        tenant=tenant, currency=currency, kind=TransactionKind.RELEASE
    ).count()
    return _write(
        tenant=tenant,
        currency=currency,
        kind=TransactionKind.RELEASE,
        key=f"release:{currency}:{number + 1}",
        lines=[_debit(Account.AVAILABLE, total)]
        + [_credit(Account.PENDING, amount, held_until) for held_until, amount in buckets],
        occurred_at=now,
    )


def settle_fees_due(*, tenant: Tenant, currency: str, key: str, now: datetime) -> LedgerTransaction | None:
    """Take platform fees owed on reseller-collected sales out of the available balance, as far as it goes."""
    _require_transaction()
    lock_book(tenant=tenant, currency=currency)
    existing = _existing(tenant, f"fee_settlement:{key}")
    if existing is not None:
        return existing
    current = selectors.balances(tenant=tenant, currency=currency)
    amount = min(current.fees_due.amount_minor, current.available.amount_minor)
    if amount <= 0:
        return None
    return _write(
        tenant=tenant,
        currency=currency,
        kind=TransactionKind.FEE_SETTLEMENT,
        key=f"fee_settlement:{key}",
        lines=[_debit(Account.FEES_DUE, amount), _credit(Account.AVAILABLE, amount)],
        occurred_at=now,
    )


def record_payout(*, tenant: Tenant, amount: Money, key: str, now: datetime) -> LedgerTransaction:
    """Move money from the available balance to the reseller's bank; refused beyond what is available."""
    _require_transaction()
    if amount.amount_minor <= 0:
        raise LedgerError(LedgerErrorCode.INVALID_AMOUNT, "A payout moves a positive amount.")
    lock_book(tenant=tenant, currency=amount.currency)
    existing = _existing(tenant, f"payout:{key}")
    if existing is not None:
        return existing
    available = selectors.balances(tenant=tenant, currency=amount.currency).available
    if amount.amount_minor > available.amount_minor:
        raise LedgerError(
            LedgerErrorCode.INSUFFICIENT_BALANCE,
            f"A payout of {amount} exceeds the available balance of {available}.",
            extra={"available_minor": available.amount_minor},
        )
    return _write(
        tenant=tenant,
        currency=amount.currency,
        kind=TransactionKind.PAYOUT,
        key=f"payout:{key}",
        lines=[_debit(Account.PAYOUTS, amount.amount_minor), _credit(Account.AVAILABLE, amount.amount_minor)],
        occurred_at=now,
        source_type="payout",
    )


def reverse_payout(*, tenant: Tenant, amount: Money, key: str, now: datetime) -> LedgerTransaction:
    """A payout failed: its money is back in the available balance."""
    _require_transaction()
    lock_book(tenant=tenant, currency=amount.currency)
    existing = _existing(tenant, f"payout_reversal:{key}")
    if existing is not None:
        return existing
    return _write(
        tenant=tenant,
        currency=amount.currency,
        kind=TransactionKind.PAYOUT_REVERSAL,
        key=f"payout_reversal:{key}",
        lines=[_debit(Account.AVAILABLE, amount.amount_minor), _credit(Account.PAYOUTS, amount.amount_minor)],
        occurred_at=now,
        source_type="payout",
    )


def reverse_fee_settlement(*, tenant: Tenant, amount: Money, key: str, now: datetime) -> LedgerTransaction:
    """Collecting fees due failed at the processor: they are owed again, and the money is back."""
    _require_transaction()
    lock_book(tenant=tenant, currency=amount.currency)
    existing = _existing(tenant, f"fee_settlement_reversal:{key}")
    if existing is not None:
        return existing
    return _write(
        tenant=tenant,
        currency=amount.currency,
        kind=TransactionKind.FEE_SETTLEMENT,
        key=f"fee_settlement_reversal:{key}",
        lines=[
            _debit(Account.AVAILABLE, amount.amount_minor),
            _credit(Account.FEES_DUE, amount.amount_minor),
        ],
        occurred_at=now,
    )
