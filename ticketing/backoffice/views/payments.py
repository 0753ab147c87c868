"""Payment options: which methods the checkout offers, and the bank details for transfers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from ticketing.backoffice.access import requires
from ticketing.backoffice.forms import BackofficeForm
from ticketing.backoffice.pages import form_page, submitted
from ticketing.backoffice.views import actor
from ticketing.payments.selectors import card_payments_possible, payment_options
from ticketing.payments.services import update_payment_options
from ticketing.team.roles import Permission

SECTION = "payments"


class PaymentOptionsForm(BackofficeForm):
    card_enabled = forms.BooleanField(required=False, label=gettext_lazy("Card (Stripe)"))
    bank_transfer_enabled = forms.BooleanField(required=False, label=gettext_lazy("Bank transfer"))
    box_office_enabled = forms.BooleanField(required=False, label=gettext_lazy("Pay at the box office"))
    bank_transfer_instructions = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label=gettext_lazy("Bank details for transfers"),
        help_text=gettext_lazy(
            "Account holder and IBAN/BIC (or account number): shown to buyers who pay by transfer."
        ),
    )


@requires(Permission.MANAGE_ORDERS)
@require_http_methods(["GET", "POST"])
def payment_options_page(request: HttpRequest) -> HttpResponse:
    options = payment_options()
    initial = {
        "card_enabled": options.card_enabled,
        "bank_transfer_enabled": options.bank_transfer_enabled,
        "box_office_enabled": options.box_office_enabled,
        "bank_transfer_instructions": options.bank_transfer_instructions,
    }
    form = PaymentOptionsForm(request.POST if request.method == "POST" else None, initial=initial)
    if not card_payments_possible(currency=""):
        not_yet = _("Card payments start once your payout account can take charges.")
        form.fields["card_enabled"].help_text = not_yet

    def perform(fields: dict[str, Any]) -> HttpResponse:
        update_payment_options(actor=actor(request), **fields)
        messages.success(request, _("Payment options saved."))
        return redirect("backoffice:payment_options")

    done, status = submitted(request, form, perform)
    return done or form_page(
        request,
        form,
        section=SECTION,
        title=_("Payment options"),
        submit=_("Save"),
        back=reverse("backoffice:dashboard"),
        status=status,
    )
