"""Order confirmations go out through a relay: due with the order, claimed once, swept if missed."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any, cast

import pytest
from django.core import mail
from django.db import connection as default_connection
from django.db import transaction
from django.utils import timezone

from tenants.models import Tenant
from ticketing.catalog.models import Event, Venue
from ticketing.discounts.selectors import discounts_for
from ticketing.inventory.services import Selection, check_selection
from ticketing.orders import services as order_services
from ticketing.orders.models import Order
from ticketing.orders.pricing import quote
from ticketing.orders.services import Buyer
from ticketing.orders.tasks import send_due_confirmations_everywhere
from ticketing.tickets.models import ConfirmationDue, SigningKey
from ticketing.tickets.services import send_due_confirmations

from .conftest import Show, buy, make_show

connection = cast(Any, default_connection)  # django-tenants adds set_tenant() at run time


def _mailed_codes() -> list[str]:
    return sorted(message.subject.split()[2].rstrip(":") for message in mail.outbox)


@pytest.mark.usefixtures("in_acme")
def test_an_order_is_due_a_confirmation_until_a_relay_mails_it_once(
    show: Show, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        order = buy(show, standing=1, seated=0)
    assert len(callbacks) == 2  # the relay and the webhook relay (order.created), queued after commit
    assert ConfirmationDue.objects.filter(order=order).exists()
    assert mail.outbox == []

    assert send_due_confirmations() == 1
    assert _mailed_codes() == [order.code]
    assert not ConfirmationDue.objects.filter(order=order).exists()
    assert send_due_confirmations() == 0  # a second relay finds nothing due
    assert len(mail.outbox) == 1


@pytest.mark.usefixtures("in_acme")
def test_an_order_written_without_a_confirmation_is_never_mailed(show: Show) -> None:
    checked = check_selection(event=show.event, selection=Selection(tickets={show.standing.pk: 1}))
    priced = quote(checked, currency=show.standing.currency, discounts=discounts_for(show.event, code=""))
    with transaction.atomic():
        order = order_services._write_order(
            event=show.event,
            priced=priced,
            buyer=Buyer(name="Box Office", email=""),
            payment_method=Order.PaymentMethod.PAY_LATER,
            hold=None,
            confirm=False,
        )
    assert Order.objects.filter(pk=order.pk).exists()
    assert not ConfirmationDue.objects.exists()
    assert send_due_confirmations() == 0
    assert mail.outbox == []


@pytest.mark.usefixtures("in_acme")
def test_the_sweep_sends_only_confirmations_that_missed_their_relay(
    show: Show, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.CONFIRMATION_SWEEP_AFTER = 120
    with django_capture_on_commit_callbacks(execute=False):
        missed = buy(show, standing=1, seated=0)
        fresh = buy(show, standing=0, seated=1)
    ConfirmationDue.objects.filter(order=missed).update(due_since=timezone.now() - timedelta(minutes=5))

    assert send_due_confirmations_everywhere() == 1
    assert _mailed_codes() == [missed.code]
    assert list(ConfirmationDue.objects.values_list("order", flat=True)) == [fresh.pk]


@pytest.mark.usefixtures("django_db_setup", "committed")
def test_relays_running_at_once_mail_each_order_once() -> None:
    acme = Tenant.objects.get(schema_name="acme")  # not the fixture: it wraps the test in a transaction
    connection.set_tenant(acme)
    show = make_show()
    orders = [buy(show, standing=1, seated=0, name=f"Buyer {number}") for number in range(6)]
    mail.outbox.clear()  # eager Celery (no broker in tests): the orders' own relays ran already
    ConfirmationDue.objects.bulk_create([ConfirmationDue(order=order) for order in orders])
    start = threading.Barrier(3)
    sent: list[int] = []

    def relay() -> None:
        connection.set_tenant(acme)
        try:
            start.wait()
            sent.append(send_due_confirmations())
        finally:
            connection.close()

    relays = [threading.Thread(target=relay) for _ in range(3)]
    try:
        for thread in relays:
            thread.start()
        for thread in relays:
            thread.join(timeout=120)
        connection.set_tenant(acme)
        assert sum(sent) == 6
        assert _mailed_codes() == sorted(order.code for order in orders)
        assert not ConfirmationDue.objects.exists()
    finally:
        connection.set_tenant(acme)
        Order.objects.filter(event=show.event).delete()
        Event.objects.filter(pk=show.event.pk).delete()
        Venue.objects.filter(events=None).delete()
        SigningKey.objects.all().delete()
        connection.set_schema_to_public()
