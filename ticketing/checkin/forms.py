"""The scan page's form: what the scanner read (or the ticket id typed in) and the gate."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ticketing.backoffice.forms import BackofficeForm


class ScanForm(BackofficeForm):
    code = forms.CharField(
        label=_("Ticket code"),
        max_length=400,
        help_text=_("Scan the QR code into this field, or type the ticket id printed under it."),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off", "spellcheck": "false"}),
    )
    gate = forms.CharField(label=_("Gate"), max_length=64, required=False, help_text=_("e.g. North entrance"))
