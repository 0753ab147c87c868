"""Who is on a reseller's back-office team, and in which role (tenant schema).

A staff superuser without a membership row counts as an owner: provisioning creates
the shop's first owner that way (tenants/ knows nothing of teams), and the first
change to their role writes the row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ticketing.team.roles import Role


class Membership(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    role = models.CharField(max_length=16, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user__email"]
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="membership_role_known"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"
