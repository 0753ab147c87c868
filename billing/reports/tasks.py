"""Report background work: making files after commit, weekly schedules, mailing (public schema)."""

from __future__ import annotations

from celery import shared_task
from django.core.mail import EmailMessage

from billing.reports import services
from billing.reports.models import Report


@shared_task(name="billing_reports.generate_report")
def generate_report(*, report_id: int) -> str:
    """Make one report's file (queued after the request commits)."""
    return services.generate_report(report_id=report_id).status


@shared_task(name="billing_reports.email_report")
def email_report(*, report_id: int) -> None:
    """Mail a ready report to its recipients, as an attachment."""
    report = Report.objects.select_related("tenant").get(pk=report_id)
    message = EmailMessage(
        subject=f"{report.get_kind_display()} {report.period_start:%Y-%m-%d} – {report.period_end:%Y-%m-%d}",
        body=f"Attached: {report.get_kind_display()} for {report.tenant.name}.\n",
        to=list(report.email_to),
    )
    message.attach_file(str(services.report_path(report)))
    message.send()


@shared_task(name="billing_reports.send_scheduled_reports")
def send_scheduled_reports() -> int:
    """Beat entry point: queue the reports scheduled for today."""
    return len(services.send_scheduled_reports())
