from __future__ import annotations

from django.core.cache import cache

from branding.models import Theme
from tenants.context import current_schema_name

_CACHE_KEY = "branding:theme"  # the cache key function prefixes the tenant's schema


def current_theme() -> Theme | None:
    """The current tenant's theme (None on the platform host), cached per schema."""
    if current_schema_name() == "public":
        return None
    theme = cache.get(_CACHE_KEY)
    if theme is None:
        theme = Theme.objects.filter(pk=1).first()
        if theme is not None:
            cache.set(_CACHE_KEY, theme, 300)
    return theme


def forget_theme() -> None:
    cache.delete(_CACHE_KEY)
