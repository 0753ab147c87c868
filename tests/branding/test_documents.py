"""PDF documents (tickets, invoices, reports) take the shop's look from one place, with nothing fetched."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from branding.selectors import document_branding
from branding.services import set_legal_page, update_theme

from .conftest import image_bytes

pytestmark = pytest.mark.usefixtures("in_acme")

DOCUMENT = Template(
    "<html><head>{% include 'branding/partials/document_head.html' %}</head><body>"
    "{% include 'branding/partials/document_header.html' %}<p>Ticket</p>"
    "{% include 'branding/partials/document_footer.html' %}</body></html>"
)


def test_a_document_shows_the_shops_logo_colours_and_imprint_without_fetching_anything() -> None:
    update_theme(
        actor=None,
        display_name="Acme Live",
        primary_color="#0b3d91",
        accent_color="#ffcc00",
        background_color="#ffffff",
        text_color="#222222",
        font="serif",
        logo=SimpleUploadedFile("logo.png", image_bytes()),
    )
    set_legal_page(actor=None, kind="imprint", body="Acme Live Inc.\n1 Main Street, Springfield")
    html = DOCUMENT.render(Context({"branding": document_branding()}))
    assert "background: #0b3d91; color: #ffffff;" in html
    assert "Acme Live Inc. · 1 Main Street, Springfield" in html
    assert "Ticketing by Ticket platform" in html  # no plan removes the notice
    # Only data: URLs may be read: the logo travels inside the document.
    pdf = HTML(
        string=html, url_fetcher=URLFetcher(allowed_protocols=["data"], fail_on_errors=True)
    ).write_pdf()
    assert pdf is not None and pdf.startswith(b"%PDF-")
    assert b"/Subtype /Image" in pdf  # the embedded logo
