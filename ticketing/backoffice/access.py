"""The back office's door: signed in, on the team, and holding the page's permissions.

Every view is wrapped in ``requires(...)``: a visitor who is not signed in goes to the
sign-in page, a signed-in person without the permissions gets 403 and nothing runs.
Services check the same permissions again for the acting person.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.errors import DomainError
from ticketing.team.access import role_of
from ticketing.team.roles import Permission, Role, permissions_of

View = Callable[..., HttpResponseBase]  # pages, and files such as an event's image


@dataclass(frozen=True)
class Access:
    """What the signed-in member may do; templates ask ``"manage_catalog" in access.permissions``."""

    role: Role
    permissions: frozenset[str]

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions


def access_of(request: HttpRequest) -> Access:
    access = getattr(request, "backoffice_access", None)
    if not isinstance(access, Access):
        raise RuntimeError("Back-office views are wrapped in requires().")
    return access


def requires(*permissions: Permission) -> Callable[[View], View]:
    """Let the view run only for team members holding every one of ``permissions`` (none: any member)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            role = role_of(request.user)
            if role is None:
                return forbidden(request, _("Your account is not on the team of this shop."))
            allowed = permissions_of(role)
            if not all(permission in allowed for permission in permissions):
                return forbidden(
                    request,
                    _("A %(role)s may not open this page or do this.") % {"role": str(role.label).lower()},
                )
            request.backoffice_access = Access(  # type: ignore[attr-defined]
                role=role, permissions=frozenset(str(permission) for permission in allowed)
            )
            return view(request, *args, **kwargs)

        return guarded

    return decorate


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "backoffice/forbidden.html", {"message": message}, status=403)


def refused(request: HttpRequest, error: DomainError) -> HttpResponse | None:
    """The answer for a service's refusal that no form can show: 403 for permissions, else None."""
    if error.http_status == 403:
        return forbidden(request, error.message)
    return None
