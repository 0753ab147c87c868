"""A reseller's look and words (tenant schema): the theme, legal pages, translated content
and the custom hostnames it asks to be served on."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from branding.contrast import readable_text_on
from tenants.context import current_schema_name

TXT_RECORD_LABEL = "_ticketing-challenge"
TXT_VALUE_PREFIX = "ticketing-verification="

hex_color = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a colour like #1a2b3c.")


def brand_image_path(instance: Any, filename: str) -> str:
    """Each shop's images under its own folder, with an unguessable name (the extension is checked)."""
    suffix = PurePosixPath(filename).suffix.lower()
    return f"{current_schema_name()}/branding/{uuid.uuid4().hex}{suffix}"


class Font(models.TextChoices):
    """Font stacks of fonts already on the buyer's device: no font is fetched from a third party."""

    SYSTEM = "system", _("System (the device's own)")
    HUMANIST = "humanist", _("Humanist sans-serif")
    GEOMETRIC = "geometric", _("Geometric sans-serif")
    ROUNDED = "rounded", _("Rounded")
    SERIF = "serif", _("Serif")
    MONOSPACE = "monospace", _("Monospace")


FONT_STACKS: dict[str, str] = {
    Font.SYSTEM: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif",
    Font.HUMANIST: "Seravek, 'Gill Sans Nova', Ubuntu, Calibri, 'DejaVu Sans', source-sans-pro, sans-serif",
    Font.GEOMETRIC: "Avenir, Montserrat, Corbel, 'URW Gothic', source-sans-pro, sans-serif",
    Font.ROUNDED: "ui-rounded, 'Hiragino Maru Gothic ProN', Quicksand, Comfortaa, Manjari, "
    "'Arial Rounded MT', Calibri, source-sans-pro, sans-serif",
    Font.SERIF: "Charter, 'Bitstream Charter', 'Sitka Text', Cambria, 'Noto Serif', serif",
    Font.MONOSPACE: "ui-monospace, 'Cascadia Code', 'Source Code Pro', Menlo, Consolas, "
    "'DejaVu Sans Mono', monospace",
}


class Theme(models.Model):
    display_name = models.CharField(max_length=100)
    logo = models.ImageField(upload_to=brand_image_path, blank=True)
    favicon = models.ImageField(upload_to=brand_image_path, blank=True)
    primary_color = models.CharField(max_length=7, default="#1f4fd1", validators=[hex_color])
    accent_color = models.CharField(max_length=7, default="#f2a900", validators=[hex_color])
    background_color = models.CharField(max_length=7, default="#ffffff", validators=[hex_color])
    text_color = models.CharField(max_length=7, default="#1b1b1b", validators=[hex_color])
    font = models.CharField(max_length=16, choices=Font.choices, default=Font.SYSTEM)
    footer_links = models.JSONField(
        default=list, blank=True, help_text='[{"label": "Contact", "url": "https://…"}], in order.'
    )
    custom_css = models.TextField(blank=True, help_text="Sanitized: only allowed properties and values.")
    email_sender_name = models.CharField(
        max_length=100,
        blank=True,
        help_text="Sender name of buyer e-mails (the shop name if empty).",
    )
    email_reply_to = models.EmailField(blank=True, help_text="Where buyers' replies to e-mails go.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # One theme per shop: the singleton row has pk 1.
            models.CheckConstraint(condition=models.Q(pk=1), name="theme_singleton"),
        ]

    def __str__(self) -> str:
        return f"Theme of {self.display_name}"

    @property
    def font_stack(self) -> str:
        return FONT_STACKS.get(self.font, FONT_STACKS[Font.SYSTEM])

    @property
    def on_primary_color(self) -> str:
        """Text on the primary colour (the header): black or white, whichever reads better."""
        return readable_text_on(self.primary_color)

    @property
    def on_accent_color(self) -> str:
        """Text on the accent colour (buttons)."""
        return readable_text_on(self.accent_color)

    @property
    def version(self) -> str:
        """Changes whenever the theme does: part of image URLs, so browsers may cache them for good."""
        return f"{self.updated_at:%Y%m%d%H%M%S%f}" if self.updated_at else "0"

    @property
    def sender_name(self) -> str:
        return self.email_sender_name or self.display_name


class LegalPage(models.Model):
    """Imprint, terms and privacy policy, in the shop's default language (translations beside)."""

    class Kind(models.TextChoices):
        IMPRINT = "imprint", _("Imprint")
        TERMS = "terms", _("Terms and conditions")
        PRIVACY = "privacy", _("Privacy policy")

    kind = models.CharField(max_length=16, choices=Kind.choices, unique=True)
    body = models.TextField(help_text="Plain text; blank lines start new paragraphs.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.get_kind_display()


class ContentTranslation(models.Model):
    """One field of one catalog object in one language other than the shop's default.

    The object's own fields hold the default language; a missing translation falls back
    to them. ``content`` is the model's label (``catalog.event``): the catalog knows
    nothing of translations, and ids are never reused, so a deleted object's
    translations are only dead rows.
    """

    content = models.CharField(max_length=64)
    object_id = models.BigIntegerField()
    language = models.CharField(max_length=10)
    field = models.CharField(max_length=40)
    text = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["content", "object_id", "language", "field"]
        constraints = [
            models.UniqueConstraint(
                fields=["content", "object_id", "language", "field"], name="one_translation_per_field"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="translation_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.content}#{self.object_id} {self.field} [{self.language}]"


class CustomDomainRequest(models.Model):
    """A hostname the shop wants to be served on, routed only once DNS proves it owns it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the DNS record")
        VERIFIED = "verified", _("Verified and routed")
        EXPIRED = "expired", _("Expired without verification")
        REMOVED = "removed", _("Removed")

    hostname = models.CharField(max_length=253)
    token = models.CharField(max_length=64, help_text="Value the TXT record must hold.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_problem = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["hostname"],
                condition=Q(status__in=["pending", "verified"]),
                name="one_live_request_per_hostname",
            ),
        ]

    def __str__(self) -> str:
        return self.hostname

    @property
    def is_live(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.VERIFIED)

    @property
    def txt_record_name(self) -> str:
        """Where the reseller puts the TXT record: a label of its own, so it disturbs no other record."""
        return f"{TXT_RECORD_LABEL}.{self.hostname}"

    @property
    def txt_record_value(self) -> str:
        return f"{TXT_VALUE_PREFIX}{self.token}"
