from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from tenants.services import ensure_platform_tenant


class Command(BaseCommand):
    help = "Create the platform's own tenant row (public schema) and route the platform host to it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", action="append", dest="hosts", help="Platform console hostname(s).")

    def handle(self, *args: Any, **options: Any) -> None:
        hosts = options["hosts"] or [settings.PLATFORM_HOST]
        ensure_platform_tenant(hostnames=hosts)
        self.stdout.write(f"Platform console served on {', '.join(hosts)}.")
