"""Offline payments: bank transfer and pay at the box office, which staff mark paid.

The buyer's order is placed awaiting payment (its tickets are sold to it, not held) and
lapses after PAY_LATER_DAYS; staff with the box-office permission record the money when it
arrives (``ticketing.payments.services.record_offline_payment``). The reseller holds the
money itself, so the ledger books it as reseller-collected and the platform's fee as due.
Refunds are handed back by the reseller: nothing to call.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ticketing.payments.providers.base import PaymentProvider


class OfflineProvider(PaymentProvider):
    name = "offline"
    label = _("Pay later")
    # Pay later (transfer or box office) and the box-office desk's own sales (paid as they are placed).
    methods = ("pay_later", "bank_transfer", "box_office", "cash", "card_terminal")
    collected_by = "reseller"
    online = False

    def available(self, *, currency: str) -> bool:
        return True
