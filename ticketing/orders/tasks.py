"""Order background work: confirmations after commit, lapsing unpaid orders on a schedule."""

from __future__ import annotations

from celery import shared_task
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext
from django_tenants.utils import tenant_context

from branding.selectors import document_branding, email_sender, shop_language, translated_text
from ticketing.orders.models import Order
from ticketing.schedule import shops


@shared_task(name="orders.send_order_confirmation")
def send_order_confirmation(*, order_id: int) -> None:
    """E-mail the buyer their order summary in their language and the shop's name (queued after commit)."""
    order = Order.objects.select_related("event").get(pk=order_id)
    sender = email_sender()
    with translation.override(order.language or shop_language()):
        context = {"order": order, "lines": order.lines.all(), "email_branding": document_branding()}
        body = render_to_string("orders/confirmation_email.txt", context)
        subject = gettext("Your order %(code)s: %(event)s") % {
            "code": order.code,
            "event": translated_text(order.event, "name"),
        }
    EmailMessage(
        subject=subject,
        body=body,
        from_email=sender.from_email,
        reply_to=sender.reply_to,
        to=[order.buyer_email],
    ).send()


@shared_task(name="orders.expire_unpaid_orders_everywhere")
def expire_unpaid_orders_everywhere() -> int:
    """Beat entry point (public schema): lapse overdue pay-later orders in every reseller's schema."""
    from ticketing.orders.services import expire_unpaid_orders  # services queue this module's tasks

    expired = 0
    for tenant in shops():
        with tenant_context(tenant):
            expired += expire_unpaid_orders()
    return expired
