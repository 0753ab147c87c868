"""EU VAT IDs: format per member state, offline (no VIES look-up), and what a malformed one does."""

from __future__ import annotations

import pytest

from ticketing.taxes.errors import TaxError, TaxErrorCode
from ticketing.taxes.selectors import clean_vat_id
from ticketing.taxes.vat_ids import VAT_ID_PATTERNS, vat_id_country, vat_id_format_error


@pytest.mark.parametrize(
    "vat_id",
    [
        "DE123456789",
        "ATU12345678",
        "FR12345678901",
        "FRXX345678901",
        "NL123456789B01",
        "BE0123456789",
        "EL123456789",
        "ESX1234567Z",
        "IE1234567WA",
        "IE1A23456B",
        "SE123456789001",
        "CY12345678L",
        "IT12345678901",
        "PL1234567890",
    ],
)
def test_well_formed_vat_ids_pass(vat_id: str) -> None:
    assert vat_id_format_error(vat_id) is None


@pytest.mark.parametrize(
    ("vat_id", "problem"),
    [
        ("DE12345678", "bad_format"),  # one digit short
        ("DE1234567890", "bad_format"),  # one too many
        ("ATU1234567", "bad_format"),
        ("AT123456789", "bad_format"),  # Austria's U missing
        ("NL123456789A01", "bad_format"),
        ("BE2123456789", "bad_format"),  # Belgian numbers start with 0 or 1
        ("SE123456789012", "bad_format"),  # Swedish ones end in 01
        ("GR123456789", "unknown_prefix"),  # Greece's prefix is EL
        ("US123456789", "unknown_prefix"),
        ("123456789", "unknown_prefix"),
    ],
)
def test_malformed_vat_ids_are_told_apart(vat_id: str, problem: str) -> None:
    assert vat_id_format_error(vat_id) == problem


def test_every_member_state_has_a_pattern() -> None:
    assert len(VAT_ID_PATTERNS) == 28  # the 27 member states and Northern Ireland (XI)


def test_a_vat_id_is_normalized_and_its_country_read() -> None:
    assert clean_vat_id(" de 123.456-789 ") == "DE123456789"
    assert clean_vat_id("") == ""
    assert vat_id_country("EL123456789") == "GR"


@pytest.mark.parametrize("text", ["DE12345", "XX123456789", "not a vat id"])
def test_a_malformed_vat_id_is_refused_with_a_message_on_its_field(text: str) -> None:
    with pytest.raises(TaxError) as refused:
        clean_vat_id(text)
    assert refused.value.code == TaxErrorCode.INVALID_VAT_ID
    assert refused.value.field == "vat_id"
    assert "VAT ID" in refused.value.message
