"""Payment use cases: card payments through a provider, offline payments staff record,
provider refunds, disputes, and the provider's events.

An order becomes paid in exactly one place (``_apply_outcome``), under a row lock on the
order taken before the payment's: the buyer's return page and the provider's webhook may
race, and whichever comes second finds the payment already succeeded and changes nothing.
Calls to a provider happen outside any transaction, between two short ones: the first
writes the Payment with its idempotency key (so a double-submitted checkout finds it and
charges nothing more), the second records what the provider answered.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from billing.ledger import services as ledger
from billing.payouts.selectors import payout_account_for
from billing.reseller import current_reseller
from core.money import Money
from core.side_effects import after_commit, enqueue_after_commit
from ticketing.audit.services import record
from ticketing.invoices.services import issue_invoice
from ticketing.orders.models import Order, Refund
from ticketing.orders.tasks import send_order_confirmation
from ticketing.outbox.models import EventType
from ticketing.outbox.payloads import order_payload
from ticketing.outbox.services import record_event
from ticketing.payments.amounts import from_stripe_amount, to_stripe_amount
from ticketing.payments.errors import PaymentError, PaymentErrorCode
from ticketing.payments.models import OPEN_STATUSES, Dispute, Payment, PaymentOptions
from ticketing.payments.providers import provider_for_method, provider_named
from ticketing.payments.providers.base import ChargeTerms, ProviderPayment, ProviderRefund
from ticketing.payments.selectors import forget_payment_options, successful_payment
from ticketing.team.access import require_permission
from ticketing.team.roles import Permission

PAYMENT_METHOD_ID = re.compile(r"^pm_[A-Za-z0-9_]{1,200}$")
# An attempt left "creating" this long (its provider call never answered) is sent again with
# the same idempotency key: the provider answers with the payment it already made, if any.
STALE_CREATION = timedelta(seconds=60)
CARD = Order.PaymentMethod.CARD


def card_terms(order: Order) -> ChargeTerms:
    """Direct charge on the reseller's connected account with the platform's fee.

    Without a connected account able to charge, card payments are only possible against the
    local fake (no STRIPE_SECRET_KEY): the charge is then the platform's own and the fee is
    recorded in the ledger only.
    """
    tenant = current_reseller()
    account = payout_account_for(tenant=tenant)
    if account is not None and account.charges_enabled:
        fee = ledger.quote_platform_fee(order=order, tenant=tenant)
        return ChargeTerms(account_id=account.provider_account_id, application_fee=fee)
    if not settings.STRIPE_SECRET_KEY:
        return ChargeTerms()
    raise PaymentError(
        PaymentErrorCode.METHOD_NOT_OFFERED,
        _("This shop cannot take card payments yet."),
        field="payment_method",
    )


def _metadata(order: Order, payment: Payment) -> dict[str, str]:
    """Written on the PaymentIntent: a webhook finds the shop and the payment by it."""
    tenant = current_reseller()
    return {
        "tenant_schema": tenant.schema_name,
        "tenant_id": str(tenant.pk),
        "order_code": order.code,
        "payment_id": str(payment.pk),
    }


def _lock_order(order_id: int) -> Order:
    return Order.objects.select_for_update(of=("self",)).select_related("event").get(pk=order_id)


def _open_card_payment(order: Order, terms: ChargeTerms, payment_method_id: str) -> tuple[Payment, bool]:
    """The order's open or successful card payment, or a new one; True: the caller calls the provider."""
    with transaction.atomic(durable=True):
        order = _lock_order(order.pk)
        existing = (
            order.payments.select_for_update()
            .filter(status__in=(Payment.Status.SUCCEEDED, *OPEN_STATUSES))
            .first()
        )
        if existing is not None:
            stale = existing.status == Payment.Status.CREATING and (
                timezone.now() - existing.updated_at >= STALE_CREATION
            )
            if stale:
                existing.save(update_fields=["updated_at"])
            return existing, stale
        if order.status != Order.Status.PENDING_PAYMENT or order.payment_method != CARD:
            raise PaymentError(
                PaymentErrorCode.ORDER_NOT_PAYABLE,
                _("This order cannot be paid by card (it is %(status)s).")
                % {"status": order.get_status_display().lower()},
            )
        attempt = order.payments.count() + 1
        payment = Payment.objects.create(
            order=order,
            provider="stripe",
            method=CARD,
            payment_method_reference=payment_method_id,
            provider_account=terms.account_id,
            amount_minor=order.total_minor,
            currency=order.currency,
            platform_fee_minor=terms.application_fee.amount_minor if terms.application_fee else 0,
            status=Payment.Status.CREATING,
            # From the order (its shop and code) and the attempt: the same attempt retried is the
            # same key, a new card after a decline is a new one.
            idempotency_key=f"order:{current_reseller().schema_name}:{order.code}:{attempt}",
        )
        record(action="payment.started", target=order, provider="stripe", payment=payment.pk, attempt=attempt)
    return payment, True


def pay_by_card(*, order: Order, payment_method_id: str) -> Payment:
    """The buyer pays a card order with the PaymentMethod Stripe.js made; submitting twice charges once."""
    if not PAYMENT_METHOD_ID.match(payment_method_id or ""):
        raise PaymentError(
            PaymentErrorCode.INVALID_PAYMENT_METHOD,
            _("The card details could not be read. Please enter them again."),
            field="payment_method",
        )
    # An amount the card network cannot take is refused before anything is written.
    to_stripe_amount(order.total)
    payment, call_provider = _open_card_payment(order, card_terms(order), payment_method_id)
    if not call_provider:
        return payment
    provider = provider_named(payment.provider)
    # A retried attempt is sent exactly as the first time (Stripe refuses a reused key with other parameters).
    terms = ChargeTerms(
        account_id=payment.provider_account,
        application_fee=Money(payment.platform_fee_minor, payment.currency)
        if payment.provider_account
        else None,
    )
    outcome = provider.create_payment(
        amount=payment.amount,
        payment_token=payment.payment_method_reference,
        idempotency_key=payment.idempotency_key,
        metadata=_metadata(order, payment),
        terms=terms,
        description=f"Order {order.code}",
    )
    return apply_provider_payment(payment=payment, outcome=outcome)


def refresh_payment(*, payment: Payment) -> Payment:
    """Ask the provider how an open payment stands (the buyer's return page after 3-D Secure)."""
    if not payment.is_open or not payment.provider_reference:
        return payment
    provider = provider_named(payment.provider)
    outcome = provider.retrieve_payment(
        reference=payment.provider_reference, terms=ChargeTerms(account_id=payment.provider_account)
    )
    return apply_provider_payment(payment=payment, outcome=outcome)


def apply_provider_payment(*, payment: Payment, outcome: ProviderPayment) -> Payment:
    """Record what the provider says of a payment; the order becomes paid exactly once."""
    with transaction.atomic(durable=True):
        return _apply_outcome(payment.pk, outcome, source="return")


def _apply_outcome(payment_id: int, outcome: ProviderPayment, *, source: str) -> Payment:
    """Inside the caller's transaction: lock the order, then the payment, then change what is new."""
    order_id = Payment.objects.filter(pk=payment_id).values_list("order_id", flat=True).get()
    order = _lock_order(order_id)
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    if payment.status == Payment.Status.SUCCEEDED:
        return payment  # already applied (the webhook or the return page got here first)
    if (
        payment.status in (Payment.Status.FAILED, Payment.Status.CANCELED)
        and outcome.status != Payment.Status.SUCCEEDED
    ):
        return payment  # a late event about an attempt that is over never reopens it
    if (
        outcome.status == Payment.Status.SUCCEEDED
        and order.payments.filter(status=Payment.Status.SUCCEEDED).exclude(pk=payment.pk).exists()
    ):
        # Another attempt already paid this order: this money goes back.
        payment.provider_reference = payment.provider_reference or outcome.reference
        payment.status = Payment.Status.CANCELED
        payment.failure_code = "duplicate_payment"
        payment.failure_message = "The order was already paid; this payment is refunded."
        payment.save()
        record(action="payment.duplicate", target=order, payment=payment.pk)
        from ticketing.payments.tasks import refund_payment_of_closed_order

        enqueue_after_commit(refund_payment_of_closed_order, payment_id=payment.pk)
        return payment
    if outcome.reference and not payment.provider_reference:
        payment.provider_reference = outcome.reference
    if outcome.client_secret:
        payment.client_secret = outcome.client_secret
    if outcome.status == Payment.Status.SUCCEEDED and outcome.amount != payment.amount:
        record(
            action="payment.amount_mismatch",
            target=order,
            payment=payment.pk,
            expected_minor=payment.amount_minor,
            reported=str(outcome.amount),
        )
        payment.save()
        return payment
    payment.status = outcome.status
    payment.failure_code = outcome.failure_code[:64]
    payment.failure_message = outcome.failure_message[:300]
    if outcome.status == Payment.Status.SUCCEEDED:
        payment.succeeded_at = timezone.now()
    payment.save()
    if outcome.status == Payment.Status.SUCCEEDED:
        _order_paid_by(order, payment, source=source, charge_reference=outcome.charge_reference)
    elif outcome.status == Payment.Status.FAILED:
        record(
            action="payment.failed",
            target=order,
            payment=payment.pk,
            code=payment.failure_code,
            source=source,
        )
    return payment


def _order_paid_by(order: Order, payment: Payment, *, source: str, charge_reference: str = "") -> None:
    if order.status != Order.Status.PENDING_PAYMENT:
        # Money arrived for an order that lapsed or was cancelled meanwhile: send it back.
        record(action="payment.for_closed_order", target=order, payment=payment.pk, status=order.status)
        from ticketing.payments.tasks import refund_payment_of_closed_order

        enqueue_after_commit(refund_payment_of_closed_order, payment_id=payment.pk)
        return
    order.status = Order.Status.PAID
    order.paid_at = payment.succeeded_at or timezone.now()
    order.save(update_fields=["status", "paid_at"])
    record(
        action="order.paid",
        target=order,
        total_minor=order.total_minor,
        provider=payment.provider,
        reference=payment.provider_reference,
        source=source,
    )
    enqueue_after_commit(send_order_confirmation, order_id=order.pk)  # the tickets, now that they are paid
    ledger.record_sale(  # billing: same transaction
        order=order,
        collected_by=ledger.CollectedBy.PROCESSOR,
        platform_fee_minor=payment.platform_fee_minor if payment.provider_account else None,
        # The charge, as the processor's balance transactions name it (daily reconciliation).
        provider_reference=charge_reference or payment.provider_reference,
    )
    issue_invoice(order=order)  # its number from the reseller's gapless series, in this transaction
    record_event(type=EventType.ORDER_PAID, payload=order_payload(order), target=order)  # webhooks


def record_offline_payment(*, order: Order, actor: User | None) -> Order:
    """Staff record a bank transfer or box-office payment of an order awaiting payment."""
    require_permission(actor, Permission.SELL_BOX_OFFICE)
    with transaction.atomic(durable=True):
        order = _lock_order(order.pk)
        if order.status == Order.Status.PAID:
            return order
        if order.status != Order.Status.PENDING_PAYMENT:
            raise PaymentError(
                PaymentErrorCode.ORDER_NOT_PAYABLE,
                _("A %(status)s order cannot be paid.") % {"status": str(order.get_status_display()).lower()},
            )
        method = order.payment_method if order.payment_method != CARD else Order.PaymentMethod.BOX_OFFICE
        provider = provider_for_method(method)
        now = timezone.now()
        payment = Payment.objects.create(
            order=order,
            provider=provider.name,
            method=method,
            amount_minor=order.total_minor,
            currency=order.currency,
            status=Payment.Status.SUCCEEDED,
            idempotency_key=f"offline:{current_reseller().schema_name}:{order.code}",
            succeeded_at=now,
        )
        order.status = Order.Status.PAID
        order.paid_at = now
        order.save(update_fields=["status", "paid_at"])
        record(
            action="order.paid",
            target=order,
            actor=actor,
            total_minor=order.total_minor,
            provider=provider.name,
        )
        ledger.record_sale(
            order=order, collected_by=ledger.CollectedBy.RESELLER, provider_reference=str(payment.pk)
        )
        issue_invoice(order=order)  # its number from the reseller's gapless series, in this transaction
        record_event(type=EventType.ORDER_PAID, payload=order_payload(order), target=order)  # webhooks
    return order


def send_refund_to_provider(*, refund_id: int) -> Refund:
    """Send a committed refund's money back through the payment's provider (queued after commit).

    The idempotency key is the Refund row's, so running this again (a retry, a second worker)
    refunds once.
    """
    refund = Refund.objects.select_related("order").get(pk=refund_id)
    if refund.provider_status != Refund.ProviderStatus.PENDING:
        return refund
    payment = successful_payment(refund.order)
    if payment is None:
        raise PaymentError(PaymentErrorCode.NOT_A_CARD_ORDER, "This order has no card payment to refund.")
    provider = provider_named(payment.provider)
    try:
        result = provider.refund(
            payment_reference=payment.provider_reference,
            amount=Money(refund.amount_minor, refund.currency),
            idempotency_key=f"refund:{current_reseller().schema_name}:{refund.pk}",
            terms=ChargeTerms(account_id=payment.provider_account),
        )
    except PaymentError:
        raise
    except Exception as error:  # the provider refused or could not be reached: staff see it and retry
        message = getattr(error, "message", str(error))
        with transaction.atomic(durable=True):
            Refund.objects.filter(pk=refund.pk, provider_status=Refund.ProviderStatus.PENDING).update(
                provider_status=Refund.ProviderStatus.FAILED, provider_failure=str(message)[:300]
            )
            record(
                action="refund.provider_failed", target=refund.order, refund=refund.pk, message=str(message)
            )
        refund.refresh_from_db()
        return refund
    with transaction.atomic(durable=True):
        _apply_refund(refund.pk, result)
    refund.refresh_from_db()
    return refund


def retry_provider_refund(*, refund: Refund, actor: User | None) -> Refund:
    """Staff send a refund the provider refused or never got again (same idempotency key)."""
    require_permission(actor, Permission.MANAGE_ORDERS)
    with transaction.atomic(durable=True):
        updated = Refund.objects.filter(pk=refund.pk, provider_status=Refund.ProviderStatus.FAILED).update(
            provider_status=Refund.ProviderStatus.PENDING, provider_failure=""
        )
        if updated:
            record(action="refund.provider_retried", target=refund.order, actor=actor, refund=refund.pk)
    return send_refund_to_provider(refund_id=refund.pk)


def _apply_refund(refund_id: int, result: ProviderRefund) -> Refund:
    refund = Refund.objects.select_for_update().get(pk=refund_id)
    if result.reference and not refund.provider_reference:
        refund.provider_reference = result.reference
    if refund.provider_status != Refund.ProviderStatus.SUCCEEDED:
        refund.provider_status = result.status
        refund.provider_failure = result.failure_message[:300]
        record(action=f"refund.provider_{result.status}", target=refund.order, refund=refund.pk)
    refund.save()
    return refund


def refund_payment_of_closed_order(*, payment_id: int) -> Payment:
    """Give back in full a card payment that succeeded after its order lapsed or was cancelled."""
    payment = Payment.objects.select_related("order").get(pk=payment_id)
    provider = provider_named(payment.provider)
    provider.refund(
        payment_reference=payment.provider_reference,
        amount=payment.amount,
        idempotency_key=f"orphan-refund:{current_reseller().schema_name}:{payment.pk}",
        terms=ChargeTerms(account_id=payment.provider_account),
    )
    with transaction.atomic(durable=True):
        record(action="payment.refunded_for_closed_order", target=payment.order, payment=payment.pk)
    return payment


def _dispute_fee(data: dict[str, Any]) -> int:
    return sum(int(row.get("fee") or 0) for row in data.get("balance_transactions") or [])


def record_dispute(*, payment: Payment, data: dict[str, Any], closed: bool) -> Dispute:
    """Inside the caller's transaction: a dispute opened or closed on a card payment.

    Stripe takes the disputed amount and its fee when the dispute opens and gives them back if
    it is won; the ledger records the chargeback when the dispute is lost (billing's
    record_chargeback), so a won dispute leaves the books untouched.
    """
    amount = from_stripe_amount(int(data["amount"]), str(data["currency"]))
    fee = _dispute_fee(data)
    dispute, created = Dispute.objects.select_for_update().get_or_create(
        provider_reference=str(data["id"]),
        defaults={
            "payment": payment,
            "order": payment.order,
            "amount_minor": amount.amount_minor,
            "currency": amount.currency,
            "reason": str(data.get("reason") or "")[:64],
            "provider_status": str(data.get("status") or "")[:40],
            "fee_minor": fee,
        },
    )
    if created:
        record(
            action="order.disputed",
            target=payment.order,
            dispute=dispute.provider_reference,
            amount_minor=amount.amount_minor,
            reason=dispute.reason,
        )
    if not closed or dispute.status != Dispute.Status.OPEN:
        return dispute
    provider_status = str(data.get("status") or "")
    dispute.provider_status = provider_status[:40]
    dispute.fee_minor = fee or dispute.fee_minor
    dispute.status = (
        Dispute.Status.WON if provider_status in ("won", "warning_closed") else Dispute.Status.LOST
    )
    dispute.closed_at = timezone.now()
    dispute.save()
    record(action=f"order.dispute_{dispute.status}", target=payment.order, dispute=dispute.provider_reference)
    if dispute.status == Dispute.Status.LOST:
        ledger.record_chargeback(  # billing: same transaction
            tenant=current_reseller(),
            order_id=payment.order_id,
            amount=dispute.amount,
            dispute_fee=Money(dispute.fee_minor, dispute.currency),
            dispute_id=dispute.provider_reference,
        )
    return dispute


def update_payment_options(
    *,
    actor: User | None,
    card_enabled: bool,
    bank_transfer_enabled: bool,
    box_office_enabled: bool,
    bank_transfer_instructions: str = "",
) -> PaymentOptions:
    """Staff choose the payment methods the checkout offers, and the bank details transfers show."""
    require_permission(actor, Permission.MANAGE_ORDERS)
    instructions = bank_transfer_instructions.strip()
    if not (card_enabled or bank_transfer_enabled or box_office_enabled):
        raise PaymentError(
            PaymentErrorCode.METHOD_NOT_OFFERED,
            _("Offer at least one payment method, or buyers cannot pay."),
            field="card_enabled",
        )
    if bank_transfer_enabled and not instructions:
        raise PaymentError(
            PaymentErrorCode.METHOD_NOT_OFFERED,
            _("Buyers who pay by transfer need your bank details."),
            field="bank_transfer_instructions",
        )
    with transaction.atomic(durable=True):
        options, _created = PaymentOptions.objects.select_for_update().get_or_create(pk=1)
        options.card_enabled = card_enabled
        options.bank_transfer_enabled = bank_transfer_enabled
        options.box_office_enabled = box_office_enabled
        options.bank_transfer_instructions = instructions
        options.save()
        record(
            action="payments.options_changed",
            target=options,
            actor=actor,
            card=card_enabled,
            bank_transfer=bank_transfer_enabled,
            box_office=box_office_enabled,
        )
        # Now, and again after commit: a request in between may cache the old row again.
        forget_payment_options()
        after_commit(forget_payment_options)
    return options
