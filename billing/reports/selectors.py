"""Figures for reports, read as sums over the ledger (public schema).

Statements never read a reseller's own tables: the ledger keeps, for each sale, the
event's id and name as they were, so per-event statements and the platform's reports
are aggregates of ledger entries. Periods are whole days in UTC, both ends included.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import QuerySet, Sum

from billing.ledger.models import Account, Direction, LedgerEntry
from billing.payouts.models import Payout
from core.money import Money
from tenants.models import Tenant

COLUMNS = ("gross_sales", "refunds", "chargebacks", "platform_fees", "processor_fees", "net")
COLUMN_LABELS = {
    "gross_sales": "Gross sales",
    "refunds": "Refunds",
    "chargebacks": "Chargebacks",
    "platform_fees": "Platform fees",
    "processor_fees": "Card fees",
    "net": "Net",
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


def _totals(rows: list[StatementRow]) -> list[StatementRow]:
    totals: dict[str, StatementRow] = {}
    for row in rows:
        total = totals.setdefault(
            row.currency, StatementRow(label=f"Total {row.currency}", currency=row.currency)
        )
        for column in COLUMNS:
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
    """Turnover per currency and sales channel; ticket prices include any tax."""
    rows = _rows(
        _entries(tenant, *period_bounds(start, end)).exclude(transaction__event_id=None),
        "transaction__channel",
    )
    ordered = sorted(rows.values(), key=lambda row: (row.currency, row.label))
    return Statement(
        "Tax summary",
        start,
        end,
        ordered,
        _totals(ordered),
        notes=[
            "Gross sales are the prices buyers paid, tax included; refunds and chargebacks reduce turnover.",
            "Platform fees are the platform's service to you and are invoiced separately.",
        ],
    )


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
