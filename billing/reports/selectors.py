"""Figures for reports, read as sums over the ledger (public schema).

Statements never read a reseller's own tables: the ledger keeps, for each sale, the
event's id and name as they were, so per-event statements and the platform's reports
are aggregates of ledger entries. Periods are whole days in UTC, both ends included.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum

from billing.ledger.models import Account, Direction, LedgerEntry, LedgerTransaction, TransactionKind
from billing.ledger.selectors import sale_transaction
from billing.payouts.models import Payout
from core.money import Money
from tenants.models import Tenant

COLUMNS = ("gross_sales", "refunds", "chargebacks", "platform_fees", "processor_fees", "net")
TAX_COLUMNS = ("net_sales", "tax", "gross")
COLUMN_LABELS = {
    "gross_sales": "Gross sales",
    "refunds": "Refunds",
    "chargebacks": "Chargebacks",
    "platform_fees": "Platform fees",
    "processor_fees": "Card fees",
    "net": "Net",
    "net_sales": "Net",
    "tax": "Tax",
    "gross": "Gross",
}


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return datetime.combine(start, time.min, tzinfo=UTC), datetime.combine(
        end + timedelta(days=1), time.min, tzinfo=UTC
    )


@dataclass
class StatementRow:
    label: str
    currency: str
    amounts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COLUMNS, 0))

    def money(self, column: str) -> Money:
        return Money(self.amounts[column], self.currency)

    def add(self, account: str, direction: str, amount: int) -> None:
        signed = amount if direction == Direction.DEBIT else -amount
        if account == Account.SALES:
            self.amounts["gross_sales"] -= signed
        elif account == Account.REFUNDS:
            self.amounts["refunds"] += signed
        elif account == Account.CHARGEBACKS:
            self.amounts["chargebacks"] += signed
        elif account == Account.PLATFORM_FEES:
            self.amounts["platform_fees"] += signed
        elif account == Account.PROCESSOR_FEES:
            self.amounts["processor_fees"] += signed
        else:
            return
        a = self.amounts
        a["net"] = (
            a["gross_sales"] - a["refunds"] - a["chargebacks"] - a["platform_fees"] - a["processor_fees"]
        )


@dataclass
class Statement:
    title: str
    period_start: date
    period_end: date
    rows: list[StatementRow]
    totals: list[StatementRow]
    notes: list[str] = field(default_factory=list)
    columns: tuple[str, ...] = COLUMNS


def _entries(tenant: Tenant | None, start: datetime, end: datetime) -> QuerySet[LedgerEntry]:
    entries = LedgerEntry.objects.filter(
        transaction__occurred_at__gte=start, transaction__occurred_at__lt=end
    )
    return entries.filter(tenant=tenant) if tenant is not None else entries


def _rows(entries: QuerySet[LedgerEntry], *group: str) -> dict[tuple[object, ...], StatementRow]:
    rows: dict[tuple[object, ...], StatementRow] = {}
    grouped = (
        entries.values(*group, "currency", "account", "direction")
        .annotate(total=Sum("amount_minor"))
        .order_by()
    )
    for item in grouped:
        key = (*(item[name] for name in group), item["currency"])
        if key not in rows:
            rows[key] = StatementRow(
                label=str(item[group[-1]] or "—") if group else "", currency=item["currency"]
            )
        rows[key].add(item["account"], item["direction"], int(item["total"]))
    return rows


def _totals(rows: list[StatementRow], columns: tuple[str, ...] = COLUMNS) -> list[StatementRow]:
    totals: dict[str, StatementRow] = {}
    for row in rows:
        total = totals.setdefault(
            row.currency,
            StatementRow(
                label=f"Total {row.currency}", currency=row.currency, amounts=dict.fromkeys(columns, 0)
            ),
        )
        for column in columns:
            total.amounts[column] += row.amounts[column]
    return [totals[currency] for currency in sorted(totals)]


def sales_statement(*, tenant: Tenant, start: date, end: date) -> Statement:
    """Per event and currency: sales, refunds, chargebacks, fees and net, for the period."""
    rows = _rows(
        _entries(tenant, *period_bounds(start, end)).exclude(transaction__event_id=None),
        "transaction__event_id",
        "transaction__event_name",
    )
    ordered = sorted(rows.values(), key=lambda row: (row.currency, row.label))
    return Statement("Sales statement", start, end, ordered, _totals(ordered))


def tax_summary(*, tenant: Tenant, start: date, end: date) -> Statement:
    """Turnover per currency, tax jurisdiction and rate: net, tax and gross, sales less refunds.

    Read from the tax breakdown the ledger keeps on each sale and refund (never from the
    reseller's order rows). A refund recorded without one is shared over its sale's rates
    in proportion; sales from before taxes count as untaxed.
    """
    period = period_bounds(start, end)
    transactions = LedgerTransaction.objects.filter(
        tenant=tenant,
        kind__in=(TransactionKind.SALE, TransactionKind.REFUND),
        occurred_at__gte=period[0],
        occurred_at__lt=period[1],
    ).prefetch_related("entries")
    rows: dict[tuple[str, str, bool, int], StatementRow] = {}
    for movement in transactions:
        sign = 1 if movement.kind == TransactionKind.SALE else -1
        for band in _bands_of(tenant, movement):
            key = (movement.currency, band["jurisdiction"], bool(band.get("reverse_charge")), band["rate_bp"])
            row = rows.setdefault(
                key,
                StatementRow(
                    label=_band_label(*key[1:]),
                    currency=movement.currency,
                    amounts=dict.fromkeys(TAX_COLUMNS, 0),
                ),
            )
            row.amounts["net_sales"] += sign * band["net_minor"]
            row.amounts["tax"] += sign * band["tax_minor"]
            row.amounts["gross"] += sign * (band["net_minor"] + band["tax_minor"])
    ordered = [rows[key] for key in sorted(rows, key=lambda key: (key[0], key[1], key[2], -key[3]))]
    return Statement(
        "Tax summary",
        start,
        end,
        ordered,
        _totals(ordered, TAX_COLUMNS),
        notes=[
            "Per tax jurisdiction and rate: net turnover, tax and gross (what buyers paid), "
            "sales less refunds.",
            "Reverse-charge sales carry no tax: the business buyer accounts for it.",
            "Platform fees are the platform's service to you and are invoiced separately.",
        ],
        columns=TAX_COLUMNS,
    )


def _band_label(jurisdiction: str, reverse_charge: bool, rate_bp: int) -> str:
    if not jurisdiction:
        return "No tax rules"
    if reverse_charge:
        return f"{jurisdiction} reverse charge"
    return f"{jurisdiction} {Decimal(rate_bp) / 100:f}".rstrip("0").rstrip(".") + " %"


def _bands_of(tenant: Tenant, movement: LedgerTransaction) -> list[dict[str, Any]]:
    gross = _gross_of(movement)
    bands = movement.details.get("tax")
    if bands:
        return list(bands)
    if movement.kind == TransactionKind.REFUND and movement.source_id is not None:
        sale = sale_transaction(tenant=tenant, order_id=movement.source_id)
        sale_bands = list(sale.details.get("tax") or []) if sale is not None else []
        if sale_bands:
            return _shared(gross, sale_bands)
    return [{"jurisdiction": "", "rate_bp": 0, "reverse_charge": False, "net_minor": gross, "tax_minor": 0}]


def _gross_of(movement: LedgerTransaction) -> int:
    account = Account.SALES if movement.kind == TransactionKind.SALE else Account.REFUNDS
    return sum(entry.amount_minor for entry in movement.entries.all() if entry.account == account)


def _shared(amount: int, bands: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``amount`` spread over ``bands`` in proportion to their gross, net and tax alike (floors, the
    rest to the first band), so the shares add up exactly."""
    whole = sum(band["net_minor"] + band["tax_minor"] for band in bands) or 1
    shared = []
    for band in bands:
        gross = amount * (band["net_minor"] + band["tax_minor"]) // whole
        tax = amount * band["tax_minor"] // whole
        shared.append({**band, "net_minor": gross - tax, "tax_minor": tax})
    shared[0]["net_minor"] += amount - sum(band["net_minor"] + band["tax_minor"] for band in shared)
    return shared


def payout_statement(*, payout: Payout) -> Statement:
    """What a payout paid out, and the ledger activity per event since the previous payout."""
    start = payout.covers_from or datetime(2000, 1, 1, tzinfo=UTC)
    entries = LedgerEntry.objects.filter(
        tenant=payout.tenant,
        currency=payout.currency,
        transaction__occurred_at__gte=start,
        transaction__occurred_at__lt=payout.created_at,
    ).exclude(transaction__event_id=None)
    rows = _rows(entries, "transaction__event_id", "transaction__event_name")
    ordered = sorted(rows.values(), key=lambda row: row.label)
    notes = [f"Paid out: {payout.amount} ({payout.get_status_display()}), period {payout.period}."]
    if payout.fees_settled_minor:
        notes.append(
            "Platform fees on sales you collected yourself: "
            f"{Money(payout.fees_settled_minor, payout.currency)}."
        )
    return Statement(
        "Payout statement",
        start.date() if payout.covers_from else payout.created_at.date(),
        payout.created_at.date(),
        ordered,
        _totals(ordered),
        notes,
    )


@dataclass(frozen=True)
class PlatformFigures:
    """Per reseller and currency: GMV, refunds, platform fees (the platform's revenue), payouts."""

    tenant_name: str
    currency: str
    gmv: Money
    refunds: Money
    platform_fees: Money
    processor_fees: Money
    payouts: Money


def platform_figures(*, start: date, end: date) -> list[PlatformFigures]:
    """Aggregates over every reseller's ledger for the platform's admins (never a tenant's own rows)."""
    sums: dict[tuple[int, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    grouped = (
        _entries(None, *period_bounds(start, end))
        .values("tenant_id", "currency", "account", "direction")
        .annotate(total=Sum("amount_minor"))
        .order_by()
    )
    for item in grouped:
        signed = int(item["total"]) if item["direction"] == Direction.DEBIT else -int(item["total"])
        sums[(item["tenant_id"], item["currency"])][item["account"]] += signed
    names = dict(Tenant.objects.filter(pk__in={key[0] for key in sums}).values_list("pk", "name"))
    figures = [
        PlatformFigures(
            tenant_name=names.get(tenant_id, str(tenant_id)),
            currency=currency,
            gmv=Money(-values[Account.SALES], currency),
            refunds=Money(values[Account.REFUNDS], currency),
            platform_fees=Money(values[Account.PLATFORM_FEES], currency),
            processor_fees=Money(values[Account.PROCESSOR_FEES], currency),
            payouts=Money(values[Account.PAYOUTS], currency),
        )
        for (tenant_id, currency), values in sums.items()
    ]
    return sorted(figures, key=lambda figure: (figure.currency, figure.tenant_name))
