"""The team: who is on it in which role; invitations, role changes, removals."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError
from ticketing.backoffice.access import requires
from ticketing.backoffice.forms import InviteForm, RoleForm
from ticketing.backoffice.pages import render_page, submitted
from ticketing.backoffice.views import actor
from ticketing.team.roles import ROLE_DESCRIPTIONS, ROLE_PERMISSIONS, Permission, Role
from ticketing.team.selectors import TeamMember, team_member, team_members
from ticketing.team.services import change_role, invite_member, remove_member

SECTION = "team"


def _page(request: HttpRequest, *, invite_form: InviteForm | None = None, status: int = 200) -> HttpResponse:
    members = [(member, RoleForm(initial={"role": member.role}, prefix=f"m{member.user.pk}"))
               for member in team_members()]  # fmt: skip
    roles = [(role, ROLE_DESCRIPTIONS[role], sorted(ROLE_PERMISSIONS[role])) for role in Role]
    context = {"members": members, "invite_form": invite_form or InviteForm(), "roles": roles}
    return render_page(request, "backoffice/team/list.html", context, section=SECTION, status=status)


def _member(pk: int) -> TeamMember:
    member = team_member(pk)
    if member is None:
        raise Http404(_("Not on the team."))
    return member


@requires(Permission.MANAGE_TEAM)
@require_GET
def team(request: HttpRequest) -> HttpResponse:
    return _page(request)


@requires(Permission.MANAGE_TEAM)
@require_POST
def member_invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST)

    def perform(fields: dict[str, Any]) -> HttpResponse:
        member = invite_member(
            actor=actor(request),
            email=fields["email"],
            role=fields["role"],
            full_name=fields["full_name"],
            link_base=request.build_absolute_uri("/"),
        )
        messages.success(
            request,
            _("Invitation sent to %(email)s (%(role)s).")
            % {"email": member.user.email, "role": member.role.label},
        )
        return redirect("backoffice:team")

    done, status = submitted(request, form, perform)
    return done or _page(request, invite_form=form, status=status)


@requires(Permission.MANAGE_TEAM)
@require_POST
def member_role(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(pk)
    form = RoleForm(request.POST, prefix=f"m{pk}")
    if not form.is_valid():
        messages.error(request, _("Choose one of the roles."))
        return redirect("backoffice:team")
    try:
        change_role(actor=actor(request), user=member.user, role=form.cleaned_data["role"])
    except DomainError as error:
        messages.error(request, f"{member.user.email}: {error.message}")
    else:
        messages.success(
            request,
            _("%(email)s is now %(role)s.")
            % {"email": member.user.email, "role": str(Role(form.cleaned_data["role"]).label).lower()},
        )
    return redirect("backoffice:team")


@requires(Permission.MANAGE_TEAM)
@require_POST
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(pk)
    try:
        remove_member(actor=actor(request), user=member.user)
    except DomainError as error:
        messages.error(request, f"{member.user.email}: {error.message}")
    else:
        messages.success(
            request,
            _("%(email)s was removed from the team and can no longer sign in.")
            % {"email": member.user.email},
        )
    return redirect("backoffice:team")
