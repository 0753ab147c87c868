"""Reseller lifecycle: provision, suspend, resume, close. The only writers of tenants.

Provisioning is one transaction: claim a spare schema (or migrate a new one),
rename it to the reseller's slug, write the tenant, its primary domain and its
owner account. Any failure rolls all of it back, schema rename included.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, ProgrammingError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from accounts.models import User
from accounts.services import create_invited_staff, invitation_path
from core.side_effects import after_commit, enqueue_after_commit
from core.tasks import send_email
from tenants import pool, routing
from tenants.errors import TenantError, TenantErrorCode
from tenants.models import AuditEntry, Domain, Tenant
from tenants.selectors import hostname_taken, is_platform_hostname, platform_subdomain_of
from tenants.tasks import top_up_schema_pool
from tenants.validation import (
    clean_country,
    clean_currency,
    clean_email,
    clean_hostname,
    clean_language,
    clean_name,
    clean_slug,
    default_hostname,
)


@dataclass(frozen=True)
class ProvisionedTenant:
    tenant: Tenant
    domain: Domain
    owner_email: str
    invitation_url: str
    from_pool: bool


def public_url(hostname: str, path: str = "/") -> str:
    port = settings.PLATFORM_PUBLIC_PORT
    default_port = {"http": "80", "https": "443"}[settings.PLATFORM_PUBLIC_URL_SCHEME]
    netloc = hostname if not port or port == default_port else f"{hostname}:{port}"
    return f"{settings.PLATFORM_PUBLIC_URL_SCHEME}://{netloc}{path}"


def _plan_model() -> Any:
    # The plan lives in billing/; tenants/ reaches it through the relation, not an import.
    return Tenant._meta.get_field("plan").related_model


def _audit(action: str, *, tenant: Tenant | None, actor: User | None, **data: Any) -> None:
    AuditEntry.objects.create(
        action=action, tenant=tenant, actor=actor if actor and actor.pk else None, data=data
    )


@dataclass(frozen=True)
class ProvisioningRequest:
    name: str
    slug: str
    hostname: str
    owner_email: str
    plan: Any
    default_language: str
    default_currency: str
    country: str


def clean_provisioning_request(
    *,
    name: str,
    slug: str,
    owner_email: str,
    plan_code: str | None = None,
    hostname: str | None = None,
    default_language: str = "en",
    default_currency: str = "EUR",
    country: str = "",
) -> ProvisioningRequest:
    """Check a provisioning request without changing anything; raises TenantError with the field at fault."""
    slug = clean_slug(slug)
    hostname = clean_hostname(hostname or default_hostname(slug))
    plan = None
    if plan_code:
        plan = _plan_model().objects.filter(code=plan_code).first()
        if plan is None:
            raise TenantError(
                TenantErrorCode.PLAN_UNKNOWN,
                _("There is no plan “%(plan)s”.") % {"plan": plan_code},
                field="plan",
            )
    request = ProvisioningRequest(
        name=clean_name(name),
        slug=slug,
        hostname=hostname,
        owner_email=clean_email(owner_email),
        plan=plan,
        default_language=clean_language(default_language),
        default_currency=clean_currency(default_currency),
        country=clean_country(country),
    )
    _refuse_taken(slug, hostname)
    return request


def provision_tenant(
    *,
    name: str,
    slug: str,
    owner_email: str,
    plan_code: str | None = None,
    hostname: str | None = None,
    default_language: str = "en",
    default_currency: str = "EUR",
    country: str = "",
    actor: User | None = None,
) -> ProvisionedTenant:
    """Create a reseller with its schema, primary domain and invited owner, all or nothing."""
    request = clean_provisioning_request(
        name=name,
        slug=slug,
        owner_email=owner_email,
        plan_code=plan_code,
        hostname=hostname,
        default_language=default_language,
        default_currency=default_currency,
        country=country,
    )
    name, slug, hostname, owner_email = request.name, request.slug, request.hostname, request.owner_email
    plan = request.plan
    try:
        with transaction.atomic(durable=True):
            tenant = pool.claim_pooled_tenant()
            from_pool = tenant is not None
            if tenant is not None:
                # Rename first: saving a tenant whose schema does not exist would build a new one.
                pool.rename_schema(tenant.schema_name, slug)
                tenant.schema_name = slug
            else:
                tenant = Tenant(schema_name=slug)
            tenant.name = name
            tenant.status = Tenant.Status.TRIAL
            tenant.plan = plan
            tenant.default_language = request.default_language
            tenant.default_currency = request.default_currency
            tenant.country = request.country
            tenant.save(verbosity=0)  # without a pooled schema, this creates and migrates one
            domain = Domain.objects.create(tenant=tenant, domain=hostname, is_primary=True)
            with schema_context(slug):
                _seed_shop(name=name)
                owner = create_invited_staff(email=owner_email, is_superuser=True)
                invitation_url = public_url(hostname, invitation_path(owner))
            _audit("tenant.provisioned", tenant=tenant, actor=actor, slug=slug, from_pool=from_pool)
            after_commit(_send_owner_invitation, name=name, email=owner_email, url=invitation_url)
            if from_pool:
                enqueue_after_commit(top_up_schema_pool)
    except IntegrityError as error:
        # A concurrent provisioning took the slug or hostname between the check and the insert.
        _refuse_taken(slug, hostname)
        raise TenantError(TenantErrorCode.SLUG_TAKEN, _("The slug or hostname is already taken.")) from error
    except ProgrammingError as error:
        if "already exists" in str(error):  # ALTER SCHEMA … RENAME onto an existing schema
            raise TenantError(
                TenantErrorCode.SLUG_TAKEN,
                _("The slug “%(slug)s” is already taken.") % {"slug": slug},
                field="slug",
            ) from error
        raise
    return ProvisionedTenant(
        tenant=tenant,
        domain=domain,
        owner_email=owner_email,
        invitation_url=invitation_url,
        from_pool=from_pool,
    )


def _refuse_taken(slug: str, hostname: str) -> None:
    schema_exists = Tenant.objects.filter(schema_name__iexact=slug).exists()
    if not schema_exists:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [slug])
            schema_exists = cursor.fetchone() is not None
    if schema_exists:
        raise TenantError(
            TenantErrorCode.SLUG_TAKEN,
            _("The slug “%(slug)s” is already taken.") % {"slug": slug},
            field="slug",
        )
    if Domain.objects.filter(domain=hostname).exists():
        raise TenantError(
            TenantErrorCode.HOSTNAME_TAKEN,
            _("The hostname “%(hostname)s” is already taken.") % {"hostname": hostname},
            field="hostname",
        )


def _seed_shop(*, name: str) -> None:
    """What every new shop starts with, inside its schema."""
    from branding.services import set_theme  # branding is a tenant app wired in by provisioning

    set_theme(display_name=name)


def _send_owner_invitation(*, name: str, email: str, url: str) -> None:
    send_email.delay(
        to=[email],
        subject=f"Your ticket shop {name} is ready",
        body=(
            f"Hello,\n\nyour ticket shop “{name}” has been created.\n"
            f"Set your password to sign in to its back office:\n\n{url}\n\n"
            "The link is valid for 7 days.\n"
        ),
    )


def suspend_tenant(*, tenant: Tenant, actor: User | None, reason: str = "") -> Tenant:
    """Take a reseller's storefront and API offline (503), keeping all its data."""
    with transaction.atomic(durable=True):
        tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
        if not tenant.serves_storefront:
            raise TenantError(
                TenantErrorCode.STATUS_CONFLICT,
                f"A {tenant.get_status_display().lower()} reseller cannot be suspended.",
            )
        previous = tenant.status
        tenant.status = Tenant.Status.SUSPENDED
        tenant.save(update_fields=["status", "updated_at"])
        _audit("tenant.suspended", tenant=tenant, actor=actor, previous_status=previous, reason=reason)
    return tenant


def resume_tenant(*, tenant: Tenant, actor: User | None) -> Tenant:
    """Bring a suspended reseller back to the status it had before."""
    with transaction.atomic(durable=True):
        tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
        if tenant.status != Tenant.Status.SUSPENDED:
            raise TenantError(TenantErrorCode.STATUS_CONFLICT, "Only a suspended reseller can be resumed.")
        last = (
            AuditEntry.objects.filter(tenant=tenant, action="tenant.suspended")
            .order_by("-created_at", "-pk")
            .first()
        )
        tenant.status = (last.data.get("previous_status") if last else None) or Tenant.Status.ACTIVE
        tenant.save(update_fields=["status", "updated_at"])
        _audit("tenant.resumed", tenant=tenant, actor=actor, status=tenant.status)
    return tenant


def assign_plan(*, tenant: Tenant, plan: Any, actor: User | None) -> Tenant:
    """Put a reseller on a plan, inside the caller's transaction (billing's subscription services)."""
    if not connection.in_atomic_block:
        raise RuntimeError("A plan is assigned inside the caller's transaction.")
    tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
    previous = tenant.plan_id
    tenant.plan = plan
    tenant.save(update_fields=["plan", "updated_at"])
    _audit(
        "tenant.plan_assigned",
        tenant=tenant,
        actor=actor,
        plan=getattr(plan, "code", None),
        previous=previous,
    )
    return tenant


def close_tenant(*, tenant: Tenant, actor: User | None) -> Path:
    """Close a reseller for good: dump its schema to a file, then drop the schema and free its hostnames."""
    if tenant.is_public or tenant.status in (Tenant.Status.CLOSED, Tenant.Status.POOLED):
        raise TenantError(TenantErrorCode.STATUS_CONFLICT, "This reseller cannot be closed.")
    dump = _dump_schema(tenant.schema_name)
    with transaction.atomic(durable=True):
        tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
        routing.forget_tenant(tenant)  # the bulk delete below bypasses Domain.delete()
        hostnames = list(Domain.objects.filter(tenant=tenant).values_list("domain", flat=True))
        Domain.objects.filter(tenant=tenant).delete()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA "{tenant.schema_name}" CASCADE')
        tenant.status = Tenant.Status.CLOSED
        tenant.save(update_fields=["status", "updated_at"])
        _audit("tenant.closed", tenant=tenant, actor=actor, dump=str(dump), hostnames=hostnames)
    return dump


def _dump_schema(schema: str) -> Path:
    """pg_dump one schema (custom format) into TENANT_DUMP_DIR; raises when the dump fails."""
    database = settings.DATABASES["default"]
    directory = Path(settings.TENANT_DUMP_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{schema}-{timezone.now():%Y%m%dT%H%M%S}.dump"
    command = [
        settings.PG_DUMP_BINARY,
        "--format=custom",
        f"--schema={schema}",
        f"--file={target}",
        f"--host={database['HOST']}",
        f"--username={database['USER']}",
        f"--dbname={database['NAME']}",
    ]
    if database.get("PORT"):
        command.append(f"--port={database['PORT']}")
    environment = {"PGPASSWORD": str(database.get("PASSWORD", "")), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(command, capture_output=True, text=True, env=environment, check=False)
    if result.returncode != 0:
        target.unlink(missing_ok=True)
        raise TenantError(
            TenantErrorCode.STATUS_CONFLICT,
            f"Could not dump schema {schema}: {result.stderr.strip()}",
            http_status=500,
        )
    return target


def route_custom_domain(*, tenant: Tenant, hostname: str, requested_by: str = "") -> Domain:
    """Serve a reseller on a hostname it has proven to own (in the caller's transaction).

    ``requested_by`` names the reseller's staff member for the control-plane record; their
    account lives in the reseller's schema, so it cannot be the audit row's actor.
    """
    hostname = clean_hostname(hostname)
    if is_platform_hostname(hostname):
        raise TenantError(
            TenantErrorCode.HOSTNAME_INVALID,
            f"“{hostname}” belongs to the platform; use a hostname of your own domain.",
            field="hostname",
        )
    if hostname_taken(hostname):
        raise TenantError(
            TenantErrorCode.HOSTNAME_TAKEN,
            _("The hostname “%(hostname)s” is already taken.") % {"hostname": hostname},
            field="hostname",
        )
    try:
        # A savepoint: a concurrent claim of the same name must not break the caller's transaction.
        with transaction.atomic():
            domain = Domain.objects.create(tenant=tenant, domain=hostname, is_primary=False)
    except IntegrityError:
        raise TenantError(
            TenantErrorCode.HOSTNAME_TAKEN,
            _("The hostname “%(hostname)s” is already taken.") % {"hostname": hostname},
            field="hostname",
        ) from None
    _audit("domain.routed", tenant=tenant, actor=None, hostname=hostname, requested_by=requested_by)
    return domain


def add_domain(*, tenant: Tenant, hostname: str, actor: User | None) -> Domain:
    """A platform admin routes a hostname to a reseller directly (no DNS proof asked of them)."""
    with transaction.atomic(durable=True):
        domain = route_custom_domain(
            tenant=tenant, hostname=hostname, requested_by=actor.email if actor is not None else ""
        )
    return domain


def unroute_custom_domain(*, tenant: Tenant, hostname: str, requested_by: str = "") -> None:
    """Stop serving a reseller on one of its custom hostnames (in the caller's transaction)."""
    domain = Domain.objects.select_for_update().filter(tenant=tenant, domain=hostname).first()
    if domain is None:
        return
    if domain.is_primary or hostname == platform_subdomain_of(tenant):
        raise TenantError(
            TenantErrorCode.STATUS_CONFLICT,
            f"“{hostname}” is the shop's main address; make another hostname the main one first.",
            field="hostname",
        )
    domain.delete()
    _audit("domain.unrouted", tenant=tenant, actor=None, hostname=hostname, requested_by=requested_by)


def make_primary_domain(*, tenant: Tenant, hostname: str, requested_by: str = "") -> Domain:
    """Make one of a reseller's hostnames the one its links and e-mails use (in the caller's transaction)."""
    domains = list(Domain.objects.select_for_update().filter(tenant=tenant).order_by("pk"))
    chosen = next((domain for domain in domains if domain.domain == hostname), None)
    if chosen is None:
        raise TenantError(
            TenantErrorCode.HOSTNAME_INVALID, f"“{hostname}” is not one of this shop's hostnames."
        )
    if chosen.is_primary:
        return chosen
    for domain in domains:
        if domain.is_primary:
            domain.is_primary = False
            domain.save(update_fields=["is_primary"])  # first: one primary per tenant is a constraint
    chosen.is_primary = True
    chosen.save(update_fields=["is_primary"])
    _audit("domain.made_primary", tenant=tenant, actor=None, hostname=hostname, requested_by=requested_by)
    return chosen


def ensure_platform_tenant(*, hostnames: list[str]) -> Tenant:
    """The public schema's own tenant row and the platform console's hostnames (idempotent)."""
    with transaction.atomic():
        tenant, _ = Tenant.objects.get_or_create(
            schema_name="public", defaults={"name": "Platform", "status": Tenant.Status.ACTIVE}
        )
        for index, hostname in enumerate(hostnames):
            Domain.objects.get_or_create(
                domain=hostname, defaults={"tenant": tenant, "is_primary": index == 0}
            )
    return tenant
