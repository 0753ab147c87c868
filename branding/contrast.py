"""WCAG 2.x contrast between two sRGB colours, and the pairs a theme must keep readable.

The ratio is (L1 + 0.05) / (L2 + 0.05) of the relative luminances (WCAG 2.2, 1.4.3);
level AA asks 4.5:1 for body text and links. Text drawn on the primary and accent
colours (header, buttons) is not chosen by the reseller: it is black or white,
whichever contrasts more, and one of the two always reaches 4.5:1 on any colour.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

AA_NORMAL_TEXT = 4.5
BLACK = "#000000"
WHITE = "#ffffff"


def _channel(value: int) -> float:
    srgb = value / 255
    return srgb / 12.92 if srgb <= 0.04045 else ((srgb + 0.055) / 1.055) ** 2.4


def relative_luminance(color: str) -> float:
    """Relative luminance of a #rrggbb colour (0 for black, 1 for white)."""
    red, green, blue = (int(color[index : index + 2], 16) for index in (1, 3, 5))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio, from 1.0 (same luminance) to 21.0 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable_text_on(background: str) -> str:
    """Black or white, whichever reads better on ``background``."""
    return BLACK if contrast_ratio(BLACK, background) >= contrast_ratio(WHITE, background) else WHITE


@dataclass(frozen=True)
class ContrastPair:
    foreground_field: str
    background_field: str
    what: str | Promise  # shown to the reseller: which part of the page would be unreadable


# Pairs the reseller chooses both colours of; each must reach AA for normal text.
CHECKED_PAIRS = (
    ContrastPair("text_color", "background_color", _("body text on the page background")),
    ContrastPair("primary_color", "background_color", _("links and headings on the page background")),
)


@dataclass(frozen=True)
class ContrastFailure:
    pair: ContrastPair
    ratio: float


def contrast_failures(colors: dict[str, str]) -> list[ContrastFailure]:
    """Every checked pair of ``colors`` (field name → #rrggbb) below WCAG AA."""
    failures = []
    for pair in CHECKED_PAIRS:
        ratio = contrast_ratio(colors[pair.foreground_field], colors[pair.background_field])
        if ratio < AA_NORMAL_TEXT:
            failures.append(ContrastFailure(pair=pair, ratio=ratio))
    return failures
