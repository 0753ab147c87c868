"""Changing a shop's look: everything checked first, a refusal changes nothing, changes are audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from branding.errors import BrandingError, BrandingErrorCode
from branding.models import Theme
from branding.selectors import current_theme
from branding.services import update_theme
from ticketing.audit.models import LogEntry

from .conftest import image_bytes

pytestmark = pytest.mark.usefixtures("in_acme")

GOOD = {
    "display_name": "Acme Live",
    "primary_color": "#0b3d91",
    "accent_color": "#ffcc00",
    "background_color": "#fffdf5",
    "text_color": "#222222",
}


def change(**values: Any) -> Theme:
    return update_theme(actor=None, **{**GOOD, **values})


def snapshot() -> dict[str, Any]:
    theme = Theme.objects.get(pk=1)
    return {
        field.name: getattr(theme, field.name) for field in Theme._meta.fields if field.name != "logo"
    } | {"logo": theme.logo.name}


def test_a_valid_change_is_saved_audited_and_seen_at_once() -> None:
    assert current_theme() is not None  # cached before the change
    theme = change(
        font="serif",
        footer_links=[
            {"label": "Contact", "url": "https://acme.example/contact"},
            {"label": "FAQ", "url": "/faq/"},
        ],
        custom_css="h1 { letter-spacing: .05em }",
        email_sender_name="Acme Live Tickets",
        email_reply_to="Help@Acme.example",
    )
    assert theme.primary_color == "#0b3d91"
    assert theme.font_stack.endswith("serif")
    assert theme.custom_css == "h1 { letter-spacing: .05em; }"
    assert theme.email_reply_to == "help@acme.example"
    entry = LogEntry.objects.get(action="theme.updated")
    assert set(entry.data["fields"]) >= {"primary_color", "font", "footer_links", "custom_css"}


def test_the_cached_theme_is_forgotten_after_commit(django_capture_on_commit_callbacks) -> None:
    current_theme()
    with django_capture_on_commit_callbacks(execute=True):
        change(primary_color="#660066")
    theme = current_theme()
    assert theme is not None and theme.primary_color == "#660066"


@pytest.mark.parametrize(
    ("values", "code", "field"),
    [
        ({"text_color": "#999999"}, BrandingErrorCode.LOW_CONTRAST, "text_color"),
        ({"primary_color": "#fffaf0"}, BrandingErrorCode.LOW_CONTRAST, "primary_color"),
        (
            {"background_color": "#000000", "text_color": "#111111"},
            BrandingErrorCode.LOW_CONTRAST,
            "text_color",
        ),
        ({"primary_color": "blue"}, BrandingErrorCode.INVALID_THEME, "primary_color"),
        ({"display_name": "  "}, BrandingErrorCode.INVALID_THEME, "display_name"),
        ({"font": "comic-sans"}, BrandingErrorCode.INVALID_THEME, "font"),
        ({"custom_css": "body { background: url(x.png) }"}, BrandingErrorCode.UNSAFE_CSS, "custom_css"),
        ({"custom_css": "@import 'x.css';"}, BrandingErrorCode.UNSAFE_CSS, "custom_css"),
        (
            {"footer_links": [{"label": "Click", "url": "javascript:alert(1)"}]},
            BrandingErrorCode.INVALID_LINK,
            "footer_links",
        ),
        ({"email_reply_to": "not an address"}, BrandingErrorCode.INVALID_THEME, "email_reply_to"),
        ({"email_sender_name": "Evil <x@y>"}, BrandingErrorCode.INVALID_THEME, "email_sender_name"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_changes_nothing(values, code, field) -> None:
    before = snapshot()
    with pytest.raises(BrandingError) as refused:
        change(logo=SimpleUploadedFile("logo.png", image_bytes()), **values)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert snapshot() == before
    assert not LogEntry.objects.filter(action="theme.updated").exists()


def test_the_contrast_refusal_says_which_colours_and_how_far_below() -> None:
    with pytest.raises(BrandingError) as refused:
        change(text_color="#999999")
    assert "#999999 on #fffdf5 has a contrast of 2.80:1, below the 4.5:1" in refused.value.message
    assert refused.value.extra == {"ratio": 2.8, "required": 4.5}


def test_a_logo_is_stored_under_the_shops_folder_named_by_its_real_format() -> None:
    theme = change(logo=SimpleUploadedFile("photo.gif", image_bytes("JPEG"), content_type="image/gif"))
    name = theme.logo.name or ""
    assert name.startswith("acme/branding/") and name.endswith(".jpg")
    with theme.logo.open("rb") as stored:
        assert stored.read() == image_bytes("JPEG")
    theme = change(remove_logo=True)
    assert not theme.logo


@pytest.mark.parametrize(
    ("upload", "field", "code", "message"),
    [
        (
            ContentFile(b"MZ\x90\x00 definitely not a picture", name="logo.png"),
            "logo",
            BrandingErrorCode.INVALID_IMAGE,
            "The logo is not an image we can use; upload a GIF, JPEG, PNG, WEBP file.",
        ),
        (
            ContentFile(
                b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', name="l.svg"
            ),
            "logo",
            BrandingErrorCode.INVALID_IMAGE,
            "not an image we can use",
        ),
        (
            ContentFile(image_bytes("BMP"), name="logo.bmp"),
            "logo",
            BrandingErrorCode.INVALID_IMAGE,
            "The logo is a BMP image",
        ),
        (
            ContentFile(b"\x89PNG" + b"0" * 1_000_001, name="logo.png"),
            "logo",
            BrandingErrorCode.IMAGE_TOO_LARGE,
            "The logo is 1.0 MB; it may be at most 1.0 MB.",
        ),
        (
            ContentFile(image_bytes(size=(2400, 100)), name="logo.png"),
            "logo",
            BrandingErrorCode.IMAGE_TOO_LARGE,
            "2400×100 pixels",
        ),
        (
            ContentFile(image_bytes(size=(1024, 1024)), name="icon.png"),
            "favicon",
            BrandingErrorCode.IMAGE_TOO_LARGE,
            "The favicon is",
        ),
    ],
)
def test_an_unusable_image_is_refused_and_changes_nothing(upload, field, code, message) -> None:
    before = snapshot()
    with pytest.raises(BrandingError) as refused:
        change(primary_color="#550000", **{field: upload})
    assert (refused.value.code, refused.value.field) == (code, field)
    assert message in refused.value.message
    assert snapshot() == before
