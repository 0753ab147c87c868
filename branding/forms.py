"""Back-office forms for branding: they parse and show input; the services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from branding.models import Font, LegalPage, Theme
from core.errors import DomainError


class ColorInput(forms.TextInput):
    input_type = "color"


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a refused use case's message on its field, or above the form."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


def footer_links_text(links: list[dict[str, str]]) -> str:
    return "\n".join(f"{link['label']} | {link['url']}" for link in links)


class ThemeForm(forms.Form):
    display_name = forms.CharField(label=_("Shop name"), max_length=200)
    logo = forms.FileField(label=_("Logo (PNG, JPEG, GIF or WebP, up to 1 MB)"), required=False)
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    favicon = forms.FileField(label=_("Favicon (PNG or ICO, up to 100 KB)"), required=False)
    remove_favicon = forms.BooleanField(label=_("Remove the favicon"), required=False)
    primary_color = forms.CharField(label=_("Primary colour (header, links)"), widget=ColorInput)
    accent_color = forms.CharField(label=_("Accent colour (buttons)"), widget=ColorInput)
    background_color = forms.CharField(label=_("Background colour"), widget=ColorInput)
    text_color = forms.CharField(label=_("Text colour"), widget=ColorInput)
    font = forms.ChoiceField(label=_("Font"), choices=Font.choices)
    footer_links = forms.CharField(
        label=_("Footer links, one per line: Label | https://…"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    custom_css = forms.CharField(
        label=_("Custom CSS (colours, fonts, spacing, borders; no url(), @import or expression())"),
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        required=False,
    )
    email_sender_name = forms.CharField(label=_("E-mail sender name"), max_length=200, required=False)
    email_reply_to = forms.CharField(label=_("Reply-to address for e-mails"), max_length=254, required=False)

    @classmethod
    def initial_for(cls, theme: Theme) -> dict[str, Any]:
        return {
            "display_name": theme.display_name,
            "primary_color": theme.primary_color,
            "accent_color": theme.accent_color,
            "background_color": theme.background_color,
            "text_color": theme.text_color,
            "font": theme.font,
            "footer_links": footer_links_text(theme.footer_links),
            "custom_css": theme.custom_css,
            "email_sender_name": theme.email_sender_name,
            "email_reply_to": theme.email_reply_to,
        }

    def clean_footer_links(self) -> list[dict[str, str]]:
        links = []
        for line in self.cleaned_data.get("footer_links", "").splitlines():
            if not line.strip():
                continue
            label, separator, url = line.rpartition("|")
            if not separator:
                raise forms.ValidationError(_("Write each link as: Label | https://…"))
            links.append({"label": label.strip(), "url": url.strip()})
        return links

    def theme_values(self) -> dict[str, Any]:
        """The cleaned values, as the theme services take them (without the uploads)."""
        data = self.cleaned_data
        names = [
            "display_name",
            "primary_color",
            "accent_color",
            "background_color",
            "text_color",
            "font",
            "footer_links",
            "custom_css",
            "email_sender_name",
            "email_reply_to",
        ]
        return {name: data[name] for name in names}


class LegalPageForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 12}), required=False)

    def __init__(self, data: Any = None, *, kind: str, initial: dict[str, Any] | None = None) -> None:
        super().__init__(data, prefix=kind, initial=initial)
        self.kind = kind
        self.fields["body"].label = LegalPage.Kind(kind).label


class CustomDomainForm(forms.Form):
    hostname = forms.CharField(label=_("Hostname, e.g. tickets.example.com"), max_length=253)


class TranslationForm(forms.Form):
    """One language's texts for an event and its ticket types: fields named "<key>__<field>"."""

    def __init__(
        self, *args: Any, targets: list[tuple[str, str, Any, tuple[str, ...]]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.targets = targets
        for key, title, obj, fields in targets:
            for field in fields:
                original = getattr(obj, field) or ""
                self.fields[f"{key}__{field}"] = forms.CharField(
                    label=f"{title}: {obj._meta.get_field(field).verbose_name}",
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 3}) if field == "description" else forms.TextInput,
                    help_text=original[:200],
                )

    def changes(self) -> list[tuple[Any, dict[str, str]]]:
        return [
            (obj, {field: self.cleaned_data[f"{key}__{field}"] for field in fields})
            for key, _title, obj, fields in self.targets
        ]
