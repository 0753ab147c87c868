"""The .ics file follows RFC 5545 to the octet: CRLF, folding at 75 octets, escaped text."""

from __future__ import annotations

from datetime import UTC, datetime

import icalendar
import pytest
from django.test import Client

from ticketing.catalog.models import Event
from ticketing.tickets.ics import fold, order_calendar

from ..factories import make_event
from .conftest import STARTS_AT, Show, buy

pytestmark = pytest.mark.usefixtures("in_acme")

LONG_NAME = "Große Nacht des Jazz; Blues, Soul & Funk — mit Gästen aus Köln, Zürich und 東京 " * 2


def physical_lines(ics: bytes) -> list[bytes]:
    assert ics.endswith(b"\r\n")
    lines = ics[:-2].split(b"\r\n")
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    return lines


def test_long_text_is_folded_at_75_octets_without_splitting_a_character_and_reads_back(show: Show) -> None:
    from ticketing.catalog.services import update_event

    event = update_event(actor=None, event=show.event, name=LONG_NAME.strip()[:200])
    order = buy(show, standing=1, seated=0)
    order.event = event
    ics = order_calendar(
        order=order, ticket_count=1, shop_name="Acme, Live", uid_domain="acme.localhost", stamp=STARTS_AT
    )

    lines = physical_lines(ics)
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # something was long enough to fold
    for line in lines:
        line.decode()  # every physical line is whole UTF-8: no character cut in two
    (vevent,) = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == event.name
    assert vevent.decoded("DTSTART") == STARTS_AT
    assert b"PRODID:-//Acme\\, Live//Tickets//EN" in ics


def test_fold_is_exact_at_the_boundary() -> None:
    assert fold("X" * 75) == "X" * 75
    assert fold("X" * 76) == "X" * 75 + "\r\n " + "X"
    assert fold("é" * 38).encode().split(b"\r\n ")[0] == "é".encode() * 37  # 74 octets, not 76


def test_an_online_event_has_its_link_as_location_and_url(show: Show) -> None:
    online = make_event(
        name="Stream: Late Set",
        starts_at=datetime(2031, 1, 5, 23, 30, tzinfo=UTC),
        ends_at=datetime(2031, 1, 6, 1, 0, tzinfo=UTC),
        attendance_mode=Event.AttendanceMode.ONLINE,
        online_url="https://stream.example/late-set?a=1,b=2",
    )
    order = buy(show, standing=1, seated=0)
    order.event = online
    ics = order_calendar(
        order=order, ticket_count=1, shop_name="Acme", uid_domain="acme.localhost", stamp=STARTS_AT
    )
    (vevent,) = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert str(vevent["LOCATION"]) == "https://stream.example/late-set?a=1,b=2"
    assert str(vevent["URL"]) == "https://stream.example/late-set?a=1,b=2"
    assert "Join online: https://stream.example/late-set?a=1,b=2" in str(vevent["DESCRIPTION"])
    assert vevent.decoded("DTEND") == datetime(2031, 1, 6, 1, 0, tzinfo=UTC)


def test_the_buyer_downloads_the_calendar_file_by_the_order_link(acme_client: Client, show: Show) -> None:
    order = buy(show, standing=1, seated=0)
    response = acme_client.get(f"/orders/{order.code}/{order.secret}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    (vevent,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert vevent.decoded("DTSTART") == STARTS_AT
    assert acme_client.get(f"/orders/{order.code}/nope/calendar.ics").status_code == 404


def test_the_calendar_file_speaks_the_orders_language_whoever_downloads_it(
    acme_client: Client, show: Show
) -> None:
    from branding.services import translate_content
    from ticketing.orders.models import Order

    translate_content(actor=None, target=show.event, language="de", texts={"name": "Jazz am See"})
    order = buy(show, standing=2, seated=1)
    Order.objects.filter(pk=order.pk).update(language="de")  # placed by a German buyer

    response = acme_client.get(f"/orders/{order.code}/{order.secret}/calendar.ics", HTTP_ACCEPT_LANGUAGE="en")

    (vevent,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Jazz am See"
    assert str(vevent["DESCRIPTION"]) == f"Bestellung {order.code}: 3 Tickets."
