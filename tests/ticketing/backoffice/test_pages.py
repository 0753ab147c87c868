"""The back office used as staff use it: forms, clear errors, and the services' effects."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from django.core import mail
from django.urls import reverse

from ticketing.audit.models import LogEntry
from ticketing.catalog.models import AddOn, Event, TicketType
from ticketing.discounts.models import Discount
from ticketing.inventory.models import Stock
from ticketing.orders.models import Order, Ticket
from ticketing.team.models import Membership

from .conftest import Shop

EVENT_FIELDS = {
    "name": "Winter Gala", "slug": "winter-gala", "starts_at": "2030-01-10T20:00",
    "ends_at": "2030-01-10T23:30", "timezone": "Europe/Berlin", "capacity": "120",
    "attendance_mode": "in_person", "hold_minutes": "15",
}  # fmt: skip


def body(response) -> str:
    return response.content.decode()


def test_creating_an_event_reads_times_in_its_time_zone(signed_in) -> None:
    client = signed_in("manager")
    page = client.get(reverse("backoffice:event_create"))
    assert page.status_code == 200 and '<label for="id_starts_at">Starts:</label>' in body(page)
    created = client.post(reverse("backoffice:event_create"), EVENT_FIELDS)
    event = Event.objects.get(slug="winter-gala")
    assert created.status_code == 302 and created["Location"] == f"/backoffice/events/{event.pk}/"
    assert event.starts_at == datetime(2030, 1, 10, 19, 0, tzinfo=UTC)  # 20:00 in Berlin (winter)
    assert (event.status, event.capacity, event.timezone) == ("draft", 120, "Europe/Berlin")
    detail = client.get(created["Location"])
    assert "was created as a draft" in body(detail)
    edit = client.get(reverse("backoffice:event_edit", args=[event.pk]))
    assert 'value="2030-01-10T20:00"' in body(edit)  # shown again as the wall-clock time typed


def test_bad_event_input_is_explained_on_its_fields_and_nothing_is_created(signed_in) -> None:
    client = signed_in("owner")
    response = client.post(
        reverse("backoffice:event_create"),
        {**EVENT_FIELDS, "ends_at": "2030-01-10T19:00", "capacity": "-3"},
    )
    page = body(response)
    assert response.status_code == 400
    assert 'role="alert"' in page and "Please correct the following" in page
    assert "Ensure this value is greater than or equal to 0." in page
    assert (
        'aria-invalid="true"' in page and 'aria-describedby="id_capacity_helptext id_capacity_error"' in page
    )
    refused = client.post(reverse("backoffice:event_create"), {**EVENT_FIELDS, "ends_at": "2030-01-10T19:00"})
    assert refused.status_code == 400 and "An event cannot end before it starts." in body(refused)
    assert not Event.objects.filter(slug="winter-gala").exists()


def test_ticket_types_and_add_ons_from_the_event_page(shop: Shop, signed_in) -> None:
    client = signed_in("manager")
    event = shop.event
    added = client.post(
        reverse("backoffice:ticket_type_create", args=[event.pk]),
        {"name": "Balcony", "kind": "general_admission", "price_minor": "12.50", "quantity": "30",
         "min_per_order": "1", "max_per_order": "6", "visibility": "code_only", "position": "2",
         "sale_ends_at": "2029-12-31T18:00"},
    )  # fmt: skip
    assert added.status_code == 302
    balcony = TicketType.objects.get(event=event, name="Balcony")
    assert (balcony.price_minor, balcony.currency, balcony.visibility) == (1250, "USD", "code_only")
    bad_price = client.post(
        reverse("backoffice:ticket_type_create", args=[event.pk]),
        {"name": "Odd", "kind": "other", "price_minor": "12.505", "quantity": "3", "min_per_order": "1",
         "max_per_order": "2", "visibility": "public", "position": "0"},
    )  # fmt: skip
    assert bad_price.status_code == 400 and "Enter an amount like 12.50" in body(bad_price)
    # 5 of General are sold or reserved (the shop's two orders): the quantity cannot go below.
    below = client.post(
        reverse("backoffice:ticket_type_edit", args=[shop.ticket_type.pk]),
        {"name": "General", "kind": "general_admission", "price_minor": "25.00", "quantity": "4",
         "min_per_order": "1", "max_per_order": "10", "visibility": "public", "position": "0"},
    )  # fmt: skip
    assert below.status_code == 400
    assert "“General” cannot go below the 5 already sold or reserved." in body(below)
    assert TicketType.objects.get(pk=shop.ticket_type.pk).quantity == 40
    addon = client.post(
        reverse("backoffice:addon_edit", args=[shop.addon.pk]),
        {"name": "Parking", "kind": "parking", "price_minor": "9", "quantity": "25", "max_per_order": "2",
         "position": "0"},
    )  # fmt: skip
    assert addon.status_code == 302
    assert AddOn.objects.get(pk=shop.addon.pk).price_minor == 900
    detail = body(client.get(reverse("backoffice:event_detail", args=[event.pk])))
    assert "Balcony" in detail and "$12.50" in detail and "Code only" in detail


def test_publish_take_off_sale_and_a_refused_publish(shop: Shop, signed_in) -> None:
    client = signed_in("manager")
    empty = Event.objects.create(
        name="Bare", slug="bare", starts_at=shop.event.starts_at, ends_at=shop.event.ends_at
    )
    refused = client.post(reverse("backoffice:event_publish", args=[empty.pk]), follow=True)
    assert "Add at least one ticket type before publishing." in body(refused)
    client.post(reverse("backoffice:event_publish", args=[shop.draft_event.pk]))
    assert Event.objects.get(pk=shop.draft_event.pk).status == "published"
    client.post(reverse("backoffice:event_unpublish", args=[shop.event.pk]))
    assert Event.objects.get(pk=shop.event.pk).status == "draft"


def test_orders_are_found_by_code_email_or_name(shop: Shop, signed_in) -> None:
    client = signed_in("box_office")
    by_code = body(client.get(reverse("backoffice:order_list"), {"q": shop.paid_order.code.lower()}))
    assert shop.paid_order.code in by_code and shop.pending_order.code not in by_code
    by_email = body(client.get(reverse("backoffice:order_list"), {"q": "ADA@example"}))
    assert shop.pending_order.code in by_email and shop.paid_order.code not in by_email
    nothing = body(client.get(reverse("backoffice:order_list"), {"q": "nobody-here"}))
    assert "No order matches “nobody-here”." in nothing
    detail = body(client.get(reverse("backoffice:order_detail", args=[shop.pending_order.code])))
    assert "Ada Lovelace" in detail and "Mark paid" in detail
    assert "Cancel order" not in detail and "Refund" not in detail  # the box office may not


def test_box_office_marks_an_order_paid(shop: Shop, signed_in) -> None:
    client = signed_in("box_office")
    response = client.post(reverse("backoffice:order_mark_paid", args=[shop.pending_order.code]), follow=True)
    assert f"Order {shop.pending_order.code} is paid." in body(response)
    order = Order.objects.get(pk=shop.pending_order.pk)
    assert order.status == "paid"
    entry = LogEntry.objects.get(action="order.paid", object_id=order.pk)
    assert entry.actor is not None and entry.actor.membership.role == "box_office"


def test_cancel_and_refunds_return_inventory(shop: Shop, signed_in) -> None:
    client = signed_in("manager")
    stock = Stock.objects.get(ticket_type=shop.ticket_type)
    assert stock.sold == 5
    client.post(reverse("backoffice:order_cancel", args=[shop.pending_order.code]), {"reason": "Asked"})
    assert Order.objects.get(pk=shop.pending_order.pk).status == "cancelled"
    stock.refresh_from_db()
    assert stock.sold == 3

    url = reverse("backoffice:order_refund", args=[shop.paid_order.code])
    nothing_chosen = client.post(url, {"scope": "chosen", "reason": "x"})
    assert nothing_chosen.status_code == 400 and "Choose the tickets to refund." in body(nothing_chosen)
    ticket = shop.paid_order.tickets.first()
    assert ticket is not None
    partial = client.post(url, {"scope": "chosen", "tickets": [str(ticket.pk)], "reason": "Ill"}, follow=True)
    assert "Refunded $25.00" in body(partial)
    order = Order.objects.get(pk=shop.paid_order.pk)
    assert (order.status, order.refunded_minor) == ("partially_refunded", 2500)
    stock.refresh_from_db()
    assert stock.sold == 2
    client.post(url, {"scope": "whole", "reason": "All"})
    order.refresh_from_db()
    assert (order.status, order.refunded_minor) == ("refunded", 7500)
    assert set(order.tickets.values_list("status", flat=True)) == {Ticket.Status.REFUNDED}
    stock.refresh_from_db()
    assert stock.sold == 0
    again = client.post(url, {"scope": "whole"})
    assert again.status_code == 400 and "A refunded order cannot be refunded." in body(again)


def test_cancelling_an_event_settles_its_orders_after_commit(
    shop: Shop, signed_in, django_capture_on_commit_callbacks
) -> None:
    client = signed_in("owner")
    page = client.get(reverse("backoffice:event_cancel", args=[shop.event.pk]))
    assert "2 open orders" in body(page)
    unconfirmed = client.post(reverse("backoffice:event_cancel", args=[shop.event.pk]), {"reason": "Storm"})
    assert unconfirmed.status_code == 400 and "This field is required." in body(unconfirmed)
    assert Event.objects.get(pk=shop.event.pk).status == "published"
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            reverse("backoffice:event_cancel", args=[shop.event.pk]), {"reason": "Storm", "confirm": "on"}
        )
    assert done.status_code == 302
    assert Event.objects.get(pk=shop.event.pk).status == "cancelled"
    assert Order.objects.get(pk=shop.pending_order.pk).status == "cancelled"
    paid = Order.objects.get(pk=shop.paid_order.pk)
    assert (paid.status, paid.refunded_minor) == ("refunded", paid.total_minor)
    assert paid.refunds.get().reason == "Storm"
    assert Stock.objects.get(ticket_type=shop.ticket_type).sold == 0
    assert client.get(f"/events/{shop.event.slug}/").status_code == 404  # off the storefront


def test_promo_codes_and_packages_from_the_back_office(shop: Shop, signed_in, acme_client) -> None:
    client = signed_in("manager")
    created = client.post(
        reverse("backoffice:discount_create"),
        {"kind": "percent", "code": "early-bird", "name": "Early birds", "percent_bp": "12.5",
         "usage_limit": "100"},
    )  # fmt: skip
    assert created.status_code == 302
    code = Discount.objects.get(code="EARLY-BIRD")
    assert (code.percent_bp, code.usage_limit, code.event) == (1250, 100, None)
    taken = client.post(reverse("backoffice:discount_create"), {"kind": "amount", "code": "Early-Bird",
                                                                "amount_minor": "5"})  # fmt: skip
    assert taken.status_code == 400 and "The code “EARLY-BIRD” is taken." in body(taken)
    bad = client.post(
        reverse("backoffice:discount_create"), {"kind": "percent", "code": "X", "percent_bp": "150"}
    )
    assert bad.status_code == 400 and "Enter a percentage between 0 and 100" in body(bad)

    vip = TicketType.objects.create(
        event=shop.event, name="VIP", price_minor=6000, currency="USD", quantity=0
    )
    package = client.post(
        reverse("backoffice:event_discount_create", args=[shop.event.pk]),
        {"kind": "package", "name": "Corporate table", "amount_minor": "100.00",
         f"package_{shop.ticket_type.pk}": "2", f"package_{vip.pk}": "1"},
    )  # fmt: skip
    assert package.status_code == 302
    table = Discount.objects.get(name="Corporate table")
    assert sorted(table.package_items.values_list("ticket_type__name", "quantity")) == [
        ("General", 2),
        ("VIP", 1),
    ]
    listing = body(client.get(reverse("backoffice:discount_list")))
    assert "EARLY-BIRD" in listing and "12.5 % off" in listing and "0 of 100" in listing
    assert "2 × General + 1 × VIP for $100.00" in listing

    client.post(reverse("backoffice:discount_switch", args=[code.pk]), {"active": "0"})
    storefront = acme_client.get(f"/events/{shop.event.slug}/", {"promo_code": "early-bird"})
    assert "The code “EARLY-BIRD” is no longer valid." in body(storefront)
    edited = client.post(
        reverse("backoffice:discount_edit", args=[code.pk]),
        {"name": "Early birds", "percent_bp": "15", "usage_limit": "50", "kind": "amount", "code": "HACK"},
    )
    assert edited.status_code == 302
    code.refresh_from_db()
    assert (code.percent_bp, code.usage_limit, code.kind, code.code) == (1500, 50, "percent", "EARLY-BIRD")


def test_team_invite_role_change_and_the_last_owner(signed_in, django_capture_on_commit_callbacks) -> None:
    client = signed_in("owner")
    with django_capture_on_commit_callbacks(execute=True):
        invited = client.post(
            reverse("backoffice:member_invite"),
            {"email": "Sam@Example.com", "role": "scanner", "full_name": "Sam"},
        )
    assert invited.status_code == 302
    assert [message.to for message in mail.outbox] == [["sam@example.com"]]
    assert re.search(r"http://acme\.localhost/accounts/invitation/\S+/", str(mail.outbox[0].body))
    sam = Membership.objects.get(user__email="sam@example.com")
    assert sam.role == "scanner"
    twice = client.post(reverse("backoffice:member_invite"), {"email": "sam@example.com", "role": "analyst"})
    assert twice.status_code == 400 and "sam@example.com is already on the team." in body(twice)

    client.post(reverse("backoffice:member_role", args=[sam.user_id]), {f"m{sam.user_id}-role": "manager"})
    assert Membership.objects.get(pk=sam.pk).role == "manager"

    from accounts.models import User

    owner = User.objects.get(email="owner@acme.example")
    refused = client.post(
        reverse("backoffice:member_role", args=[owner.pk]), {f"m{owner.pk}-role": "analyst"}, follow=True
    )
    assert "The shop needs at least one owner" in body(refused)
    removed = client.post(reverse("backoffice:member_remove", args=[sam.user_id]), follow=True)
    assert "can no longer sign in" in body(removed)
    assert not User.objects.get(pk=sam.user_id).is_active


def test_the_dashboard_shows_sales_to_those_who_read_reports(shop: Shop, signed_in) -> None:
    analyst = body(signed_in("analyst").get(reverse("backoffice:dashboard")))
    assert "Sales per event" in analyst and "$75.00" in analyst and "$50.00" in analyst  # paid, awaiting
    assert 'href="/backoffice/orders/"' not in analyst  # analysts do not see buyers' orders
    scanner = body(signed_in("scanner").get(reverse("backoffice:dashboard")))
    assert "Sales per event" not in scanner and "$75.00" not in scanner
    assert "signed in as scanner" in scanner
