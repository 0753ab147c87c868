from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import DomainError
from tenants.services import provision_tenant


class Command(BaseCommand):
    help = "Create a reseller: its schema, primary domain and invited owner, in one transaction."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--owner-email", required=True)
        parser.add_argument("--hostname")
        parser.add_argument("--plan")
        parser.add_argument("--language", default="en")
        parser.add_argument("--currency", default="EUR")
        parser.add_argument("--country", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = provision_tenant(
                name=options["name"],
                slug=options["slug"],
                owner_email=options["owner_email"],
                hostname=options["hostname"],
                plan_code=options["plan"],
                default_language=options["language"],
                default_currency=options["currency"],
                country=options["country"],
            )
        except DomainError as error:
            raise CommandError(f"{error.field or 'error'}: {error.message}") from None
        self.stdout.write(
            f"Created {result.tenant.name} at {result.domain.domain} "
            f"({'from the pool' if result.from_pool else 'migrated'}).\n"
            f"Owner invitation: {result.invitation_url}"
        )
