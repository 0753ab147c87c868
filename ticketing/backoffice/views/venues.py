"""Venues: list, add, edit."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ticketing.backoffice.access import requires
from ticketing.backoffice.forms import VenueForm
from ticketing.backoffice.pages import form_page, render_page, submitted
from ticketing.backoffice.views import actor
from ticketing.catalog.selectors import all_venues
from ticketing.catalog.services import create_venue, update_venue
from ticketing.team.roles import Permission

SECTION = "venues"


@requires()
@require_GET
def venue_list(request: HttpRequest) -> HttpResponse:
    return render_page(request, "backoffice/venues/list.html", {"venues": all_venues()}, section=SECTION)


@requires(Permission.MANAGE_CATALOG)
@require_http_methods(["GET", "POST"])
def venue_create(request: HttpRequest) -> HttpResponse:
    form = VenueForm(request.POST if request.method == "POST" else None)

    def perform(fields: dict[str, Any]) -> HttpResponse:
        venue = create_venue(actor=actor(request), **fields)
        messages.success(request, _("Venue “%(venue)s” added.") % {"venue": venue})
        return redirect("backoffice:venue_list")

    done, status = submitted(request, form, perform)
    return done or form_page(
        request, form, section=SECTION, title=_("New venue"), submit=_("Add venue"),
        back=reverse("backoffice:venue_list"), status=status,
    )  # fmt: skip


@requires(Permission.MANAGE_CATALOG)
@require_http_methods(["GET", "POST"])
def venue_edit(request: HttpRequest, pk: int) -> HttpResponse:
    venue = get_object_or_404(all_venues(), pk=pk)
    form = VenueForm(request.POST) if request.method == "POST" else VenueForm.for_venue(venue)

    def perform(fields: dict[str, Any]) -> HttpResponse:
        saved = update_venue(actor=actor(request), venue=venue, **fields)
        messages.success(request, _("Venue “%(venue)s” saved.") % {"venue": saved})
        return redirect("backoffice:venue_list")

    done, status = submitted(request, form, perform)
    return done or form_page(
        request, form, section=SECTION, title=_("Edit %(venue)s") % {"venue": venue}, submit=_("Save venue"),
        back=reverse("backoffice:venue_list"), status=status,
    )  # fmt: skip
