"""Discounts: promo codes and automatic discounts (group, package, sale), their uses and switches."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import DomainError
from ticketing.backoffice.access import requires
from ticketing.backoffice.forms import DiscountForm
from ticketing.backoffice.pages import form_page, render_page, submitted
from ticketing.backoffice.views import actor
from ticketing.catalog.models import Event
from ticketing.catalog.services import shop_currency
from ticketing.discounts.models import Discount
from ticketing.discounts.selectors import all_discounts, described
from ticketing.discounts.services import create_discount, update_discount
from ticketing.team.roles import Permission

SECTION = "discounts"


@requires(Permission.MANAGE_CATALOG)
@require_GET
def discount_list(request: HttpRequest) -> HttpResponse:
    discounts = described(all_discounts())
    context = {
        "codes": [entry for entry in discounts if entry.discount.code],
        "automatic": [entry for entry in discounts if not entry.discount.code],
    }
    return render_page(request, "backoffice/discounts/list.html", context, section=SECTION)


def _create(request: HttpRequest, event: Event | None) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    back = (
        reverse("backoffice:event_detail", args=[event.pk]) if event else reverse("backoffice:discount_list")
    )
    form = DiscountForm(data, currency=shop_currency(), event=event)

    def perform(fields: dict[str, Any]) -> HttpResponse:
        discount = create_discount(
            actor=actor(request), kind=fields["kind"], code=fields["code"], event=event, **form.terms()
        )
        messages.success(request, _("Discount “%(name)s” created.") % {"name": discount.name})
        return (
            redirect("backoffice:event_detail", pk=event.pk)
            if event
            else redirect("backoffice:discount_list")
        )

    done, status = submitted(request, form, perform)
    back = (
        reverse("backoffice:event_detail", args=[event.pk]) if event else reverse("backoffice:discount_list")
    )
    title = _("New discount for %(event)s") % {"event": event} if event else _("New discount for every event")
    return done or form_page(
        request, form, section=SECTION, title=title, submit=_("Create discount"), back=back, status=status
    )


@requires(Permission.MANAGE_CATALOG)
@require_http_methods(["GET", "POST"])
def discount_create(request: HttpRequest) -> HttpResponse:
    """A discount for every event of the shop (no ticket types, no packages)."""
    return _create(request, None)


@requires(Permission.MANAGE_CATALOG)
@require_http_methods(["GET", "POST"])
def event_discount_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A discount for one event: it may name the event's ticket types or bundle them."""
    return _create(request, get_object_or_404(Event, pk=pk))


@requires(Permission.MANAGE_CATALOG)
@require_http_methods(["GET", "POST"])
def discount_edit(request: HttpRequest, pk: int) -> HttpResponse:
    discount = get_object_or_404(all_discounts(), pk=pk)
    currency = shop_currency()
    if request.method == "POST":
        form = DiscountForm(request.POST, currency=currency, event=discount.event, editing=discount)
        form.initial = {"kind": discount.kind, "code": discount.code}  # disabled fields keep these
    else:
        form = DiscountForm.for_discount(discount, currency=currency)

    def perform(fields: dict[str, Any]) -> HttpResponse:
        update_discount(actor=actor(request), discount=discount, **form.terms())
        messages.success(request, _("Discount “%(name)s” saved.") % {"name": discount})
        return redirect("backoffice:discount_list")

    done, status = submitted(request, form, perform)
    return done or form_page(
        request, form, section=SECTION, title=_("Edit discount %(name)s") % {"name": discount},
        submit=_("Save discount"),
        back=reverse("backoffice:discount_list"), status=status,
    )  # fmt: skip


@requires(Permission.MANAGE_CATALOG)
@require_POST
def discount_switch(request: HttpRequest, pk: int) -> HttpResponse:
    """Switch a discount on or off (``active`` = "1" or "0"); codes stay known, so buyers hear why."""
    discount = get_object_or_404(Discount, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        update_discount(actor=actor(request), discount=discount, is_active=active)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            (_("Discount “%(name)s” is on.") if active else _("Discount “%(name)s” is off."))
            % {"name": discount},
        )
    return redirect("backoffice:discount_list")
