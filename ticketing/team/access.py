"""Who may do what: a person's role in the current shop and the checks on it.

The role is read once per user object (one query) and remembered on it, so a view and
the service it calls do not both ask the database.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ticketing.team.errors import TeamError, TeamErrorCode
from ticketing.team.models import Membership
from ticketing.team.roles import Permission, Role, permissions_of

_CACHE_ATTRIBUTE = "_team_role"
_NO_ROLE = ""


def role_of(user: Any) -> Role | None:
    """The user's role in this shop, or None: not signed in, inactive, not staff, or not on the team."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if not user.is_active or not user.is_staff:
        return None
    cached = user.__dict__.get(_CACHE_ATTRIBUTE)
    if cached is None:
        role = Membership.objects.filter(user_id=user.pk).values_list("role", flat=True).first()
        if role is None and user.is_superuser:
            role = Role.OWNER  # the owner provisioning created, before any change to the team
        cached = role or _NO_ROLE
        user.__dict__[_CACHE_ATTRIBUTE] = cached
    return Role(cached) if cached else None


def forget_role(user: Any) -> None:
    """Drop the remembered role (after the role of this very user object changed)."""
    if user is not None:
        user.__dict__.pop(_CACHE_ATTRIBUTE, None)


def permissions_for(user: Any) -> frozenset[Permission]:
    return permissions_of(role_of(user))


def has_permission(user: Any, permission: Permission) -> bool:
    return permission in permissions_for(user)


def require_permission(actor: Any, *permissions: Permission) -> None:
    """Refuse (403) unless ``actor`` holds every permission; None is the system itself and may act."""
    if actor is None:
        return
    missing = [permission for permission in permissions if not has_permission(actor, permission)]
    if missing:
        role = role_of(actor)
        message = (
            _("A %(role)s may not do this.") % {"role": str(role.label).lower()}
            if role
            else _("Someone outside the team may not do this.")
        )
        raise TeamError(
            TeamErrorCode.PERMISSION_DENIED,
            message,
            extra={"missing": [str(permission) for permission in missing]},
            http_status=403,
        )
