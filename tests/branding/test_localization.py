"""Locale negotiation, translated UI, CLDR formats, event time zones, right-to-left and translated content."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django_tenants.utils import tenant_context

from branding.models import Theme
from branding.services import translate_content, update_theme
from core.money import Money
from tenants.models import Tenant
from tests.ticketing.factories import make_ticket_type
from ticketing.catalog.models import Event, TicketType
from ticketing.catalog.services import create_event, publish_event
from ticketing.inventory.services import Selection
from ticketing.orders.models import Order
from ticketing.orders.services import Buyer, buy_tickets
from ticketing.orders.tasks import send_order_confirmation

CHRISTMAS_EVENING = datetime(2026, 12, 25, 18, 30, tzinfo=UTC)  # 19:30 in Berlin, 03:30 next day in Tokyo


@pytest.fixture(scope="module", autouse=True)
def _catalogs_are_compiled() -> None:
    for po_file in Path(settings.LOCALE_PATHS[0]).glob("*/LC_MESSAGES/django.po"):
        mo_file = po_file.with_suffix(".mo")
        assert mo_file.exists() and mo_file.stat().st_mtime >= po_file.stat().st_mtime, (
            f"{mo_file} is missing or older than its catalog: run `make install`"
        )


def sommerfest(tenant: Tenant) -> tuple[Event, TicketType]:
    """A Berlin event of Bravo's, written in German (the shop's default language)."""
    with tenant_context(tenant):
        event = create_event(
            actor=None,
            capacity=100,
            name="Sommerfest am See",
            slug="sommerfest",
            description="Musik und Tanz bis Mitternacht.",
            starts_at=CHRISTMAS_EVENING,
            ends_at=CHRISTMAS_EVENING.replace(hour=23),
            timezone="Europe/Berlin",
        )
        ticket_type = make_ticket_type(event, name="Stehplatz", price_minor=123450)
        event = publish_event(actor=None, event=event)
    return event, ticket_type


def page(client: Client, path: str, accept_language: str = "") -> str:
    response = client.get(path, headers={"Accept-Language": accept_language} if accept_language else None)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_a_german_shop_speaks_german_to_a_buyer_without_a_preference(bravo_client: Client) -> None:
    html = page(bravo_client, "/")
    assert '<html lang="de" dir="ltr">' in html
    assert "Kommende Veranstaltungen" in html
    response = bravo_client.get("/")
    assert response.headers["Content-Language"] == "de"
    assert {"Accept-Language", "Cookie"} <= {value.strip() for value in response.headers["Vary"].split(",")}


@pytest.mark.parametrize(
    ("accept_language", "expected_lang", "heading"),
    [
        ("fr-CH, fr;q=0.9, en;q=0.8", "fr", "Événements à venir"),
        ("ja", "ja", "今後のイベント"),
        ("es-MX,es;q=0.9", "es", "Próximos eventos"),
        ("en-US,en;q=0.9", "en", "Upcoming events"),
        ("pt-BR, pt;q=0.9", "de", "Kommende Veranstaltungen"),  # unsupported: the shop's default
        ("*", "de", "Kommende Veranstaltungen"),
    ],
)
def test_the_browsers_languages_come_before_the_shops_default(
    bravo_client: Client, accept_language: str, expected_lang: str, heading: str
) -> None:
    html = page(bravo_client, "/", accept_language=accept_language)
    assert f'<html lang="{expected_lang}"' in html
    assert heading in html


def test_the_buyers_own_choice_beats_the_browser_and_sticks(bravo_client: Client) -> None:
    chosen = bravo_client.post("/i18n/setlang/", {"language": "ja", "next": "/my-tickets/"})
    assert chosen.status_code == 302 and chosen["Location"] == "/my-tickets/"
    html = page(bravo_client, "/my-tickets/", accept_language="de-DE,de;q=0.9")
    assert '<html lang="ja"' in html and "マイチケット" in html


def test_an_english_shop_answers_a_german_browser_in_german(acme_client: Client) -> None:
    assert "Kommende Veranstaltungen" in page(acme_client, "/", accept_language="de-AT,de;q=0.9,en;q=0.5")
    assert "Upcoming events" in page(acme_client, "/")


def test_a_german_buyer_sees_german_ui_formats_time_zone_and_event_text(
    bravo: Tenant, bravo_client: Client
) -> None:
    event, ticket_type = sommerfest(bravo)
    with tenant_context(bravo):
        translate_content(
            actor=None,
            target=event,
            language="en",
            texts={"name": "Summer party by the lake", "description": "Music and dancing until midnight."},
        )
        translate_content(actor=None, target=ticket_type, language="en", texts={"name": "Standing"})

    german = page(bravo_client, "/events/sommerfest/")
    assert "<h1>Sommerfest am See</h1>" in german
    assert "Musik und Tanz bis Mitternacht." in german
    assert "25. Dezember 2026, 19:30" in german  # Berlin time, CLDR's German long date
    assert "Stehplatz</strong> · 1.234,50\xa0€" in german
    assert "Reservieren und weiter" in german
    assert "Bis zu 10 pro Bestellung." in german

    english = page(bravo_client, "/events/sommerfest/", accept_language="en")
    assert "<h1>Summer party by the lake</h1>" in english
    assert "Music and dancing until midnight." in english
    assert "December 25, 2026, 7:30\u202fPM" in english
    assert "Standing</strong> · €1,234.50" in english

    # No French translation: French UI and formats, the event in the shop's default language.
    french = page(bravo_client, "/events/sommerfest/", accept_language="fr")
    assert "<h1>Sommerfest am See</h1>" in french
    assert "25 décembre 2026, 19:30" in french
    assert "1\u202f234,50\xa0€" in french
    assert "Réserver et continuer" in french

    japanese = page(bravo_client, "/events/sommerfest/", accept_language="ja")
    assert "2026年12月25日 19:30" in japanese
    assert "€1,234.50" in japanese
    assert "予約して次へ" in japanese


def test_bad_input_messages_are_in_the_buyers_language(bravo: Tenant, bravo_client: Client) -> None:
    _event, ticket_type = sommerfest(bravo)
    refused = bravo_client.post("/events/sommerfest/reserve/", {f"ticket_{ticket_type.pk}": "0"})
    assert refused.status_code == 400
    assert "Wählen Sie mindestens ein Ticket." in refused.content.decode()
    too_many = bravo_client.post(
        "/events/sommerfest/reserve/", {f"ticket_{ticket_type.pk}": "11"}, HTTP_ACCEPT_LANGUAGE="ja"
    )
    assert "「Stehplatz」は 1 回の注文で 10 枚までです。" in too_many.content.decode()


@pytest.mark.parametrize(
    ("language", "money", "expected"),
    [
        ("de", Money(123450, "EUR"), "1.234,50\xa0€"),
        ("en", Money(123450, "EUR"), "€1,234.50"),
        ("fr", Money(123450, "EUR"), "1\u202f234,50\xa0€"),
        ("es", Money(123450, "EUR"), "1.234,50\xa0€"),
        # CLDR's Japanese symbol for the yen is the full-width ￥ (U+FFE5), shown by Japanese shops.
        ("ja", Money(1235, "JPY"), "￥1,235"),
        ("en", Money(1235, "JPY"), "¥1,235"),
        ("de", Money(1235, "JPY"), "1.235\xa0¥"),
        ("ar", Money(123450, "USD"), "\u200f1,234.50\xa0US$"),
    ],
)
def test_money_follows_the_active_language(language: str, money: Money, expected: str) -> None:
    with translation.override(language):
        assert str(money) == expected


def test_arabic_is_laid_out_right_to_left(bravo_client: Client) -> None:
    html = page(bravo_client, "/", accept_language="ar")
    assert '<html lang="ar" dir="rtl">' in html
    assert "الفعاليات القادمة" in html
    # The layout uses logical properties only, so it mirrors by itself under dir="rtl".
    style = html.split("<style>", 1)[1].split("</style>", 1)[0]
    for physical in (
        "margin-left",
        "margin-right",
        "padding-left",
        "padding-right",
        "text-align: left",
        "float",
    ):
        assert physical not in style


def test_the_order_keeps_the_buyers_language_and_its_email_comes_from_the_shop(bravo: Tenant) -> None:
    event, ticket_type = sommerfest(bravo)
    with tenant_context(bravo):
        theme = Theme.objects.get(pk=1)
        update_theme(
            actor=None,
            display_name=theme.display_name,
            primary_color=theme.primary_color,
            accent_color=theme.accent_color,
            background_color=theme.background_color,
            text_color=theme.text_color,
            email_sender_name="Bravo Kasse",
            email_reply_to="hilfe@bravo.example",
        )
        with translation.override("ja"):
            order = buy_tickets(
                event=event,
                selection=Selection(tickets={ticket_type.pk: 2}, addons={}),
                buyer=Buyer(name="Lena Schmidt", email="lena@example.de"),
            )
        assert Order.objects.get(pk=order.pk).language == "ja"  # for e-mails and documents made later
        send_order_confirmation(order_id=order.pk)
    message = mail.outbox[-1]
    assert message.from_email == "Bravo Kasse <tickets@platform.localhost>"
    assert message.reply_to == ["hilfe@bravo.example"]
    # Rendered in a worker with no request: still in the language the order was placed in.
    assert message.subject.startswith(f"ご注文 {order.code}") and message.subject.endswith(
        "Sommerfest am See"
    )
    assert message.body.startswith("Lena Schmidt 様") and "日時" in message.body


def test_an_order_without_a_language_is_mailed_in_the_shops_default_language(bravo: Tenant) -> None:
    event, ticket_type = sommerfest(bravo)
    with tenant_context(bravo):
        order = buy_tickets(
            event=event,
            selection=Selection(tickets={ticket_type.pk: 1}, addons={}),
            buyer=Buyer(name="Lena Schmidt", email="lena@example.de"),
        )
        Order.objects.filter(pk=order.pk).update(language="")
        with translation.override("en"):  # the worker's own language does not leak into the e-mail
            send_order_confirmation(order_id=order.pk)
    message = mail.outbox[-1]
    assert message.subject == f"Ihre Bestellung {order.code}: Sommerfest am See"
    assert message.body.startswith("Hallo Lena Schmidt,")
    assert "Ihr Ticket ist als PDF angehängt" in message.body


def test_the_event_list_reads_all_translations_in_one_query(bravo: Tenant, bravo_client: Client) -> None:
    with tenant_context(bravo):
        for number in range(3):
            event = create_event(
                actor=None,
                capacity=10,
                name=f"Konzert {number}",
                slug=f"konzert-{number}",
                starts_at=CHRISTMAS_EVENING,
                ends_at=CHRISTMAS_EVENING.replace(hour=23),
            )
            make_ticket_type(event)
            publish_event(actor=None, event=event)
            translate_content(actor=None, target=event, language="en", texts={"name": f"Concert {number}"})
    with CaptureQueriesContext(connection) as queries:
        html = page(bravo_client, "/", accept_language="en")
    assert all(f"Concert {number}" in html for number in range(3))
    assert sum("branding_contenttranslation" in query["sql"] for query in queries.captured_queries) == 1


def test_the_my_tickets_link_is_sent_in_the_buyers_language_from_the_shop(
    bravo_client: Client, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        sent = bravo_client.post("/my-tickets/", {"email": "lena@example.de"})
    assert sent.status_code == 200 and "Sehen Sie in Ihr Postfach" in sent.content.decode()
    message = mail.outbox[-1]
    assert (message.subject, message.from_email, message.to) == (
        "Ihre Tickets",
        "Bravo Tickets <tickets@platform.localhost>",
        ["lena@example.de"],
    )
    assert message.body.startswith("Öffnen Sie diesen Link, um Ihre Bestellungen und Tickets zu sehen")
