"""The Connect adapter over HTTP, against Stripe-shaped answers from a loopback server.

localstripe has no Connect (accounts, transfers, payouts on connected accounts, the
Stripe-Account header): the stub answers as Stripe's API reference shows, and the tests
check what the real SDK sent (path, form params, Stripe-Account, Idempotency-Key).
"""

from __future__ import annotations

import pytest

from billing.processor import connect
from billing.processor.errors import ProcessorError, ProcessorErrorCode
from core.money import Money
from tests.billing import stripe_objects as objects
from tests.stripe_server import RecordedRequest, StripeStub, stripe_error


def test_opening_an_account_asks_for_direct_charges_with_manual_payouts(stripe_stub: StripeStub) -> None:
    stripe_stub.on(
        "POST", "/v1/accounts", lambda r: (200, objects.account(id="acct_1Reseller", email=r.params["email"]))
    )
    account = connect.create_connected_account(
        tenant_id=7,
        email="owner@acme.example",
        business_name="Acme Live",
        country="US",
        idempotency_key="k-7",
    )
    assert account == connect.ConnectedAccount(
        id="acct_1Reseller",
        charges_enabled=False,
        payouts_enabled=False,
        details_submitted=False,
        country="US",
        default_currency="USD",
    )
    [sent] = stripe_stub.calls("POST", "/v1/accounts")
    assert sent.params["controller"] == {
        "fees": {"payer": "account"},
        "losses": {"payments": "stripe"},
        "requirement_collection": "stripe",
        "stripe_dashboard": {"type": "express"},
    }
    assert sent.params["settings"] == {"payouts": {"schedule": {"interval": "manual"}}}
    assert sent.params["capabilities"] == {
        "card_payments": {"requested": "true"},
        "transfers": {"requested": "true"},
    }
    assert sent.params["metadata"] == {"tenant_id": "7"}
    assert sent.idempotency_key == "k-7"
    assert sent.headers["authorization"] == "Bearer sk_test_stub"


def test_onboarding_link_is_for_the_account(stripe_stub: StripeStub) -> None:
    stripe_stub.on(
        "POST", "/v1/account_links", lambda r: (200, objects.account_link(account_id=r.params["account"]))
    )
    url = connect.onboarding_link(
        account_id="acct_1R", refresh_url="http://a/refresh", return_url="http://a/back"
    )
    assert url.startswith("https://connect.stripe.com/setup/e/acct_1R/")
    [sent] = stripe_stub.calls("POST", "/v1/account_links")
    assert sent.params == {
        "account": "acct_1R",
        "refresh_url": "http://a/refresh",
        "return_url": "http://a/back",
        "type": "account_onboarding",
    }


def test_balance_is_read_on_the_connected_account_per_currency(stripe_stub: StripeStub) -> None:
    stripe_stub.on(
        "GET", "/v1/balance", objects.balance(available={"usd": 1200, "eur": 5}, pending={"usd": 300})
    )
    balance = connect.retrieve_balance(account_id="acct_1R")
    assert balance.total("USD") == Money(1500, "USD")
    assert balance.total("EUR") == Money(5, "EUR")
    assert balance.total("GBP") == Money(0, "GBP")
    [sent] = stripe_stub.calls("GET", "/v1/balance")
    assert sent.stripe_account == "acct_1R"


def test_a_payout_is_created_on_the_connected_account_with_its_idempotency_key(
    stripe_stub: StripeStub,
) -> None:
    def answer(request: RecordedRequest) -> tuple[int, dict[str, object]]:
        return 200, objects.payout(amount=int(request.params["amount"]), currency=request.params["currency"])

    stripe_stub.on("POST", "/v1/payouts", answer)
    sent_twice = [
        connect.create_payout(
            account_id="acct_1R",
            amount=Money(12_345, "EUR"),
            idempotency_key="payout-1-EUR-2026-W48",
            description="Payout 2026-W48",
            metadata={"payout_id": "1"},
        )
        for _ in range(2)
    ]
    assert sent_twice[0] == sent_twice[1]  # Stripe replays the first answer for the same key
    assert sent_twice[0].amount == Money(12_345, "EUR") and sent_twice[0].status == "pending"
    first = stripe_stub.calls("POST", "/v1/payouts")[0]
    assert (first.stripe_account, first.idempotency_key) == ("acct_1R", "payout-1-EUR-2026-W48")
    assert first.params["amount"] == "12345" and first.params["currency"] == "eur"


def test_an_insufficient_balance_is_a_refusal_with_the_processors_code(stripe_stub: StripeStub) -> None:
    stripe_stub.on(
        "POST",
        "/v1/payouts",
        lambda r: stripe_error(
            status=400,
            type="invalid_request_error",
            code="balance_insufficient",
            message="You have insufficient funds in your Stripe account for this transfer.",
        ),
    )
    with pytest.raises(ProcessorError) as refused:
        connect.create_payout(
            account_id="acct_1R", amount=Money(100, "USD"), idempotency_key="k", description="x", metadata={}
        )
    assert refused.value.code == ProcessorErrorCode.REFUSED
    assert refused.value.processor_code == "balance_insufficient"


def test_a_server_error_means_try_again_not_refused(stripe_stub: StripeStub) -> None:
    stripe_stub.on(
        "POST", "/v1/payouts", lambda r: stripe_error(status=500, type="api_error", code="", message="boom")
    )
    with pytest.raises(ProcessorError) as unavailable:
        connect.create_payout(
            account_id="acct_1R", amount=Money(100, "USD"), idempotency_key="k", description="x", metadata={}
        )
    assert unavailable.value.code == ProcessorErrorCode.UNAVAILABLE


def test_fees_due_are_debited_from_the_connected_account_to_the_platform(stripe_stub: StripeStub) -> None:
    stripe_stub.on(
        "POST",
        "/v1/transfers",
        lambda r: (
            200,
            objects.transfer(
                amount=int(r.params["amount"]), currency="usd", destination=r.params["destination"]
            ),
        ),
    )
    transfer_id = connect.collect_fees(
        account_id="acct_1R", amount=Money(268, "USD"), idempotency_key="k-fees", description="Platform fees"
    )
    assert transfer_id.startswith("tr_")
    [sent] = stripe_stub.calls("POST", "/v1/transfers")
    assert (sent.stripe_account, sent.params["destination"], sent.params["amount"]) == (
        "acct_1R",
        "acct_1PlatformTickets",
        "268",
    )


def test_direct_charges_carry_the_platform_fee_on_the_connected_account() -> None:
    params, options = connect.direct_charge_terms(account_id="acct_1R", application_fee=Money(268, "USD"))
    assert params == {"application_fee_amount": 268} and options == {"stripe_account": "acct_1R"}
