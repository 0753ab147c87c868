"""White-label reports for resellers and their schedules (public schema; files on disk)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from billing.payouts.models import Payout
from tenants.models import Tenant


class ReportKind(models.TextChoices):
    SALES_STATEMENT = "sales_statement", _("Sales statement per event")
    PAYOUT_STATEMENT = "payout_statement", _("Payout statement")
    TAX_SUMMARY = "tax_summary", _("Tax summary")


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    CSV = "csv", "CSV"


class Report(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=ReportKind.choices)
    format = models.CharField(max_length=3, choices=ReportFormat.choices)
    period_start = models.DateField()
    period_end = models.DateField(help_text="Inclusive.")
    payout = models.ForeignKey(Payout, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    file_name = models.CharField(max_length=200, blank=True, help_text="Under BILLING_REPORTS_DIR.")
    requested_by = models.EmailField(blank=True)
    email_to = models.JSONField(default=list, blank=True, help_text="Mailed to these once ready.")
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="report_period_ordered"
            ),
            models.CheckConstraint(
                condition=~Q(kind="payout_statement") | Q(payout__isnull=False),
                name="payout_statement_has_payout",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_start}–{self.period_end}"

    @property
    def download_name(self) -> str:
        return f"{self.kind}-{self.period_start:%Y%m%d}-{self.period_end:%Y%m%d}.{self.format}"


class ReportSchedule(models.Model):
    """A report mailed every week (for the week before) to the given addresses."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=ReportKind.choices)
    format = models.CharField(max_length=3, choices=ReportFormat.choices, default=ReportFormat.PDF)
    weekday = models.PositiveSmallIntegerField(default=0, help_text="0 = Monday.")
    recipients = models.JSONField(default=list)
    last_sent_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="report_schedule_weekday"),
            models.UniqueConstraint(fields=["tenant", "kind", "format"], name="report_schedule_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} every weekday {self.weekday}"
