"""Self-service sign-up on the platform host: a new reseller picks a plan, a name and a subdomain.

Provisioning claims a spare, migrated schema (a rename, well under a second), creates the
shop with its theme and invites the owner by e-mail after commit; the trial subscription
starts at once and reaches Stripe after commit, so the new reseller never waits for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from billing.errors import BillingError, BillingErrorCode
from billing.models import Plan, Subscription
from billing.subscriptions import start_subscription
from tenants.models import Tenant
from tenants.services import clean_provisioning_request, provision_tenant


@dataclass(frozen=True)
class SignUp:
    tenant: Tenant
    subscription: Subscription
    invitation_url: str


def public_plan(plan_code: str) -> Plan:
    plan = Plan.objects.filter(code=plan_code, is_public=True).first()
    if plan is None:
        raise BillingError(BillingErrorCode.UNKNOWN_PLAN, _("Choose one of the plans shown."), field="plan")
    return plan


def check_sign_up(
    *, plan_code: str, name: str, subdomain: str, owner_email: str, default_currency: str, country: str = ""
) -> None:
    """Refuse bad sign-up input without changing anything (the form shows the message on its field)."""
    public_plan(plan_code)
    clean_provisioning_request(
        name=name,
        slug=subdomain,
        owner_email=owner_email,
        plan_code=plan_code,
        default_currency=default_currency,
        country=country,
    )


def sign_up_reseller(
    *,
    plan_code: str,
    name: str,
    subdomain: str,
    owner_email: str,
    default_currency: str = "EUR",
    default_language: str = "en",
    country: str = "",
) -> SignUp:
    """Create the reseller's shop on its subdomain, start its trial and invite its owner."""
    plan = public_plan(plan_code)
    provisioned = provision_tenant(
        name=name,
        slug=subdomain,
        owner_email=owner_email,
        plan_code=plan.code,
        default_currency=default_currency,
        default_language=default_language,
        country=country,
    )
    subscription = start_subscription(
        tenant=provisioned.tenant, plan=plan, billing_email=provisioned.owner_email, actor=None
    )
    return SignUp(
        tenant=provisioned.tenant, subscription=subscription, invitation_url=provisioned.invitation_url
    )
