"""Storefront forms: they parse and show input; the services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from ticketing.inventory.selectors import EventOffer
from ticketing.inventory.services import Selection
from ticketing.orders.models import Order


class SelectionForm(forms.Form):
    """Quantities for each ticket type and add-on on offer."""

    promo_code = forms.CharField(max_length=64, required=False, label=_("Promo code"))

    def __init__(self, *args: Any, offer: EventOffer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offer = offer
        for ticket_type_id, ticket_offer in offer.ticket_types.items():
            self.fields[f"ticket_{ticket_type_id}"] = forms.IntegerField(
                min_value=0, required=False, initial=0, label=ticket_offer.ticket_type.name
            )
        for addon_id, addon_offer in offer.addons.items():
            self.fields[f"addon_{addon_id}"] = forms.IntegerField(
                min_value=0, required=False, initial=0, label=addon_offer.addon.name
            )

    def selection(self) -> Selection:
        data = self.cleaned_data
        return Selection(
            tickets={pk: data.get(f"ticket_{pk}") or 0 for pk in self.offer.ticket_types},
            addons={pk: data.get(f"addon_{pk}") or 0 for pk in self.offer.addons},
        )

    def add_domain_error(self, error: DomainError) -> None:
        add_domain_error(self, error)


class PaymentMethodField(forms.ChoiceField):
    """The methods the shop offers; "pay_later" (any offline method) stays accepted for older clients."""

    def __init__(self, *args: Any, hidden_values: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hidden_values = hidden_values

    def valid_value(self, value: Any) -> bool:
        return value in self.hidden_values or super().valid_value(value)


class BuyerForm(forms.Form):
    name = forms.CharField(max_length=150, label=_("Full name"))
    email = forms.EmailField(label=_("E-mail address"))
    phone = forms.CharField(max_length=32, required=False, label=_("Phone (optional)"))
    payment_method = PaymentMethodField(
        choices=[(Order.PaymentMethod.PAY_LATER, Order.PaymentMethod.PAY_LATER.label)],
        initial=Order.PaymentMethod.PAY_LATER,
        widget=forms.RadioSelect,
        label=_("Payment"),
    )
    vat_id = forms.CharField(max_length=20, required=False, label=_("VAT ID (businesses, optional)"))
    expected_total_minor = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, methods: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if methods is not None:
            field = self.fields["payment_method"]
            assert isinstance(field, PaymentMethodField)
            field.choices = methods
            # Preselected: an offline method where there is one, so nobody is sent to a card step
            # they did not choose; card stays one click away.
            offline_first = [value for value, _label in methods if value != Order.PaymentMethod.CARD]
            preferred = offline_first or [value for value, _label in methods]
            field.initial = preferred[0] if preferred else None
            offline = {Order.PaymentMethod.BANK_TRANSFER, Order.PaymentMethod.BOX_OFFICE}
            field.hidden_values = (
                (Order.PaymentMethod.PAY_LATER,) if offline & {value for value, _label in methods} else ()
            )

    def add_domain_error(self, error: DomainError) -> None:
        add_domain_error(self, error)


class OneStepCheckoutForm(BuyerForm, SelectionForm):
    """Selection and buyer details in one request (the one-page checkout)."""

    expected_total_minor = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)


class MyTicketsForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address used for the order"))


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a refused use case's message on its field, or above the form."""
    form.add_error(error.field if error.field in form.fields else None, error.message)
