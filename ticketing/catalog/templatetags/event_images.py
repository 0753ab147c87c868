"""``{{ event|event_image_url }}``: where the storefront serves a published event's image."""

from __future__ import annotations

from django import template
from django.urls import reverse

from ticketing.catalog.models import Event
from ticketing.catalog.views import image_version

register = template.Library()


@register.filter
def event_image_url(event: Event) -> str:
    if not event.image:
        return ""
    return reverse("catalog:event_image", args=[event.slug, image_version(event)])
