"""A real Chromium (Debian's, driven by Playwright) against the app served on 127.0.0.1.

Playwright's own browser download cannot run here, so the tests use /usr/bin/chromium and
install Debian's package when it is missing (``make install`` does the same). Pages are
served by Django's threaded live server; tenant routing is by Host, and Chromium resolves
every ``*.localhost`` name to the loopback address, so each shop is at
``http://<slug>.localhost:<port>/``. The server's threads use connections of their own, so
what a test sets up is committed (the ``committed`` fixture removes its shop afterwards).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.testcases import LiveServerThread, _StaticFilesHandler
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.models import User
from tenants.context import activate_public_schema
from tenants.models import Domain, Tenant
from tenants.services import provision_tenant
from ticketing.catalog.models import Event
from ticketing.catalog.services import create_event, create_ticket_type, publish_event

CHROMIUM = Path("/usr/bin/chromium")
OWNER_PASSWORD = "browser-owner-2026"

pytestmark = pytest.mark.browser


def ensure_chromium() -> Path:
    """Debian's Chromium, installed with apt when it is missing (Playwright's download fails here)."""
    if not CHROMIUM.exists():
        if shutil.which("apt-get") is None:
            pytest.fail("Chromium is missing and apt-get is not available to install it.")
        environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=environment)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=environment)
    return CHROMIUM


@pytest.fixture(scope="module")
def browser(django_db_setup: None) -> Iterator[object]:
    """Chromium for one test module. Playwright's sync API keeps an asyncio loop running in this
    thread while it is started, which makes Django refuse ORM calls as "async"; the ORM calls the
    tests make between browser steps are ordinary blocking calls, so they are allowed for as long
    as the browser runs, and only then (the loop ends with the module)."""
    from playwright.sync_api import sync_playwright

    executable = ensure_chromium()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(executable),
                headless=True,
                # Root in CI has no user namespaces for Chromium's sandbox; the pages are our own.
                args=["--no-sandbox", "--host-resolver-rules=MAP *.localhost 127.0.0.1"],
            )
            yield chromium
            chromium.close()


@pytest.fixture
def live_url(browser: object, committed: None) -> Iterator[Callable[[str], str]]:
    """``live_url("shop")`` → ``http://shop.localhost:<port>``, served while the test runs."""
    server = LiveServerThread("127.0.0.1", _StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    yield lambda slug: f"http://{slug}.localhost:{server.port}"
    server.terminate()


@dataclass(frozen=True)
class BrowserShop:
    slug: str
    owner_email: str
    event: Event


@pytest.fixture
def browser_shop(live_url: Callable[[str], str]) -> Iterator[BrowserShop]:
    """A shop of its own (committed) with one event on sale and an owner; closed down afterwards.

    Provisioning may claim a spare schema that existed before the test, which ``committed``
    would keep: this fixture removes its shop itself.
    """
    slug = f"window{uuid.uuid4().hex[:8]}"
    owner_email = f"owner@{slug}.example"
    provisioned = provision_tenant(
        name="Window Shop", slug=slug, owner_email=owner_email, default_currency="EUR"
    )
    tenant = provisioned.tenant
    try:
        with schema_context(tenant.schema_name):
            owner = User.objects.get(email=owner_email)
            owner.set_password(OWNER_PASSWORD)
            owner.save(update_fields=["password"])
            starts = timezone.now() + timedelta(days=20)
            event = create_event(
                actor=None, capacity=50, name="Night Market", slug="night-market",
                starts_at=starts, ends_at=starts + timedelta(hours=3), timezone="Europe/Berlin",
            )  # fmt: skip
            create_ticket_type(actor=None, event=event, quantity=20, name="Entry", price_minor=1500)
            event = publish_event(actor=None, event=event)
        yield BrowserShop(slug=tenant.schema_name, owner_email=owner_email, event=event)
    finally:
        activate_public_schema()
        Domain.objects.filter(tenant=tenant).delete()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{tenant.schema_name}" CASCADE')
        Tenant.objects.filter(pk=tenant.pk).delete()
