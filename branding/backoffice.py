"""Back-office pages for the shop's branding, legal pages, translations and custom domains.

Team members holding MANAGE_BRANDING only (owners and managers; ``requires`` answers 403
to the other roles). Views parse, call one service, and answer; the services check the
actor's permission again.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST

from branding import services
from branding.forms import CustomDomainForm, LegalPageForm, ThemeForm, TranslationForm, add_domain_error
from branding.models import CustomDomainRequest, LegalPage
from branding.selectors import (
    domain_requests,
    legal_pages,
    shop_language,
    shop_theme,
    translatable_fields,
    translations_of,
)
from core.errors import DomainError
from tenants.context import current_tenant
from tenants.selectors import domains_of, platform_subdomain_of, tenant_allows
from ticketing.backoffice.access import requires
from ticketing.catalog.selectors import all_events, ticket_types_of
from ticketing.team.roles import Permission


@requires(Permission.MANAGE_BRANDING)
@require_http_methods(["GET", "POST"])
def branding_page(request: HttpRequest) -> HttpResponse:
    theme = shop_theme()
    status = 200
    if request.method == "POST":
        form = ThemeForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.update_theme(
                    actor=request.user,  # type: ignore[arg-type]
                    logo=form.cleaned_data["logo"],
                    remove_logo=form.cleaned_data["remove_logo"],
                    favicon=form.cleaned_data["favicon"],
                    remove_favicon=form.cleaned_data["remove_favicon"],
                    **form.theme_values(),
                )
            except DomainError as error:
                add_domain_error(form, error)
                status = error.http_status
            else:
                messages.success(request, _("The shop's look was saved."))
                return redirect("branding_backoffice:branding")
        else:
            status = 400
    else:
        form = ThemeForm(initial=ThemeForm.initial_for(theme))
    return render(request, "branding/backoffice/branding.html", {"form": form, "saved": theme}, status=status)


@requires(Permission.MANAGE_BRANDING)
@xframe_options_sameorigin
@require_http_methods(["GET", "POST"])
def preview(request: HttpRequest) -> HttpResponse:
    """A sample storefront page in the look being edited, nothing saved (shown in the branding page)."""
    saved = shop_theme()
    problem = ""
    logo_data_uri = ""
    candidate = saved
    if request.method == "POST":
        form = ThemeForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                candidate = services.checked_theme(**form.theme_values())
                upload = form.cleaned_data["logo"]
                if upload:
                    services.checked_image(upload, services.LOGO_RULE, field="logo")
                    logo_data_uri = (
                        f"data:image/{upload.name.rsplit('.', 1)[-1]};base64,"
                        f"{base64.b64encode(upload.read()).decode()}"
                    )
            except DomainError as error:
                problem = error.message
                candidate = saved
        else:
            problem = " ".join(str(message) for errors in form.errors.values() for message in errors)
        if not form.cleaned_data.get("remove_logo") and not logo_data_uri:
            candidate.logo = saved.logo
        candidate.favicon = saved.favicon
    context = {"theme": candidate, "problem": problem, "logo_data_uri": logo_data_uri}
    return render(request, "branding/backoffice/preview.html", context)


@requires(Permission.MANAGE_BRANDING)
@require_http_methods(["GET", "POST"])
def legal_pages_page(request: HttpRequest) -> HttpResponse:
    pages = {page.kind: page for page in legal_pages()}
    forms = {
        kind: LegalPageForm(initial={"body": pages[kind].body if kind in pages else ""}, kind=kind)
        for kind in LegalPage.Kind.values
    }
    status = 200
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        if kind not in forms:
            return HttpResponse(status=400)
        form = forms[kind] = LegalPageForm(request.POST, kind=kind)
        if form.is_valid():
            try:
                services.set_legal_page(
                    actor=request.user,  # type: ignore[arg-type]
                    kind=kind,
                    body=form.cleaned_data["body"],
                )
            except DomainError as error:
                form.add_error("body", error.message)
                status = error.http_status
            else:
                messages.success(request, _("%(page)s saved.") % {"page": LegalPage.Kind(kind).label})
                return redirect("branding_backoffice:legal_pages")
        else:
            status = 400
    return render(
        request, "branding/backoffice/legal_pages.html", {"forms": list(forms.values())}, status=status
    )


@requires(Permission.MANAGE_BRANDING)
def translations_index(request: HttpRequest) -> HttpResponse:
    languages = [(code, name) for code, name in settings.LANGUAGES if code != shop_language()]
    context = {"events": all_events()[:200], "languages": languages, "default_language": shop_language()}
    return render(request, "branding/backoffice/translations.html", context)


@requires(Permission.MANAGE_BRANDING)
@require_http_methods(["GET", "POST"])
def translate_event(request: HttpRequest, event_id: int, language: str) -> HttpResponse:
    event = get_object_or_404(all_events(), pk=event_id)
    targets: list[tuple[str, str, Any, tuple[str, ...]]] = [
        ("event", _("Event"), event, tuple(translatable_fields(event)))
    ]
    for ticket_type in ticket_types_of(event):
        fields = tuple(translatable_fields(ticket_type))
        targets.append((f"ticket_type_{ticket_type.pk}", ticket_type.name, ticket_type, fields))
    status = 200
    if request.method == "POST":
        form = TranslationForm(request.POST, targets=targets)
        if form.is_valid():
            try:
                services.translate_contents(
                    actor=request.user,  # type: ignore[arg-type]
                    language=language,
                    changes=form.changes(),
                )
            except DomainError as error:
                add_domain_error(form, error)
                status = error.http_status
            else:
                messages.success(request, _("Translations saved."))
                return redirect("branding_backoffice:translate_event", event_id=event.pk, language=language)
        else:
            status = 400
    else:
        initial = {}
        for key, _title, obj, fields in targets:
            existing = translations_of(obj).get(language, {})
            for field in fields:
                initial[f"{key}__{field}"] = existing.get(field, "")
        form = TranslationForm(initial=initial, targets=targets)
    language_name = dict(settings.LANGUAGES).get(language, language)
    context = {"event": event, "form": form, "language": language, "language_name": language_name}
    return render(request, "branding/backoffice/translate_event.html", context, status=status)


@requires(Permission.MANAGE_BRANDING)
@require_http_methods(["GET", "POST"])
def domains_page(request: HttpRequest) -> HttpResponse:
    tenant = current_tenant()
    status = 200
    form = CustomDomainForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.request_custom_domain(
                    actor=request.user,  # type: ignore[arg-type]
                    hostname=form.cleaned_data["hostname"],
                )
            except DomainError as error:
                add_domain_error(form, error)
                status = error.http_status
            else:
                messages.success(request, _("Now add the DNS records shown below, then verify."))
                return redirect("branding_backoffice:domains")
        else:
            status = 400
    context = {
        "form": form,
        "requests": domain_requests(),
        "domains": domains_of(tenant),
        "platform_subdomain": platform_subdomain_of(tenant),
        "allowed": tenant_allows(tenant, "custom_domains"),
    }
    return render(request, "branding/backoffice/domains.html", context, status=status)


def _domain_action(request: HttpRequest, action: Callable[[], Any], done: str) -> HttpResponse:
    try:
        action()
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("branding_backoffice:domains")


@requires(Permission.MANAGE_BRANDING)
@require_POST
def verify_domain(request: HttpRequest, request_id: int) -> HttpResponse:
    domain_request = get_object_or_404(CustomDomainRequest, pk=request_id)
    return _domain_action(
        request,
        lambda: services.verify_custom_domain(actor=request.user, request=domain_request),  # type: ignore[arg-type]
        _("%(hostname)s is verified and now serves your shop.") % {"hostname": domain_request.hostname},
    )


@requires(Permission.MANAGE_BRANDING)
@require_POST
def remove_domain(request: HttpRequest, request_id: int) -> HttpResponse:
    domain_request = get_object_or_404(CustomDomainRequest, pk=request_id)
    return _domain_action(
        request,
        lambda: services.remove_custom_domain(actor=request.user, request=domain_request),  # type: ignore[arg-type]
        _("%(hostname)s was removed.") % {"hostname": domain_request.hostname},
    )


@requires(Permission.MANAGE_BRANDING)
@require_POST
def make_main_domain(request: HttpRequest) -> HttpResponse:
    hostname = request.POST.get("hostname", "")
    return _domain_action(
        request,
        lambda: services.make_main_hostname(actor=request.user, hostname=hostname),  # type: ignore[arg-type]
        _("%(hostname)s is now the shop's main address.") % {"hostname": hostname},
    )
