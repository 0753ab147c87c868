"""Report use cases: request a report (made by a task after commit), schedule weekly reports.

A period ending in the future, a period backwards or longer than a year, or a payout
statement without a payout of the reseller is refused with a clear error and nothing
is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from billing.audit import record_audit
from billing.payouts.models import Payout
from billing.reports import rendering, selectors
from billing.reports.errors import ReportError, ReportErrorCode
from billing.reports.models import Report, ReportFormat, ReportKind, ReportSchedule
from core.side_effects import enqueue_after_commit
from tenants.models import Tenant

MAX_PERIOD_DAYS = 366


def _clean_request(
    *,
    tenant: Tenant,
    kind: str,
    format: str,
    start: date | None,
    end: date | None,
    payout: Payout | None,
    today: date,
) -> tuple[date, date]:
    if kind not in ReportKind.values:
        raise ReportError(
            ReportErrorCode.UNKNOWN_KIND, _("There is no report “%(kind)s”.") % {"kind": kind}, field="kind"
        )
    if format not in ReportFormat.values:
        raise ReportError(ReportErrorCode.UNKNOWN_KIND, _("Reports come as PDF or CSV."), field="format")
    if kind == ReportKind.PAYOUT_STATEMENT:
        if payout is None or payout.tenant_id != tenant.pk:
            raise ReportError(
                ReportErrorCode.PAYOUT_REQUIRED, _("Choose one of your payouts."), field="payout"
            )
        created = timezone.localdate(payout.created_at, timezone=timezone.get_fixed_timezone(0))
        return (payout.covers_from.date() if payout.covers_from else created), created
    if start is None or end is None:
        raise ReportError(
            ReportErrorCode.PERIOD_INVALID, _("Choose the first and last day."), field="period_start"
        )
    if end < start:
        raise ReportError(
            ReportErrorCode.PERIOD_INVALID, _("The period ends before it starts."), field="period_end"
        )
    if end > today:
        raise ReportError(
            ReportErrorCode.PERIOD_IN_FUTURE,
            _("The period cannot end after today (%(today)s): there is nothing to report yet.")
            % {"today": f"{today:%Y-%m-%d}"},
            field="period_end",
        )
    if (end - start).days >= MAX_PERIOD_DAYS:
        raise ReportError(
            ReportErrorCode.PERIOD_INVALID, _("A report covers at most a year."), field="period_start"
        )
    return start, end


def _create(
    *,
    tenant: Tenant,
    kind: str,
    format: str,
    start: date,
    end: date,
    payout: Payout | None,
    requested_by: str,
    email_to: Sequence[str],
) -> Report:
    report = Report.objects.create(
        tenant=tenant,
        kind=kind,
        format=format,
        period_start=start,
        period_end=end,
        payout=payout,
        requested_by=requested_by,
        email_to=list(email_to),
    )
    record_audit(
        "report.requested", tenant=tenant, kind=kind, format=format, report=report.pk, by=requested_by
    )
    from billing.reports.tasks import generate_report  # tasks call services

    enqueue_after_commit(generate_report, report_id=report.pk)
    return report


def request_report(
    *,
    tenant: Tenant,
    kind: str,
    format: str,
    period_start: date | None = None,
    period_end: date | None = None,
    payout: Payout | None = None,
    requested_by: User | None = None,
    email_to: Sequence[str] = (),
    today: date | None = None,
) -> Report:
    """Queue a report for the reseller; a task makes the file after commit."""
    today = today or timezone.now().date()
    start, end = _clean_request(
        tenant=tenant,
        kind=kind,
        format=format,
        start=period_start,
        end=period_end,
        payout=payout,
        today=today,
    )
    with transaction.atomic(durable=True):
        return _create(
            tenant=tenant,
            kind=kind,
            format=format,
            start=start,
            end=end,
            payout=payout,
            requested_by=requested_by.email if requested_by else "",
            email_to=email_to,
        )


def report_path(report: Report) -> Path:
    return Path(settings.BILLING_REPORTS_DIR) / report.file_name


def statement_for(report: Report) -> selectors.Statement:
    if report.kind == ReportKind.PAYOUT_STATEMENT:
        assert report.payout is not None
        return selectors.payout_statement(payout=report.payout)
    if report.kind == ReportKind.TAX_SUMMARY:
        return selectors.tax_summary(tenant=report.tenant, start=report.period_start, end=report.period_end)
    return selectors.sales_statement(tenant=report.tenant, start=report.period_start, end=report.period_end)


def generate_report(*, report_id: int) -> Report:
    """Make a queued report's file in the reseller's branding (again only if it failed)."""
    report = Report.objects.select_related("tenant", "payout").get(pk=report_id)
    if report.status == Report.Status.READY:
        return report
    statement = statement_for(report)
    if report.format == ReportFormat.CSV:
        content = rendering.render_csv(statement)
    else:
        content = rendering.render_pdf(
            statement, branding=rendering.branding_of(report.tenant), language=report.tenant.default_language
        )
    name = f"{report.tenant.schema_name}/{report.pk}-{report.download_name}"
    target = Path(settings.BILLING_REPORTS_DIR) / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    with transaction.atomic(durable=True):
        report = Report.objects.select_for_update().get(pk=report.pk)
        report.status = Report.Status.READY
        report.file_name = name
        report.finished_at = timezone.now()
        report.save(update_fields=["status", "file_name", "finished_at"])
        if report.email_to:
            from billing.reports.tasks import email_report

            enqueue_after_commit(email_report, report_id=report.pk)
    return report


def set_report_schedule(
    *, tenant: Tenant, actor: User | None, kind: str, format: str, weekday: int, recipients: Sequence[str]
) -> ReportSchedule:
    """Mail a report of the previous week every ``weekday`` (0 = Monday) to ``recipients``."""
    if kind not in ReportKind.values or kind == ReportKind.PAYOUT_STATEMENT:
        raise ReportError(
            ReportErrorCode.UNKNOWN_KIND,
            _("Sales statements and tax summaries can be scheduled."),
            field="kind",
        )
    if format not in ReportFormat.values:
        raise ReportError(ReportErrorCode.UNKNOWN_KIND, _("Reports come as PDF or CSV."), field="format")
    if not 0 <= weekday <= 6:
        raise ReportError(ReportErrorCode.PERIOD_INVALID, _("Choose a weekday."), field="weekday")
    cleaned = []
    for address in recipients:
        try:
            validate_email(address.strip())
        except ValidationError:
            raise ReportError(
                ReportErrorCode.INVALID_RECIPIENT,
                _("“%(address)s” is not an e-mail address.") % {"address": address},
                field="recipients",
            ) from None
        cleaned.append(address.strip().lower())
    if not cleaned:
        raise ReportError(
            ReportErrorCode.INVALID_RECIPIENT, _("Name at least one recipient."), field="recipients"
        )
    with transaction.atomic(durable=True):
        schedule, _created = ReportSchedule.objects.update_or_create(
            tenant=tenant, kind=kind, format=format, defaults={"weekday": weekday, "recipients": cleaned}
        )
        record_audit("report_schedule.set", tenant=tenant, actor=actor, kind=kind, weekday=weekday)
    return schedule


def send_scheduled_reports(*, today: date | None = None) -> list[Report]:
    """Queue today's scheduled reports (last week, Monday to Sunday); each schedule once a day."""
    today = today or timezone.now().date()
    last_monday = today - timedelta(days=today.weekday() + 7)
    made = []
    for schedule_id in ReportSchedule.objects.filter(weekday=today.weekday()).values_list("pk", flat=True):
        with transaction.atomic(durable=True):
            schedule = ReportSchedule.objects.select_for_update().select_related("tenant").get(pk=schedule_id)
            if schedule.last_sent_on == today or schedule.tenant.status == Tenant.Status.CLOSED:
                continue
            schedule.last_sent_on = today
            schedule.save(update_fields=["last_sent_on"])
            made.append(
                _create(
                    tenant=schedule.tenant,
                    kind=schedule.kind,
                    format=schedule.format,
                    start=last_monday,
                    end=last_monday + timedelta(days=6),
                    payout=None,
                    requested_by="",
                    email_to=schedule.recipients,
                )
            )
    return made
