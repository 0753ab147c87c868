"""Entries at the door (tenant schema): one row per ticket admitted, never two.

The unique constraint on the ticket is what makes a second entry impossible, whatever
the number of scanners racing on the same ticket; the service locks the ticket first so
the loser gets a clear "already checked in" instead of a constraint error.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ticketing.catalog.models import Event
from ticketing.orders.models import Ticket


class CheckIn(models.Model):
    class Method(models.TextChoices):
        SIGNED_CODE = "signed_code", "Signed QR code"
        PUBLIC_ID = "public_id", "Ticket id typed in"

    ticket = models.OneToOneField(Ticket, on_delete=models.PROTECT, related_name="check_in")
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="check_ins")
    method = models.CharField(max_length=16, choices=Method.choices)
    gate = models.CharField(max_length=64, blank=True, help_text="Entrance or lane, as the scanner names it.")
    device = models.CharField(
        max_length=64, blank=True, help_text="Scanner or phone that admitted the ticket."
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(
        max_length=120, blank=True, help_text="Who admitted it when no team member did (an API key's name)."
    )
    checked_in_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-checked_in_at", "-pk"]
        indexes = [models.Index(fields=["event", "checked_in_at"], name="check_in_event_time")]

    def __str__(self) -> str:
        return f"{self.ticket} in at {self.checked_in_at:%Y-%m-%d %H:%M}"
