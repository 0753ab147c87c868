"""Reading ticket PDFs back as a person or a scanner would: text, embedded images, rendered pages."""

from __future__ import annotations

import io

import pypdf
import pypdfium2
import zxingcpp
from PIL import Image
from pypdf.generic import ContentStream

MM_PER_INCH = 25.4


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text with runs of whitespace (babel's narrow spaces included) made one space."""
    return [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def decode_qr(image: Image.Image) -> list[str]:
    return [
        found.text for found in zxingcpp.read_barcodes(image) if found.format == zxingcpp.BarcodeFormat.QRCode
    ]


def embedded_qr_codes(pdf: bytes) -> list[list[str]]:
    """The QR codes decoded from the images each page draws (WeasyPrint shares one resource
    dictionary between pages, so a page's own images are those its content stream paints)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    codes = []
    for page in reader.pages:
        drawn = {
            str(operands[0]).lstrip("/")
            for operands, operator in ContentStream(page.get_contents(), reader).operations
            if operator == b"Do"
        }
        images = [image.image for image in page.images if image.name.rsplit(".", 1)[0] in drawn]
        codes.append([text for image in images if image is not None for text in decode_qr(image)])
    return codes


def rendered_pages(pdf: bytes, *, dpi: int = 150) -> list[Image.Image]:
    """Each page rasterised by PDFium, as a screen or a printer would show it."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [
            document[index].render(scale=dpi / 72).to_pil().convert("RGB") for index in range(len(document))
        ]
    finally:
        document.close()


def pixel_at(page: Image.Image, *, x_mm: float, y_mm: float, dpi: int = 150) -> tuple[int, int, int]:
    x, y = round(x_mm / MM_PER_INCH * dpi), round(y_mm / MM_PER_INCH * dpi)
    red, green, blue = page.getpixel((x, y))  # type: ignore[misc]
    return red, green, blue


def hex_rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)
