from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from ticketing.catalog.selectors import published_events


def event_list(request: HttpRequest) -> HttpResponse:
    return render(request, "catalog/event_list.html", {"events": published_events()[:50]})


def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_object_or_404(published_events(), slug=slug)
    return render(request, "catalog/event_detail.html", {"event": event})
