"""Payment work that leaves the request: money sent back through the provider after commit."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="payments.send_refund_to_provider")
def send_refund_to_provider(*, refund_id: int) -> str:
    """Refund a committed Refund's money through the card provider (same idempotency key on every run)."""
    from ticketing.payments.services import (
        send_refund_to_provider as send,
    )  # services queue this module's tasks

    return str(send(refund_id=refund_id).provider_status)


@shared_task(name="payments.refund_payment_of_closed_order")
def refund_payment_of_closed_order(*, payment_id: int) -> None:
    from ticketing.payments.services import refund_payment_of_closed_order as refund

    refund(payment_id=payment_id)
