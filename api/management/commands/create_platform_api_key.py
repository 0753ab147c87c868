"""Make a platform API key (public schema) for a platform admin; the key is printed once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from api.scopes import PlatformScope
from api.services import create_platform_api_key
from core.errors import DomainError
from tenants.context import activate_public_schema


class Command(BaseCommand):
    help = "Make a platform API key for a platform admin (staff user in the public schema)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True, help="The platform admin the key acts for.")
        parser.add_argument("--name", default="Platform automation")
        parser.add_argument(
            "--scopes", default=",".join(str(scope) for scope in PlatformScope), help="Comma-separated."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        activate_public_schema()
        admin = User.objects.filter(email=options["email"].lower()).first()
        if admin is None:
            raise CommandError(f"No platform user {options['email']}.")
        try:
            made = create_platform_api_key(
                admin=admin, name=options["name"], scopes=[s for s in options["scopes"].split(",") if s]
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(made.token)
