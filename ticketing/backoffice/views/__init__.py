"""Back-office views, one module per area. Each parses, checks the role, calls one service, answers."""

from __future__ import annotations

from django.http import HttpRequest

from accounts.models import User


def actor(request: HttpRequest) -> User:
    """The signed-in team member acting (requires() let only them in)."""
    user = request.user
    if not isinstance(user, User):
        raise RuntimeError("Back-office views are wrapped in requires().")
    return user
