"""Discount rules in the pricing service: what applies, how rules combine, and how cents round."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ticketing.catalog.models import Event, TicketType
from ticketing.discounts.errors import DiscountError, DiscountErrorCode
from ticketing.discounts.selectors import discounts_for
from ticketing.inventory.errors import InventoryError, InventoryErrorCode
from ticketing.inventory.selectors import event_offer
from ticketing.inventory.services import Selection, check_selection
from ticketing.orders.pricing import Quote, quote, share_out

from ..factories import make_addon, make_discount, make_ticket_type, on_sale_event

pytestmark = pytest.mark.usefixtures("in_acme")


def price(
    event: Event, tickets: dict[int, int], *, code: str = "", addons: dict[int, int] | None = None
) -> Quote:
    discounts = discounts_for(event, code=code)
    checked = check_selection(
        event=event,
        selection=Selection(tickets=tickets, addons=addons or {}),
        unlocked_ticket_type_ids=discounts.unlocked_ticket_type_ids(event_id=event.pk),
    )
    return quote(checked, currency="USD", discounts=discounts)


def discounts_by_line(priced: Quote) -> dict[str, int]:
    return {line.description: line.discount_minor for line in priced.lines}


def refused_code(event: Event, tickets: dict[int, int], code: str) -> DiscountError:
    with pytest.raises(DiscountError) as refused:
        price(event, tickets, code=code)
    assert refused.value.field == "promo_code"
    return refused.value


@pytest.fixture
def show() -> tuple[Event, TicketType, TicketType]:
    event, general = on_sale_event(
        capacity=200, quantity=100, price_minor=2500, name="General", max_per_order=30
    )
    vip = make_ticket_type(event, name="VIP", price_minor=5000, max_per_order=30)
    return event, general, vip


def test_without_discounts_the_catalog_price_is_the_price(show) -> None:
    event, general, vip = show
    priced = price(event, {general.pk: 2, vip.pk: 1})
    assert (priced.subtotal_minor, priced.discount_minor, priced.total_minor) == (10000, 0, 10000)
    assert priced.discount_labels == [] and priced.promo_code_id is None


def test_a_percentage_is_taken_per_line_and_rounded_half_up() -> None:
    event, cheap = on_sale_event(price_minor=5, name="Cheap")
    odd = make_ticket_type(event, name="Odd", price_minor=999)
    make_discount(kind="percent", code="TENNER", percent_bp=1000, event=event)  # 10 %
    make_discount(kind="percent", code="EIGHTH", percent_bp=1250, event=event)  # 12.5 %
    # 5 × 10 % = 0.5 cents: half up gives 1 cent.
    assert discounts_by_line(price(event, {cheap.pk: 1}, code="tenner")) == {"Cheap": 1}
    # 3 × 9.99 = 29.97; 12.5 % = 3.74625 → 3.75 on the line, not 3 × 1.25 per ticket.
    priced = price(event, {odd.pk: 3}, code=" eighth ")
    assert discounts_by_line(priced) == {"Odd": 375}
    assert priced.total_minor == 2997 - 375
    assert priced.promo_code == "EIGHTH" and priced.discount_labels == ["EIGHTH"]


def test_a_fixed_amount_comes_off_each_ticket_but_never_below_zero(show) -> None:
    event, general, vip = show
    make_discount(kind="amount", code="FIVER", amount_minor=500, event=event)
    make_discount(kind="amount", code="HUGE", amount_minor=99_999, event=event)
    assert discounts_by_line(price(event, {general.pk: 3, vip.pk: 1}, code="FIVER")) == {
        "General": 1500,
        "VIP": 500,
    }
    assert price(event, {general.pk: 2}, code="HUGE").total_minor == 0


def test_a_group_discount_applies_by_itself_from_its_size_on_its_ticket_types(show) -> None:
    event, general, vip = show
    make_discount(kind="group", name="Groups of 10+", event=event, percent_bp=1000, min_tickets=10,
                  ticket_type_ids=[general.pk])  # fmt: skip
    assert price(event, {general.pk: 9, vip.pk: 5}).discount_minor == 0  # VIP do not count towards it
    priced = price(event, {general.pk: 10, vip.pk: 5})
    assert discounts_by_line(priced) == {"General": 2500, "VIP": 0}
    assert priced.discount_labels == ["Groups of 10+"]


def test_a_package_prices_whole_bundles_and_shares_its_saving_exactly(show) -> None:
    event, general, vip = show
    # 2 VIP + 2 General are worth 150.00; the package sells them for 120.00.
    make_discount(kind="package", name="Corporate table", event=event, amount_minor=12000,
                  package={vip.pk: 2, general.pk: 2})  # fmt: skip
    priced = price(event, {vip.pk: 5, general.pk: 4})
    # Two bundles (4 VIP, 4 General) save 2 × 30.00, shared 2:1 by value; the fifth VIP pays in full.
    assert discounts_by_line(priced) == {"VIP": 4000, "General": 2000}
    assert priced.total_minor == 5 * 5000 + 4 * 2500 - 6000
    assert priced.discount_labels == ["Corporate table"]
    assert price(event, {vip.pk: 2, general.pk: 1}).discount_minor == 0  # no whole bundle


def test_discounts_never_stack_each_ticket_gets_the_best_single_rule(show) -> None:
    event, general, vip = show
    make_discount(kind="percent", name="Spring sale", event=event, percent_bp=1000)  # automatic 10 %
    make_discount(kind="amount", code="FIVE", amount_minor=500, event=event, ticket_type_ids=[general.pk])
    make_discount(kind="package", name="Pair", event=event, amount_minor=9000, package={vip.pk: 2})
    priced = price(event, {general.pk: 2, vip.pk: 3}, code="FIVE")
    # General: 5.00 off each beats 10 %; VIP: a pair at 90.00 (saves 10.00), the third VIP 10 % off.
    assert discounts_by_line(priced) == {"General": 1000, "VIP": 1000 + 500}
    assert priced.discount_labels == ["FIVE", "Spring sale", "Pair"]


def test_add_ons_are_never_discounted(show) -> None:
    event, general, _ = show
    parking = make_addon(event, name="Parking", price_minor=800)
    make_discount(kind="percent", code="HALF", percent_bp=5000, event=event)
    priced = price(event, {general.pk: 2}, addons={parking.pk: 1}, code="HALF")
    assert discounts_by_line(priced) == {"General": 2500, "Parking": 0}


def test_expired_unknown_used_up_and_early_codes_are_refused_with_their_reason(show) -> None:
    event, general, _ = show
    now = timezone.now()
    make_discount(kind="percent", code="OLD", percent_bp=1000, valid_until=now - timedelta(minutes=1))
    make_discount(kind="percent", code="SOON", percent_bp=1000, valid_from=now + timedelta(days=1))
    gone = make_discount(kind="percent", code="GONE", percent_bp=1000, usage_limit=1)
    gone.times_used = 1
    gone.save()
    off = make_discount(kind="percent", code="OFF", percent_bp=1000)
    off.is_active = False
    off.save()
    other_event, _ = on_sale_event()
    make_discount(kind="percent", code="ELSEWHERE", percent_bp=1000, event=other_event)
    tickets = {general.pk: 1}
    cases = {
        "NOPE": (DiscountErrorCode.UNKNOWN_CODE, "We do not know the code “NOPE”."),
        "OLD": (DiscountErrorCode.CODE_EXPIRED, "The code “OLD” has expired."),
        "SOON": (DiscountErrorCode.CODE_NOT_YET_VALID, "The code “SOON” is valid from"),
        "GONE": (DiscountErrorCode.CODE_EXHAUSTED, "The code “GONE” has been used up."),
        "OFF": (DiscountErrorCode.CODE_EXPIRED, "The code “OFF” is no longer valid."),
        "ELSEWHERE": (
            DiscountErrorCode.CODE_NOT_APPLICABLE,
            "The code “ELSEWHERE” is not valid for this event.",
        ),
    }
    for code, (error_code, message) in cases.items():
        refused = refused_code(event, tickets, code)
        assert (refused.code, refused.message[: len(message)]) == (error_code, message), code


def test_a_code_that_does_not_reach_the_selection_is_refused_not_ignored(show) -> None:
    event, general, vip = show
    make_discount(kind="percent", code="VIPONLY", percent_bp=1000, event=event, ticket_type_ids=[vip.pk])
    make_discount(kind="group", code="CREW", percent_bp=1000, event=event, min_tickets=5)
    make_discount(kind="package", code="TABLE", event=event, amount_minor=1000, package={vip.pk: 2})
    for code, message in [
        ("VIPONLY", "The code “VIPONLY” applies only to: VIP."),
        ("CREW", "The code “CREW” applies from 5 tickets."),
        ("TABLE", "The code “TABLE” is for a package of 2 × VIP: choose at least that."),
    ]:
        refused = refused_code(
            event, {general.pk: 2, vip.pk: 1} if code == "TABLE" else {general.pk: 3}, code
        )
        assert (refused.code, refused.message) == (DiscountErrorCode.CODE_NOT_APPLICABLE, message)
    assert price(event, {vip.pk: 2}, code="TABLE").total_minor == 1000


def test_a_code_unlocks_its_code_only_ticket_types(show) -> None:
    event, _, _ = show
    secret = make_ticket_type(
        event, name="Friends", price_minor=1000, visibility=TicketType.Visibility.CODE_ONLY
    )
    make_discount(kind="percent", code="FRIENDS", percent_bp=0, event=event, ticket_type_ids=[secret.pk])
    assert secret.pk not in event_offer(event).ticket_types
    with pytest.raises(InventoryError) as hidden:
        price(event, {secret.pk: 1})
    assert hidden.value.code == InventoryErrorCode.UNKNOWN_ITEM
    priced = price(event, {secret.pk: 2}, code="friends")
    assert (priced.total_minor, priced.promo_code) == (2000, "FRIENDS")
    unlocked = discounts_for(event, code="FRIENDS").unlocked_ticket_type_ids(event_id=event.pk)
    assert secret.pk in event_offer(event, unlocked_ticket_type_ids=unlocked).ticket_types


@given(total=st.integers(0, 10**9), weights=st.lists(st.integers(1, 10**6), min_size=1, max_size=8))
def test_shares_add_up_exactly_and_stay_within_their_weight(total: int, weights: list[int]) -> None:
    shares = share_out(total, weights)
    assert sum(shares) == total
    whole = sum(weights)
    for share, weight in zip(shares, weights, strict=True):
        assert total * weight // whole <= share <= -(-total * weight // whole)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    prices=st.tuples(st.integers(0, 20_000), st.integers(0, 20_000)),
    quantities=st.tuples(st.integers(0, 12), st.integers(1, 12)),
    percent_bp=st.integers(0, 10_000),
    amount=st.integers(1, 30_000),
    package_price=st.integers(0, 60_000),
    code=st.sampled_from(["", "PCT", "AMT", "PKG"]),
)
def test_any_combination_adds_up_and_never_goes_negative(
    prices, quantities, percent_bp, amount, package_price, code
) -> None:
    # Each example makes its own event; the test's transaction rolls them all back.
    event, first = on_sale_event(price_minor=prices[0], quantity=50, max_per_order=20)
    second = make_ticket_type(event, price_minor=prices[1], quantity=50, max_per_order=20)
    make_discount(kind="percent", code=f"PCT{event.pk}", percent_bp=percent_bp, event=event)
    make_discount(kind="amount", code=f"AMT{event.pk}", amount_minor=amount, event=event)
    make_discount(kind="package", code=f"PKG{event.pk}", event=event, amount_minor=package_price,
                  package={first.pk: 1, second.pk: 1})  # fmt: skip
    make_discount(kind="group", name="Six or more", event=event, percent_bp=1500, min_tickets=6)
    tickets = {first.pk: quantities[0], second.pk: quantities[1]}
    try:
        priced = price(event, tickets, code=f"{code}{event.pk}" if code else "")
    except DiscountError as refused:
        assert refused.code == DiscountErrorCode.CODE_NOT_APPLICABLE
        return
    for line in priced.lines:
        assert 0 <= line.discount_minor <= line.gross_minor
        assert line.total_minor == line.gross_minor - line.discount_minor
    assert priced.total_minor == sum(line.total_minor for line in priced.lines) >= 0
    assert priced.subtotal_minor == prices[0] * quantities[0] + prices[1] * quantities[1]
    assert bool(priced.promo_code) == bool(code)
