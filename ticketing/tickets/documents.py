"""What a ticket PDF shows, and its rendering: QR codes with segno, pages with WeasyPrint.

Rendering is slow (a PDF takes a good part of a second), so it never happens in the
order request: the confirmation task renders after commit, downloads reuse that
rendering while its fingerprint still matches (services.order_tickets_pdf).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
from dataclasses import asdict, dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import segno
from babel.dates import format_date, format_time
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.template.loader import get_template, render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from branding.selectors import DocumentBranding, document_branding, translated_text
from core.money import Money
from ticketing.catalog.models import Event
from ticketing.orders.models import Ticket
from ticketing.tickets import payload
from ticketing.tickets.selectors import OrderTickets

PDF_TEMPLATE = "tickets/pdf/tickets.html"
# The shop's look shared with invoices and reports: logo, name, colours, imprint, platform notice.
BRANDING_PARTIALS = (
    "branding/partials/document_head.html",
    "branding/partials/document_header.html",
    "branding/partials/document_footer.html",
)
# A ticket opens the doors from half a day before the start until six hours after the end.
VALID_BEFORE_START = timedelta(hours=12)
VALID_AFTER_END = timedelta(hours=6)
# A fixed mask: segno otherwise tries all eight and scores them, about 4x the encoding time.
# Scanners read every mask; the scoring only avoids patterns that random signature bytes
# rarely produce. Level M, raised by segno when the same symbol size allows more.
QR_MASK = 0
QR_ERROR = "m"
QR_SCALE = 6  # pixels a module in the PNG; the PDF draws it at a fixed 45 mm, unsmoothed


@dataclass(frozen=True)
class TicketPage:
    ticket_id: str
    ticket_type: str
    attendee: str
    holder_initials: str
    price: str
    code: str  # the signed payload the QR code carries


@dataclass(frozen=True)
class TicketSheet:
    """Everything one order's ticket PDF shows, as plain text, so it can be fingerprinted.

    ``language`` is part of it: the same order in another language is another PDF.
    """

    language: str
    shop_name: str
    primary_color: str
    accent_color: str
    text_color: str
    background_color: str
    event_name: str
    event_when: str
    event_timezone: str
    place: tuple[str, ...]
    online_url: str
    order_code: str
    buyer_name: str
    key_id: str
    pages: tuple[TicketPage, ...]
    branding: DocumentBranding

    def fingerprint(self) -> str:
        """Changes whenever the PDF would: its content or the templates that lay it out."""
        layout = "\0".join(_template_source(name) for name in (PDF_TEMPLATE, *BRANDING_PARTIALS))
        data = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(f"{layout}\0{data}".encode()).hexdigest()


def _template_source(name: str) -> str:
    source = getattr(get_template(name), "template", None)
    return str(getattr(source, "source", name))


def event_zone(event: Event) -> ZoneInfo:
    try:
        return ZoneInfo(event.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def event_when(event: Event, *, locale: str) -> str:
    """'Saturday, July 12, 2031, 8:00 PM – 11:00 PM CEST' in the event's own time zone."""
    zone = event_zone(event)
    start, end = event.starts_at.astimezone(zone), event.ends_at.astimezone(zone)
    text = f"{format_date(start, 'full', locale=locale)}, {format_time(start, 'short', locale=locale)}"
    if end.date() == start.date():
        text += f" – {format_time(end, 'short', locale=locale)}"
    else:
        text += f" – {format_date(end, 'full', locale=locale)}, {format_time(end, 'short', locale=locale)}"
    return f"{text} {start.tzname()}"


def event_place(event: Event) -> tuple[str, ...]:
    lines: list[str] = []
    if event.venue is not None:
        lines.append(event.venue.name)
        lines.extend(line.strip() for line in event.venue.address.splitlines() if line.strip())
        city = " ".join(part for part in (event.venue.city, event.venue.country) if part)
        if city:
            lines.append(city)
    if event.attendance_mode != Event.AttendanceMode.IN_PERSON:
        lines.append(_("Online"))
    return tuple(lines)


def ticket_claims(ticket: Ticket, *, event: Event, key_id: str) -> payload.TicketClaims:
    return payload.TicketClaims(
        key_id=key_id,
        ticket_id=ticket.public_id,
        event_id=event.pk,
        valid_from=event.starts_at - VALID_BEFORE_START,
        valid_until=event.ends_at + VALID_AFTER_END,
        holder_initials=payload.holder_initials(ticket.attendee_name),
    )


def ticket_sheet(found: OrderTickets, *, key_id: str, private_key: Ed25519PrivateKey) -> TicketSheet:
    """The order's valid tickets, each with its signed code, as the PDF will show them.

    Call it with the order's language active (``translation.override(found.language)``).
    """
    order, event, theme = found.order, found.order.event, found.theme
    pages = []
    for ticket in found.tickets:
        claims = ticket_claims(ticket, event=event, key_id=key_id)
        pages.append(
            TicketPage(
                ticket_id=ticket.public_id,
                ticket_type=translated_text(ticket.ticket_type, "name", found.language),
                attendee=ticket.attendee_name,
                holder_initials=claims.holder_initials,
                price=Money(ticket.line.unit_price_minor, order.currency).format(found.locale),
                code=payload.sign_ticket(claims, private_key=private_key),
            )
        )
    return TicketSheet(
        language=found.language,
        shop_name=found.shop_name,
        primary_color=theme.primary_color if theme else "#1f4fd1",
        accent_color=theme.accent_color if theme else "#f2a900",
        text_color=theme.text_color if theme else "#1b1b1b",
        background_color=theme.background_color if theme else "#ffffff",
        event_name=translated_text(event, "name", found.language),
        event_when=event_when(event, locale=found.locale),
        event_timezone=event_zone(event).key,
        place=event_place(event),
        online_url=event.online_url,
        order_code=order.code,
        buyer_name=order.buyer_name,
        key_id=key_id,
        pages=tuple(pages),
        branding=document_branding(),  # the imprint in the order's language, like the rest
    )


def qr_png(code: str) -> bytes:
    """The QR code of a signed ticket code, as a PNG (black on white, 4-module quiet zone)."""
    symbol = segno.make(code, error=QR_ERROR, mask=QR_MASK, micro=False)
    out = io.BytesIO()
    symbol.save(out, kind="png", scale=QR_SCALE, border=4)
    return out.getvalue()


def render_pdf(sheet: TicketSheet) -> bytes:
    """One A4 page per ticket in the shop's look: its logo, colours and imprint (branding's partials)."""
    pages = [
        (page, "data:image/png;base64," + base64.b64encode(qr_png(page.code)).decode())
        for page in sheet.pages
    ]
    with translation.override(sheet.language):
        html = render_to_string(PDF_TEMPLATE, {"sheet": sheet, "pages": pages, "branding": sheet.branding})
    # Imported here: WeasyPrint takes 0.7 s to import, which every process start (web
    # workers, migrate on deploy) would pay although only the ticket worker renders.
    import weasyprint

    pdf = weasyprint.HTML(string=html).write_pdf()
    assert pdf is not None  # write_pdf returns bytes when given no target
    return pdf
