"""The back office's endpoint form; the service checks the URL (SSRF guard) and the types again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from api.webhooks.models import ALL_EVENTS, WebhookEndpoint
from api.webhooks.services import SUBSCRIBABLE_TYPES
from ticketing.backoffice.forms import BackofficeForm


class EndpointForm(BackofficeForm):
    url = forms.CharField(
        label=_("Endpoint URL"),
        max_length=2000,
        help_text=_("A public https:// address that accepts POST requests."),
        widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    event_types = forms.MultipleChoiceField(
        label=_("Events to send"),
        choices=[(ALL_EVENTS, _("All events, including those added later"))]
        + [(event_type, event_type) for event_type in SUBSCRIBABLE_TYPES],
        widget=forms.CheckboxSelectMultiple,
    )

    @classmethod
    def for_endpoint(cls, endpoint: WebhookEndpoint) -> EndpointForm:
        return cls(
            initial={
                "url": endpoint.url,
                "description": endpoint.description,
                "event_types": endpoint.event_types,
            }
        )

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"url": data["url"], "description": data["description"], "event_types": data["event_types"]}
