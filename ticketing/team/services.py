"""Team use cases: invite a member, change a role, remove a member. The last owner always stays."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import create_invited_staff, deactivate_staff, invitation_path, reinvite_staff
from billing import entitlements
from core.side_effects import enqueue_after_commit
from core.tasks import send_email
from ticketing.audit.services import record
from ticketing.team.access import forget_role, require_permission
from ticketing.team.errors import TeamError, TeamErrorCode
from ticketing.team.models import Membership
from ticketing.team.roles import Permission, Role
from ticketing.team.selectors import TeamMember, owner_ids, staff_seat_count, team_member


def _lock_team(actor: User | None) -> None:
    """Serialise team changes in this shop, so two owners demoting each other cannot leave none.

    A transaction-scoped advisory lock keyed by the schema: the rows that decide who is an
    owner live in two tables (users and memberships), which row locks would not cover.
    Once it is held, the actor's own role is read again: it may have changed meanwhile.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('team:' || current_schema()))")
    forget_role(actor)
    require_permission(actor, Permission.MANAGE_TEAM)


def _clean_role(role: str) -> Role:
    if role not in Role.values:
        raise TeamError(TeamErrorCode.INVALID, _("Choose one of the roles."), field="role")
    return Role(role)


def _member_or_error(user_id: int) -> TeamMember:
    member = team_member(user_id)
    if member is None:
        raise TeamError(TeamErrorCode.NOT_A_MEMBER, _("This person is not on the team."), http_status=404)
    return member


def _refuse_losing_last_owner(member: TeamMember) -> None:
    if member.role == Role.OWNER and owner_ids() == {member.user.pk}:
        raise TeamError(
            TeamErrorCode.LAST_OWNER,
            _("The shop needs at least one owner: make someone else an owner first."),
            field="role",
        )


def invite_member(
    *, actor: User | None, email: str, role: str, full_name: str = "", link_base: str
) -> TeamMember:
    """Add someone to the team in a role and e-mail them a link to set their password.

    ``link_base`` is the shop's address (scheme and host) the link is built on.
    """
    require_permission(actor, Permission.MANAGE_TEAM)
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise TeamError(TeamErrorCode.INVALID, _("Enter a valid e-mail address."), field="email") from None
    role = _clean_role(role)
    full_name = " ".join(full_name.split())[:150]
    with transaction.atomic(durable=True):
        _lock_team(actor)
        user = User.objects.select_for_update().filter(email=email).first()
        if user is not None and team_member(user.pk) is not None:
            raise TeamError(
                TeamErrorCode.ALREADY_MEMBER,
                _("%(email)s is already on the team.") % {"email": email},
                field="email",
            )
        entitlements.check_limit(
            entitlements.Limit.STAFF_SEATS, in_use=staff_seat_count()
        )  # billing: the plan's seats
        if user is None:
            user = create_invited_staff(email=email, full_name=full_name)
        else:  # removed earlier, or an account that never had a role: invite it afresh
            user = reinvite_staff(user=user, full_name=full_name or user.full_name)
        Membership.objects.update_or_create(user=user, defaults={"role": role, "invited_by": actor})
        url = f"{link_base.rstrip('/')}{invitation_path(user)}"
        record(action="team.invited", target=user, actor=actor, email=email, role=role)
        enqueue_after_commit(
            send_email,
            to=[email],
            subject="You are invited to the back office",
            body=(
                f"Hello,\n\nyou have been invited to the back office as {role.label.lower()}.\n"
                f"Set your password to sign in:\n\n{url}\n\nThe link is valid for 7 days.\n"
            ),
        )
    forget_role(user)
    return TeamMember(user=user, role=role)


def change_role(*, actor: User | None, user: User, role: str) -> TeamMember:
    """Give a team member another role; the last owner cannot be demoted."""
    require_permission(actor, Permission.MANAGE_TEAM)
    role = _clean_role(role)
    with transaction.atomic(durable=True):
        _lock_team(actor)
        member = _member_or_error(user.pk)
        if member.role == role:
            return member
        if role != Role.OWNER:
            _refuse_losing_last_owner(member)
        Membership.objects.update_or_create(user=member.user, defaults={"role": role})
        record(action="team.role_changed", target=member.user, actor=actor, previous=member.role, role=role)
    forget_role(user)
    forget_role(actor)
    return TeamMember(user=member.user, role=role)


def remove_member(*, actor: User | None, user: User) -> None:
    """Take someone off the team: they can no longer sign in. The last owner cannot be removed."""
    require_permission(actor, Permission.MANAGE_TEAM)
    with transaction.atomic(durable=True):
        _lock_team(actor)
        member = _member_or_error(user.pk)
        _refuse_losing_last_owner(member)
        Membership.objects.filter(user=member.user).delete()
        deactivate_staff(user=member.user)
        record(action="team.removed", target=member.user, actor=actor, role=member.role)
    forget_role(user)
    forget_role(actor)
