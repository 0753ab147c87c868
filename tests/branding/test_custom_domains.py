"""Custom domains: routed only after a DNS TXT record proves ownership; every refusal changes nothing.

DNS answers come from a real DNS server in the test process (see dns_server.py), asked by
the production dnspython resolver.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from billing.errors import BillingError, BillingErrorCode
from billing.models import Plan
from branding.errors import BrandingError, BrandingErrorCode
from branding.models import CustomDomainRequest
from branding.services import (
    check_pending_custom_domains,
    make_main_hostname,
    remove_custom_domain,
    request_custom_domain,
    verify_custom_domain,
)
from branding.tasks import verify_custom_domains_everywhere
from tenants.models import AuditEntry, Domain, Tenant
from ticketing.audit.models import LogEntry

from .dns_server import InMemoryZone

HOSTNAME = "tickets.acme-events.example"


def on_plan(tenant: Tenant, code: str) -> None:
    Tenant.objects.filter(pk=tenant.pk).update(plan=Plan.objects.get(code=code))


@pytest.fixture
def acme_growth(acme: Tenant, nameserver: str) -> Tenant:
    on_plan(acme, "growth")
    return acme


def publish_txt(zone: InMemoryZone, request: CustomDomainRequest) -> None:
    zone.add_txt(request.txt_record_name, "v=spf1 -all", request.txt_record_value)


def test_without_the_plan_feature_nothing_is_requested(acme: Tenant, in_acme: Tenant) -> None:
    on_plan(acme, "starter")
    with pytest.raises(BillingError) as refused:
        request_custom_domain(actor=None, hostname=HOSTNAME)
    assert refused.value.code == BillingErrorCode.FEATURE_NOT_IN_PLAN
    assert refused.value.http_status == 403
    assert (
        refused.value.message == "The feature “Custom domains” is not part of your plan. Upgrade to use it."
    )
    assert not CustomDomainRequest.objects.exists()


def test_beyond_the_plans_custom_domain_limit_nothing_is_requested(
    acme_growth: Tenant, in_acme: Tenant
) -> None:
    Plan.objects.filter(code="growth").update(limits={"events": 50, "staff_seats": 10, "custom_domains": 1})
    first = request_custom_domain(actor=None, hostname=HOSTNAME)  # pending requests count
    with pytest.raises(BillingError) as refused:
        request_custom_domain(actor=None, hostname="shop.acme-two.example")
    assert refused.value.code == BillingErrorCode.LIMIT_REACHED
    assert refused.value.extra == {"limit": "custom_domains", "allowed": 1, "in_use": 1}
    assert list(CustomDomainRequest.objects.all()) == [first]


@pytest.mark.parametrize(
    ("hostname", "code"),
    [
        ("not a hostname", BrandingErrorCode.HOSTNAME_INVALID),
        ("localhost", BrandingErrorCode.HOSTNAME_INVALID),
        ("bravo.localhost", BrandingErrorCode.HOSTNAME_PLATFORM),
        ("shop.acme.localhost", BrandingErrorCode.HOSTNAME_PLATFORM),
    ],
)
def test_bad_or_platform_hostnames_are_refused(acme_growth: Tenant, in_acme: Tenant, hostname, code) -> None:
    with pytest.raises(BrandingError) as refused:
        request_custom_domain(actor=None, hostname=hostname)
    assert (refused.value.code, refused.value.field) == (code, "hostname")
    assert not CustomDomainRequest.objects.exists()


def test_a_hostname_another_shop_uses_is_refused(acme_growth: Tenant, bravo: Tenant, in_acme: Tenant) -> None:
    Domain.objects.create(tenant=bravo, domain="tickets.bravo.example", is_primary=False)
    with pytest.raises(BrandingError) as refused:
        request_custom_domain(actor=None, hostname="Tickets.Bravo.Example.")
    assert refused.value.code == BrandingErrorCode.HOSTNAME_TAKEN
    assert refused.value.message == "“tickets.bravo.example” is already in use on this platform."
    assert not CustomDomainRequest.objects.exists()


def test_asking_twice_returns_the_same_pending_request(acme_growth: Tenant, in_acme: Tenant) -> None:
    first = request_custom_domain(actor=None, hostname=HOSTNAME)
    assert request_custom_domain(actor=None, hostname=HOSTNAME.upper()) == first
    assert first.txt_record_name == f"_ticketing-challenge.{HOSTNAME}"
    assert first.txt_record_value == f"ticketing-verification={first.token}"
    assert len(first.token) == 32
    assert LogEntry.objects.filter(action="custom_domain.requested").count() == 1


@pytest.mark.parametrize(
    ("records", "code", "message"),
    [
        ({}, BrandingErrorCode.VERIFICATION_FAILED, "No TXT record was found at _ticketing-challenge."),
        (
            {"txt": ["ticketing-verification=someone-elses-token"]},
            BrandingErrorCode.VERIFICATION_FAILED,
            "does not hold ticketing-verification=",
        ),
        ({"failing": True}, BrandingErrorCode.DNS_UNAVAILABLE, "DNS did not answer"),
        ({"silent": True}, BrandingErrorCode.DNS_UNAVAILABLE, "try again in a few minutes"),
    ],
)
def test_failed_verification_says_why_and_changes_nothing(
    acme_growth: Tenant, in_acme: Tenant, zone: InMemoryZone, records, code, message
) -> None:
    request = request_custom_domain(actor=None, hostname=HOSTNAME)
    name = request.txt_record_name
    for value in records.get("txt", []):
        zone.add_txt(name, value)
    if records.get("failing"):
        zone.failing.add(name)
    if records.get("silent"):
        zone.silent.add(name)

    with pytest.raises(BrandingError) as refused:
        verify_custom_domain(actor=None, request=request)

    assert refused.value.code == code
    assert message in refused.value.message
    assert name in zone.queries  # the real resolver asked the real (in-process) server
    assert not Domain.objects.filter(domain=HOSTNAME).exists()
    request.refresh_from_db()
    assert (request.status, request.verified_at, request.last_checked_at) == ("pending", None, None)


def test_a_matching_txt_record_routes_the_hostname_to_the_shop(
    acme_growth: Tenant, in_acme: Tenant, zone: InMemoryZone
) -> None:
    request = request_custom_domain(actor=None, hostname=HOSTNAME)
    assert Client(HTTP_HOST=HOSTNAME).get("/").status_code == 404  # not routed before the proof

    publish_txt(zone, request)
    with tenant_context(acme_growth):  # a request through the test client leaves the connection elsewhere
        verified = verify_custom_domain(actor=None, request=request)

    assert verified.status == "verified" and verified.verified_at is not None
    domain = Domain.objects.get(domain=HOSTNAME)
    assert domain.tenant_id == acme_growth.pk and not domain.is_primary
    assert AuditEntry.objects.filter(
        action="domain.routed", tenant=acme_growth, data__hostname=HOSTNAME
    ).exists()
    with tenant_context(acme_growth):
        assert LogEntry.objects.filter(action="custom_domain.verified").exists()
    page = Client(HTTP_HOST=HOSTNAME).get("/")
    assert page.status_code == 200 and "Acme Live" in page.content.decode()
    # Verifying again is harmless.
    with tenant_context(acme_growth):
        assert verify_custom_domain(actor=None, request=verified).status == "verified"
    assert Domain.objects.filter(domain=HOSTNAME).count() == 1


def test_when_another_shop_was_routed_first_verification_changes_nothing(
    acme_growth: Tenant, bravo: Tenant, in_acme: Tenant, zone: InMemoryZone
) -> None:
    request = request_custom_domain(actor=None, hostname=HOSTNAME)
    publish_txt(zone, request)
    Domain.objects.create(tenant=bravo, domain=HOSTNAME, is_primary=False)

    with pytest.raises(BrandingError) as refused:
        verify_custom_domain(actor=None, request=request)

    assert refused.value.code == BrandingErrorCode.HOSTNAME_TAKEN
    assert Domain.objects.get(domain=HOSTNAME).tenant_id == bravo.pk
    request.refresh_from_db()
    assert request.status == "pending"


def test_the_periodic_task_verifies_notes_problems_and_expires_in_every_shop(
    acme_growth: Tenant, bravo: Tenant, zone: InMemoryZone
) -> None:
    on_plan(bravo, "growth")
    with tenant_context(acme_growth):
        proven = request_custom_domain(actor=None, hostname=HOSTNAME)
        publish_txt(zone, proven)
        stale = request_custom_domain(actor=None, hostname="old.acme-events.example")
        CustomDomainRequest.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(days=8))
    with tenant_context(bravo):
        waiting = request_custom_domain(actor=None, hostname="karten.bravo.example")

    assert verify_custom_domains_everywhere.delay().get() == {"verified": 1, "still_pending": 1, "expired": 1}

    assert Domain.objects.get(domain=HOSTNAME).tenant_id == acme_growth.pk
    with tenant_context(acme_growth):
        assert CustomDomainRequest.objects.get(pk=stale.pk).status == "expired"
    with tenant_context(bravo):
        waiting.refresh_from_db()
        assert waiting.status == "pending"
        assert waiting.last_checked_at is not None
        assert waiting.last_problem.startswith("No TXT record was found at _ticketing-challenge.karten")
        # The record shows up later: the next run routes it.
        publish_txt(zone, waiting)
        assert check_pending_custom_domains().verified == ["karten.bravo.example"]
    assert Domain.objects.get(domain="karten.bravo.example").tenant_id == bravo.pk


def test_removing_a_verified_domain_stops_routing_it(acme_growth: Tenant, in_acme: Tenant, zone) -> None:
    request = request_custom_domain(actor=None, hostname=HOSTNAME)
    publish_txt(zone, request)
    verify_custom_domain(actor=None, request=request)
    assert Client(HTTP_HOST=HOSTNAME).get("/").status_code == 200

    with tenant_context(acme_growth):
        removed = remove_custom_domain(actor=None, request=request)

    assert removed.status == "removed"
    assert not Domain.objects.filter(domain=HOSTNAME).exists()
    assert Client(HTTP_HOST=HOSTNAME).get("/").status_code == 404
    # The hostname may be asked for again, with a new token.
    with tenant_context(acme_growth):
        again = request_custom_domain(actor=None, hostname=HOSTNAME)
    assert again.pk != request.pk and again.token != request.token


def test_the_main_address_can_move_to_a_verified_domain_and_back(
    acme_growth: Tenant, in_acme: Tenant, zone: InMemoryZone
) -> None:
    request = request_custom_domain(actor=None, hostname=HOSTNAME)
    publish_txt(zone, request)
    verify_custom_domain(actor=None, request=request)

    make_main_hostname(actor=None, hostname=HOSTNAME)
    assert Tenant.objects.get(pk=acme_growth.pk).get_primary_domain().domain == HOSTNAME
    with pytest.raises(BrandingError, match="make another hostname the main one first"):
        remove_custom_domain(actor=None, request=request)
    assert Domain.objects.filter(domain=HOSTNAME).exists()

    make_main_hostname(actor=None, hostname="acme.localhost")
    assert Tenant.objects.get(pk=acme_growth.pk).get_primary_domain().domain == "acme.localhost"
    with pytest.raises(BrandingError, match="not one of this shop's hostnames"):
        make_main_hostname(actor=None, hostname="bravo.localhost")


def test_the_tls_proxy_may_issue_certificates_only_for_routed_open_shops(
    acme_growth: Tenant, in_acme: Tenant, zone: InMemoryZone
) -> None:
    proxy = Client(HTTP_HOST="127.0.0.1:8000")
    ask = "/internal/tls/allowed-hostname/"
    assert proxy.get(ask, {"domain": HOSTNAME}).status_code == 404
    with tenant_context(acme_growth):
        request = request_custom_domain(actor=None, hostname=HOSTNAME)
        publish_txt(zone, request)
        verify_custom_domain(actor=None, request=request)
    assert proxy.get(ask, {"domain": HOSTNAME}).status_code == 200
    assert proxy.get(ask, {"domain": "acme.localhost"}).status_code == 200
    assert proxy.get(ask, {"domain": "localhost"}).status_code == 404  # the console has its own certificate
    assert proxy.get(ask).status_code == 404
    Tenant.objects.filter(pk=acme_growth.pk).update(status=Tenant.Status.SUSPENDED)
    assert proxy.get(ask, {"domain": HOSTNAME}).status_code == 404


def test_the_resolver_class_comes_from_settings(acme_growth: Tenant, in_acme: Tenant, settings) -> None:
    settings.CUSTOM_DOMAIN_TXT_RESOLVER = "tests.branding.test_custom_domains.EveryNameProves"
    request = request_custom_domain(actor=None, hostname=HOSTNAME)
    EveryNameProves.value = request.txt_record_value
    assert verify_custom_domain(actor=None, request=request).status == "verified"


class EveryNameProves:
    """A resolver of the test's own, to show that settings choose the class."""

    value = ""

    def txt_records(self, name: str) -> list[str]:
        return [self.value]
