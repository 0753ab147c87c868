from __future__ import annotations

from django.db import models
from django.db.models import QuerySet

from ticketing.audit.models import LogEntry


def entries_for(target: models.Model) -> QuerySet[LogEntry]:
    return LogEntry.objects.filter(object_type=target._meta.model_name, object_id=target.pk).select_related(
        "actor"
    )
