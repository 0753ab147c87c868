"""Venues, event series and event images in the back office, used as staff use them."""

from __future__ import annotations

from datetime import UTC, datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.branding.conftest import image_bytes
from tests.conftest import client_for
from ticketing.audit.models import LogEntry
from ticketing.catalog.models import Event, EventSeries, Venue
from ticketing.catalog.services import publish_event

from ..factories import make_event, make_ticket_type
from .conftest import Shop


def body(response) -> str:
    return response.content.decode()


def test_a_venue_is_added_then_edited_and_each_change_is_audited(signed_in) -> None:
    client = signed_in("manager")
    fields = {
        "name": "Opera",
        "address": "Opernring 2",
        "city": "Vienna",
        "country": "at",
        "timezone": "Europe/Vienna",
    }
    added = client.post(reverse("backoffice:venue_create"), fields)
    venue = Venue.objects.get(name="Opera")
    assert added.status_code == 302 and (venue.country, venue.timezone) == ("AT", "Europe/Vienna")
    assert "Opera" in body(client.get(reverse("backoffice:venue_list")))
    edited = client.post(reverse("backoffice:venue_edit", args=[venue.pk]), {**fields, "city": "Wien"})
    assert edited.status_code == 302
    venue.refresh_from_db()
    assert venue.city == "Wien"
    assert list(
        LogEntry.objects.filter(object_type="venue", object_id=venue.pk).values_list("action", flat=True)
    ) == [
        "venue.updated",
        "venue.created",
    ]


def test_a_venue_with_an_unknown_time_zone_is_refused_on_its_field(signed_in) -> None:
    client = signed_in("owner")
    response = client.post(
        reverse("backoffice:venue_create"), {"name": "Nowhere", "timezone": "Mars/Olympus"}
    )
    assert response.status_code == 400
    assert "Unknown time zone “Mars/Olympus”." in body(response)
    assert not Venue.objects.filter(name="Nowhere").exists()


def test_a_weekly_series_makes_one_draft_per_chosen_weekday_at_the_local_time(signed_in, shop: Shop) -> None:
    template = shop.event  # its ticket type and add-on are copied to every date
    client = signed_in("manager")
    response = client.post(
        reverse("backoffice:series_create"),
        {
            "name": "Summer jazz", "slug": "summer-jazz", "timezone": "Europe/Berlin", "capacity": "60",
            "duration_minutes": "150", "hold_minutes": "10", "venue": str(shop.venue.pk),
            "template": str(template.pk), "rule": "weekly", "weekdays": ["1", "4"],  # Tuesdays and Fridays
            "first_date": "2031-03-24", "last_date": "2031-04-04", "start_time": "20:00",
        },
    )  # fmt: skip
    series = EventSeries.objects.get(slug="summer-jazz")
    assert response.status_code == 302 and response["Location"] == f"/backoffice/series/{series.pk}/"
    events = list(series.events.order_by("starts_at"))
    # Tue 25, Fri 28 March (CET, UTC+1), Tue 1, Fri 4 April (CEST, UTC+2): 20:00 in Berlin each time.
    assert [event.starts_at for event in events] == [
        datetime(2031, 3, 25, 19, 0, tzinfo=UTC),
        datetime(2031, 3, 28, 19, 0, tzinfo=UTC),
        datetime(2031, 4, 1, 18, 0, tzinfo=UTC),
        datetime(2031, 4, 4, 18, 0, tzinfo=UTC),
    ]
    assert {(e.status, e.capacity, e.venue_id, e.hold_minutes) for e in events} == {
        ("draft", 60, shop.venue.pk, 10)
    }
    assert events[0].slug == "summer-jazz-20310325-2000"
    assert all((e.ends_at - e.starts_at).total_seconds() == 150 * 60 for e in events)
    assert {tuple(e.ticket_types.values_list("name", "price_minor", "quantity")) for e in events} == {
        (("General", 2500, 40),)
    }
    assert {e.addons.count() for e in events} == {1}
    page = body(client.get(response["Location"]))
    assert "4 dates" in page and f"/backoffice/events/{events[0].pk}/edit/" in page


def test_each_date_of_a_series_is_edited_and_published_on_its_own(signed_in, shop: Shop) -> None:
    first, second = shop.series.events.order_by("starts_at")
    make_ticket_type(first, name="Seat")
    publish_event(actor=None, event=first)
    client = signed_in("manager")
    response = client.post(
        reverse("backoffice:event_edit", args=[second.pk]),
        {
            "name": "Jazz nights: the finale", "slug": second.slug, "starts_at": "2031-01-01T21:00",
            "ends_at": "2031-01-01T23:00", "timezone": "UTC", "capacity": "90",
            "attendance_mode": "in_person", "hold_minutes": "15",
        },
    )  # fmt: skip
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.name, first.status, first.capacity) == ("Jazz nights", "published", 80)
    assert (second.name, second.status, second.capacity, second.series_id) == (
        "Jazz nights: the finale", "draft", 90, shop.series.pk,
    )  # fmt: skip


def test_a_series_from_listed_dates_refuses_a_line_it_cannot_read_and_creates_nothing(signed_in) -> None:
    client = signed_in("owner")
    fields = {
        "name": "Matinees", "slug": "matinees", "timezone": "UTC", "capacity": "40", "duration_minutes": "90",
        "hold_minutes": "15", "rule": "list", "dates": "2031-03-01 15:00\nnext Sunday",
    }  # fmt: skip
    response = client.post(reverse("backoffice:series_create"), fields)
    assert response.status_code == 400
    assert "Not a date and time like 2031-07-04 20:00: next Sunday" in body(response)
    weekly = client.post(
        reverse("backoffice:series_create"),
        {**fields, "rule": "weekly", "weekdays": ["0"], "first_date": "2031-03-10", "last_date": "2031-03-01",
         "start_time": "15:00"},
    )  # fmt: skip
    assert weekly.status_code == 400 and "The last date cannot be before the first." in body(weekly)
    assert not EventSeries.objects.filter(slug="matinees").exists()
    assert not Event.objects.filter(slug__startswith="matinees-").exists()


def test_a_series_whose_slug_is_taken_is_refused_whole(signed_in, shop: Shop) -> None:
    client = signed_in("owner")
    response = client.post(
        reverse("backoffice:series_create"),
        {"name": "Again", "slug": "jazz-nights", "timezone": "UTC", "capacity": "5", "duration_minutes": "60",
         "hold_minutes": "15", "rule": "list", "dates": "2031-05-01 19:00"},
    )  # fmt: skip
    assert response.status_code == 400
    assert EventSeries.objects.filter(slug="jazz-nights").count() == 1
    assert not Event.objects.filter(name="Again").exists()


def test_an_uploaded_image_shows_on_the_event_page_and_in_the_event_list(signed_in, shop: Shop) -> None:
    event = make_event(name="Poster night")
    make_ticket_type(event, name="Seat")
    client = signed_in("manager")
    png = image_bytes(size=(300, 200), color="#123456")
    response = client.post(
        reverse("backoffice:event_image", args=[event.pk]), {"image": SimpleUploadedFile("poster.png", png)}
    )
    assert response.status_code == 302
    event.refresh_from_db()
    name = event.image.name or ""
    assert name.startswith("events/acme/") and name.endswith(".png")
    publish_event(actor=None, event=event)
    shop_client = client_for("acme.localhost")
    listing, page = body(shop_client.get("/")), body(shop_client.get(f"/events/{event.slug}/"))
    image_url = reverse("catalog:event_image", args=[event.slug, name.rsplit("/", 1)[1][:-4]])
    assert image_url in listing and image_url in page
    served = shop_client.get(image_url)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == png  # type: ignore[attr-defined]
    assert shop_client.get(image_url.replace(event.slug, shop.draft_event.slug)).status_code == 404


def test_an_image_that_is_not_one_or_too_large_is_refused_and_the_old_one_stays(
    signed_in, shop: Shop
) -> None:
    client = signed_in("manager")
    before = Event.objects.get(pk=shop.event.pk).image.name
    url = reverse("backoffice:event_image", args=[shop.event.pk])
    fake = client.post(url, {"image": SimpleUploadedFile("poster.png", b"<svg onload=alert(1)>")})
    assert fake.status_code == 400
    assert "The event image is not an image we can use; upload a GIF, JPEG, PNG, WEBP file." in body(fake)
    huge = client.post(url, {"image": SimpleUploadedFile("big.png", image_bytes(size=(4100, 10)))})
    assert huge.status_code == 400 and "it may be at most 4000 pixels wide and high" in body(huge)
    assert Event.objects.get(pk=shop.event.pk).image.name == before


def test_removing_the_image_deletes_its_file_after_the_commit(
    signed_in, shop: Shop, django_capture_on_commit_callbacks
) -> None:
    event = Event.objects.get(pk=shop.event.pk)
    storage, name = event.image.storage, event.image.name or ""
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in("owner").post(reverse("backoffice:event_image_remove", args=[event.pk]))
    assert response.status_code == 302
    event.refresh_from_db()
    assert not event.image and not storage.exists(name)


def test_staff_see_a_draft_events_image_that_the_storefront_does_not_serve(signed_in, shop: Shop) -> None:
    client: Client = signed_in("scanner")
    response = client.get(reverse("backoffice:event_image_file", args=[shop.event.pk]))
    assert response.status_code == 200 and response["Cache-Control"] == "private, max-age=60"
    assert client.get(reverse("backoffice:event_image_file", args=[shop.draft_event.pk])).status_code == 404
