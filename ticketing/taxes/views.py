"""The storefront's region switcher: the buyer's choice, remembered in a cookie."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ticketing.taxes.selectors import REGION_COOKIE, region_by_code

REGION_COOKIE_AGE = 60 * 60 * 24 * 365


@require_POST
def set_region(request: HttpRequest) -> HttpResponse:
    """Remember the chosen region (which sets the currency); an unknown code is refused with 400."""
    code = request.POST.get("region", "")
    region = region_by_code(code[:16])
    if region is None:
        return HttpResponse("Unknown region.", status=400, content_type="text/plain; charset=utf-8")
    next_url = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        REGION_COOKIE, region.code, max_age=REGION_COOKIE_AGE, samesite="Lax", secure=request.is_secure()
    )
    return response
