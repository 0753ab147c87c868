"""Branding use cases."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from branding.errors import BrandingError, BrandingErrorCode
from branding.models import Theme
from branding.selectors import forget_theme
from core.side_effects import after_commit


def set_theme(*, display_name: str, **colors: str) -> Theme:
    """Create or update the current shop's theme."""
    theme = Theme.objects.filter(pk=1).first() or Theme(pk=1)
    theme.display_name = display_name
    for name, value in colors.items():
        setattr(theme, name, value)
    try:
        theme.full_clean()
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise BrandingError(BrandingErrorCode.INVALID_THEME, messages[0], field=field) from None
    theme.save()
    forget_theme()
    after_commit(forget_theme)
    return theme
