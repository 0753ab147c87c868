"""A shop's ticket signing keys and its rendered ticket PDFs (tenant schema)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from ticketing.orders.models import Order


class SigningKey(models.Model):
    """One Ed25519 key pair of this shop. Exactly one is active and signs new tickets.

    Retired keys still verify the tickets they signed (they stay published); revoked
    keys are withdrawn, so whatever they signed no longer verifies. The private key is
    stored sealed (AES-256-GCM under a key derived from SECRET_KEY, see key_vault.py):
    a copy of the database alone cannot forge tickets.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "Active: signs new tickets"
        RETIRED = "retired", "Retired: verifies the tickets it signed"
        REVOKED = "revoked", "Revoked: verifies nothing"

    key_id = models.CharField(max_length=8, unique=True, help_text="First 4 bytes of SHA-256(public key).")
    public_key = models.BinaryField(help_text="Raw 32-byte Ed25519 public key.")
    sealed_private_key = models.BinaryField(help_text="The private key, encrypted at rest.")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="active"), name="one_active_signing_key"
            ),
            models.CheckConstraint(condition=Q(key_id__regex=r"^[0-9a-f]{8}$"), name="signing_key_id_hex"),
        ]

    def __str__(self) -> str:
        return f"Signing key {self.key_id} ({self.status})"

    @property
    def public_key_bytes(self) -> bytes:
        return bytes(self.public_key)


class TicketsPdf(models.Model):
    """The order's tickets as one PDF (a page per valid ticket), kept until what it shows changes.

    ``fingerprint`` hashes everything the PDF shows (signed payloads, event, theme, layout),
    so a rescheduled event, a refunded ticket or a rotated key gets a fresh rendering.
    """

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="tickets_pdf")
    fingerprint = models.CharField(max_length=64)
    content = models.BinaryField()
    rendered_at = models.DateTimeField()

    class Meta:
        verbose_name = "tickets PDF"

    def __str__(self) -> str:
        return f"Tickets PDF of order {self.order_id}"


class ConfirmationDue(models.Model):
    """An order whose confirmation e-mail has yet to go out: written with the order, in its statement.

    A relay task sends what is due (``ticketing.tickets.services.send_due_confirmations``),
    claiming each row by deleting it first, so each order is mailed once however many relays
    run; queued at most once per second per web process instead of one task per order, and
    swept by beat in case a relay never ran.
    """

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="+")
    due_since = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Confirmation due for order {self.order_id}"
