"""A task that reports which schema it ran in and what it could see there."""

from celery import shared_task

from tenants.context import current_schema_name


@shared_task(name="tests.describe_schema")
def describe_schema() -> dict[str, object]:
    from ticketing.catalog.models import Event

    schema = current_schema_name()
    events = [] if schema == "public" else sorted(Event.objects.values_list("name", flat=True))
    return {"schema": schema, "events": events}
