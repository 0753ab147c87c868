"""Invoice reads for the buyer's order page and the back office."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet

from ticketing.invoices.models import Invoice
from ticketing.orders.models import Order


def invoices_of(order: Order) -> QuerySet[Invoice]:
    return Invoice.objects.filter(order=order).order_by("issued_at", "pk")


def invoice_of_order(order: Order, pk: int) -> Invoice | None:
    return Invoice.objects.filter(order=order, pk=pk).prefetch_related("lines").first()


@dataclass(frozen=True)
class TaxBand:
    """One rate's share of a document: what tax summaries and invoices list per rate."""

    rate_bp: int
    net_minor: int
    tax_minor: int

    @property
    def gross_minor(self) -> int:
        return self.net_minor + self.tax_minor


def tax_bands(lines: object) -> list[TaxBand]:
    """Net and tax per rate of lines that carry tax_rate_bp, net_minor and tax_minor, highest rate first."""
    net: dict[int, int] = defaultdict(int)
    tax: dict[int, int] = defaultdict(int)
    for line in lines:  # type: ignore[attr-defined]
        net[line.tax_rate_bp] += line.net_minor
        tax[line.tax_rate_bp] += line.tax_minor
    return [TaxBand(rate, net[rate], tax[rate]) for rate in sorted(net, reverse=True)]
