"""VAT identification numbers of the EU: their format per member state, checked offline.

Only the format is checked (the country prefix and the pattern of the national number),
never whether the number is registered: that needs a network look-up in the Commission's
VIES service, which this platform does not make. A well-formed but unregistered number
therefore passes; staff verify numbers in VIES before relying on a reverse charge.
"""

from __future__ import annotations

import re

# Patterns of the national part, after the two-letter prefix (Greece uses EL, Northern Ireland XI).
VAT_ID_PATTERNS: dict[str, str] = {
    "AT": r"U\d{8}",
    "BE": r"[01]\d{9}",
    "BG": r"\d{9,10}",
    "CY": r"\d{8}[A-Z]",
    "CZ": r"\d{8,10}",
    "DE": r"\d{9}",
    "DK": r"\d{8}",
    "EE": r"\d{9}",
    "EL": r"\d{9}",
    "ES": r"[A-Z0-9]\d{7}[A-Z0-9]",
    "FI": r"\d{8}",
    "FR": r"[A-HJ-NP-Z0-9]{2}\d{9}",
    "HR": r"\d{11}",
    "HU": r"\d{8}",
    "IE": r"\d{7}[A-W][A-I]?|\d[A-Z+*]\d{5}[A-W]",
    "IT": r"\d{11}",
    "LT": r"\d{9}|\d{12}",
    "LU": r"\d{8}",
    "LV": r"\d{11}",
    "MT": r"\d{8}",
    "NL": r"\d{9}B\d{2}",
    "PL": r"\d{10}",
    "PT": r"\d{9}",
    "RO": r"[1-9]\d{1,9}",
    "SE": r"\d{10}01",
    "SI": r"\d{8}",
    "SK": r"\d{10}",
    "XI": r"\d{9}|\d{12}|GD\d{3}|HA\d{3}",
}
_COMPILED = {prefix: re.compile(rf"(?:{pattern})") for prefix, pattern in VAT_ID_PATTERNS.items()}
# The VAT prefix is the ISO country code except for Greece and Northern Ireland.
PREFIX_COUNTRY = {"EL": "GR", "XI": "GB"}


def normalized_vat_id(text: str) -> str:
    """Upper case without blanks, dots or dashes: " de 123.456.789 " → "DE123456789"."""
    return re.sub(r"[\s.\-]", "", text).upper()


def vat_id_format_error(vat_id: str) -> str | None:
    """None when ``vat_id`` (normalized) has its member state's format; otherwise why not."""
    prefix, number = vat_id[:2], vat_id[2:]
    pattern = _COMPILED.get(prefix)
    if pattern is None:
        return "unknown_prefix"
    if not pattern.fullmatch(number):
        return "bad_format"
    return None


def vat_id_country(vat_id: str) -> str:
    """The ISO 3166-1 country of a well-formed VAT ID ("EL…" → "GR")."""
    prefix = vat_id[:2]
    return PREFIX_COUNTRY.get(prefix, prefix)
