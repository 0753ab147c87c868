"""Which language a buyer sees: their own choice (cookie), then their browser's, then the shop's."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import trans_real


def negotiated_language(request: HttpRequest) -> str:
    """The language cookie (set by the language switcher), then Accept-Language, then the shop's
    default language; on the platform host, settings.LANGUAGE_CODE last."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen:
        try:
            return translation.get_supported_language_variant(chosen)
        except LookupError:
            pass
    for accepted, _quality in trans_real.parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if accepted == "*":
            break
        try:
            return translation.get_supported_language_variant(accepted)
        except LookupError:
            continue
    shop_default = getattr(getattr(request, "tenant", None), "default_language", "")
    try:
        return translation.get_supported_language_variant(shop_default or settings.LANGUAGE_CODE)
    except LookupError:
        return settings.LANGUAGE_CODE


class ShopLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware (Vary and Content-Language on responses) with the shop's default
    language instead of settings.LANGUAGE_CODE as the last resort. Storefront URLs carry no
    language prefix, so a shared link opens in each buyer's own language."""

    def process_request(self, request: HttpRequest) -> None:
        translation.activate(negotiated_language(request))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        # The language cookie changes the page as much as Accept-Language does.
        patch_vary_headers(response, ("Cookie",))
        return super().process_response(request, response)
