import mimetypes

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from branding.selectors import prefetch_translations
from ticketing.catalog.models import Event
from ticketing.catalog.selectors import storefront_event, upcoming_published_events
from ticketing.orders.views import event_page


def event_list(request: HttpRequest) -> HttpResponse:
    # Names in the buyer's language, read for all events in one query.
    events = prefetch_translations(upcoming_published_events()[:50])
    return render(request, "catalog/event_list.html", {"events": events})


def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The event page with its ticket selection (the checkout flow lives in ticketing.orders)."""
    return event_page(request, slug)


def image_response(event: Event | None, *, cache: str) -> FileResponse:
    image = event.image if event is not None else None
    if not image:
        raise Http404("No such image.")
    try:
        handle = image.open("rb")
    except OSError:
        raise Http404("No such image.") from None
    content_type = mimetypes.guess_type(image.name or "")[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = cache
    return response


@require_GET
def event_image(request: HttpRequest, slug: str, version: str) -> FileResponse:
    """A published event's image; its URL names the file, so a new image gets a new URL."""
    event = storefront_event(slug)
    if event is None or not event.image or image_version(event) != version:
        raise Http404("No such image.")
    return image_response(event, cache="public, max-age=31536000, immutable")


def image_version(event: Event) -> str:
    """The stored file's own name (a random hex), which changes with every upload."""
    return (event.image.name or "").rsplit("/", 1)[-1].split(".", 1)[0] if event.image else ""
