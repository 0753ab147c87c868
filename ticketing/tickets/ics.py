"""An order's event as an iCalendar file (RFC 5545) for the buyer's calendar.

Times are written in UTC ("Z"): a TZID would oblige the file to carry a VTIMEZONE for
that zone, and calendar apps show UTC times in the reader's own zone anyway.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils.translation import gettext, ngettext

from ticketing.catalog.models import Event
from ticketing.orders.models import Order

_LINE_OCTETS = 75


def _text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 §3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
    )


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """Fold a content line into lines of at most 75 octets, never inside a UTF-8 character (§3.1)."""
    pieces: list[str] = []
    current, size, limit = "", 0, _LINE_OCTETS
    for character in line:
        octets = len(character.encode())
        if size + octets > limit:
            pieces.append(current)
            current, size, limit = "", 0, _LINE_OCTETS - 1  # continuation lines start with a space
        current += character
        size += octets
    pieces.append(current)
    return "\r\n ".join(pieces)


def _location(event: Event) -> str:
    parts: list[str] = []
    if event.venue is not None:
        parts.append(event.venue.name)
        parts.extend(line.strip() for line in event.venue.address.splitlines() if line.strip())
        parts.extend(part for part in (event.venue.city, event.venue.country) if part)
    if not parts and event.online_url:
        parts.append(event.online_url)
    return ", ".join(parts)


def order_calendar(
    *,
    order: Order,
    ticket_count: int,
    shop_name: str,
    uid_domain: str,
    stamp: datetime,
    summary: str = "",
) -> bytes:
    """A VCALENDAR with the order's event as one VEVENT, CRLF-delimited and folded, in UTF-8.

    Its words are in the active language: call it under the order's (services._calendar does).
    """
    event = order.event
    description = ngettext(
        "Order %(code)s: %(count)s ticket.", "Order %(code)s: %(count)s tickets.", ticket_count
    ) % {"code": order.code, "count": ticket_count}
    if event.online_url:
        description += "\n" + gettext("Join online: %(url)s") % {"url": event.online_url}
    properties = [
        ("BEGIN", "VCALENDAR"),
        ("VERSION", "2.0"),
        ("PRODID", f"-//{_text(shop_name)}//Tickets//EN"),
        ("CALSCALE", "GREGORIAN"),
        ("METHOD", "PUBLISH"),
        ("BEGIN", "VEVENT"),
        # Stable per order and event: importing the file again updates the same entry.
        ("UID", f"order-{order.code}-event-{event.pk}@{uid_domain}"),
        ("DTSTAMP", _utc(stamp)),
        ("DTSTART", _utc(event.starts_at)),
        ("DTEND", _utc(event.ends_at)),
        ("SUMMARY", _text(summary or event.name)),
        ("LOCATION", _text(_location(event))),
        ("DESCRIPTION", _text(description)),
        ("STATUS", "CANCELLED" if event.status == Event.Status.CANCELLED else "CONFIRMED"),
        ("TRANSP", "OPAQUE"),
    ]
    if event.online_url:
        properties.append(("URL", event.online_url))
    properties += [("END", "VEVENT"), ("END", "VCALENDAR")]
    return "".join(fold(f"{name}:{value}") + "\r\n" for name, value in properties if value).encode()
