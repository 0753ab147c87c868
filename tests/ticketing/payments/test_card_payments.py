"""Card payments against localstripe (started by the test run) through the real stripe SDK."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from billing.ledger.models import Account, LedgerTransaction
from core.errors import DomainError
from ticketing.audit.models import LogEntry
from ticketing.orders.models import Order, Ticket
from ticketing.payments.errors import PaymentErrorCode
from ticketing.payments.models import Payment
from ticketing.payments.services import pay_by_card, refresh_payment

from .conftest import DECLINED, THREE_D_SECURE, VISA, authenticate_3ds, intents_at


def _sale(order: Order) -> LedgerTransaction:
    return LedgerTransaction.objects.get(
        tenant__schema_name="acme", source_type="order", source_id=order.pk, kind="sale"
    )


def test_a_card_payment_pays_the_order_and_books_a_processor_sale(
    card_order: Order, card: Callable[[str], str], localstripe: str, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        payment = pay_by_card(order=card_order, payment_method_id=card(VISA))

    card_order.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.provider_reference.startswith("pi_")
    assert (card_order.status, card_order.paid_at is not None) == (Order.Status.PAID, True)
    [intent] = [i for i in intents_at(localstripe) if i["id"] == payment.provider_reference]
    assert (intent["amount"], intent["currency"], intent["status"]) == (5000, "usd", "succeeded")
    assert intent["metadata"]["tenant_schema"] == "acme"
    assert intent["metadata"]["order_code"] == card_order.code
    sale = _sale(card_order)
    assert sale.details["collected_by"] == "processor"
    # Booked under the charge, as Stripe's balance transactions name it (reconciliation matches on it).
    charge = intent["latest_charge"]
    assert sale.provider_reference == (charge["id"] if isinstance(charge, dict) else charge)
    assert sale.provider_reference.startswith("ch_")
    assert sale.entries.get(account=Account.SALES).amount_minor == 5000
    # The tickets go out once paid: the confirmation is queued by the payment, not by the placing.
    assert any("send_order_confirmation" in repr(callback) for callback in callbacks)
    assert card_order.is_open


def test_an_unpaid_card_order_has_no_valid_tickets_to_show(card_order: Order) -> None:
    assert card_order.status == Order.Status.PENDING_PAYMENT
    assert not card_order.is_open


def test_a_declined_card_leaves_the_order_unpaid_and_the_buyer_may_try_another(
    card_order: Order, card: Callable[[str], str]
) -> None:
    declined = pay_by_card(order=card_order, payment_method_id=card(DECLINED))

    card_order.refresh_from_db()
    assert declined.status == Payment.Status.FAILED
    assert declined.failure_code == "card_declined"
    assert card_order.status == Order.Status.PENDING_PAYMENT
    assert not LedgerTransaction.objects.filter(
        tenant__schema_name="acme", source_type="order", source_id=card_order.pk
    ).exists()

    second = pay_by_card(order=card_order, payment_method_id=card(VISA))
    card_order.refresh_from_db()
    assert second.pk != declined.pk and second.idempotency_key != declined.idempotency_key
    assert (second.status, card_order.status) == (Payment.Status.SUCCEEDED, Order.Status.PAID)


def test_a_card_asking_for_3d_secure_pays_once_the_buyer_passes_it(
    card_order: Order, card: Callable[[str], str], localstripe: str
) -> None:
    payment = pay_by_card(order=card_order, payment_method_id=card(THREE_D_SECURE))
    card_order.refresh_from_db()
    assert payment.status == Payment.Status.REQUIRES_ACTION
    assert payment.client_secret.startswith(payment.provider_reference + "_secret_")
    assert card_order.status == Order.Status.PENDING_PAYMENT

    authenticate_3ds(localstripe, intent_id=payment.provider_reference, client_secret=payment.client_secret)
    payment = refresh_payment(payment=payment)  # the return page

    card_order.refresh_from_db()
    assert (payment.status, card_order.status) == (Payment.Status.SUCCEEDED, Order.Status.PAID)
    assert _sale(card_order).entries.get(account=Account.SALES).amount_minor == 5000


def test_a_failed_3d_secure_leaves_the_order_unpaid(
    card_order: Order, card: Callable[[str], str], localstripe: str
) -> None:
    payment = pay_by_card(order=card_order, payment_method_id=card(THREE_D_SECURE))
    authenticate_3ds(
        localstripe, intent_id=payment.provider_reference, client_secret=payment.client_secret, success=False
    )
    payment = refresh_payment(payment=payment)

    card_order.refresh_from_db()
    assert payment.status == Payment.Status.FAILED
    assert payment.failure_code == "payment_intent_authentication_failure"
    assert card_order.status == Order.Status.PENDING_PAYMENT


def test_a_double_submitted_checkout_charges_once(
    card_order: Order, card: Callable[[str], str], localstripe: str
) -> None:
    first = pay_by_card(order=card_order, payment_method_id=card(VISA))
    again = pay_by_card(order=card_order, payment_method_id=card(VISA))

    assert again.pk == first.pk
    assert Payment.objects.filter(order=card_order).count() == 1
    charged = [i for i in intents_at(localstripe) if i["metadata"].get("order_code") == card_order.code]
    assert len(charged) == 1
    assert (
        LogEntry.objects.filter(object_type="order", object_id=card_order.pk, action="order.paid").count()
        == 1
    )


def test_a_submission_while_the_first_awaits_3d_secure_starts_no_second_charge(
    card_order: Order, card: Callable[[str], str], localstripe: str
) -> None:
    first = pay_by_card(order=card_order, payment_method_id=card(THREE_D_SECURE))
    again = pay_by_card(order=card_order, payment_method_id=card(VISA))

    assert again.pk == first.pk and again.status == Payment.Status.REQUIRES_ACTION
    charged = [i for i in intents_at(localstripe) if i["metadata"].get("order_code") == card_order.code]
    assert len(charged) == 1


def test_something_that_is_not_a_payment_method_id_is_refused_and_nothing_is_written(
    card_order: Order,
) -> None:
    with pytest.raises(DomainError) as refused:
        pay_by_card(order=card_order, payment_method_id="4242424242424242")
    assert refused.value.code == PaymentErrorCode.INVALID_PAYMENT_METHOD
    assert not Payment.objects.filter(order=card_order).exists()


def test_a_paid_order_takes_no_further_card_payment(card_order: Order, card: Callable[[str], str]) -> None:
    paid = pay_by_card(order=card_order, payment_method_id=card(VISA))
    assert pay_by_card(order=card_order, payment_method_id=card(VISA)).pk == paid.pk
    assert Ticket.objects.filter(order=card_order, status=Ticket.Status.VALID).count() == 2


def test_a_payment_that_succeeds_after_its_order_lapsed_is_refunded_in_full(
    card_order: Order, card: Callable[[str], str], localstripe: str, django_capture_on_commit_callbacks
) -> None:
    from datetime import timedelta

    import stripe
    from django.utils import timezone

    from ticketing.orders.services import expire_unpaid_orders

    payment = pay_by_card(order=card_order, payment_method_id=card(THREE_D_SECURE))
    assert card_order.payment_due_at is not None
    assert card_order.payment_due_at <= timezone.now() + timedelta(
        minutes=31
    )  # card orders wait minutes, not days
    expire_unpaid_orders(now=timezone.now() + timedelta(hours=1))  # the buyer took too long at their bank
    authenticate_3ds(localstripe, intent_id=payment.provider_reference, client_secret=payment.client_secret)

    with django_capture_on_commit_callbacks(execute=True):
        payment = refresh_payment(payment=payment)

    card_order.refresh_from_db()
    assert (payment.status, card_order.status) == (Payment.Status.SUCCEEDED, Order.Status.EXPIRED)
    assert not LedgerTransaction.objects.filter(
        tenant__schema_name="acme", source_type="order", source_id=card_order.pk
    ).exists()
    client = stripe.StripeClient("sk_test_localstripe", base_addresses={"api": localstripe})
    [refund] = client.v1.refunds.list({"payment_intent": payment.provider_reference}).data
    assert refund.amount == 5000


def test_two_submissions_at_once_on_separate_connections_charge_once(
    committed_acme, card: Callable[[str], str], localstripe: str
) -> None:
    """A double click: two requests race into pay_by_card; one PaymentIntent, one payment, one sale."""
    import threading
    from typing import Any

    from django.db import connection as default_connection
    from django_tenants.utils import tenant_context

    from tests.ticketing.factories import on_sale_event
    from ticketing.inventory.services import Selection
    from ticketing.orders.services import Buyer, buy_tickets

    connection: Any = default_connection
    with tenant_context(committed_acme):
        event, ticket_type = on_sale_event(price_minor=4200)
        order = buy_tickets(
            event=event,
            selection=Selection(tickets={ticket_type.pk: 1}),
            buyer=Buyer(name="Double Clicker", email="double@race.example"),
            payment_method=Order.PaymentMethod.CARD,
        )
    methods = [card(VISA), card(VISA)]
    start = threading.Barrier(2)
    results: list[Any] = []

    def submit(method: str) -> None:
        try:
            connection.set_tenant(committed_acme)
            start.wait()
            results.append(pay_by_card(order=order, payment_method_id=method))
        except BaseException as error:  # reported below
            results.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(method,)) for method in methods]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert all(isinstance(result, Payment) for result in results), results
    assert len({result.pk for result in results}) == 1
    charged = [i for i in intents_at(localstripe) if i["metadata"].get("order_code") == order.code]
    assert len(charged) == 1
    with tenant_context(committed_acme):
        order.refresh_from_db()
        assert order.status == Order.Status.PAID
        assert Payment.objects.filter(order=order).count() == 1
    assert (
        LedgerTransaction.objects.filter(
            tenant__schema_name="acme", source_type="order", source_id=order.pk, kind="sale"
        ).count()
        == 1
    )


def test_a_late_event_about_a_failed_attempt_does_not_reopen_it(
    card_order: Order, card: Callable[[str], str]
) -> None:
    from ticketing.payments.providers.base import ProviderPayment
    from ticketing.payments.services import apply_provider_payment

    declined = pay_by_card(order=card_order, payment_method_id=card(DECLINED))
    retry = pay_by_card(order=card_order, payment_method_id=card(THREE_D_SECURE))
    late = ProviderPayment(
        reference=declined.provider_reference or "pi_late", status="requires_action", amount=declined.amount
    )

    assert apply_provider_payment(payment=declined, outcome=late).status == Payment.Status.FAILED
    assert Payment.objects.get(pk=retry.pk).status == Payment.Status.REQUIRES_ACTION
