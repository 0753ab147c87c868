"""Reports in the reseller's back office (tenant host) and the platform's overview (console)."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.admin.views.decorators import staff_member_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from billing.payouts.models import Payout
from billing.reports import rendering, selectors, services
from billing.reports.models import Report, ReportFormat, ReportKind
from billing.reseller import current_reseller
from core.errors import DomainError


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@staff_member_required(login_url="accounts:login")
def reports_page(request: HttpRequest) -> HttpResponse:
    """The reseller's reports: request one (made in the background), download those that are ready."""
    tenant = current_reseller()
    error = None
    if request.method == "POST":
        payout_id = request.POST.get("payout")
        try:
            services.request_report(
                tenant=tenant,
                kind=request.POST.get("kind", ""),
                format=request.POST.get("format", ""),
                period_start=_date(request.POST.get("period_start")),
                period_end=_date(request.POST.get("period_end")),
                payout=Payout.objects.filter(tenant=tenant, pk=payout_id).first() if payout_id else None,
                requested_by=request.user,  # type: ignore[arg-type]
            )
        except DomainError as refused:
            error = refused
        else:
            return redirect("billing_reports:list")
    today = timezone.now().date()
    context = {
        "reports": Report.objects.filter(tenant=tenant)[:50],
        "payouts": Payout.objects.filter(tenant=tenant)[:20],
        "kinds": ReportKind.choices,
        "formats": ReportFormat.choices,
        "error": error,
        "default_start": today - timedelta(days=today.weekday() + 7),
        "default_end": today - timedelta(days=today.weekday() + 1),
    }
    return render(request, "billing/reports/list.html", context, status=400 if error else 200)


@staff_member_required(login_url="accounts:login")
def download(request: HttpRequest, report_id: int) -> FileResponse:
    report = Report.objects.filter(
        pk=report_id, tenant=current_reseller(), status=Report.Status.READY
    ).first()
    if report is None:
        raise Http404("No such report.")
    content_type = "application/pdf" if report.format == ReportFormat.PDF else "text/csv"
    return FileResponse(
        services.report_path(report).open("rb"),
        as_attachment=True,
        filename=report.download_name,
        content_type=content_type,
    )


def platform_overview(request: HttpRequest) -> HttpResponse:
    """GMV, fees and payouts by reseller and currency, with charts (ledger aggregates only)."""
    today = timezone.now().date()
    end = _date(request.GET.get("end")) or today
    start = _date(request.GET.get("start")) or end - timedelta(days=29)
    figures = selectors.platform_figures(start=start, end=end)
    charts = []
    for currency in sorted({figure.currency for figure in figures}):
        rows = [figure for figure in figures if figure.currency == currency]
        charts.append(
            rendering.bar_chart_svg(
                title=f"GMV in {currency}", bars=[(figure.tenant_name, figure.gmv) for figure in rows]
            )
        )
        charts.append(
            rendering.bar_chart_svg(
                title=f"Platform fees in {currency}",
                bars=[(figure.tenant_name, figure.platform_fees) for figure in rows],
                color="#2a8a4a",
            )
        )
    return render(
        request,
        "billing/reports/platform_overview.html",
        {"figures": figures, "charts": charts, "start": start, "end": end, "title": "Platform report"},
    )
