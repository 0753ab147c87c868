"""Ticket use cases: the shop's signing keys, ticket PDFs and the confirmation e-mail that carries them."""

from __future__ import annotations

import logging
from datetime import timedelta
from email import encoders
from email.mime.base import MIMEBase

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from branding.selectors import email_sender, translated_text
from ticketing.audit.services import record
from ticketing.orders.models import Order, Ticket
from ticketing.tickets import documents, key_vault, payload
from ticketing.tickets.errors import TicketError, TicketErrorCode
from ticketing.tickets.ics import order_calendar
from ticketing.tickets.models import ConfirmationDue, SigningKey, TicketsPdf
from ticketing.tickets.selectors import OrderTickets, order_tickets

logger = logging.getLogger(__name__)


def _new_signing_key() -> SigningKey:
    private_key = Ed25519PrivateKey.generate()
    public_key = payload.raw_public_key(private_key.public_key())
    key_id = payload.key_id_for(public_key)
    return SigningKey.objects.create(
        key_id=key_id,
        public_key=public_key,
        sealed_private_key=key_vault.seal_private_key(private_key, key_id=key_id, public_key=public_key),
        status=SigningKey.Status.ACTIVE,
    )


def ensure_signing_key() -> SigningKey:
    """The shop's active signing key, made on first use (one key pair per shop)."""
    key = SigningKey.objects.filter(status=SigningKey.Status.ACTIVE).first()
    if key is not None:
        return key
    try:
        # A savepoint of its own: another process making the first key at the same moment
        # trips the one-active-key constraint, and then its key is the one to use.
        with transaction.atomic():
            key = _new_signing_key()
            record(action="signing_key.created", target=key, key_id=key.key_id)
            return key
    except IntegrityError:
        return SigningKey.objects.get(status=SigningKey.Status.ACTIVE)


def rotate_signing_key(*, actor: User | None, reason: str = "") -> SigningKey:
    """Start signing with a new key; the old one retires and still verifies what it signed."""
    with transaction.atomic(durable=True):
        old = SigningKey.objects.select_for_update().filter(status=SigningKey.Status.ACTIVE).first()
        if old is not None:
            old.status = SigningKey.Status.RETIRED
            old.retired_at = timezone.now()
            old.save(update_fields=["status", "retired_at"])
        key = _new_signing_key()
        record(
            action="signing_key.rotated",
            target=key,
            actor=actor,
            key_id=key.key_id,
            retired=old.key_id if old else None,
            reason=reason,
        )
    return key


def revoke_signing_key(*, key_id: str, actor: User | None, reason: str = "") -> SigningKey:
    """Withdraw a key (say, it leaked): its tickets stop verifying and are re-signed on next download."""
    with transaction.atomic(durable=True):
        key = SigningKey.objects.select_for_update().filter(key_id=key_id).first()
        if key is None:
            raise TicketError(TicketErrorCode.KEY_NOT_FOUND, f"No signing key {key_id}.", http_status=404)
        if key.status == SigningKey.Status.REVOKED:
            return key
        was_active = key.status == SigningKey.Status.ACTIVE
        key.status = SigningKey.Status.REVOKED
        key.revoked_at = timezone.now()
        key.save(update_fields=["status", "revoked_at"])
        record(action="signing_key.revoked", target=key, actor=actor, key_id=key.key_id, reason=reason)
        if was_active:
            replacement = _new_signing_key()
            record(action="signing_key.created", target=replacement, actor=actor, key_id=replacement.key_id)
    return key


def _signing_key() -> tuple[SigningKey, Ed25519PrivateKey]:
    key = ensure_signing_key()
    private_key = key_vault.open_private_key(
        bytes(key.sealed_private_key), key_id=key.key_id, public_key=key.public_key_bytes
    )
    return key, private_key


def ticket_code(*, ticket: Ticket) -> str:
    """The signed code a ticket's QR carries, with the shop's active key."""
    key, private_key = _signing_key()
    claims = documents.ticket_claims(ticket, event=ticket.event, key_id=key.key_id)
    return payload.sign_ticket(claims, private_key=private_key)


def _tickets_pdf(found: OrderTickets) -> bytes:
    if not found.tickets:
        raise TicketError(
            TicketErrorCode.NO_VALID_TICKETS,
            _("This order has no valid tickets to download."),
            http_status=404,
        )
    key, private_key = _signing_key()
    with translation.override(found.language):
        sheet = documents.ticket_sheet(found, key_id=key.key_id, private_key=private_key)
    fingerprint = sheet.fingerprint()
    cached = TicketsPdf.objects.filter(order=found.order, fingerprint=fingerprint).first()
    if cached is not None:
        return bytes(cached.content)
    content = documents.render_pdf(sheet)  # outside any transaction: it takes a while
    # Concurrent renderings: the last write wins. Should an older rendering land last, its
    # fingerprint no longer matches and the next download renders again.
    TicketsPdf.objects.bulk_create(
        [TicketsPdf(order=found.order, fingerprint=fingerprint, content=content, rendered_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["order"],
        update_fields=["fingerprint", "content", "rendered_at"],
    )
    return content


def order_tickets_pdf(*, order: Order) -> bytes:
    """The order's valid tickets as one PDF: rendered once, again only when what it shows changed."""
    return _tickets_pdf(order_tickets(order_id=order.pk))


def order_calendar_file(*, order: Order) -> bytes:
    """The order's event as an .ics file."""
    return _calendar(order_tickets(order_id=order.pk))


def _calendar(found: OrderTickets) -> bytes:
    """In the buyer's language, whoever asks for it: the event's name and the description."""
    domain = found.shop.get_primary_domain()
    with translation.override(found.language):
        return order_calendar(
            order=found.order,
            ticket_count=len(found.tickets),
            shop_name=found.shop_name,
            uid_domain=domain.domain if domain is not None else f"{found.shop.schema_name}.invalid",
            stamp=timezone.now(),
            summary=translated_text(found.order.event, "name", found.language),
        )


def _calendar_attachment(content: bytes, filename: str) -> MIMEBase:
    # Base64, so the CRLF line ends RFC 5545 requires reach the calendar byte for byte.
    part = MIMEBase("text", "calendar", method="PUBLISH", charset="utf-8")
    part.set_payload(content)
    encoders.encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename=filename)
    return part


def send_due_confirmations(*, older_than: timedelta = timedelta(0)) -> int:
    """E-mail the confirmation of every order due one when this starts (due longer than ``older_than``).

    Each order is claimed first, by deleting its ``ConfirmationDue`` row in a transaction of
    its own (rows another relay holds are skipped), so however many relays and sweeps run at
    once, each order is mailed once. A confirmation that fails is logged and not retried,
    like a failed task; one whose relay dies between claim and send is not sent (the buyer
    still has the order page and the "my tickets" link). Gives how many were sent.
    """
    cutoff = timezone.now() - older_than
    last_due = ConfirmationDue.objects.filter(due_since__lte=cutoff).aggregate(last=Max("pk"))["last"]
    sent = 0
    while last_due is not None:
        with transaction.atomic(durable=True), connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {ConfirmationDue._meta.db_table} WHERE id = ("
                f" SELECT id FROM {ConfirmationDue._meta.db_table} WHERE id <= %s AND due_since <= %s"
                " ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED"
                ") RETURNING order_id",
                [last_due, cutoff],
            )
            claimed = cursor.fetchone()
        if claimed is None:
            return sent
        try:
            send_order_confirmation(order_id=claimed[0])
        except Exception:
            logger.exception("The confirmation of order %s could not be sent.", claimed[0])
        else:
            sent += 1
    return sent


def send_order_confirmation(*, order_id: int) -> None:
    """E-mail the buyer their order in the shop's name, with the tickets PDF and a calendar file.

    Runs in a task queued after the order commits; the PDF it renders is kept for downloads.
    """
    found = order_tickets(order_id=order_id)
    with translation.override(found.language):  # the buyer's language, not the worker's
        _send_order_confirmation(found)


def _send_order_confirmation(found: OrderTickets) -> None:
    order = found.order
    event_name = translated_text(order.event, "name", found.language)
    context = {
        "event_name": event_name,
        "order": order,
        "lines": found.lines,
        "tickets": found.tickets,
        "total": order.total.format(found.locale),
        "shop_name": found.shop_name,
        "theme": found.theme,
        "event_when": documents.event_when(order.event, locale=found.locale),
        "place": documents.event_place(order.event),
    }
    sender = email_sender()  # the shop's sender name and reply-to, from its branding
    message = EmailMultiAlternatives(
        subject=_("Your order %(code)s: %(event)s") % {"code": order.code, "event": event_name},
        body=render_to_string("tickets/email/order_confirmation.txt", context),
        from_email=sender.from_email,
        reply_to=sender.reply_to,
        to=[order.buyer_email],
    )
    message.attach_alternative(
        render_to_string("tickets/email/order_confirmation.html", context), "text/html"
    )
    if found.tickets:
        message.attach(f"tickets-{order.code}.pdf", _tickets_pdf(found), "application/pdf")
    message.attach(_calendar_attachment(_calendar(found), f"{order.event.slug}.ics"))
    message.send()
