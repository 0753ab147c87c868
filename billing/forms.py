"""The public sign-up form; the sign-up service does the checks and the work."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from billing.selectors import public_plans
from billing.signup import check_sign_up
from core.errors import DomainError

CURRENCIES = [
    ("EUR", _("Euro (EUR)")),
    ("USD", _("US dollar (USD)")),
    ("GBP", _("Pound sterling (GBP)")),
    ("CHF", _("Swiss franc (CHF)")),
]
FIELD_OF = {
    "slug": "subdomain",
    "hostname": "subdomain",
    "owner_email": "email",
    "default_currency": "currency",
}


class SignUpForm(forms.Form):
    plan = forms.ChoiceField(label=_("Plan"), widget=forms.RadioSelect)
    name = forms.CharField(max_length=100, label=_("Name of your ticket shop"))
    subdomain = forms.CharField(
        max_length=40,
        label=_("Subdomain"),
        help_text=_("Lower-case letters, digits and underscores: your shop's address."),
    )
    email = forms.EmailField(
        label=_("Your e-mail"), help_text=_("We send the link to set your password here.")
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES, initial="EUR")
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, initial="en")
    country = forms.CharField(
        max_length=2, required=False, label=_("Country"), help_text=_("Two letters, e.g. DE.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["plan"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(plan.code, plan.name) for plan in public_plans()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            check_sign_up(
                plan_code=data["plan"],
                name=data["name"],
                subdomain=data["subdomain"],
                owner_email=data["email"],
                default_currency=data["currency"],
                country=data.get("country", ""),
            )
        except DomainError as error:
            field = FIELD_OF.get(error.field or "", error.field)
            self.add_error(field if field in self.fields else None, error.message)
        return data
