"""Payout pages in the reseller's back office: owner only; Stripe Connect onboarding through the
adapter (against the Stripe-shaped stub over HTTP), the schedule with clear refusals, payouts and
their statements."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.test import Client
from django_tenants.utils import tenant_context
from pytest_django.fixtures import Settings as SettingsWrapper

from accounts.models import User
from billing.payouts import services
from billing.payouts.models import Payout, PayoutAccount, PayoutSchedule
from billing.reports.models import Report
from tenants.models import AuditEntry, Tenant
from tests.billing import stripe_objects as objects
from tests.billing.factories import order_value, record_processor_sale
from tests.conftest import client_for
from tests.stripe_server import RecordedRequest, StripeStub
from tests.ticketing.factories import make_member

PAGE = "/backoffice/billing/payouts/"


@pytest.fixture
def member_client(acme_on_growth: Tenant) -> Iterator[Callable[[str], Client]]:
    """``member_client("owner")``: a client on acme.localhost signed in as a team member in that role."""

    def sign_in(role: str) -> Client:
        with tenant_context(acme_on_growth):
            user = User.objects.get(email="owner@acme.example") if role == "owner" else make_member(role)
            client = client_for("acme.localhost")
            client.force_login(user)
        return client

    yield sign_in


@pytest.fixture
def owner(member_client: Callable[[str], Client]) -> Client:
    return member_client("owner")


def onboarding_stub(stub: StripeStub, *, account_id: str = "acct_1AcmeLive") -> None:
    stub.on("POST", "/v1/accounts", objects.account(id=account_id))
    stub.on(
        "POST", "/v1/account_links", lambda r: (200, objects.account_link(account_id=r.params["account"]))
    )


def test_the_owner_connects_a_payout_account_through_stripe_onboarding(
    owner: Client, acme_on_growth: Tenant, stripe_stub: StripeStub
) -> None:
    onboarding_stub(stripe_stub)
    response = owner.post(f"{PAGE}connect/")
    assert response.status_code == 302
    assert response["Location"].startswith("https://connect.stripe.com/setup/e/acct_1AcmeLive/")
    [link] = stripe_stub.calls("POST", "/v1/account_links")
    assert link.params["return_url"] == "http://acme.localhost/backoffice/billing/payouts/onboarding/return/"
    assert (
        link.params["refresh_url"] == "http://acme.localhost/backoffice/billing/payouts/onboarding/refresh/"
    )
    [opened] = stripe_stub.calls("POST", "/v1/accounts")
    assert opened.params["email"] == "owner@acme.example"
    account = PayoutAccount.objects.get(tenant=acme_on_growth)
    assert (account.provider_account_id, account.status) == (
        "acct_1AcmeLive",
        PayoutAccount.Status.ONBOARDING,
    )
    entry = AuditEntry.objects.get(action="payout_account.opened", tenant=acme_on_growth)
    assert entry.data["by"] == "owner@acme.example" and entry.actor is None

    page = owner.get(PAGE).content.decode()
    assert "acct_1AcmeLive" in page and "Continue onboarding with Stripe" in page

    # An expired link: Stripe sends the owner to the refresh URL, which makes a new link, not an account.
    refreshed = owner.get(f"{PAGE}onboarding/refresh/")
    assert refreshed.status_code == 302 and "acct_1AcmeLive" in refreshed["Location"]
    assert len(stripe_stub.calls("POST", "/v1/accounts")) == 1
    assert len(stripe_stub.calls("POST", "/v1/account_links")) == 2


def test_back_from_onboarding_the_account_shows_what_stripe_says(
    owner: Client, acme_on_growth: Tenant, stripe_stub: StripeStub
) -> None:
    PayoutAccount.objects.create(tenant=acme_on_growth, provider_account_id="acct_1Back")
    stripe_stub.on(
        "GET",
        "/v1/accounts/acct_1Back",
        objects.account(id="acct_1Back", details_submitted=True, payouts_enabled=True, charges_enabled=True),
    )
    back = owner.get(f"{PAGE}onboarding/return/")
    assert back.status_code == 302 and back["Location"] == PAGE
    account = PayoutAccount.objects.get(tenant=acme_on_growth)
    assert (account.details_submitted, account.payouts_enabled, account.status) == (True, True, "active")
    page = owner.get(PAGE).content.decode()
    assert "Your payout account is ready: payouts are enabled." in page
    assert "Continue onboarding with Stripe" not in page


def test_when_stripe_cannot_be_reached_no_account_is_opened(owner: Client, acme_on_growth: Tenant) -> None:
    response = owner.post(f"{PAGE}connect/", follow=True)  # no stub: the discard port refuses
    assert response.status_code == 200
    assert "could not be reached to open a payout account" in response.content.decode()
    assert not PayoutAccount.objects.filter(tenant=acme_on_growth).exists()


def test_the_owner_sets_the_schedule(owner: Client, acme_on_growth: Tenant) -> None:
    response = owner.post(
        f"{PAGE}schedule/",
        {"interval": "monthly", "weekly_anchor": "0", "monthly_anchor": "15", "holding_days": "5",
         "minimum_amounts": "25.00"},
    )  # fmt: skip
    assert response.status_code == 302
    schedule = PayoutSchedule.objects.get(tenant=acme_on_growth)
    assert (schedule.interval, schedule.monthly_anchor, schedule.holding_days, schedule.minimum_amounts) == (
        "monthly",
        15,
        5,
        {"USD": 2500},
    )
    assert AuditEntry.objects.get(action="payout_schedule.set").data["by"] == "owner@acme.example"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"minimum_amounts": "5.00"}, "cannot be below the platform&#x27;s minimum of $10.00"),
        ({"holding_days": "0"}, "Money is held at least 1 day(s) after an event ends."),
        ({"holding_days": "91"}, "Money can be held at most 90 days."),
        ({"monthly_anchor": "31"}, "Choose a day of the month from 1 to 28."),
        ({"interval": "hourly"}, "Select a valid choice."),
        ({"minimum_amounts": "ten"}, "Enter an amount like 12.50"),
    ],
)
def test_a_bad_schedule_gets_a_clear_error_and_changes_nothing(
    owner: Client, acme_on_growth: Tenant, changes: dict[str, str], message: str
) -> None:
    services.set_payout_schedule(tenant=acme_on_growth, actor=None, interval="weekly", holding_days=3)
    wanted = {"interval": "daily", "weekly_anchor": "0", "monthly_anchor": "1", "holding_days": "4",
              "minimum_amounts": "", **changes}  # fmt: skip
    response = owner.post(f"{PAGE}schedule/", wanted)
    assert response.status_code == 400
    assert message in response.content.decode()
    schedule = PayoutSchedule.objects.get(tenant=acme_on_growth)
    assert (schedule.interval, schedule.holding_days, schedule.minimum_amounts) == ("weekly", 3, {})


@pytest.mark.parametrize("role", ["manager", "box_office", "analyst"])
def test_only_the_owner_opens_payouts(
    member_client: Callable[[str], Client], acme_on_growth: Tenant, role: str
) -> None:
    client = member_client(role)
    assert client.get(PAGE).status_code == 403
    refused = client.post(f"{PAGE}schedule/", {"interval": "daily", "holding_days": "4"})
    assert refused.status_code == 403
    assert client.post(f"{PAGE}connect/").status_code == 403
    assert not PayoutSchedule.objects.filter(tenant=acme_on_growth).exists()
    assert not PayoutAccount.objects.filter(tenant=acme_on_growth).exists()
    assert 'href="/backoffice/billing/payouts/"' not in client.get("/backoffice/").content.decode()


def test_payouts_are_listed_and_their_statements_downloaded(
    owner: Client,
    acme_on_growth: Tenant,
    stripe_stub: StripeStub,
    settings: SettingsWrapper,
    tmp_path: Path,
    django_capture_on_commit_callbacks: object,
) -> None:
    settings.BILLING_REPORTS_DIR = tmp_path / "reports"

    def payout_answer(request: RecordedRequest) -> tuple[int, dict[str, object]]:
        return 200, objects.payout(amount=int(request.params["amount"]), currency=request.params["currency"])

    stripe_stub.on("POST", "/v1/payouts", payout_answer)
    PayoutAccount.objects.create(
        tenant=acme_on_growth, provider_account_id="acct_1Paid", payouts_enabled=True, charges_enabled=True
    )
    with tenant_context(acme_on_growth):
        record_processor_sale(order_value(unit_minor=10_000, quantity=1, event_ends_in_days=-30))
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        payout = services.pay_out(tenant=acme_on_growth, currency="USD", period="2026-11-20")
    assert payout is not None
    page = owner.get(PAGE).content.decode()
    assert "2026-11-20" in page and "$96.41" in page  # 100.00 less growth's 3 % + 0.59

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        prepared = owner.post(f"{PAGE}{payout.pk}/statement/", {"format": "pdf"})
    assert prepared.status_code == 302
    report = Report.objects.get(tenant=acme_on_growth, payout=payout, format="pdf")
    assert report.status == Report.Status.READY
    page = owner.get(PAGE).content.decode()
    assert f"{PAGE}statements/{report.pk}/" in page
    download = owner.get(f"{PAGE}statements/{report.pk}/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]

    other = Payout.objects.create(tenant=Tenant.objects.get(schema_name="bravo"), currency="EUR",
                                  amount_minor=5000, period="2026-11-20")  # fmt: skip
    assert owner.post(f"{PAGE}{other.pk}/statement/", {"format": "pdf"}).status_code == 404
