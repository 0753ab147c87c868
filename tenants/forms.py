from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from core.errors import DomainError
from tenants.models import Tenant
from tenants.services import clean_provisioning_request


class ProvisionTenantForm(forms.ModelForm):
    """The console's "add reseller" form; the provisioning service does the work and the checks."""

    slug = forms.CharField(
        max_length=40, help_text="Lower-case letters, digits, underscores; becomes the schema."
    )
    owner_email = forms.EmailField(help_text="The owner receives an invitation to set a password.")
    hostname = forms.CharField(
        max_length=253, required=False, help_text="Leave empty for <slug>." + settings.PLATFORM_BASE_DOMAIN
    )

    class Meta:
        model = Tenant
        fields = ["name", "plan", "default_language", "default_currency", "country"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True
        self.fields["default_language"] = forms.ChoiceField(choices=settings.LANGUAGES, initial="en")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            clean_provisioning_request(
                name=data.get("name", ""),
                slug=data.get("slug", ""),
                owner_email=data.get("owner_email", ""),
                plan_code=data["plan"].code if data.get("plan") else None,
                hostname=data.get("hostname") or None,
                default_language=data.get("default_language", "en"),
                default_currency=data.get("default_currency", ""),
                country=data.get("country", ""),
            )
        except DomainError as error:
            field = error.field if error.field in self.fields else None
            self.add_error(field, error.message)
        return data
