"""Event series: recurring dates made from a rule, each date an event edited on its own afterwards."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ticketing.backoffice.access import requires
from ticketing.backoffice.forms import SeriesForm
from ticketing.backoffice.pages import form_page, render_page, submitted
from ticketing.backoffice.views import actor
from ticketing.catalog.errors import CatalogError, CatalogErrorCode
from ticketing.catalog.recurrence import listed_dates, weekly_dates
from ticketing.catalog.selectors import all_series, events_of_series
from ticketing.catalog.services import create_series_on_dates
from ticketing.team.roles import Permission

SECTION = "series"


@requires()
@require_GET
def series_list(request: HttpRequest) -> HttpResponse:
    return render_page(request, "backoffice/series/list.html", {"series_list": all_series()}, section=SECTION)


@requires()
@require_GET
def series_detail(request: HttpRequest, pk: int) -> HttpResponse:
    series = get_object_or_404(all_series(), pk=pk)
    context = {"series": series, "events": events_of_series(series)}
    return render_page(request, "backoffice/series/detail.html", context, section=SECTION)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise CatalogError(
            CatalogErrorCode.INVALID, _("Unknown time zone “%(zone)s”.") % {"zone": name}, field="timezone"
        ) from None


@requires(Permission.MANAGE_CATALOG)
@require_http_methods(["GET", "POST"])
def series_create(request: HttpRequest) -> HttpResponse:
    form = SeriesForm(request.POST if request.method == "POST" else None)

    def perform(fields: dict[str, Any]) -> HttpResponse:
        zone = _zone(fields["timezone"])
        if fields["rule"] == SeriesForm.WEEKLY:
            starts = weekly_dates(
                weekdays=fields["weekdays"], first=fields["first_date"], last=fields["last_date"],
                at=fields["start_time"], zone=zone,
            )  # fmt: skip
        else:
            starts = listed_dates(fields["moments"], zone=zone)
        series = create_series_on_dates(
            actor=actor(request), name=fields["name"], slug=fields["slug"], starts=starts,
            duration=timedelta(minutes=fields["duration_minutes"]), capacity=fields["capacity"],
            timezone=fields["timezone"], venue=fields["venue"], description=fields["description"],
            hold_minutes=fields["hold_minutes"], template=fields["template"],
        )  # fmt: skip
        messages.success(
            request,
            _("Series “%(series)s” created with %(count)s dates, as drafts: check each, then publish it.")
            % {"series": series, "count": len(starts)},
        )
        return redirect("backoffice:series_detail", pk=series.pk)

    done, status = submitted(request, form, perform)
    return done or form_page(
        request, form, section=SECTION, title=_("New event series"), submit=_("Create the dates"),
        back=reverse("backoffice:series_list"), status=status,
    )  # fmt: skip
