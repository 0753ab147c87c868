"""Region and tax-rule use cases: the only writers of the reseller's regions and tax rates."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.money import known_currency
from core.side_effects import after_commit
from ticketing.audit.services import record
from ticketing.catalog.models import TaxCategory
from ticketing.taxes.errors import TaxError, TaxErrorCode
from ticketing.taxes.models import JURISDICTION, Region, TaxRule
from ticketing.taxes.selectors import forget_regions
from ticketing.team.access import require_permission
from ticketing.team.roles import Permission


def _checked_currency(currency: str) -> str:
    try:
        return known_currency(currency.strip().upper())
    except ValueError:
        raise TaxError(
            TaxErrorCode.UNKNOWN_CURRENCY,
            _("“%(currency)s” is not a currency we know.") % {"currency": currency},
            field="currency",
        ) from None


def _checked_jurisdiction(jurisdiction: str, *, blank: bool) -> str:
    jurisdiction = jurisdiction.strip().upper()
    if (blank and not jurisdiction) or re.fullmatch(JURISDICTION, jurisdiction):
        return jurisdiction
    raise TaxError(
        TaxErrorCode.INVALID_TAX_RULE,
        _("A tax jurisdiction is a country code (DE) or a subdivision (US-NY)."),
        field="tax_jurisdiction" if blank else "jurisdiction",
    )


def save_region(
    *,
    actor: User | None,
    code: str,
    name: str,
    currency: str,
    tax_jurisdiction: str = "",
    languages: str = "",
    hostnames: str = "",
    is_default: bool = False,
    position: int = 0,
) -> Region:
    """Define a region (or change the one with this code): its currency, tax rules, languages and hosts."""
    require_permission(actor, Permission.MANAGE_CATALOG)
    code = code.strip().upper()
    if not code or len(code) > 16 or not all(char.isalnum() or char == "-" for char in code):
        raise TaxError(
            TaxErrorCode.INVALID_REGION, _("A region code is letters, digits and dashes."), field="code"
        )
    if not name.strip():
        raise TaxError(TaxErrorCode.INVALID_REGION, _("A region needs a name."), field="name")
    currency = _checked_currency(currency)
    tax_jurisdiction = _checked_jurisdiction(tax_jurisdiction, blank=True)
    with transaction.atomic(durable=True):
        if is_default:
            Region.objects.filter(is_default=True).exclude(code=code).update(is_default=False)
        region, created = Region.objects.update_or_create(
            code=code,
            defaults={
                "name": name.strip(),
                "currency": currency,
                "tax_jurisdiction": tax_jurisdiction,
                "languages": languages,
                "hostnames": hostnames,
                "is_default": is_default,
                "position": position,
            },
        )
        record(
            action="region.created" if created else "region.updated",
            target=region,
            actor=actor,
            code=code,
            currency=currency,
            tax_jurisdiction=tax_jurisdiction,
        )
        # Now, and again after commit: a request in between may cache the old rows again.
        forget_regions()
        after_commit(forget_regions)
    return region


def set_tax_rule(
    *,
    actor: User | None,
    jurisdiction: str,
    category: str,
    rate_bp: int,
    prices_include_tax: bool = True,
    name: str = "VAT",
    reverse_charge: bool = False,
) -> TaxRule:
    """Set a jurisdiction's rate for a tax category (standard, reduced, exempt)."""
    require_permission(actor, Permission.MANAGE_CATALOG)
    jurisdiction = _checked_jurisdiction(jurisdiction, blank=False)
    if category not in TaxCategory.values:
        raise TaxError(
            TaxErrorCode.INVALID_TAX_RULE,
            _("Unknown tax category “%(category)s”.") % {"category": category},
            field="category",
        )
    if not isinstance(rate_bp, int) or isinstance(rate_bp, bool) or not 0 <= rate_bp <= 10_000:
        raise TaxError(
            TaxErrorCode.INVALID_TAX_RULE,
            _("A tax rate is a whole number of basis points from 0 to 10,000 (100 %)."),
            field="rate_bp",
        )
    with transaction.atomic(durable=True):
        rule, _created = TaxRule.objects.update_or_create(
            jurisdiction=jurisdiction,
            category=category,
            defaults={
                "rate_bp": rate_bp,
                "prices_include_tax": prices_include_tax,
                "name": name or "VAT",
                "reverse_charge": reverse_charge,
            },
        )
        record(
            action="tax_rule.set",
            target=rule,
            actor=actor,
            jurisdiction=jurisdiction,
            category=category,
            rate_bp=rate_bp,
            prices_include_tax=prices_include_tax,
        )
    return rule
