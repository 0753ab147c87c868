"""Team reads for the back office."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import User
from ticketing.team.roles import Role


@dataclass(frozen=True)
class TeamMember:
    user: User
    role: Role

    @property
    def invitation_pending(self) -> bool:
        """Invited but has not set a password yet."""
        return not self.user.has_usable_password()


def _role(user: User) -> Role | None:
    membership = getattr(user, "membership", None)
    if membership is not None:
        return Role(membership.role)
    return Role.OWNER if user.is_superuser else None


def team_members() -> list[TeamMember]:
    """Everyone who may sign in to the back office, with their role (one query)."""
    users = User.objects.filter(is_active=True, is_staff=True).select_related("membership").order_by("email")
    return [TeamMember(user=user, role=role) for user in users if (role := _role(user)) is not None]


def team_member(user_id: int) -> TeamMember | None:
    user = User.objects.filter(pk=user_id, is_active=True, is_staff=True).select_related("membership").first()
    role = _role(user) if user is not None else None
    return TeamMember(user=user, role=role) if user is not None and role is not None else None


def owner_ids() -> set[int]:
    return {member.user.pk for member in team_members() if member.role == Role.OWNER}


def staff_seat_count() -> int:
    """Seats taken against the plan's limit: every active staff account, invited ones included."""
    return User.objects.filter(is_active=True, is_staff=True).count()
