"""Demo data: the platform console and two resellers that look and sell differently."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.models import User
from branding.models import LegalPage
from branding.services import set_legal_page, set_theme, translate_content
from tenants.models import Tenant
from tenants.services import ensure_platform_tenant, provision_tenant, public_url
from ticketing.catalog.models import Event

PLATFORM_ADMIN = ("admin@platform.localhost", "demo-admin-2026")


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
    imprint: str
    english_event_names: tuple[str, ...] = ()


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
        imprint="Acme Live Inc.\n100 Demo Avenue, Springfield",
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
        imprint="Bravo Tickets GmbH\nDemostraße 1, 10115 Berlin\nHandelsregister: HRB 000000 (Demo)",
        english_event_names=("Summer Festival Berlin", "Classics in the Park"),
    ),
]


class Command(BaseCommand):
    help = "Create (or keep) the demo platform admin and the Acme and Bravo resellers."

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_platform_tenant(hostnames=[settings.PLATFORM_HOST])
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
                )
            tenant = Tenant.objects.get(schema_name=slug)
            with schema_context(slug), transaction.atomic():
                owner = User.objects.get(email=reseller.owner[0])
                if not owner.has_usable_password():
                    owner.set_password(reseller.owner[1])
                    owner.save(update_fields=["password"])
                set_theme(display_name=reseller.name, **reseller.colors)
                start = timezone.now().replace(hour=19, minute=0, second=0, microsecond=0)
                for offset, event_name in enumerate(reseller.events, start=1):
                    Event.objects.get_or_create(
                        slug=f"event-{offset}",
                        defaults={
                            "name": event_name,
                            "status": Event.Status.PUBLISHED,
                            "starts_at": start + timedelta(days=14 * offset),
                            "ends_at": start + timedelta(days=14 * offset, hours=3),
                        },
                    )
            with schema_context(slug):
                if not LegalPage.objects.filter(kind=LegalPage.Kind.IMPRINT).exists():
                    set_legal_page(actor=None, kind=LegalPage.Kind.IMPRINT, body=reseller.imprint)
                for offset, english_name in enumerate(reseller.english_event_names, start=1):
                    event = Event.objects.get(slug=f"event-{offset}")
                    translate_content(actor=None, target=event, language="en", texts={"name": english_name})
            hostname = tenant.get_primary_domain().domain
            lines.append(
                f"{tenant.name}: {public_url(hostname)}  back office {public_url(hostname, '/backoffice/')}  "
                f"login {reseller.owner[0]} / {reseller.owner[1]}"
            )
        self.stdout.write("\n".join(lines))
