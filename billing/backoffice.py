"""The reseller's plan in its back office (owner only): what it includes, what the shop uses of it,
and changing it through the subscription service (a plan the shop's use does not fit is refused)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from billing import selectors, subscriptions
from billing.entitlements import FEATURE_LABELS, Feature
from billing.models import Plan
from billing.reseller import current_reseller
from core.errors import DomainError
from tenants.models import Tenant
from ticketing.backoffice.access import requires
from ticketing.backoffice.pages import render_page
from ticketing.team.roles import Permission


def _page(request: HttpRequest, tenant: Tenant, *, error: DomainError | None = None) -> HttpResponse:
    plan = tenant.plan
    context = {
        "plan": plan,
        "subscription": selectors.subscription_of(tenant=tenant),
        "features": [str(FEATURE_LABELS[feature]) for feature in Feature if plan and plan.allows(feature)],
        "usage": selectors.plan_usage(tenant=tenant, plan=plan),
        "choices": selectors.plan_choices(tenant=tenant),
        "error": error,
    }
    status = error.http_status if error else 200
    return render_page(request, "billing/backoffice/plan.html", context, section="plan", status=status)


@requires(Permission.MANAGE_BILLING)
@require_GET
def plan_page(request: HttpRequest) -> HttpResponse:
    return _page(request, current_reseller())


@requires(Permission.MANAGE_BILLING)
@require_POST
def change_plan(request: HttpRequest) -> HttpResponse:
    tenant = current_reseller()
    plan = Plan.objects.filter(code=request.POST.get("plan", ""), is_public=True).first()
    if plan is None:
        messages.error(request, _("Choose one of the plans below."))
        return redirect("billing_backoffice:plan")
    try:
        subscriptions.change_plan(tenant=tenant, plan=plan, actor=None)
    except DomainError as error:
        return _page(request, current_reseller(), error=error)
    messages.success(request, _("Your shop is now on %(plan)s.") % {"plan": plan.name})
    return redirect("billing_backoffice:plan")
