"""The invoice and credit-note PDF (WeasyPrint), in the reseller's look and the buyer's language."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from branding.selectors import document_branding
from core.localization import current_locale, format_date_in
from core.money import Money, format_rate
from ticketing.invoices.models import Invoice
from ticketing.invoices.selectors import tax_bands

TEMPLATE = "invoices/invoice.html"


def rate_text(rate_bp: int, locale: str) -> str:
    return format_rate(rate_bp, locale)


@dataclass(frozen=True)
class DocumentLine:
    description: str
    quantity: int
    rate: str
    net: str
    tax: str
    gross: str


def _money(amount_minor: int, invoice: Invoice, locale: str) -> str:
    return Money(amount_minor, invoice.currency).format(locale)


def render_invoice_pdf(invoice: Invoice) -> bytes:
    """The document as PDF bytes; everything it shows was fixed when it was issued (but the look)."""
    language = invoice.language or getattr(settings, "LANGUAGE_CODE", "en")
    with translation.override(language):
        locale = current_locale()
        lines = list(invoice.lines.all())
        context = {
            "invoice": invoice,
            "branding": document_branding(),
            "issued_on": format_date_in(invoice.issued_at, "UTC", locale=locale),
            "lines": [
                DocumentLine(
                    description=line.description,
                    quantity=line.quantity,
                    rate=rate_text(line.tax_rate_bp, locale),
                    net=_money(line.net_minor, invoice, locale),
                    tax=_money(line.tax_minor, invoice, locale),
                    gross=_money(line.gross_minor, invoice, locale),
                )
                for line in lines
            ],
            "bands": [
                (
                    rate_text(band.rate_bp, locale),
                    _money(band.net_minor, invoice, locale),
                    _money(band.tax_minor, invoice, locale),
                )
                for band in tax_bands(lines)
            ],
            "net": _money(invoice.net_minor, invoice, locale),
            "tax": _money(invoice.tax_minor, invoice, locale),
            "total": _money(invoice.total_minor, invoice, locale),
            "credited_number": invoice.credits.display_number if invoice.credits is not None else "",
        }
        html = render_to_string(TEMPLATE, context)
    import weasyprint  # imported here: 0.7 s that only document rendering should pay

    pdf = weasyprint.HTML(string=html).write_pdf()
    assert pdf is not None
    return pdf
