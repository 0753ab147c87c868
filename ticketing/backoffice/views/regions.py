"""Regions and taxes: where buyers are, what they pay in, and the tax rates that apply."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ticketing.backoffice.access import requires
from ticketing.backoffice.forms import RegionForm, TaxRuleForm
from ticketing.backoffice.pages import render_page, submitted
from ticketing.backoffice.views import actor
from ticketing.catalog.selectors import shop_currency
from ticketing.taxes.models import TaxRule
from ticketing.taxes.selectors import shop_regions
from ticketing.taxes.services import save_region, set_tax_rule
from ticketing.team.roles import Permission

SECTION = "regions"


def _page(
    request: HttpRequest, *, region_form: RegionForm, rule_form: TaxRuleForm, status: int = 200
) -> HttpResponse:
    context = {
        "regions": shop_regions(),
        "rules": TaxRule.objects.all(),
        "shop_currency": shop_currency(),
        "region_form": region_form,
        "rule_form": rule_form,
    }
    return render_page(request, "backoffice/regions/list.html", context, section=SECTION, status=status)


@requires(Permission.MANAGE_CATALOG)
@require_http_methods(["GET", "POST"])
def regions(request: HttpRequest) -> HttpResponse:
    """The regions and tax rules, with a form for each; a POST saves the one it names."""
    region_form, rule_form = RegionForm(prefix="region"), TaxRuleForm(prefix="rule")
    status = 200
    if request.method == "POST" and "save_region" in request.POST:
        region_form = RegionForm(request.POST, prefix="region")

        def save(fields: dict[str, Any]) -> HttpResponse:
            region = save_region(actor=actor(request), **fields)
            messages.success(request, _("Region %(code)s saved.") % {"code": region.code})
            return redirect("backoffice:regions")

        done, status = submitted(request, region_form, save)
        if done:
            return done
    elif request.method == "POST":
        rule_form = TaxRuleForm(request.POST, prefix="rule")

        def set_rule(fields: dict[str, Any]) -> HttpResponse:
            rule = set_tax_rule(actor=actor(request), **fields)
            messages.success(request, _("Tax rate %(rule)s saved.") % {"rule": rule})
            return redirect("backoffice:regions")

        done, status = submitted(request, rule_form, set_rule)
        if done:
            return done
    return _page(request, region_form=region_form, rule_form=rule_form, status=status)
