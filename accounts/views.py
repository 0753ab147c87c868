from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class AcceptInvitationView(auth_views.PasswordResetConfirmView):
    """An invited user sets a password through the token link from the invitation e-mail."""

    template_name = "accounts/accept_invitation.html"
    success_url = reverse_lazy("accounts:login")
    post_reset_login = False
