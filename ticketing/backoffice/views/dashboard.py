"""The back office's first page: sales per event for those who read reports, links for everyone."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from ticketing.backoffice.access import access_of, requires
from ticketing.backoffice.pages import render_page
from ticketing.catalog.selectors import all_events
from ticketing.catalog.services import shop_currency
from ticketing.orders.selectors import sales_by_event
from ticketing.team.roles import Permission


@requires()
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    sales = sales_by_event(all_events()[:50]) if access_of(request).can(Permission.VIEW_REPORTS) else []
    totals = {
        "sold": sum(line.sold for line in sales),
        "paid_minor": sum(line.paid_minor for line in sales),
        "pending_minor": sum(line.pending_minor for line in sales),
        "refunded_minor": sum(line.refunded_minor for line in sales),
    }
    context = {"sales": sales, "totals": totals, "currency": shop_currency()}
    return render_page(request, "backoffice/dashboard.html", context, section="dashboard")
