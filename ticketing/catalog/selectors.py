from django.db.models import QuerySet

from ticketing.catalog.models import Event


def published_events() -> QuerySet[Event]:
    return Event.objects.filter(status=Event.Status.PUBLISHED)
