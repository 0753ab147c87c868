"""Orders in the buyer's region: its currency (explicit prices, no exchange rates) and its taxes.

JPY (no decimals) and KWD (three) end to end, VAT included vs sales tax added, the reduced
rate, the reverse charge, rounding per line, and bad input refused with nothing changed.
"""

from __future__ import annotations

from typing import Any, cast

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from core.money import Money
from tenants.models import Tenant
from ticketing.catalog.errors import CatalogError, CatalogErrorCode
from ticketing.catalog.models import TicketTypePrice
from ticketing.catalog.services import set_ticket_type_price, update_ticket_type
from ticketing.discounts.errors import DiscountError
from ticketing.inventory.errors import InventoryError, InventoryErrorCode
from ticketing.inventory.models import Hold, Stock
from ticketing.inventory.services import Selection, reserve_tickets
from ticketing.orders.models import Order
from ticketing.orders.services import (
    Buyer,
    buy_tickets,
    mark_order_paid,
    place_order,
    quote_hold,
    refund_order,
    start_checkout,
)
from ticketing.taxes.errors import TaxError, TaxErrorCode
from ticketing.taxes.selectors import REGION_COOKIE

from ..factories import make_addon, make_discount, make_regions, on_sale_event, price_in

pytestmark = pytest.mark.usefixtures("in_acme")

BUYER = Buyer(name="Kenji Sato", email="kenji@example.com")


@pytest.fixture
def regions(in_acme: Tenant) -> None:
    make_regions()


@pytest.fixture
def show(in_acme: Tenant):
    """A show priced in USD (the shop's currency), EUR, JPY and KWD; parking at the reduced rate."""
    event, ticket_type = on_sale_event(capacity=50, quantity=50, price_minor=5_000, name="Stalls")
    price_in(ticket_type, {"EUR": 4_500, "JPY": 7_000, "KWD": 15_250})
    parking = make_addon(event, name="Parking", price_minor=1_000, tax_category="reduced")
    price_in(parking, {"EUR": 1_070, "JPY": 1_080})
    return event, ticket_type, parking


def sold(item) -> int:
    return Stock.objects.get(pk=item.stock.pk).sold


@pytest.mark.usefixtures("regions")
def test_a_jpy_order_through_the_storefront_is_in_whole_yen_with_tax_included(
    acme_client: Client, show
) -> None:
    event, ticket_type, parking = show
    acme_client.cookies[REGION_COOKIE] = "JP"
    page = acme_client.get(f"/events/{event.slug}/")
    assert "¥7,000" in page.content.decode()
    reserved = acme_client.post(
        f"/events/{event.slug}/reserve/", {f"ticket_{ticket_type.pk}": "3", f"addon_{parking.pk}": "1"}
    )
    assert reserved.status_code == 302
    hold = Hold.objects.get(event=event)
    assert (hold.currency, hold.region) == ("JPY", "JP")
    checkout = acme_client.get(reserved["Location"])
    assert 'name="expected_total_minor" value="22080"' in checkout.content.decode()
    placed = acme_client.post(
        reserved["Location"],
        {"name": "Kenji Sato", "email": "kenji@example.com", "payment_method": "pay_later",
         "expected_total_minor": "22080"},
    )  # fmt: skip
    assert placed.status_code == 302
    order = Order.objects.get(hold=hold)
    assert (order.currency, order.region, order.tax_jurisdiction) == ("JPY", "JP", "JP")
    assert order.prices_include_tax
    # 21,000 yen at 10 %: 21,000 × 10/110 = 1,909.09 → 1,909; parking 1,080 at 8 %: 80.
    assert (order.subtotal_minor, order.total_minor, order.tax_minor, order.net_minor) == (
        22_080, 22_080, 1_989, 20_091,
    )  # fmt: skip
    lines = {line.description: line for line in order.lines.all()}
    assert (lines["Stalls"].tax_rate_bp, lines["Stalls"].tax_minor, lines["Stalls"].gross_minor) == (
        1_000,
        1_909,
        21_000,
    )
    assert (lines["Parking"].tax_rate_bp, lines["Parking"].tax_minor) == (800, 80)
    confirmation = acme_client.get(placed["Location"]).content.decode()
    assert "¥22,080" in confirmation and "¥1,989" in confirmation


@pytest.mark.usefixtures("regions")
def test_a_kwd_order_has_three_decimals_and_sales_tax_added(show) -> None:
    event, ticket_type, _parking = show
    order = buy_tickets(
        event=event, selection=Selection(tickets={ticket_type.pk: 3}), buyer=BUYER, region="KW"
    )
    # 3 × 15.250 KWD = 45.750; 5 % added = 2.2875 → 2.288 (half up, to the fils).
    assert order.currency == "KWD" and not order.prices_include_tax
    assert (order.net_minor, order.tax_minor, order.total_minor) == (45_750, 2_288, 48_038)
    assert Money(order.total_minor, "KWD").format("en") == "KWD48.038"
    assert sold(ticket_type) == 3


@pytest.mark.usefixtures("regions")
def test_us_sales_tax_is_added_per_line_and_the_order_total_is_what_the_buyer_pays(show) -> None:
    event, ticket_type, parking = show
    order = buy_tickets(
        event=event,
        selection=Selection(tickets={ticket_type.pk: 1}, addons={parking.pk: 1}),
        buyer=BUYER,
        region="US",
    )
    # 50.00 at 8 % → 4.00; parking 10.00 at the reduced 4 % → 0.40.
    assert (order.subtotal_minor, order.net_minor, order.tax_minor, order.total_minor) == (
        6_000,
        6_000,
        440,
        6_440,
    )
    assert sorted(order.lines.values_list("tax_rate_bp", "tax_minor", "gross_minor")) == [
        (400, 40, 1_040),
        (800, 400, 5_400),
    ]


@pytest.mark.usefixtures("regions")
def test_rounding_is_per_line_so_lines_and_order_add_up(show) -> None:
    event, _ticket_type, _parking = show
    cheap = [make_addon(event, name=f"Badge {n}", price_minor=10) for n in range(3)]
    order = buy_tickets(
        event=event,
        selection=Selection(tickets={_ticket_type.pk: 1}, addons={addon.pk: 1 for addon in cheap}),
        buyer=BUYER,
        region="US",
    )
    badge_taxes = [line.tax_minor for line in order.lines.all() if line.description.startswith("Badge")]
    # 0.008 each, rounded per line: 0.01 + 0.01 + 0.01, where 8 % of the badges' 0.30 would be 0.02.
    assert badge_taxes == [1, 1, 1]
    assert order.tax_minor == sum(line.tax_minor for line in order.lines.all())
    assert order.total_minor == sum(line.gross_minor for line in order.lines.all())


@pytest.mark.usefixtures("regions")
def test_eu_vat_is_included_and_a_business_from_another_member_state_pays_net(show, monkeypatch) -> None:
    event, ticket_type, parking = show
    monkeypatch.setattr(cast(Any, connection).tenant, "country", "DE", raising=False)
    selection = Selection(tickets={ticket_type.pk: 2}, addons={parking.pk: 1})
    hold = start_checkout(event=event, selection=selection, region="EU")
    consumer = quote_hold(hold)
    # 90.00 at 19 % included: 14.37; parking 10.70 at 7 %: 0.70.
    assert (consumer.total_minor, consumer.tax_minor) == (10_070, 1_507)
    order = place_order(hold=hold, buyer=BUYER, vat_id="fr 12 345678901")
    assert order.reverse_charge and order.buyer_vat_id == "FR12345678901"
    assert (order.tax_minor, order.net_minor, order.total_minor) == (0, 8_563, 8_563)
    assert order.subtotal_minor == 10_070
    assert set(order.lines.values_list("tax_rate_bp", "tax_minor")) == {(0, 0)}


@pytest.mark.usefixtures("regions")
def test_a_business_in_the_sellers_own_country_pays_vat(show, monkeypatch) -> None:
    event, ticket_type, _parking = show
    monkeypatch.setattr(cast(Any, connection).tenant, "country", "DE", raising=False)
    order = buy_tickets(
        event=event, selection=Selection(tickets={ticket_type.pk: 1}), buyer=BUYER, region="EU",
        vat_id="DE123456789",
    )  # fmt: skip
    assert not order.reverse_charge and order.buyer_vat_id == "DE123456789"
    assert (order.total_minor, order.tax_minor) == (4_500, 718)


@pytest.mark.usefixtures("regions")
def test_a_refund_of_an_order_with_tax_added_gives_back_the_tax_too(show) -> None:
    event, ticket_type, _parking = show
    order = buy_tickets(
        event=event, selection=Selection(tickets={ticket_type.pk: 2}), buyer=BUYER, region="US"
    )
    order = mark_order_paid(order=order, actor=None)
    refund = refund_order(order=order, actor=None)
    assert refund.amount_minor == order.total_minor == 10_800


@pytest.mark.usefixtures("regions")
def test_a_ticket_type_without_a_price_in_the_buyers_currency_is_not_offered(
    acme_client: Client, show
) -> None:
    euro_only, _ = on_sale_event(price_minor=3_000, name="Balcony")
    balcony = euro_only.ticket_types.get()
    acme_client.cookies[REGION_COOKIE] = "JP"
    page = acme_client.get(f"/events/{euro_only.slug}/").content.decode()
    assert "Not offered in JPY" in page
    refused = acme_client.post(f"/events/{euro_only.slug}/reserve/", {f"ticket_{balcony.pk}": "1"})
    assert refused.status_code == 400
    assert "is not offered in JPY" in refused.content.decode()
    assert not Hold.objects.filter(event=euro_only).exists()
    with pytest.raises(InventoryError) as error:
        buy_tickets(event=euro_only, selection=Selection(tickets={balcony.pk: 1}), buyer=BUYER, region="JP")
    assert error.value.code == InventoryErrorCode.NOT_OFFERED_IN_CURRENCY
    assert sold(balcony) == 0 and not Order.objects.filter(event=euro_only).exists()


@pytest.mark.usefixtures("regions")
def test_a_malformed_vat_id_refuses_the_order_and_changes_nothing(show) -> None:
    event, ticket_type, _parking = show
    hold = reserve_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 1}), currency="EUR",
                           region="EU")  # fmt: skip
    with pytest.raises(TaxError) as refused:
        place_order(hold=hold, buyer=BUYER, vat_id="DE12345")
    assert refused.value.code == TaxErrorCode.INVALID_VAT_ID and refused.value.field == "vat_id"
    hold.refresh_from_db()
    assert hold.status == Hold.Status.ACTIVE and not Order.objects.filter(hold=hold).exists()
    with pytest.raises(TaxError):
        buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 1}), buyer=BUYER, region="EU",
                    vat_id="XX999")  # fmt: skip
    assert sold(ticket_type) == 0


@pytest.mark.usefixtures("regions")
def test_a_malformed_vat_id_at_checkout_shows_on_its_field(acme_client: Client, show) -> None:
    event, ticket_type, _parking = show
    acme_client.cookies[REGION_COOKIE] = "EU"
    reserved = acme_client.post(f"/events/{event.slug}/reserve/", {f"ticket_{ticket_type.pk}": "1"})
    answer = acme_client.post(
        reserved["Location"],
        {"name": "Anna", "email": "anna@example.com", "payment_method": "pay_later",
         "expected_total_minor": "4500", "vat_id": "DE12"},
    )  # fmt: skip
    assert answer.status_code == 400
    assert "is not in the format of a VAT ID of that country" in answer.content.decode()
    assert not Order.objects.filter(event=event).exists()


@pytest.mark.parametrize(
    ("currency", "amount", "code"),
    [
        ("XYZ", 100, CatalogErrorCode.UNKNOWN_CURRENCY),
        ("eur", 100, CatalogErrorCode.UNKNOWN_CURRENCY),
        ("EUR", -1, CatalogErrorCode.INVALID_PRICE),
        ("EUR", "12.50", CatalogErrorCode.INVALID_PRICE),
        ("EUR", 12.5, CatalogErrorCode.INVALID_PRICE),
        ("USD", None, CatalogErrorCode.INVALID_PRICE),  # the shop's own price cannot be withdrawn
    ],
)
def test_bad_prices_are_refused_and_nothing_changes(show, currency, amount, code) -> None:
    _event, ticket_type, _parking = show
    before = sorted(
        TicketTypePrice.objects.filter(ticket_type=ticket_type).values_list("currency", "amount_minor")
    )
    with pytest.raises(CatalogError) as refused:
        set_ticket_type_price(actor=None, ticket_type=ticket_type, currency=currency, amount_minor=amount)
    assert refused.value.code == code
    after = sorted(
        TicketTypePrice.objects.filter(ticket_type=ticket_type).values_list("currency", "amount_minor")
    )
    assert after == before


def test_prices_in_the_shops_currency_follow_the_ticket_type_and_others_can_be_withdrawn(show) -> None:
    _event, ticket_type, _parking = show
    update_ticket_type(actor=None, ticket_type=ticket_type, price_minor=5_500)
    set_ticket_type_price(actor=None, ticket_type=ticket_type, currency="JPY", amount_minor=None)
    assert dict(ticket_type.prices.values_list("currency", "amount_minor")) == {
        "USD": 5_500, "EUR": 4_500, "KWD": 15_250,
    }  # fmt: skip


@pytest.mark.usefixtures("regions")
def test_fixed_amount_codes_apply_in_their_currency_and_percentages_in_any(show) -> None:
    event, ticket_type, _parking = show
    make_discount(kind="amount", code="FIVEOFF", amount_minor=500, currency="EUR")
    make_discount(kind="percent", code="TENPC", percent_bp=1_000)
    with pytest.raises(DiscountError) as refused:
        buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 1}), buyer=BUYER,
                    promo_code="FIVEOFF", region="JP")  # fmt: skip
    assert "is for prices in EUR" in refused.value.message
    euro = buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 1}), buyer=BUYER,
                       promo_code="FIVEOFF", region="EU")  # fmt: skip
    assert (euro.discount_minor, euro.total_minor) == (500, 4_000)
    yen = buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 1}), buyer=BUYER,
                      promo_code="TENPC", region="JP")  # fmt: skip
    assert (yen.discount_minor, yen.total_minor, yen.tax_minor) == (700, 6_300, 573)


@pytest.mark.usefixtures("regions")
def test_a_business_buyer_sees_the_net_total_before_the_order_is_placed(
    acme_client: Client, show, monkeypatch
) -> None:
    event, ticket_type, _parking = show
    monkeypatch.setattr(cast(Any, connection).tenant, "country", "DE", raising=False)
    acme_client.cookies[REGION_COOKIE] = "EU"
    reserved = acme_client.post(f"/events/{event.slug}/reserve/", {f"ticket_{ticket_type.pk}": "1"})
    details = {"name": "Anna Firma", "email": "anna@firma.example", "payment_method": "pay_later",
               "vat_id": "FR12345678901"}  # fmt: skip
    shown = acme_client.post(reserved["Location"], {**details, "expected_total_minor": "4500"})
    assert shown.status_code == 400  # the total changed: nothing booked until the buyer confirms it
    page = shown.content.decode()
    assert "With your VAT ID no VAT is charged: the total is now €37.82." in page
    assert "Reverse charge: no VAT is charged." in page
    assert 'name="expected_total_minor" value="3782"' in page
    assert not Order.objects.filter(event=event).exists()
    placed = acme_client.post(reserved["Location"], {**details, "expected_total_minor": "3782"})
    assert placed.status_code == 302
    order = Order.objects.get(event=event)
    assert (order.reverse_charge, order.total_minor, order.buyer_vat_id) == (True, 3_782, "FR12345678901")


@pytest.mark.usefixtures("regions")
def test_the_confirmation_e_mail_shows_the_tax(show, django_capture_on_commit_callbacks) -> None:
    event, ticket_type, _parking = show
    with django_capture_on_commit_callbacks(execute=True):
        order = buy_tickets(
            event=event, selection=Selection(tickets={ticket_type.pk: 1}), buyer=BUYER, region="KW"
        )
    [message] = mail.outbox
    assert "KWD16.013" in message.body and "Tax: KWD0.763" in message.body
    assert order.total_minor == 16_013


@pytest.mark.usefixtures("regions")
def test_an_unknown_region_is_refused_and_nothing_is_sold(show) -> None:
    event, ticket_type, _parking = show
    with pytest.raises(TaxError) as refused:
        buy_tickets(event=event, selection=Selection(tickets={ticket_type.pk: 1}), buyer=BUYER, region="MARS")
    assert refused.value.code == TaxErrorCode.UNKNOWN_REGION
    with pytest.raises(TaxError):
        start_checkout(event=event, selection=Selection(tickets={ticket_type.pk: 1}), region="MARS")
    assert sold(ticket_type) == 0 and not Hold.objects.filter(event=event).exists()
