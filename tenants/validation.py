"""Checks on what a reseller is created with: slug (= schema name), hostname, locale data."""

from __future__ import annotations

import re

from babel import Locale
from babel.numbers import UnknownCurrencyError, get_currency_name
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from tenants.errors import TenantError, TenantErrorCode

# A slug becomes a PostgreSQL schema name: lower-case, starts with a letter, and
# short enough to leave room under PostgreSQL's 63-byte identifier limit.
SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
RESERVED_SLUGS = frozenset(
    {
        "public",
        "information_schema",
        "platform",
        "admin",
        "api",
        "www",
        "mail",
        "static",
        "media",
        "ws",
        "default",
        "postgres",
        "template0",
        "template1",
    }
)
RESERVED_PREFIXES = ("pg_", "pool_")
NON_COUNTRY_TERRITORIES = frozenset({"ZZ", "EU", "EZ", "UN", "QO"})
HOSTNAME_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def clean_slug(slug: str) -> str:
    slug = (slug or "").strip().lower()
    if not SLUG_PATTERN.match(slug):
        raise TenantError(
            TenantErrorCode.SLUG_INVALID,
            _(
                "The slug must be 2 to 40 characters: lower-case letters, digits and underscores, "
                "starting with a letter."
            ),
            field="slug",
        )
    if slug in RESERVED_SLUGS or slug.startswith(RESERVED_PREFIXES):
        raise TenantError(
            TenantErrorCode.SLUG_RESERVED,
            _("The slug “%(slug)s” is reserved.") % {"slug": slug},
            field="slug",
        )
    return slug


def clean_hostname(hostname: str) -> str:
    hostname = (hostname or "").strip().lower().rstrip(".")
    labels = hostname.split(".")
    if (
        not hostname
        or len(hostname) > 253
        or len(labels) < 2
        or not all(HOSTNAME_LABEL.match(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise TenantError(
            TenantErrorCode.HOSTNAME_INVALID,
            _("“%(hostname)s” is not a valid hostname (e.g. tickets.example.com).") % {"hostname": hostname},
            field="hostname",
        )
    return hostname


def default_hostname(slug: str) -> str:
    """The reseller's subdomain under the platform's base domain (underscores are not valid there)."""
    return f"{slug.replace('_', '-')}.{settings.PLATFORM_BASE_DOMAIN}"


def clean_email(email: str) -> str:
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise TenantError(
            TenantErrorCode.EMAIL_INVALID,
            _("“%(email)s” is not a valid e-mail address.") % {"email": email},
            field="owner_email",
        ) from None
    return email.lower()


def clean_language(language: str) -> str:
    supported = {code for code, _name in settings.LANGUAGES}
    if language not in supported:
        raise TenantError(
            TenantErrorCode.LANGUAGE_UNSUPPORTED,
            _("Language “%(language)s” is not supported; choose one of %(languages)s.")
            % {"language": language, "languages": ", ".join(sorted(supported))},
            field="default_language",
        )
    return language


def clean_currency(currency: str) -> str:
    currency = (currency or "").strip().upper()
    try:
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise UnknownCurrencyError(currency)
        # babel answers with the code itself for codes CLDR does not know.
        if get_currency_name(currency, locale="en") == currency:
            raise UnknownCurrencyError(currency)
    except UnknownCurrencyError:
        raise TenantError(
            TenantErrorCode.CURRENCY_INVALID,
            _("“%(currency)s” is not an ISO 4217 currency code.") % {"currency": currency},
            field="default_currency",
        ) from None
    return currency


def clean_country(country: str) -> str:
    country = (country or "").strip().upper()
    if not country:
        return ""
    # CLDR also names groupings and "unknown region" (ZZ, EU, UN, …) with two letters.
    if (
        not re.fullmatch(r"[A-Z]{2}", country)
        or country not in Locale("en").territories
        or country in NON_COUNTRY_TERRITORIES
    ):
        raise TenantError(
            TenantErrorCode.COUNTRY_INVALID,
            _("“%(country)s” is not an ISO 3166 country code.") % {"country": country},
            field="country",
        )
    return country


def clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise TenantError(
            TenantErrorCode.NAME_REQUIRED, _("A name of 1 to 100 characters is required."), field="name"
        )
    return name
