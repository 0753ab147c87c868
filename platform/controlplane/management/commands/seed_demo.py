"""Demo data: the platform console and two resellers that look and sell differently."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import User
from billing.payouts.models import PayoutSchedule
from billing.payouts.services import set_payout_schedule
from branding.models import LegalPage
from branding.services import set_legal_page, set_theme, translate_content
from tenants.models import Tenant
from tenants.services import ensure_platform_tenant, provision_tenant, public_url
from ticketing.catalog import services as catalog
from ticketing.catalog.models import Event, TicketType
from ticketing.discounts.models import Discount
from ticketing.discounts.services import create_discount
from ticketing.team.roles import Role
from ticketing.team.services import invite_member

PLATFORM_ADMIN = ("admin@platform.localhost", "demo-admin-2026")
# One demo login per back-office role besides the owner: <role>@<slug>.example, the shop's password.
TEAM_ROLES = (Role.MANAGER, Role.BOX_OFFICE, Role.SCANNER, Role.ANALYST)


@dataclass(frozen=True)
class DemoReseller:
    slug: str
    name: str
    language: str
    currency: str
    country: str
    owner: tuple[str, str]
    colors: dict[str, str]
    events: tuple[str, ...]
    venue: str
    city: str
    timezone: str
    price_minor: int
    imprint: str
    english_event_names: tuple[str, ...] = ()
    plan: str | None = None  # None: custom terms (no plan limits, none of the plan features)
    promo_code: str = "DEMO10"

    def member_email(self, role: Role) -> str:
        return f"{role.value.replace('_', '-')}@{self.slug}.example"


RESELLERS = [
    DemoReseller(
        slug="acme",
        name="Acme Live",
        language="en",
        currency="USD",
        country="US",
        owner=("owner@acme.example", "acme-demo-2026"),
        colors={"primary_color": "#1f4fd1", "accent_color": "#f2a900"},
        events=("Jazz under the Stars", "Indie Rock Night"),
        venue="Harbor Hall",
        city="Boston",
        timezone="America/New_York",
        price_minor=4500,
        imprint="Acme Live Inc.\n100 Demo Avenue, Springfield",
        plan="growth",
    ),
    DemoReseller(
        slug="bravo",
        name="Bravo Tickets",
        language="de",
        currency="EUR",
        country="DE",
        owner=("owner@bravo.example", "bravo-demo-2026"),
        colors={"primary_color": "#0b6e4f", "accent_color": "#e4572e"},
        events=("Sommerfest Berlin", "Klassik im Park"),
        venue="Parkbühne",
        city="Berlin",
        timezone="Europe/Berlin",
        price_minor=3900,
        imprint="Bravo Tickets GmbH\nDemostraße 1, 10115 Berlin\nHandelsregister: HRB 000000 (Demo)",
        english_event_names=("Summer Festival Berlin", "Classics in the Park"),
    ),
]


class Command(BaseCommand):
    help = "Create (or keep) the demo platform admin and the Acme and Bravo resellers."

    def handle(self, *args: Any, **options: Any) -> None:
        # 127.0.0.1 too, so the console answers on the bare address the server listens on.
        ensure_platform_tenant(hostnames=[settings.PLATFORM_HOST, "127.0.0.1"])
        if not User.objects.filter(email=PLATFORM_ADMIN[0]).exists():
            User.objects.create_superuser(*PLATFORM_ADMIN)
        lines = [
            f"Platform console: {public_url(settings.PLATFORM_HOST, '/admin/')}  "
            f"login {PLATFORM_ADMIN[0]} / {PLATFORM_ADMIN[1]}"
        ]
        for reseller in RESELLERS:
            slug = reseller.slug
            if not Tenant.objects.filter(schema_name=slug).exists():
                provision_tenant(
                    name=reseller.name,
                    slug=slug,
                    owner_email=reseller.owner[0],
                    default_language=reseller.language,
                    default_currency=reseller.currency,
                    country=reseller.country,
                    plan_code=reseller.plan,
                )
            tenant = Tenant.objects.get(schema_name=slug)
            with tenant_context(tenant):
                owner = User.objects.get(email=reseller.owner[0])
                if not owner.has_usable_password():
                    owner.set_password(reseller.owner[1])
                    owner.save(update_fields=["password"])
                set_theme(display_name=reseller.name, **reseller.colors)
                if not Event.objects.exists():
                    self._seed_catalog(reseller, owner)
                if not LegalPage.objects.filter(kind=LegalPage.Kind.IMPRINT).exists():
                    set_legal_page(actor=owner, kind=LegalPage.Kind.IMPRINT, body=reseller.imprint)
                for offset, english_name in enumerate(reseller.english_event_names, start=1):
                    event = Event.objects.get(slug=f"event-{offset}")
                    translate_content(actor=owner, target=event, language="en", texts={"name": english_name})
                if not Discount.objects.exists():
                    self._seed_discounts(reseller, owner)
                hostname = tenant.get_primary_domain().domain
                self._seed_team(reseller, owner, link_base=public_url(hostname))
            if not PayoutSchedule.objects.filter(tenant=tenant).exists():
                set_payout_schedule(
                    tenant=tenant, actor=None, interval="weekly", weekly_anchor=0, holding_days=3
                )
            lines.append(
                f"{tenant.name}: {public_url(hostname)}  back office {public_url(hostname, '/backoffice/')}  "
                f"login {reseller.owner[0]} / {reseller.owner[1]} (owner); "
                + ", ".join(reseller.member_email(role) for role in TEAM_ROLES)
                + f" with the same password; promo code {reseller.promo_code}"
            )
        self.stdout.write("\n".join(lines))

    def _seed_catalog(self, reseller: DemoReseller, owner: User) -> None:
        venue = catalog.create_venue(
            actor=owner,
            name=reseller.venue,
            city=reseller.city,
            country=reseller.country,
            timezone=reseller.timezone,
        )
        start = timezone.now().replace(hour=19, minute=0, second=0, microsecond=0)
        for offset, event_name in enumerate(reseller.events, start=1):
            starts_at = start + timedelta(days=14 * offset)
            event = catalog.create_event(
                actor=owner,
                capacity=500,
                name=event_name,
                slug=f"event-{offset}",
                description=f"{event_name} at {reseller.venue}.",
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=3),
                timezone=reseller.timezone,
                venue=venue,
            )
            catalog.create_ticket_type(
                actor=owner,
                event=event,
                quantity=400,
                name="General admission",
                price_minor=reseller.price_minor,
            )
            catalog.create_ticket_type(
                actor=owner,
                event=event,
                quantity=100,
                name="VIP",
                kind=TicketType.Kind.VIP,
                price_minor=reseller.price_minor * 3,
                max_per_order=4,
            )
            catalog.publish_event(actor=owner, event=event)

    def _seed_discounts(self, reseller: DemoReseller, owner: User) -> None:
        """A promo code for every event, a group discount and a package on the first event."""
        first = Event.objects.get(slug="event-1")
        general = TicketType.objects.get(event=first, name="General admission")
        create_discount(
            actor=owner,
            kind=Discount.Kind.PERCENT,
            name="Demo: 10 % off",
            code=reseller.promo_code,
            percent_bp=1000,
            usage_limit=100,
        )
        create_discount(
            actor=owner, kind=Discount.Kind.GROUP, name="Groups of 6 or more: 15 % off", event=first,
            percent_bp=1500, min_tickets=6,
        )  # fmt: skip
        create_discount(
            actor=owner, kind=Discount.Kind.PACKAGE, name="Friends bundle: 4 tickets", event=first,
            package={general.pk: 4}, amount_minor=reseller.price_minor * 3,
        )  # fmt: skip

    def _seed_team(self, reseller: DemoReseller, owner: User, *, link_base: str) -> None:
        """One team member per role, signed up with the shop's demo password."""
        for role in TEAM_ROLES:
            email = reseller.member_email(role)
            if User.objects.filter(email=email, is_active=True).exists():
                continue
            member = invite_member(
                actor=owner, email=email, role=role, full_name=f"Demo {role.label}", link_base=link_base
            ).user
            member.set_password(reseller.owner[1])
            member.save(update_fields=["password"])
