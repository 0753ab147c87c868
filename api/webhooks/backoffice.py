"""Back-office pages for webhook endpoints: list, add, edit, switch off and on, roll the secret,
send a test event, read the delivery log and send a delivery again.

Owners and managers only (MANAGE_WEBHOOKS; ``requires`` answers 403 to the other roles).
Views parse, call one service, and answer; the services check the actor's permission again.
A signing secret appears once, in the answer to the request that made it, and is never
stored in the session or shown again.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from api.webhooks import selectors, services
from api.webhooks.forms import EndpointForm
from api.webhooks.models import Delivery, WebhookEndpoint
from api.webhooks.services import EndpointWithSecret
from api.webhooks.signing import SIGNATURE_HEADER
from core.errors import DomainError
from ticketing.backoffice.access import refused, requires
from ticketing.backoffice.pages import form_page, render_page, submitted
from ticketing.backoffice.views import actor
from ticketing.team.roles import Permission

SECTION = "webhooks"
RECENT_DELIVERIES = 50


def _endpoint(pk: int) -> WebhookEndpoint:
    endpoint = selectors.endpoint(pk)
    if endpoint is None:
        raise Http404
    return endpoint


def _delivery(pk: int) -> Delivery:
    delivery = selectors.delivery(pk)
    if delivery is None:
        raise Http404
    return delivery


def _show_secret(request: HttpRequest, made: EndpointWithSecret, *, rolled: bool) -> HttpResponse:
    context = {"endpoint": made.endpoint, "secret": made.secret, "rolled": rolled, "header": SIGNATURE_HEADER}
    response = render_page(request, "webhooks/backoffice/secret.html", context, section=SECTION)
    response["Cache-Control"] = "no-store"
    return response


@requires(Permission.MANAGE_WEBHOOKS)
@require_GET
def endpoint_list(request: HttpRequest) -> HttpResponse:
    context = {"endpoints": list(selectors.endpoints())}
    return render_page(request, "webhooks/backoffice/list.html", context, section=SECTION)


@requires(Permission.MANAGE_WEBHOOKS)
@require_http_methods(["GET", "POST"])
def endpoint_create(request: HttpRequest) -> HttpResponse:
    form = EndpointForm(request.POST if request.method == "POST" else None)

    def perform(fields: dict[str, Any]) -> HttpResponse:
        made = services.create_endpoint(actor=actor(request), **form.values())
        return _show_secret(request, made, rolled=False)

    done, status = submitted(request, form, perform)
    return done or form_page(
        request, form, section=SECTION, title=_("New webhook endpoint"), submit=_("Add endpoint"),
        back=reverse("webhooks_backoffice:endpoint_list"), status=status,
    )  # fmt: skip


@requires(Permission.MANAGE_WEBHOOKS)
@require_GET
def endpoint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(pk)
    context = {
        "endpoint": endpoint,
        "deliveries": list(selectors.deliveries(endpoint=endpoint)[:RECENT_DELIVERIES]),
    }
    return render_page(request, "webhooks/backoffice/detail.html", context, section=SECTION)


@requires(Permission.MANAGE_WEBHOOKS)
@require_http_methods(["GET", "POST"])
def endpoint_edit(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(pk)
    form = EndpointForm(request.POST) if request.method == "POST" else EndpointForm.for_endpoint(endpoint)

    def perform(fields: dict[str, Any]) -> HttpResponse:
        services.update_endpoint(actor=actor(request), endpoint=endpoint, **form.values())
        messages.success(request, _("The endpoint was saved."))
        return redirect("webhooks_backoffice:endpoint_detail", pk=endpoint.pk)

    done, status = submitted(request, form, perform)
    return done or form_page(
        request, form, section=SECTION, title=_("Edit webhook endpoint"), submit=_("Save endpoint"),
        back=reverse("webhooks_backoffice:endpoint_detail", args=[endpoint.pk]), status=status,
    )  # fmt: skip


def _act(request: HttpRequest, pk: int, action: Any, success: str) -> HttpResponse:
    """Run one POST-only use case on an endpoint and come back to its page with the outcome."""
    endpoint = _endpoint(pk)
    try:
        action(endpoint)
    except DomainError as error:
        answer = refused(request, error)
        if answer is not None:
            return answer
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect("webhooks_backoffice:endpoint_detail", pk=endpoint.pk)


@requires(Permission.MANAGE_WEBHOOKS)
@require_POST
def endpoint_switch(request: HttpRequest, pk: int) -> HttpResponse:
    """Switch an endpoint off (``active`` = "0") or on again ("1")."""
    active = request.POST.get("active") == "1"
    return _act(
        request,
        pk,
        lambda endpoint: services.set_endpoint_active(actor=actor(request), endpoint=endpoint, active=active),
        _("The endpoint is on.") if active else _("The endpoint is off: nothing is sent to it."),
    )


@requires(Permission.MANAGE_WEBHOOKS)
@require_POST
def endpoint_test(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda endpoint: services.send_test_event(actor=actor(request), endpoint=endpoint),
        _("A test event was sent; its delivery is in the log below."),
    )


@requires(Permission.MANAGE_WEBHOOKS)
@require_POST
def endpoint_roll_secret(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(pk)
    hours = request.POST.get("previous_valid_hours", "24")
    try:
        made = services.roll_secret(
            actor=actor(request),
            endpoint=endpoint,
            previous_valid_hours=int(hours) if hours.isdigit() else -1,
        )
    except DomainError as error:
        answer = refused(request, error)
        if answer is not None:
            return answer
        messages.error(request, error.message)
        return redirect("webhooks_backoffice:endpoint_detail", pk=pk)
    return _show_secret(request, made, rolled=True)


@requires(Permission.MANAGE_WEBHOOKS)
@require_POST
def endpoint_delete(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(pk)
    try:
        services.delete_endpoint(actor=actor(request), endpoint=endpoint)
    except DomainError as error:
        return refused(request, error) or redirect("webhooks_backoffice:endpoint_detail", pk=pk)
    messages.success(request, _("The endpoint and its delivery log were removed."))
    return redirect("webhooks_backoffice:endpoint_list")


@requires(Permission.MANAGE_WEBHOOKS)
@require_GET
def delivery_detail(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = _delivery(pk)
    context = {
        "delivery": delivery,
        "attempts": selectors.attempts_of(delivery),
        "body": services.event_body(delivery.event).decode(),
    }
    return render_page(request, "webhooks/backoffice/delivery.html", context, section=SECTION)


@requires(Permission.MANAGE_WEBHOOKS)
@require_POST
def delivery_redeliver(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = _delivery(pk)
    try:
        services.redeliver(actor=actor(request), delivery=delivery)
    except DomainError as error:
        answer = refused(request, error)
        if answer is not None:
            return answer
        messages.error(request, error.message)
    else:
        messages.success(request, _("The event is being sent again."))
    return redirect("webhooks_backoffice:delivery_detail", pk=delivery.pk)
