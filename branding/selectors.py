"""Branding reads shared by pages, e-mails, documents and the back office."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.utils import formataddr, parseaddr
from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import get_language, gettext

from branding.models import ContentTranslation, CustomDomainRequest, LegalPage, Theme
from tenants.context import current_schema_name, current_tenant
from tenants.models import Tenant
from tenants.near_cache import near_cache
from tenants.selectors import custom_domain_count, tenant_allows

_CACHE_KEY = "branding:theme"  # the cache key function prefixes the tenant's schema

# What each translatable model may have translated: model label → fields.
TRANSLATABLE_FIELDS: dict[str, tuple[str, ...]] = {
    "catalog.event": ("name", "description"),
    "catalog.tickettype": ("name", "description"),
    "catalog.addon": ("name", "description"),
    "branding.legalpage": ("body",),
}

Model = TypeVar("Model", bound=models.Model)


def current_theme() -> Theme | None:
    """The current tenant's theme (None on the platform host), cached per schema."""
    if current_schema_name() == "public":
        return None
    theme = near_cache.get(_CACHE_KEY, 300)
    if theme is None:
        theme = Theme.objects.filter(pk=1).first()
        if theme is not None:
            near_cache.set(_CACHE_KEY, theme, 300)
    return theme


def forget_theme() -> None:
    near_cache.forget(_CACHE_KEY)


def shop_theme() -> Theme:
    """The shop's theme, or an unsaved default one named after the shop when it has none yet."""
    return current_theme() or Theme(display_name=current_tenant().name)


def platform_brand_required() -> bool:
    """The platform's notice shows on a shop's pages and documents unless its plan removes it."""
    return not tenant_allows(current_tenant(), "remove_platform_brand")


def platform_notice() -> str:
    return gettext("Ticketing by %(platform)s") % {"platform": settings.PLATFORM_NAME}


def shop_language() -> str:
    """The shop's default language: the language of its events' own texts."""
    return str(getattr(current_tenant(), "default_language", "") or settings.LANGUAGE_CODE)


def active_language() -> str:
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


def legal_pages() -> list[LegalPage]:
    return list(LegalPage.objects.all())


def legal_page(kind: str) -> LegalPage | None:
    return LegalPage.objects.filter(kind=kind).first()


def _label(instance: models.Model) -> str:
    return instance._meta.label_lower


def prefetch_translations(objects: Iterable[Model], language: str | None = None) -> list[Model]:
    """Load the translations of many objects of one model in one query (for lists)."""
    objects = list(objects)
    language = language or active_language()
    if not objects or language == shop_language():
        return objects
    label = _label(objects[0])
    found: dict[int, dict[str, str]] = {}
    rows = ContentTranslation.objects.filter(
        content=label, object_id__in=[obj.pk for obj in objects], language=language
    ).values_list("object_id", "field", "text")
    for object_id, field, text in rows:
        found.setdefault(object_id, {})[field] = text
    for obj in objects:
        obj.__dict__.setdefault("_translations", {})[language] = found.get(obj.pk, {})
    return objects


def translated_text(obj: models.Model, field: str, language: str | None = None) -> str:
    """``obj.field`` in ``language`` (the active one by default), else in the shop's default language."""
    original = str(getattr(obj, field) or "")
    language = language or active_language()
    if obj.pk is None or language == shop_language():
        return original
    cached: dict[str, dict[str, str]] = obj.__dict__.setdefault("_translations", {})
    if language not in cached:
        prefetch_translations([obj], language)
    return cached[language].get(field) or original


def translations_of(obj: models.Model) -> dict[str, dict[str, str]]:
    """Every translation of one object: language → field → text (for the back office)."""
    result: dict[str, dict[str, str]] = {}
    rows = ContentTranslation.objects.filter(content=_label(obj), object_id=obj.pk)
    for row in rows:
        result.setdefault(row.language, {})[row.field] = row.text
    return result


def translatable_fields(obj: models.Model) -> Sequence[str]:
    return TRANSLATABLE_FIELDS.get(_label(obj), ())


def domain_requests() -> QuerySet[CustomDomainRequest]:
    return CustomDomainRequest.objects.exclude(status=CustomDomainRequest.Status.REMOVED)


def pending_domain_requests() -> QuerySet[CustomDomainRequest]:
    return CustomDomainRequest.objects.filter(status=CustomDomainRequest.Status.PENDING).order_by("pk")


def custom_domains_in_use(tenant: Tenant) -> int:
    """Custom domains counted against the plan: routed ones, and requests still waiting for DNS."""
    return custom_domain_count(tenant) + pending_domain_requests().count()


@dataclass(frozen=True)
class EmailSender:
    from_email: str
    reply_to: list[str]


def email_sender() -> EmailSender:
    """Buyer e-mails come from the shop's name at the platform's address (which passes SPF and
    DKIM), and replies go to the shop."""
    theme = shop_theme()
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return EmailSender(
        from_email=formataddr((theme.sender_name, address)),
        reply_to=[theme.email_reply_to] if theme.email_reply_to else [],
    )


@dataclass(frozen=True)
class DocumentBranding:
    """What a PDF ticket, invoice or report shows of the shop: one place for every document."""

    name: str
    logo_data_uri: str  # embedded, so WeasyPrint fetches nothing
    primary_color: str
    on_primary_color: str
    accent_color: str
    text_color: str
    font_stack: str
    legal_lines: list[str]
    platform_notice: str


def _data_uri(field: Any) -> str:
    if not field:
        return ""
    try:
        with field.open("rb") as image:
            content = image.read()
    except OSError:  # a file lost from storage must not stop a ticket from being issued
        return ""
    suffix = field.name.rsplit(".", 1)[-1].lower()
    media_type = {"jpg": "jpeg", "ico": "x-icon"}.get(suffix, suffix)
    return f"data:image/{media_type};base64,{base64.b64encode(content).decode()}"


def document_branding() -> DocumentBranding:
    theme = shop_theme()
    imprint = legal_page(LegalPage.Kind.IMPRINT)
    imprint_text = translated_text(imprint, "body") if imprint else ""
    return DocumentBranding(
        name=theme.display_name,
        logo_data_uri=_data_uri(theme.logo),
        primary_color=theme.primary_color,
        on_primary_color=theme.on_primary_color,
        accent_color=theme.accent_color,
        text_color=theme.text_color,
        font_stack=theme.font_stack,
        legal_lines=[line for line in imprint_text.splitlines() if line.strip()][:6],
        platform_notice=platform_notice() if platform_brand_required() else "",
    )
