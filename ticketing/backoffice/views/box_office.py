"""The box office: sell tickets at the desk, paid in cash or on the card terminal, then print them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ticketing.backoffice.access import requires
from ticketing.backoffice.forms import BoxOfficeSaleForm
from ticketing.backoffice.pages import render_page, submitted
from ticketing.backoffice.views import actor
from ticketing.catalog.models import TicketType
from ticketing.catalog.selectors import upcoming_published_events
from ticketing.inventory.selectors import event_offer
from ticketing.inventory.services import Selection
from ticketing.orders.box_office import sell_at_box_office
from ticketing.team.roles import Permission

SECTION = "box_office"
BOX_OFFICE_VISIBILITIES = (TicketType.Visibility.PUBLIC, TicketType.Visibility.HIDDEN)


@requires(Permission.SELL_BOX_OFFICE)
@require_GET
def box_office(request: HttpRequest) -> HttpResponse:
    events = upcoming_published_events().order_by("starts_at", "pk")[:100]
    return render_page(request, "backoffice/box_office/events.html", {"events": events}, section=SECTION)


@requires(Permission.SELL_BOX_OFFICE)
@require_http_methods(["GET", "POST"])
def box_office_sale(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(upcoming_published_events(), pk=pk)
    offer = event_offer(event, visibilities=BOX_OFFICE_VISIBILITIES, with_addons=False)
    offers = list(offer.ticket_types.values())
    form = BoxOfficeSaleForm(request.POST if request.method == "POST" else None, offers=offers)

    def perform(fields: dict[str, Any]) -> HttpResponse:
        order = sell_at_box_office(
            actor=actor(request), event=event, selection=Selection(tickets=form.quantities()),
            payment_method=fields["payment_method"], buyer_name=fields["buyer_name"],
            buyer_email=fields["buyer_email"],
        )  # fmt: skip
        messages.success(
            request,
            _("Order %(code)s is paid (%(total)s). Print its tickets below.")
            % {"code": order.code, "total": order.total},
        )
        return redirect("backoffice:order_detail", code=order.code)

    done, status = submitted(request, form, perform)
    context = {"event": event, "form": form, "offers": offers}
    return done or render_page(
        request, "backoffice/box_office/sale.html", context, section=SECTION, status=status
    )
