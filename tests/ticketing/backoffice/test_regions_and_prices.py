"""Back office: regions and tax rates, and ticket-type prices in each region's currency."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from ticketing.catalog.models import TicketType
from ticketing.inventory.services import Selection
from ticketing.orders.services import Buyer, buy_tickets
from ticketing.taxes.models import Region, TaxRule

from ..factories import make_regions, on_sale_event

pytestmark = pytest.mark.usefixtures("in_acme")


def test_a_manager_sets_up_a_region_and_its_tax_rates(signed_in: Callable[[str], Client]) -> None:
    manager = signed_in("manager")
    assert "Regions and taxes" in manager.get("/backoffice/").content.decode()
    saved = manager.post(
        "/backoffice/regions/",
        {"region-code": "uk", "region-name": "United Kingdom", "region-currency": "GBP",
         "region-tax_jurisdiction": "GB", "region-languages": "en-gb", "region-position": "0",
         "save_region": "1"},
    )  # fmt: skip
    assert saved.status_code == 302
    assert Region.objects.get(code="UK").currency == "GBP"
    rate = manager.post(
        "/backoffice/regions/",
        {"rule-jurisdiction": "GB", "rule-category": "standard", "rule-rate_bp": "20",
         "rule-prices_include_tax": "on", "rule-name": "VAT", "save_rule": "1"},
    )  # fmt: skip
    assert rate.status_code == 302
    rule = TaxRule.objects.get(jurisdiction="GB")
    assert (rule.rate_bp, rule.prices_include_tax) == (2_000, True)
    page = manager.get("/backoffice/regions/").content.decode()
    assert "United Kingdom" in page and "20%" in page


def test_a_bad_currency_or_rate_is_refused_on_its_field_and_nothing_is_saved(
    signed_in: Callable[[str], Client],
) -> None:
    manager = signed_in("manager")
    refused = manager.post(
        "/backoffice/regions/",
        {"region-code": "XX", "region-name": "Nowhere", "region-currency": "ABC", "region-position": "0",
         "save_region": "1"},
    )  # fmt: skip
    assert refused.status_code == 400 and "is not a currency we know" in refused.content.decode()
    bad_rate = manager.post(
        "/backoffice/regions/",
        {"rule-jurisdiction": "GB", "rule-category": "standard", "rule-rate_bp": "twenty",
         "rule-name": "VAT", "save_rule": "1"},
    )  # fmt: skip
    assert bad_rate.status_code == 400 and "Enter a percentage" in bad_rate.content.decode()
    assert not Region.objects.exists() and not TaxRule.objects.exists()


def test_box_office_staff_cannot_change_taxes(signed_in: Callable[[str], Client]) -> None:
    assert signed_in("box_office").get("/backoffice/regions/").status_code == 403


def test_ticket_types_are_priced_in_each_regions_currency(signed_in: Callable[[str], Client]) -> None:
    make_regions()
    event, _ = on_sale_event(price_minor=2_500)
    manager = signed_in("manager")
    form = manager.get(f"/backoffice/events/{event.pk}/ticket-types/new/").content.decode()
    assert "Price (JPY)" in form and "Price (KWD)" in form and "Price (EUR)" in form
    added = manager.post(
        f"/backoffice/events/{event.pk}/ticket-types/new/",
        {"name": "Balcony", "kind": "general_admission", "price_minor": "30.00", "price_EUR": "27,50",
         "price_JPY": "4500", "price_KWD": "9.125", "quantity": "10",
         "min_per_order": "1", "max_per_order": "4", "visibility": "public", "position": "1",
         "tax_category": "reduced"},
    )  # fmt: skip
    assert added.status_code == 302
    balcony = TicketType.objects.get(event=event, name="Balcony")
    assert balcony.tax_category == "reduced"
    assert dict(balcony.prices.values_list("currency", "amount_minor")) == {
        "USD": 3_000, "EUR": 2_750, "JPY": 4_500, "KWD": 9_125,
    }  # fmt: skip
    detail = manager.get(f"/backoffice/events/{event.pk}/").content.decode()
    assert "¥4,500" in detail and "KWD9.125" in detail

    too_precise = manager.post(
        f"/backoffice/ticket-types/{balcony.pk}/edit/",
        {"name": "Balcony", "kind": "general_admission", "price_minor": "30.00", "price_JPY": "45.5",
         "price_EUR": "-1", "quantity": "10", "min_per_order": "1", "max_per_order": "4",
         "visibility": "public", "position": "1"},
    )  # fmt: skip
    assert too_precise.status_code == 400
    page = too_precise.content.decode()
    assert "Enter an amount like 1250" in page  # yen have no decimals
    assert dict(balcony.prices.values_list("currency", "amount_minor"))["JPY"] == 4_500

    withdrawn = manager.post(
        f"/backoffice/ticket-types/{balcony.pk}/edit/",
        {"name": "Balcony", "kind": "general_admission", "price_minor": "30.00", "price_EUR": "27.50",
         "price_JPY": "", "price_KWD": "9.125", "quantity": "10", "min_per_order": "1",
         "max_per_order": "4", "visibility": "public", "position": "1"},
    )  # fmt: skip
    assert withdrawn.status_code == 302
    assert set(balcony.prices.values_list("currency", flat=True)) == {"USD", "EUR", "KWD"}
    balcony.refresh_from_db()
    assert balcony.tax_category == "standard"  # left blank: the standard rate


def test_the_dashboard_never_adds_amounts_across_currencies(signed_in: Callable[[str], Client]) -> None:
    make_regions()
    event, ticket_type = on_sale_event(price_minor=2_500)
    ticket_type.prices.create(currency="JPY", amount_minor=4_000)
    buyer = Buyer(name="Ada", email="ada@example.com")
    buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 2}), buyer=buyer, region="JP")
    buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 1}), buyer=buyer)
    page = signed_in("owner").get("/backoffice/").content.decode()
    assert "¥8,000" in page and "$25.00" in page
    assert "$8,025.00" not in page and "¥8,025" not in page
