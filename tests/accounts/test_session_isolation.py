"""A login on one host means nothing on another: accounts and sessions live per schema."""

from __future__ import annotations

from django.conf import settings
from django.test import Client
from django_tenants.utils import schema_context

from accounts.models import User
from tenants.models import Tenant
from tests.conftest import PLATFORM_HOST, client_for


def set_password(schema: str, email: str, password: str) -> User:
    with schema_context(schema):
        user = User.objects.get(email=email)
        user.set_password(password)
        user.save()
        return user


def test_staff_sign_in_on_their_own_shop(acme: Tenant, acme_client: Client) -> None:
    set_password("acme", "owner@acme.example", "correct horse battery")

    response = acme_client.post(
        "/accounts/login/", {"username": "owner@acme.example", "password": "correct horse battery"}
    )

    assert response.status_code == 302
    dashboard = acme_client.get("/backoffice/")
    assert dashboard.status_code == 200 and "owner@acme.example" in dashboard.content.decode()


def test_an_acme_login_is_unknown_on_bravo(acme: Tenant, bravo: Tenant) -> None:
    set_password("acme", "owner@acme.example", "correct horse battery")

    response = client_for("bravo.localhost").post(
        "/accounts/login/",
        {"username": "owner@acme.example", "password": "correct horse battery"},
        headers={"Accept-Language": "en"},  # Bravo's shop speaks German by default
    )

    assert response.status_code == 200
    assert "Please enter a correct" in response.content.decode()


def test_a_session_cookie_replayed_on_another_host_acts_on_nothing(acme: Tenant, bravo: Tenant) -> None:
    acme_user = set_password("acme", "owner@acme.example", "correct horse battery")
    # The same primary key exists in Bravo's schema: the cookie must still not log anyone in there.
    with schema_context("bravo"):
        assert User.objects.filter(pk=acme_user.pk).exists()
    acme_client = client_for("acme.localhost")
    acme_client.post(
        "/accounts/login/", {"username": "owner@acme.example", "password": "correct horse battery"}
    )
    cookie = acme_client.cookies[settings.SESSION_COOKIE_NAME].value
    assert acme_client.get("/backoffice/").status_code == 200

    for host, path in [("bravo.localhost", "/backoffice/"), (PLATFORM_HOST, "/admin/")]:
        replay = client_for(host)
        replay.cookies[settings.SESSION_COOKIE_NAME] = cookie
        response = replay.get(path)
        assert response.status_code == 302, host
        assert "/login/" in response["Location"], host


def test_owner_sets_a_password_through_the_invitation_link(acme: Tenant) -> None:
    from accounts.services import invitation_path

    with schema_context("acme"):
        owner = User.objects.get(email="owner@acme.example")
        owner.set_unusable_password()
        owner.save()
        path = invitation_path(owner)
    client = client_for("acme.localhost")

    form = client.get(path, follow=True)
    assert form.status_code == 200 and "Set your password" in form.content.decode()
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a long and unusual pass", "new_password2": "a long and unusual pass"},
    )
    assert response.status_code == 302

    with schema_context("acme"):
        assert User.objects.get(email="owner@acme.example").check_password("a long and unusual pass")
    assert "invalid" in client_for("acme.localhost").get(path, follow=True).content.decode()  # used once


def test_an_invitation_link_from_acme_does_not_work_on_bravo(acme: Tenant, bravo: Tenant) -> None:
    from accounts.services import invitation_path

    with schema_context("acme"):
        path = invitation_path(User.objects.get(email="owner@acme.example"))

    page = (
        client_for("bravo.localhost")
        .get(path, follow=True, headers={"Accept-Language": "en"})
        .content.decode()
    )

    assert "invalid" in page
