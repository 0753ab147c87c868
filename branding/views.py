"""Buyer-facing branding pages: the shop's legal pages and its logo and favicon."""

from __future__ import annotations

import mimetypes

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from branding.models import LegalPage
from branding.selectors import current_theme, legal_page, translated_text


@require_GET
def legal(request: HttpRequest, kind: str) -> HttpResponse:
    page = legal_page(kind) if kind in LegalPage.Kind.values else None
    if page is None:
        raise Http404("This shop has not published that page.")
    context = {"page": page, "title": LegalPage.Kind(kind).label, "body": translated_text(page, "body")}
    return render(request, "branding/legal_page.html", context)


@require_GET
def brand_image(request: HttpRequest, field: str, version: str) -> FileResponse:
    """The shop's logo or favicon, from its own host only; the URL changes with the theme."""
    theme = current_theme()
    image = getattr(theme, field, None) if field in ("logo", "favicon") else None
    if not image:
        raise Http404("No such image.")
    try:
        handle = image.open("rb")
    except OSError:
        raise Http404("No such image.") from None
    content_type = mimetypes.guess_type(image.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    if version == theme.version:  # type: ignore[union-attr]
        response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
