"""Ticket PDFs wear the shop's document branding (branding/partials/document_*.html), as invoices
and reports do: its logo, name, colours, imprint and, where the plan keeps it, the platform notice."""

from __future__ import annotations

import io

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from branding.services import set_legal_page, update_theme
from tests.branding.conftest import image_bytes
from ticketing.tickets.services import order_tickets_pdf

from .conftest import Show, buy
from .pdf_reading import hex_rgb, page_texts, pixel_at, rendered_pages

LOGO_COLOR = "#2e8b57"


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def brand_acme() -> None:
    update_theme(
        actor=None,
        display_name="Acme Live Music",
        primary_color="#0b3d91",
        accent_color="#ffcc00",
        background_color="#ffffff",
        text_color="#222222",
        font="serif",
        logo=SimpleUploadedFile("logo.png", image_bytes(size=(120, 60), color=LOGO_COLOR)),
    )
    set_legal_page(actor=None, kind="imprint", body="Acme Live Inc.\n1 Main Street, Springfield")


@pytest.mark.usefixtures("in_acme")
@override_settings(PLATFORM_NAME="Ticket platform")
def test_each_ticket_page_shows_the_shops_name_imprint_and_the_platform_notice(show: Show) -> None:
    brand_acme()
    order = buy(show, standing=1, seated=1)

    pages = page_texts(order_tickets_pdf(order=order))

    assert len(pages) == 2
    for text in pages:
        assert "Acme Live Music" in text
        assert "Acme Live Inc. · 1 Main Street, Springfield" in text
        assert "Ticketing by Ticket platform" in text


@pytest.mark.usefixtures("in_acme")
def test_the_logo_is_embedded_and_drawn_in_the_header_band_of_the_shops_colour(show: Show) -> None:
    brand_acme()
    order = buy(show, standing=1, seated=0)
    pdf = order_tickets_pdf(order=order)

    (reader_page,) = pypdf.PdfReader(io.BytesIO(pdf)).pages
    sizes = {image.image.size for image in reader_page.images if image.image is not None}
    assert (120, 60) in sizes  # the logo travels inside the PDF (nothing is fetched)

    (page,) = rendered_pages(pdf)
    width, height = page.size
    logo_pixels = sum(
        1
        for x in range(0, width, 2)
        for y in range(0, height // 5, 2)  # the header at the top of the ticket
        if page.getpixel((x, y)) == hex_rgb(LOGO_COLOR)
    )
    assert logo_pixels > 50
    assert pixel_at(page, x_mm=150, y_mm=17) == hex_rgb("#0b3d91")  # the band in the primary colour


@pytest.mark.usefixtures("in_acme")
def test_a_new_logo_makes_a_new_pdf(show: Show) -> None:
    brand_acme()
    order = buy(show, standing=1, seated=0)
    before = order_tickets_pdf(order=order)
    update_theme(
        actor=None,
        display_name="Acme Live Music",
        primary_color="#0b3d91",
        accent_color="#ffcc00",
        background_color="#ffffff",
        text_color="#222222",
        font="serif",
        logo=SimpleUploadedFile("logo.png", image_bytes(size=(90, 90), color="#aa3300")),
    )
    after = order_tickets_pdf(order=order)
    assert after != before
    (reader_page,) = pypdf.PdfReader(io.BytesIO(after)).pages
    assert (90, 90) in {image.image.size for image in reader_page.images if image.image is not None}
