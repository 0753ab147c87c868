"""Reads for regions and taxes: the buyer's region, and the tax rules an order is priced under."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.http import HttpRequest
from django.utils.translation import gettext as _

from tenants.near_cache import near_cache
from ticketing.catalog.selectors import shop_currency
from ticketing.taxes.calculation import NO_TAX, Rate, Taxation
from ticketing.taxes.errors import TaxError, TaxErrorCode
from ticketing.taxes.models import Region, TaxRule
from ticketing.taxes.vat_ids import normalized_vat_id, vat_id_country, vat_id_format_error

REGION_COOKIE = "shop_region"
EU_COUNTRIES = frozenset(
    {
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
        "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    }
)  # fmt: skip


_REGIONS_CACHE_KEY = "taxes:regions"  # the cache key function prefixes the tenant's schema


def shop_regions() -> list[Region]:
    """The shop's regions, cached per schema: every storefront request reads them, staff rarely
    change them (taxes.services.save_region forgets them)."""
    regions: list[Region] | None = near_cache.get(_REGIONS_CACHE_KEY, 300)
    if regions is None:
        regions = list(Region.objects.all())
        near_cache.set(_REGIONS_CACHE_KEY, regions, 300)
    return regions


def forget_regions() -> None:
    near_cache.forget(_REGIONS_CACHE_KEY)


def region_by_code(code: str) -> Region | None:
    return Region.objects.filter(code=code).first() if code else None


def region_named(code: str) -> Region | None:
    """The region with this code, None for no code; raises TaxError for a code the shop does not have."""
    region = region_by_code(code)
    if code and region is None:
        raise TaxError(
            TaxErrorCode.UNKNOWN_REGION,
            _("The shop has no region “%(code)s”.") % {"code": code},
            field="region",
        )
    return region


def choose_region(
    regions: Sequence[Region], *, chosen: str = "", host: str = "", language: str = ""
) -> Region | None:
    """The buyer's region: the one they chose (cookie), else the host's, else their language's,
    else the shop's default; None when the shop defines no regions (it sells in its currency)."""
    by_code = {region.code: region for region in regions}
    if chosen in by_code:
        return by_code[chosen]
    host = host.split(":")[0].lower()
    for region in regions:
        if host and host in region.hostname_list:
            return region
    language = language.lower()
    for candidate in (language, language.split("-")[0]):
        for region in regions:
            if candidate and candidate in region.language_list:
                return region
    return next((region for region in regions if region.is_default), regions[0] if regions else None)


def buyer_region(request: HttpRequest) -> Region | None:
    """The region a storefront request sells in (read once per request)."""
    if not hasattr(request, "_buyer_region"):
        regions = shop_regions()
        region = choose_region(
            regions,
            chosen=request.COOKIES.get(REGION_COOKIE, ""),
            host=request.get_host(),
            language=getattr(request, "LANGUAGE_CODE", ""),
        )
        request._buyer_region = region  # type: ignore[attr-defined]
        request._shop_regions = regions  # type: ignore[attr-defined]
    return request._buyer_region  # type: ignore[attr-defined]


def region_currencies() -> list[str]:
    """The currencies the shop's regions sell in, other than the shop's own: what staff price in."""
    own = shop_currency()
    return sorted(set(Region.objects.exclude(currency=own).values_list("currency", flat=True)))


def desk_region() -> Region | None:
    """The region whose tax rules the box office's desk sales follow: the default region, when it
    sells in the shop's own currency (the desk sells in it); None otherwise (no tax rules)."""
    return Region.objects.filter(is_default=True, currency=shop_currency()).first()


def currency_of(region: Region | None) -> str:
    return region.currency if region is not None else shop_currency()


def clean_vat_id(text: str) -> str:
    """A buyer's VAT ID normalized, or "" when none was given; raises TaxError when malformed."""
    vat_id = normalized_vat_id(text or "")
    if not vat_id:
        return ""
    problem = vat_id_format_error(vat_id)
    if problem == "unknown_prefix":
        raise TaxError(
            TaxErrorCode.INVALID_VAT_ID,
            _("A VAT ID starts with the two letters of an EU country, as in DE123456789."),
            field="vat_id",
        )
    if problem is not None:
        raise TaxError(
            TaxErrorCode.INVALID_VAT_ID,
            _("“%(vat_id)s” is not in the format of a VAT ID of that country.") % {"vat_id": vat_id},
            field="vat_id",
        )
    return vat_id


def seller_country() -> str:
    return str(getattr(getattr(connection, "tenant", None), "country", "") or "")


def taxation_for(region_code: str = "", *, vat_id: str = "") -> Taxation:
    """The tax rules for an order in a region (by code), for a buyer with this VAT ID (may be blank).

    Raises TaxError for a malformed VAT ID. The reverse charge applies where the region's
    rules allow it and the VAT ID is of another EU country than the seller's (format
    checked offline only: see ticketing.taxes.vat_ids).
    """
    vat_id = clean_vat_id(vat_id)
    region = region_named(region_code)
    if region is None or not region.tax_jurisdiction:
        return Taxation(vat_id=vat_id) if vat_id else NO_TAX
    rules = list(TaxRule.objects.filter(jurisdiction=region.tax_jurisdiction))
    if not rules:
        return Taxation(jurisdiction=region.tax_jurisdiction, vat_id=vat_id)
    rates = {rule.category: Rate(rule.rate_bp, rule.name) for rule in rules}
    include = next((rule for rule in rules if rule.category == "standard"), rules[0]).prices_include_tax
    reverse = bool(
        vat_id
        and any(rule.reverse_charge for rule in rules)
        and vat_id_country(vat_id) in EU_COUNTRIES
        and vat_id_country(vat_id) != seller_country()
    )
    return Taxation(
        jurisdiction=region.tax_jurisdiction,
        rates=rates,
        prices_include_tax=include,
        reverse_charge=reverse,
        vat_id=vat_id,
    )
