"""The back office's first page: sales per event for those who read reports, links for everyone."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from ticketing.backoffice.access import access_of, requires
from ticketing.backoffice.pages import render_page
from ticketing.catalog.selectors import all_events
from ticketing.catalog.services import shop_currency
from ticketing.orders.selectors import sales_by_event, totals_by_currency
from ticketing.team.roles import Permission


@requires()
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    sales = sales_by_event(all_events()[:50]) if access_of(request).can(Permission.VIEW_REPORTS) else []
    totals = {
        "sold": sum(line.sold for line in sales),
        "paid": totals_by_currency(line.paid for line in sales),
        "pending": totals_by_currency(line.pending for line in sales),
        "refunded": totals_by_currency(line.refunded for line in sales),
    }
    context = {"sales": sales, "totals": totals, "currency": shop_currency()}
    return render_page(request, "backoffice/dashboard.html", context, section="dashboard")
