"""Back-office page for API keys: make one (its key shown once), see them, revoke one."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from api.models import ApiKey
from api.scopes import SCOPE_LABELS, Scope
from api.services import create_api_key, revoke_api_key
from core.errors import DomainError
from ticketing.backoffice.access import requires
from ticketing.backoffice.forms import BackofficeForm
from ticketing.backoffice.pages import render_page
from ticketing.backoffice.views import actor
from ticketing.team.roles import Permission

SECTION = "api_keys"


class ApiKeyForm(BackofficeForm):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What will use the key, e.g. “Box office app”."),
    )
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Scopes"),
        choices=[(str(scope), format_lazy("{} — {}", scope, SCOPE_LABELS[scope])) for scope in Scope],
        widget=forms.CheckboxSelectMultiple,
    )


def _page(request: HttpRequest, form: ApiKeyForm, *, token: str = "", status: int = 200) -> HttpResponse:
    keys = ApiKey.objects.select_related("created_by").order_by("revoked_at", "-created_at", "-pk")
    context = {"form": form, "keys": keys, "token": token}
    return render_page(request, "api/keys.html", context, section=SECTION, status=status)


@requires(Permission.MANAGE_CATALOG, Permission.MANAGE_ORDERS)
@require_http_methods(["GET", "POST"])
def api_keys(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, ApiKeyForm())
    form = ApiKeyForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        made = create_api_key(
            actor=actor(request), name=form.cleaned_data["name"], scopes=form.cleaned_data["scopes"]
        )
    except DomainError as error:
        form.add_domain_error(error)
        return _page(request, form, status=error.http_status)
    # The key is in this answer only: it is not stored and cannot be shown again.
    response = _page(request, ApiKeyForm(), token=made.token, status=201)
    response["Cache-Control"] = "no-store"
    return response


@requires(Permission.MANAGE_CATALOG, Permission.MANAGE_ORDERS)
@require_POST
def api_key_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        key = revoke_api_key(actor=actor(request), key_id=pk)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The key “%(name)s” is revoked.") % {"name": key.name})
    return redirect("api_keys:list")
