"""Every Stripe Connect call of the platform, in one module.

The charge model (see README, "Resellers are merchant of record"): each reseller has a
connected account, card payments are direct charges on it (PaymentIntents created with
the Stripe-Account header) and the platform's fee travels with each charge as
``application_fee_amount``. The connected account is configured through controller
properties: the reseller pays the processor's fees and Stripe carries negative-balance
losses (fees.payer=account, losses.payments=stripe), onboarding and the dashboard are
Stripe's (requirement_collection=stripe, stripe_dashboard=express). Payouts are manual:
funds stay in the reseller's balance until the platform's schedule pays them out
(after the holding period following each event).

localstripe has no Connect, so this module is tested at the HTTP layer against
Stripe-shaped responses from a loopback server (tests/billing/test_connect_adapter.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from stripe import StripeClient

from billing.processor.client import as_dict, call
from core.money import Money


@dataclass(frozen=True)
class ConnectedAccount:
    id: str
    charges_enabled: bool
    payouts_enabled: bool
    details_submitted: bool
    country: str
    default_currency: str


@dataclass(frozen=True)
class ProviderPayout:
    id: str
    status: str  # pending, in_transit, paid, failed, canceled
    amount: Money
    arrival_date: datetime | None
    failure_code: str
    failure_message: str


@dataclass(frozen=True)
class ProviderBalance:
    available: dict[str, Money]
    pending: dict[str, Money]

    def total(self, currency: str) -> Money:
        zero = Money.zero(currency)
        return self.available.get(currency, zero) + self.pending.get(currency, zero)

    @property
    def currencies(self) -> set[str]:
        return set(self.available) | set(self.pending)


@dataclass(frozen=True)
class ProviderBalanceTransaction:
    """One movement on a connected account's balance (a charge, refund, payout, transfer, dispute…)."""

    id: str
    type: str
    source: str  # the object that moved the money: ch_…, re_…, po_…, tr_…, du_…
    amount: Money  # gross, signed: negative when money leaves the balance
    fee: Money
    created: datetime
    reporting_category: str


def balance_transaction_from(data: dict[str, Any]) -> ProviderBalanceTransaction:
    currency = data["currency"].upper()
    source = data.get("source") or ""
    return ProviderBalanceTransaction(
        id=data["id"],
        type=data.get("type") or "",
        source=source["id"] if isinstance(source, dict) else str(source),
        amount=Money(int(data["amount"]), currency),
        fee=Money(int(data.get("fee") or 0), currency),
        created=datetime.fromtimestamp(int(data["created"]), tz=UTC),
        reporting_category=data.get("reporting_category") or "",
    )


def connected_account_from(data: dict[str, Any]) -> ConnectedAccount:
    return ConnectedAccount(
        id=data["id"],
        charges_enabled=bool(data.get("charges_enabled")),
        payouts_enabled=bool(data.get("payouts_enabled")),
        details_submitted=bool(data.get("details_submitted")),
        country=(data.get("country") or "").upper(),
        default_currency=(data.get("default_currency") or "").upper(),
    )


def payout_from(data: dict[str, Any]) -> ProviderPayout:
    arrival = data.get("arrival_date")
    return ProviderPayout(
        id=data["id"],
        status=data.get("status") or "pending",
        amount=Money(int(data["amount"]), data["currency"].upper()),
        arrival_date=datetime.fromtimestamp(arrival, tz=UTC) if arrival else None,
        failure_code=data.get("failure_code") or "",
        failure_message=data.get("failure_message") or "",
    )


def create_connected_account(
    *, tenant_id: int, email: str, business_name: str, country: str, idempotency_key: str
) -> ConnectedAccount:
    """Open the reseller's connected account (it then completes onboarding on Stripe's pages)."""
    params: dict[str, Any] = {
        "email": email,
        "business_profile": {"name": business_name},
        "controller": {
            "fees": {"payer": "account"},
            "losses": {"payments": "stripe"},
            "requirement_collection": "stripe",
            "stripe_dashboard": {"type": "express"},
        },
        "capabilities": {"card_payments": {"requested": True}, "transfers": {"requested": True}},
        "settings": {"payouts": {"schedule": {"interval": "manual"}}},
        "metadata": {"tenant_id": str(tenant_id)},
    }
    if country:
        params["country"] = country
    account = call(
        "open a payout account",
        lambda client: client.v1.accounts.create(params, {"idempotency_key": idempotency_key}),  # type: ignore[arg-type]
    )
    return connected_account_from(as_dict(account))


def onboarding_link(*, account_id: str, refresh_url: str, return_url: str) -> str:
    """A single-use link to Stripe's onboarding pages for the reseller's account."""
    link = call(
        "start onboarding",
        lambda client: client.v1.account_links.create(
            {
                "account": account_id,
                "refresh_url": refresh_url,
                "return_url": return_url,
                "type": "account_onboarding",
            }
        ),
    )
    return str(as_dict(link)["url"])


def retrieve_account(*, account_id: str) -> ConnectedAccount:
    account = call("read the payout account", lambda client: client.v1.accounts.retrieve(account_id))
    return connected_account_from(as_dict(account))


def retrieve_balance(*, account_id: str) -> ProviderBalance:
    """What the processor holds for the reseller, per currency."""
    balance = as_dict(
        call(
            "read the balance",
            lambda client: client.v1.balance.retrieve(options={"stripe_account": account_id}),
        )
    )

    def sums(rows: list[dict[str, Any]]) -> dict[str, Money]:
        result: dict[str, Money] = {}
        for row in rows:
            currency = row["currency"].upper()
            result[currency] = result.get(currency, Money.zero(currency)) + Money(
                int(row["amount"]), currency
            )
        return result

    return ProviderBalance(
        available=sums(balance.get("available", [])), pending=sums(balance.get("pending", []))
    )


def list_balance_transactions(
    *, account_id: str, created_from: datetime, page_size: int = 100
) -> list[ProviderBalanceTransaction]:
    """Every movement on the reseller's balance since ``created_from``, following Stripe's pages."""
    found: list[ProviderBalanceTransaction] = []
    starting_after = ""
    while True:
        params: dict[str, Any] = {"created": {"gte": int(created_from.timestamp())}, "limit": page_size}
        if starting_after:
            params["starting_after"] = starting_after

        def list_page(client: StripeClient, params: dict[str, Any] = params) -> Any:
            return client.v1.balance_transactions.list(params, {"stripe_account": account_id})  # type: ignore[arg-type]

        page = as_dict(call("read the balance transactions", list_page))
        rows = page.get("data", [])
        found.extend(balance_transaction_from(row) for row in rows)
        if not page.get("has_more") or not rows:
            return found
        starting_after = rows[-1]["id"]


def create_payout(
    *, account_id: str, amount: Money, idempotency_key: str, description: str, metadata: dict[str, str]
) -> ProviderPayout:
    """Send ``amount`` from the reseller's balance to its bank (retrying with the same key pays once)."""
    payout = call(
        "send the payout",
        lambda client: client.v1.payouts.create(
            {
                "amount": amount.amount_minor,
                "currency": amount.currency.lower(),
                "description": description,
                "metadata": metadata,
            },
            {"stripe_account": account_id, "idempotency_key": idempotency_key},
        ),
    )
    return payout_from(as_dict(payout))


def collect_fees(*, account_id: str, amount: Money, idempotency_key: str, description: str) -> str:
    """Debit platform fees owed on reseller-collected sales from the reseller's balance to the platform."""
    transfer = call(
        "collect the platform's fees",
        lambda client: client.v1.transfers.create(
            {
                "amount": amount.amount_minor,
                "currency": amount.currency.lower(),
                "destination": settings.STRIPE_PLATFORM_ACCOUNT_ID,
                "description": description,
            },
            {"stripe_account": account_id, "idempotency_key": idempotency_key},
        ),
    )
    return str(as_dict(transfer)["id"])


def direct_charge_terms(*, account_id: str, application_fee: Money) -> tuple[dict[str, Any], dict[str, str]]:
    """Params and request options a card payment adds to create a direct charge with the platform's fee."""
    return {"application_fee_amount": application_fee.amount_minor}, {"stripe_account": account_id}
