"""Staff get the back office in their language: the language cookie (the switcher in every page's
header), else their browser's Accept-Language, else the shop's default language."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from ticketing.audit.labels import action_label

from .conftest import Shop


def body(response) -> str:
    return response.content.decode()


def test_a_german_staff_member_gets_a_german_back_office(signed_in, shop: Shop) -> None:
    client = signed_in("manager")
    german = {"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9"}
    events = body(client.get(reverse("backoffice:event_list"), **german))
    assert "Veranstaltungsreihen" in events and "Kasse" in events and "Abmelden" in events
    assert "Alle Veranstaltungen, neueste zuerst" in events and "Event series" not in events

    form = body(client.get(reverse("backoffice:event_create"), **german))
    assert '<label for="id_starts_at">Beginn:</label>' in form and "Reservierungszeit (Minuten)" in form

    refused = client.post(
        reverse("backoffice:event_create"),
        {
            "name": "Gala", "slug": "gala", "starts_at": "2030-01-10T20:00", "ends_at": "2030-01-10T19:00",
            "timezone": "Europe/Berlin", "capacity": "10", "attendance_mode": "in_person",
            "hold_minutes": "15",
        },
        **german,
    )  # fmt: skip
    assert refused.status_code == 400
    assert "Bitte korrigieren Sie Folgendes" in body(refused)
    assert "Eine Veranstaltung kann nicht enden, bevor sie beginnt." in body(refused)

    saved = client.post(
        reverse("backoffice:venue_create"),
        {"name": "Oper", "timezone": "Europe/Berlin"},
        follow=True,
        **german,
    )
    assert "Veranstaltungsort „Oper“ hinzugefügt." in body(saved)


def test_the_language_cookie_wins_over_the_browser(signed_in, shop: Shop) -> None:
    client = signed_in("box_office")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = body(client.get(reverse("backoffice:box_office"), HTTP_ACCEPT_LANGUAGE="de"))
    assert "pour lequel vendre des billets." in page and "Guichet" in page


def test_a_role_refused_is_told_so_in_its_language(signed_in, shop: Shop) -> None:
    response = signed_in("scanner").get(reverse("backoffice:venue_create"), HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 403
    assert "No permitido" in body(response) and "No se ha cambiado nada." in body(response)
    assert "El rol «control de acceso» no puede abrir esta página ni hacer esto." in body(response)


def test_arabic_staff_pages_are_right_to_left(signed_in, shop: Shop) -> None:
    page = body(signed_in("owner").get(reverse("backoffice:series_list"), HTTP_ACCEPT_LANGUAGE="ar"))
    assert 'dir="rtl"' in page and "سلاسل الفعاليات" in page


def test_a_german_staff_member_gets_the_regions_and_tax_rates_page_in_german(signed_in, shop: Shop) -> None:
    client = signed_in("manager")
    german = {"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9"}
    page = body(client.get(reverse("backoffice:regions"), **german))
    assert "<h1>Regionen und Steuern</h1>" in page and "Steuersatz festlegen" in page
    assert "Region hinzufügen oder ändern" in page and "Standardregion" in page
    assert "Reverse-Charge für gewerbliche Käufer" in page and "Add or change a region" not in page

    refused = client.post(
        reverse("backoffice:regions"),
        {"region-code": "x y", "region-name": "Nirgendwo", "region-currency": "EUR", "region-position": "0",
         "save_region": "1"},
        **german,
    )  # fmt: skip
    assert refused.status_code == 400
    assert "Ein Regionscode besteht aus Buchstaben, Ziffern und Bindestrichen." in body(refused)
    assert "Nichts wurde gespeichert: Siehe das Formular unten." in body(refused)

    saved = client.post(
        reverse("backoffice:regions"),
        {"region-code": "eu", "region-name": "Europa", "region-currency": "EUR", "region-position": "0",
         "save_region": "1"},
        follow=True,
        **german,
    )  # fmt: skip
    assert "Region EU gespeichert." in body(saved)


def test_the_order_history_names_actions_in_the_staff_members_language(signed_in, shop: Shop) -> None:
    client = signed_in("box_office")
    client.post(reverse("backoffice:order_mark_paid", args=[shop.pending_order.code]))
    detail = body(
        client.get(
            reverse("backoffice:order_detail", args=[shop.pending_order.code]), HTTP_ACCEPT_LANGUAGE="de"
        )
    )
    assert '<span title="order.paid">Bestellung bezahlt</span>' in detail


def test_an_action_without_a_label_shows_its_code() -> None:
    with translation.override("en"):
        assert action_label("order.paid") == "Order paid"
    with translation.override("ja"):
        assert action_label("order.paid") == "注文の支払い完了"
        assert action_label("order.teleported") == "order.teleported"
