"""Turning statements into files in the reseller's branding: CSV, PDF (WeasyPrint), SVG charts."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from html import escape

from django.template.loader import render_to_string
from django_tenants.utils import schema_context

from billing.reports.selectors import COLUMN_LABELS, Statement
from core.money import Money
from tenants.models import Tenant


@dataclass(frozen=True)
class Branding:
    name: str
    primary_color: str
    accent_color: str
    text_color: str


def branding_of(tenant: Tenant) -> Branding:
    """The reseller's theme, read in its own schema (branding.selectors)."""
    from branding.selectors import current_theme  # a tenant app: read inside the reseller's schema

    with schema_context(tenant.schema_name):
        theme = current_theme()
    if theme is None:
        return Branding(tenant.name, "#1f4fd1", "#f2a900", "#1b1b1b")
    return Branding(
        theme.display_name or tenant.name, theme.primary_color, theme.accent_color, theme.text_color
    )


def render_csv(statement: Statement) -> bytes:
    """One row per line, amounts as decimal strings in major units with the currency beside them."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [statement.title, f"{statement.period_start:%Y-%m-%d}", f"{statement.period_end:%Y-%m-%d}"]
    )
    columns = statement.columns
    writer.writerow(["Line", "Currency", *(COLUMN_LABELS[column] for column in columns)])
    for row in [*statement.rows, *statement.totals]:
        writer.writerow([row.label, row.currency, *(_decimal(row.money(column)) for column in columns)])
    for note in statement.notes:
        writer.writerow([note])
    return buffer.getvalue().encode("utf-8")


def _decimal(money: Money) -> str:
    from core.money import currency_exponent

    exponent = currency_exponent(money.currency)
    sign = "-" if money.amount_minor < 0 else ""
    units, minor = divmod(abs(money.amount_minor), 10**exponent)
    return f"{sign}{units}.{minor:0{exponent}d}" if exponent else f"{sign}{units}"


def render_pdf(statement: Statement, *, branding: Branding, language: str = "en") -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "billing/reports/statement.html",
        {
            "statement": statement,
            "branding": branding,
            "columns": [(column, COLUMN_LABELS[column]) for column in statement.columns],
            "lines": [
                (
                    row.label,
                    row.currency,
                    [row.money(column).format(language) for column in statement.columns],
                )
                for row in statement.rows
            ],
            "totals": [
                (
                    row.label,
                    row.currency,
                    [row.money(column).format(language) for column in statement.columns],
                )
                for row in statement.totals
            ],
        },
    )
    return bytes(HTML(string=html).write_pdf())


def bar_chart_svg(*, title: str, bars: list[tuple[str, Money]], color: str = "#1f4fd1") -> str:
    """A horizontal bar chart as inline SVG, one bar per label (all bars in one currency)."""
    width, bar_height, gap, label_width = 640, 22, 8, 200
    height = 40 + len(bars) * (bar_height + gap)
    largest = max((money.amount_minor for _, money in bars), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(title)}">',
        f'<text x="0" y="20" font-size="15" font-weight="bold">{escape(title)}</text>',
    ]
    for index, (label, money) in enumerate(bars):
        y = 34 + index * (bar_height + gap)
        length = max(1, (width - label_width - 110) * max(money.amount_minor, 0) // largest)
        parts += [
            f'<text x="0" y="{y + 16}" font-size="13">{escape(label)}</text>',
            f'<rect x="{label_width}" y="{y}" width="{length}" height="{bar_height}" '
            f'fill="{escape(color)}"/>',
            f'<text x="{label_width + length + 6}" y="{y + 16}" font-size="12">{escape(str(money))}</text>',
        ]
    parts.append("</svg>")
    return "".join(parts)
