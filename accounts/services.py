"""Account use cases: staff invitations, and taking staff accounts out of use."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User


def create_invited_staff(*, email: str, full_name: str = "", is_superuser: bool = False) -> User:
    """Create a staff account in the current schema that has no password until the invitation is accepted."""
    return User.objects.create_user(
        email, None, full_name=full_name, is_staff=True, is_superuser=is_superuser
    )


def reinvite_staff(*, user: User, full_name: str = "") -> User:
    """Make an existing account an invited staff account again: active, staff, no password until accepted."""
    user.full_name = full_name
    user.is_active = True
    user.is_staff = True
    user.set_unusable_password()  # also voids any earlier invitation link
    user.save(update_fields=["full_name", "is_active", "is_staff", "password"])
    return user


def deactivate_staff(*, user: User) -> User:
    """Stop a staff account from signing in; its open sessions end at their next request."""
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["is_active", "password"])
    return user


def invitation_path(user: User) -> str:
    """The path of the link that lets an invited user set a password (valid on its own schema's host only)."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    # The link lives on the tenant's host, whichever host (e.g. the console) asks for it.
    return reverse(
        "accounts:accept_invitation", kwargs={"uidb64": uidb64, "token": token}, urlconf=settings.ROOT_URLCONF
    )
