"""`make demo`'s data: a shop with its catalog, discounts of every kind and a team member per role."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django_tenants.utils import tenant_context

from billing.payouts.models import PayoutSchedule
from controlplane.management.commands import seed_demo
from tenants.models import Tenant
from tests.conftest import client_for
from ticketing.discounts.models import Discount
from ticketing.team.models import Membership

DEMO = seed_demo.DemoReseller(
    slug="demoshop",
    name="Demo Shop",
    language="en",
    currency="USD",
    country="US",
    owner=("owner@demoshop.example", "demoshop-demo-2026"),
    colors={"primary_color": "#1f4fd1", "accent_color": "#f2a900"},
    events=("Demo Night", "Second Night"),
    venue="Demo Hall",
    city="Boston",
    timezone="America/New_York",
    price_minor=4500,
    imprint="Demo Shop Inc.",
    plan="growth",
)


@pytest.mark.django_db
def test_the_demo_seeds_discounts_and_a_login_per_role_and_runs_again_unchanged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(seed_demo, "RESELLERS", [DEMO])  # a shop of its own beside the session's
    for _ in range(2):  # `make demo` seeds again on every start
        call_command("seed_demo", stdout=io.StringIO())
    tenant = Tenant.objects.get(schema_name="demoshop")
    assert tenant.plan is not None and tenant.plan.code == "growth"
    assert PayoutSchedule.objects.get(tenant=tenant).interval == "weekly"
    with tenant_context(tenant):
        kinds = sorted(Discount.objects.values_list("kind", "code"))
        roles = dict(Membership.objects.values_list("user__email", "role"))
    assert kinds == [("group", ""), ("package", ""), ("percent", "DEMO10")]
    assert roles == {
        "manager@demoshop.example": "manager",
        "box-office@demoshop.example": "box_office",
        "scanner@demoshop.example": "scanner",
        "analyst@demoshop.example": "analyst",
    }
    for email in [*roles, "owner@demoshop.example"]:
        client: Client = client_for("demoshop.localhost")
        signed_in = client.post("/accounts/login/", {"username": email, "password": "demoshop-demo-2026"})
        assert signed_in.status_code == 302, email
        assert client.get("/backoffice/").status_code == 200, email
