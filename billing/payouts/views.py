"""Payouts in the reseller's back office (owner only): the payout account and its Stripe onboarding,
the schedule, balances, payouts and their statements.

Thin views: parse, check the role (``requires``), call one service, answer. A reseller's staff
account lives in the shop's schema, so the control plane's audit names it by e-mail (``by=``).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from billing.ledger import selectors as ledger_selectors
from billing.payouts import selectors, services
from billing.payouts.forms import PayoutScheduleForm
from billing.payouts.models import Payout
from billing.reports import services as reports
from billing.reports.models import Report, ReportFormat, ReportKind
from billing.reseller import current_reseller
from core.errors import DomainError
from tenants.models import Tenant
from ticketing.backoffice.access import requires
from ticketing.backoffice.pages import render_page
from ticketing.backoffice.views import actor
from ticketing.team.roles import Permission

SECTION = "payouts"


def _page(
    request: HttpRequest, tenant: Tenant, *, form: PayoutScheduleForm | None = None, status: int = 200
) -> HttpResponse:
    schedule = selectors.schedule_for(tenant=tenant)
    currencies = ledger_selectors.currencies_of(tenant=tenant) or [tenant.default_currency]
    payouts = list(selectors.payouts_of(tenant=tenant)[:50])
    statements = {
        (report.payout_id, report.format): report
        for report in Report.objects.filter(
            tenant=tenant, kind=ReportKind.PAYOUT_STATEMENT, status=Report.Status.READY, payout__in=payouts
        )
    }
    context = {
        "account": selectors.payout_account_for(tenant=tenant),
        "schedule": schedule,
        "form": form
        or PayoutScheduleForm.for_schedule(
            schedule,
            currency=tenant.default_currency,
            default_holding=selectors.holding_days_for(tenant=tenant),
        ),
        "balances": [ledger_selectors.balances(tenant=tenant, currency=currency) for currency in currencies],
        "payouts": [
            (payout, statements.get((payout.pk, "pdf")), statements.get((payout.pk, "csv")))
            for payout in payouts
        ],
    }
    return render_page(request, "billing/payouts/page.html", context, section=SECTION, status=status)


@requires(Permission.MANAGE_BILLING)
@require_GET
def payouts_page(request: HttpRequest) -> HttpResponse:
    return _page(request, current_reseller())


@requires(Permission.MANAGE_BILLING)
@require_POST
def connect_account(request: HttpRequest) -> HttpResponse:
    """Open the payout account (once) and send the owner to Stripe's onboarding pages."""
    return _onboarding(request)


@requires(Permission.MANAGE_BILLING)
@require_GET
def onboarding_refresh(request: HttpRequest) -> HttpResponse:
    """Stripe's link expired or was used: Stripe sends the owner here for a fresh one."""
    return _onboarding(request)


def _onboarding(request: HttpRequest) -> HttpResponse:
    tenant = current_reseller()
    member = actor(request)
    try:
        start = services.open_payout_account(
            tenant=tenant,
            actor=None,
            by=member.email,
            email=member.email,
            return_url=request.build_absolute_uri(reverse("payouts:onboarding_return")),
            refresh_url=request.build_absolute_uri(reverse("payouts:onboarding_refresh")),
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("payouts:page")
    return redirect(start.url)


@requires(Permission.MANAGE_BILLING)
@require_GET
def onboarding_return(request: HttpRequest) -> HttpResponse:
    """Back from Stripe's pages: read the account's state (details submitted, payouts enabled)."""
    try:
        account = services.refresh_payout_account(tenant=current_reseller())
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if account.payouts_enabled:
            messages.success(request, _("Your payout account is ready: payouts are enabled."))
        elif account.details_submitted:
            messages.info(request, _("Your details were submitted; the processor is still checking them."))
        else:
            messages.info(request, _("Onboarding is not finished yet. Continue it when you are ready."))
    return redirect("payouts:page")


@requires(Permission.MANAGE_BILLING)
@require_POST
def set_schedule(request: HttpRequest) -> HttpResponse:
    tenant = current_reseller()
    form = PayoutScheduleForm(request.POST, currency=tenant.default_currency)
    if not form.is_valid():
        return _page(request, tenant, form=form, status=400)
    terms = form.schedule_terms()
    current = selectors.schedule_for(tenant=tenant)
    if current is not None:  # minimums in other currencies stay as they were
        others = {code: amount for code, amount in current.minimum_amounts.items() if code != form.currency}
        terms["minimum_amounts"] = {**others, **terms["minimum_amounts"]}
    try:
        services.set_payout_schedule(tenant=tenant, actor=None, by=actor(request).email, **terms)
    except DomainError as error:
        form.add_domain_error(error)
        return _page(request, tenant, form=form, status=error.http_status)
    messages.success(request, _("The payout schedule was saved."))
    return redirect("payouts:page")


@requires(Permission.MANAGE_BILLING)
@require_POST
def prepare_statement(request: HttpRequest, payout_id: int) -> HttpResponse:
    """Make the payout's statement (PDF or CSV; a task, run at once without a broker)."""
    tenant = current_reseller()
    payout = get_object_or_404(Payout, pk=payout_id, tenant=tenant)
    try:
        reports.request_report(
            tenant=tenant,
            kind=ReportKind.PAYOUT_STATEMENT,
            format=request.POST.get("format", ReportFormat.PDF),
            payout=payout,
            requested_by=actor(request),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The statement is being prepared; its download link appears below."))
    return redirect("payouts:page")


@requires(Permission.MANAGE_BILLING)  # a streamed file: requires() passes any response through
@require_GET
def download_statement(request: HttpRequest, report_id: int) -> FileResponse:
    report = Report.objects.filter(
        pk=report_id, tenant=current_reseller(), kind=ReportKind.PAYOUT_STATEMENT, status=Report.Status.READY
    ).first()
    if report is None:
        raise Http404("No such statement.")
    content_type = "application/pdf" if report.format == ReportFormat.PDF else "text/csv"
    return FileResponse(
        reports.report_path(report).open("rb"),
        as_attachment=True,
        filename=report.download_name,
        content_type=content_type,
    )
