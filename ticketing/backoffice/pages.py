"""How back-office pages answer: the layout's context, and forms submitted to one service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.errors import DomainError
from ticketing.backoffice.access import access_of
from ticketing.backoffice.forms import BackofficeForm


def render_page(
    request: HttpRequest, template: str, context: dict[str, Any], *, section: str, status: int = 200
) -> HttpResponse:
    return render(
        request, template, {**context, "access": access_of(request), "section": section}, status=status
    )


def form_page(
    request: HttpRequest,
    form: forms.Form,
    *,
    section: str,
    title: str,
    submit: str,
    back: str,
    status: int = 200,
) -> HttpResponse:
    """A page holding one form: its title, fields, errors and a way back."""
    context = {"form": form, "title": title, "submit": submit, "back": back}
    return render_page(request, "backoffice/form_page.html", context, section=section, status=status)


def submitted(
    request: HttpRequest, form: BackofficeForm, perform: Callable[[dict[str, Any]], HttpResponse]
) -> tuple[HttpResponse | None, int]:
    """For a POST: check the form, then ``perform`` the use case with its cleaned data.

    Gives ``perform``'s answer, or None and the status to show the form again with: 400
    for bad input, the service's own status (409, 403, ...) when it refused, its message
    on the field it names.
    """
    if request.method != "POST":
        return None, 200
    if not form.is_valid():
        return None, 400
    try:
        return perform(dict(form.cleaned_data)), 200
    except DomainError as error:
        form.add_domain_error(error)
        return None, error.http_status
