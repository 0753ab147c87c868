from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from branding.selectors import prefetch_translations
from ticketing.catalog.selectors import upcoming_published_events
from ticketing.orders.views import event_page


def event_list(request: HttpRequest) -> HttpResponse:
    # Names in the buyer's language, read for all events in one query.
    events = prefetch_translations(upcoming_published_events()[:50])
    return render(request, "catalog/event_list.html", {"events": events})


def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The event page with its ticket selection (the checkout flow lives in ticketing.orders)."""
    return event_page(request, slug)
