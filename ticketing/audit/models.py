"""Who changed what in a reseller's shop (tenant schema). Append-only; written by services."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ticketing.audit.labels import action_label


class LogEntry(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=32)
    object_id = models.BigIntegerField(null=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="log_entry_object")]
        verbose_name_plural = "log entries"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"

    @property
    def label(self) -> str:
        """The action in words, in the active language (the code for actions without a label)."""
        return action_label(self.action)
