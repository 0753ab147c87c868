import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from tenants import pool


class Command(BaseCommand):
    help = "Top the pool of spare, migrated schemas up to --size (default TENANT_POOL_SIZE)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", type=int, default=settings.TENANT_POOL_SIZE)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        added = pool.top_up(options["size"])
        self.stdout.write(
            f"Added {added} spare schema(s) in {time.perf_counter() - started:.1f} s; "
            f"{pool.pooled_count()} in the pool."
        )
