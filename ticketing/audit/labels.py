"""Human, translated names of the common audit actions, for staff pages; unknown codes show as they are."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Promise] = {
    "order.placed": _("Order placed"),
    "order.paid": _("Order paid"),
    "order.cancelled": _("Order cancelled"),
    "order.expired": _("Order expired"),
    "order.refunded": _("Order refunded"),
    "order.disputed": _("Payment disputed by the buyer's bank"),
    "order.dispute_open": _("Dispute opened"),
    "order.dispute_won": _("Dispute won"),
    "order.dispute_lost": _("Dispute lost"),
    "payment.started": _("Payment started"),
    "payment.failed": _("Payment failed"),
    "payment.duplicate": _("Duplicate payment received"),
    "payment.amount_mismatch": _("Payment amount did not match the order"),
    "payment.for_closed_order": _("Payment received for a closed order"),
    "payment.refunded_for_closed_order": _("Payment for a closed order refunded"),
    "payment.refunded_outside": _("Refunded outside the shop"),
    "refund.provider_failed": _("Refund failed at the payment provider"),
    "refund.provider_retried": _("Refund retried at the payment provider"),
    "ticket.checked_in": _("Ticket checked in"),
    "invoice.issued": _("Invoice issued"),
    "invoice.credited": _("Invoice credited"),
}


def action_label(action: str) -> str:
    """The action's label in the active language, or the code itself for actions without one."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action
