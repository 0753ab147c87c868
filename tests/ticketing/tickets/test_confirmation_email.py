"""The confirmation e-mail: sent after commit in the shop's name, with the tickets PDF and a calendar file.

The message is read back the way a mail client would: serialised to bytes, parsed by the
standard library, attachments decoded; the PDF through pypdf and zxing-cpp, the calendar
through the icalendar package (a parser of its own, not the code that wrote it).
"""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from typing import Any, cast

import icalendar
import pytest
from django.core import mail
from django.db import DatabaseError
from django.db import connection as default_connection
from django.test import Client

from branding.services import set_theme
from tenants.models import Tenant
from ticketing.catalog.models import Event, Venue
from ticketing.orders.models import Order
from ticketing.tickets.models import SigningKey
from ticketing.tickets.payload import verify_ticket
from ticketing.tickets.selectors import verification_keys

from .conftest import ENDS_AT, STARTS_AT, Renders, Show, buy
from .pdf_reading import embedded_qr_codes, page_texts

connection = cast(Any, default_connection)  # django-tenants adds set_tenant() at run time


def delivered(message: mail.EmailMessage) -> EmailMessage:
    """The message as it goes over the wire, parsed back by the standard library."""
    raw = message.message().as_bytes()
    return cast(EmailMessage, email.message_from_bytes(raw, policy=email.policy.default))


def attachment(message: EmailMessage, content_type: str) -> tuple[str, bytes]:
    for part in message.iter_attachments():
        if part.get_content_type() == content_type:
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return part.get_filename() or "", payload
    raise AssertionError(f"no {content_type} attachment")


@pytest.mark.usefixtures("in_acme")
def test_an_order_placed_on_the_storefront_mails_its_tickets_after_commit_and_renders_nothing_in_the_request(
    acme_client: Client, acme: Tenant, show: Show, renders: Renders, django_capture_on_commit_callbacks: Any
) -> None:
    set_theme(display_name="Acme Live Music", primary_color="#8a1538")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = acme_client.post(
            f"/events/{show.event.slug}/buy/",
            {
                f"ticket_{show.standing.pk}": "2",
                "name": "Grace Hopper",
                "email": "grace@example.com",
                "payment_method": "pay_later",
            },
        )
        assert response.status_code == 302
        # The request is over: the order is written, nothing was drawn and nothing sent.
        assert (renders.pdfs, renders.qr_codes) == (0, 0)
        assert mail.outbox == []
    # The confirmation task and the webhook relay (order.created), queued for after the commit.
    assert len(callbacks) == 2
    connection.set_tenant(acme)
    order = Order.objects.get(event=show.event)
    assert (renders.pdfs, renders.qr_codes) == (1, 2)  # rendered once, by the after-commit task
    assert len(mail.outbox) == 1

    message = delivered(mail.outbox[0])
    assert message["To"] == "grace@example.com"
    assert message["From"].addresses[0].display_name == "Acme Live Music"
    assert order.code in message["Subject"] and "Jazz at the Lake" in message["Subject"]
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    assert "Saturday, July 12, 2031, 8:00" in text.get_content()
    assert "attached as a PDF" in text.get_content()
    assert "#8a1538" in html.get_content() and "Acme Live Music" in html.get_content()

    filename, pdf = attachment(message, "application/pdf")
    assert filename == f"tickets-{order.code}.pdf"
    pages = page_texts(pdf)
    assert len(pages) == 2
    assert all(
        order.code in page and "Jazz at the Lake" in page and "Acme Live Music" in page for page in pages
    )
    codes = [code for (code,) in embedded_qr_codes(pdf)]
    assert sorted(verify_ticket(code, public_keys=verification_keys()).ticket_id for code in codes) == sorted(
        order.tickets.values_list("public_id", flat=True)
    )

    filename, ics = attachment(message, "text/calendar")
    assert filename == f"{show.event.slug}.ics"
    assert ics.endswith(b"\r\n") and b"\n" not in ics.replace(b"\r\n", b"")
    calendar = icalendar.Calendar.from_ical(ics)
    (vevent,) = calendar.walk("VEVENT")
    assert vevent.decoded("DTSTART") == STARTS_AT
    assert vevent.decoded("DTEND") == ENDS_AT
    assert str(vevent["SUMMARY"]) == "Jazz at the Lake"
    assert str(vevent["LOCATION"]) == "Seebühne, Uferweg 1, Berlin, DE"
    assert str(vevent["UID"]) == f"order-{order.code}-event-{show.event.pk}@acme.localhost"
    assert vevent.decoded("DTSTAMP").tzinfo is not None
    assert order.code in str(vevent["DESCRIPTION"])

    # The buyer's download afterwards is the rendering the task made.
    download = acme_client.get(f"/orders/{order.code}/{order.secret}/tickets.pdf")
    assert download.content == pdf
    assert renders.pdfs == 1


@pytest.mark.usefixtures("in_bravo")
def test_the_sender_is_the_shops_display_name_in_its_own_language(
    show: Show, django_capture_on_commit_callbacks: Any
) -> None:
    set_theme(display_name="Bravo Tickets, München")
    with django_capture_on_commit_callbacks(execute=True):
        order = buy(show, standing=1, seated=0)
    (sent,) = mail.outbox
    message = delivered(sent)
    assert message["From"].addresses[0].display_name == "Bravo Tickets, München"
    assert message["From"].addresses[0].addr_spec == "tickets@platform.localhost"
    body = message.get_body(("plain",))
    assert body is not None
    assert "Samstag, 12. Juli 2031, 20:00" in " ".join(body.get_content().split())
    assert "Summe: 25,00 €" in " ".join(body.get_content().split())  # the order's language: German
    _, pdf = attachment(message, "application/pdf")
    assert "Bravo Tickets, München" in page_texts(pdf)[0] and order.code in page_texts(pdf)[0]


@pytest.mark.usefixtures("in_acme")
def test_a_cancelled_order_is_mailed_without_tickets(
    show: Show, django_capture_on_commit_callbacks: Any, renders: Renders
) -> None:
    from ticketing.orders.services import cancel_order

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        order = buy(show, standing=1, seated=0)
    cancel_order(order=order, actor=None)  # before the queued confirmation got to run
    for callback in callbacks:
        callback()
    message = delivered(mail.outbox[0])
    assert [part.get_content_type() for part in message.iter_attachments()] == ["text/calendar"]
    assert renders.pdfs == 0


REFUSE_AT_COMMIT = """
CREATE FUNCTION refuse_orders_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'test: this order is refused at commit'; END $$;
CREATE CONSTRAINT TRIGGER refuse_orders_at_commit AFTER INSERT ON orders_order
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_orders_at_commit();
"""
ALLOW_AGAIN = """
DROP TRIGGER IF EXISTS refuse_orders_at_commit ON orders_order;
DROP FUNCTION IF EXISTS refuse_orders_at_commit();
"""


@pytest.mark.usefixtures("django_db_setup", "committed")
def test_an_order_rolled_back_at_commit_mails_nothing_and_renders_nothing(renders: Renders) -> None:
    """Real transactions: the order's transaction fails at COMMIT, after the e-mail was queued.

    A deferred constraint trigger (the way a deferred foreign key or exclusion constraint
    fails) makes PostgreSQL refuse the commit itself; the queued work must go with it.
    """
    from .conftest import make_show

    acme = Tenant.objects.get(schema_name="acme")  # not the fixture: it wraps the test in a transaction
    connection.set_tenant(acme)
    show = make_show()
    try:
        with connection.cursor() as cursor:
            cursor.execute(REFUSE_AT_COMMIT)
        with pytest.raises(DatabaseError, match="refused at commit"):
            buy(show, standing=2, seated=0)
        assert not Order.objects.filter(event=show.event).exists()
        assert mail.outbox == []
        assert (renders.pdfs, renders.qr_codes) == (0, 0)

        # The same purchase, allowed to commit, does mail its tickets: the test can see a send.
        with connection.cursor() as cursor:
            cursor.execute(ALLOW_AGAIN)
        order = buy(show, standing=2, seated=0)
        assert [message.to for message in mail.outbox] == [[order.buyer_email]]
        assert renders.pdfs == 1
    finally:
        connection.set_tenant(acme)
        with connection.cursor() as cursor:
            cursor.execute(ALLOW_AGAIN)
        Order.objects.filter(event=show.event).delete()
        Event.objects.filter(pk=show.event.pk).delete()
        Venue.objects.filter(events=None).delete()
        SigningKey.objects.all().delete()
        connection.set_schema_to_public()
