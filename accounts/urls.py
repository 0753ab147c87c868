from django.contrib.auth.views import LogoutView
from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("invitation/<uidb64>/<token>/", views.AcceptInvitationView.as_view(), name="accept_invitation"),
]
