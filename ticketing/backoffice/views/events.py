"""Events, their ticket types and add-ons: list, create, edit, publish, cancel."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import DomainError
from ticketing.backoffice.access import requires
from ticketing.backoffice.forms import AddOnForm, CancelEventForm, EventForm, EventImageForm, TicketTypeForm
from ticketing.backoffice.pages import form_page, render_page, submitted
from ticketing.backoffice.views import actor
from ticketing.catalog.models import AddOn, Event, TicketType
from ticketing.catalog.selectors import addons_of, all_events, ticket_types_of
from ticketing.catalog.services import (
    create_addon,
    create_event,
    create_ticket_type,
    publish_event,
    set_event_image,
    shop_currency,
    unpublish_event,
    update_addon,
    update_event,
    update_ticket_type,
)
from ticketing.catalog.views import image_response
from ticketing.discounts.selectors import all_discounts, described
from ticketing.orders.selectors import sales_by_event
from ticketing.orders.services import cancel_event
from ticketing.team.roles import Permission

SECTION = "events"


def _event(pk: int) -> Event:
    return get_object_or_404(all_events(), pk=pk)


def _to_event(event_id: int) -> HttpResponse:
    return redirect("backoffice:event_detail", pk=event_id)


@requires()
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    sales = sales_by_event(all_events()[:200])
    return render_page(request, "backoffice/events/list.html", {"sales": sales}, section=SECTION)


@requires()
@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    context = {
        "event": event,
        "sales": sales_by_event([event])[0],
        "ticket_types": ticket_types_of(event),
        "addons": addons_of(event),
        "discounts": described(all_discounts(event=event)),
        "currency": shop_currency(),
    }
    return render_page(request, "backoffice/events/detail.html", context, section=SECTION)


@requires(Permission.MANAGE_CATALOG)
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    form = EventForm(request.POST) if request.method == "POST" else EventForm()

    def perform(fields: dict[str, Any]) -> HttpResponse:
        event = create_event(actor=actor(request), capacity=fields.pop("capacity"), **fields)
        messages.success(
            request,
            _("“%(event)s” was created as a draft. Add its tickets, then publish it.") % {"event": event},
        )
        return _to_event(event.pk)

    done, status = submitted(request, form, perform)
    return done or form_page(
        request, form, section=SECTION, title=_("New event"),
        submit=_("Create event"),
        back=reverse("backoffice:event_list"), status=status,
    )  # fmt: skip


@requires(Permission.MANAGE_CATALOG)
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    form = EventForm(request.POST) if request.method == "POST" else EventForm.for_event(event)

    def perform(fields: dict[str, Any]) -> HttpResponse:
        update_event(actor=actor(request), event=event, capacity=fields.pop("capacity"), **fields)
        messages.success(request, _("The event was saved."))
        return _to_event(event.pk)

    done, status = submitted(request, form, perform)
    return done or form_page(
        request, form, section=SECTION, title=_("Edit %(event)s") % {"event": event},
        submit=_("Save event"),
        back=reverse("backoffice:event_detail", args=[event.pk]), status=status,
    )  # fmt: skip


@requires(Permission.MANAGE_CATALOG)
@require_POST
def event_publish(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    try:
        publish_event(actor=actor(request), event=event)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("“%(event)s” is on sale.") % {"event": event})
    return _to_event(event.pk)


@requires(Permission.MANAGE_CATALOG)
@require_POST
def event_unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    try:
        unpublish_event(actor=actor(request), event=event)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("“%(event)s” is off the storefront; tickets sold stay valid.") % {"event": event}
        )
    return _to_event(event.pk)


@requires(Permission.MANAGE_CATALOG, Permission.MANAGE_ORDERS)
@require_http_methods(["GET", "POST"])
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Call an event off: a confirmation page, then the cancellation (its orders are settled after it)."""
    event = _event(pk)
    form = CancelEventForm(request.POST) if request.method == "POST" else CancelEventForm()

    def perform(fields: dict[str, Any]) -> HttpResponse:
        cancel_event(actor=actor(request), event=event, reason=fields["reason"])
        messages.success(
            request,
            _("“%(event)s” is cancelled. Its unpaid orders are cancelled and paid ones refunded.")
            % {"event": event},
        )
        return _to_event(event.pk)

    done, status = submitted(request, form, perform)
    context = {"event": event, "form": form, "sales": sales_by_event([event])[0]}
    return done or render_page(
        request, "backoffice/events/cancel.html", context, section=SECTION, status=status
    )


@requires(Permission.MANAGE_CATALOG)
@require_http_methods(["GET", "POST"])
def ticket_type_create(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    data = request.POST if request.method == "POST" else None
    form = TicketTypeForm(data, event=event, currency=shop_currency())

    def perform(fields: dict[str, Any]) -> HttpResponse:
        quantity = fields.pop("quantity")
        create_ticket_type(actor=actor(request), event=event, quantity=quantity, **fields)
        messages.success(request, _("Ticket type “%(name)s” added.") % {"name": fields["name"]})
        return _to_event(event.pk)

    done, status = submitted(request, form, perform)
    return done or form_page(
        request, form, section=SECTION, title=_("New ticket type for %(event)s") % {"event": event},
        submit=_("Add ticket type"),
        back=reverse("backoffice:event_detail", args=[event.pk]), status=status,
    )  # fmt: skip


@requires(Permission.MANAGE_CATALOG)
@require_http_methods(["GET", "POST"])
def ticket_type_edit(request: HttpRequest, pk: int) -> HttpResponse:
    ticket_type = get_object_or_404(TicketType.objects.select_related("event"), pk=pk)
    event, currency = ticket_type.event, shop_currency()
    if request.method == "POST":
        form = TicketTypeForm(request.POST, event=event, currency=currency)
    else:
        form = TicketTypeForm.for_ticket_type(ticket_type, currency=currency)

    def perform(fields: dict[str, Any]) -> HttpResponse:
        quantity = fields.pop("quantity")
        update_ticket_type(actor=actor(request), ticket_type=ticket_type, quantity=quantity, **fields)
        messages.success(request, _("Ticket type “%(name)s” saved.") % {"name": fields["name"]})
        return _to_event(event.pk)

    done, status = submitted(request, form, perform)
    return done or form_page(
        request, form, section=SECTION, title=_("Edit %(name)s") % {"name": ticket_type.name},
        submit=_("Save ticket type"),
        back=reverse("backoffice:event_detail", args=[event.pk]), status=status,
    )  # fmt: skip


@requires(Permission.MANAGE_CATALOG)
@require_http_methods(["GET", "POST"])
def addon_create(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    form = AddOnForm(request.POST if request.method == "POST" else None, currency=shop_currency())

    def perform(fields: dict[str, Any]) -> HttpResponse:
        quantity = fields.pop("quantity")
        create_addon(actor=actor(request), event=event, quantity=quantity, **fields)
        messages.success(request, _("Add-on “%(name)s” added.") % {"name": fields["name"]})
        return _to_event(event.pk)

    done, status = submitted(request, form, perform)
    return done or form_page(
        request, form, section=SECTION, title=_("New add-on for %(event)s") % {"event": event},
        submit=_("Add add-on"),
        back=reverse("backoffice:event_detail", args=[event.pk]), status=status,
    )  # fmt: skip


@requires(Permission.MANAGE_CATALOG)
@require_http_methods(["GET", "POST"])
def addon_edit(request: HttpRequest, pk: int) -> HttpResponse:
    addon = get_object_or_404(AddOn.objects.select_related("event"), pk=pk)
    currency = shop_currency()
    if request.method == "POST":
        form = AddOnForm(request.POST, currency=currency)
    else:
        form = AddOnForm.for_addon(addon, currency=currency)

    def perform(fields: dict[str, Any]) -> HttpResponse:
        quantity = fields.pop("quantity")
        update_addon(actor=actor(request), addon=addon, quantity=quantity, **fields)
        messages.success(request, _("Add-on “%(name)s” saved.") % {"name": fields["name"]})
        return _to_event(addon.event_id)

    done, status = submitted(request, form, perform)
    return done or form_page(
        request, form, section=SECTION, title=_("Edit %(name)s") % {"name": addon.name},
        submit=_("Save add-on"),
        back=reverse("backoffice:event_detail", args=[addon.event_id]), status=status,
    )  # fmt: skip


@requires(Permission.MANAGE_CATALOG)
@require_http_methods(["GET", "POST"])
def event_image(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload the image shown on the event page and in the event list (a real image, not too big)."""
    event = _event(pk)
    form = EventImageForm(request.POST, request.FILES) if request.method == "POST" else EventImageForm()

    def perform(fields: dict[str, Any]) -> HttpResponse:
        set_event_image(actor=actor(request), event=event, image=fields["image"])
        messages.success(request, _("The image of “%(event)s” was saved.") % {"event": event})
        return _to_event(event.pk)

    done, status = submitted(request, form, perform)
    context = {"event": event, "form": form}
    return done or render_page(
        request, "backoffice/events/image.html", context, section=SECTION, status=status
    )


@requires(Permission.MANAGE_CATALOG)
@require_POST
def event_image_remove(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    set_event_image(actor=actor(request), event=event, image=None)
    messages.success(request, _("The image of “%(event)s” was removed.") % {"event": event})
    return _to_event(event.pk)


@requires()
@require_GET
def event_image_file(request: HttpRequest, pk: int) -> FileResponse:
    """The event's image for staff (drafts too; the storefront serves published events' only)."""
    return image_response(_event(pk), cache="private, max-age=60")
