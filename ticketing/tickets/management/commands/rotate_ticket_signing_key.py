"""Rotate or revoke a shop's ticket signing key.

manage.py tenant_command rotate_ticket_signing_key -s SHOP [--revoke KEY_ID]
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import DomainError
from tenants.context import current_schema_name
from ticketing.tickets.services import revoke_signing_key, rotate_signing_key


class Command(BaseCommand):
    help = "Sign new tickets with a fresh key (the old one keeps verifying), or revoke a key with --revoke."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--revoke", metavar="KEY_ID", help="Withdraw this key: its tickets stop verifying."
        )
        parser.add_argument("--reason", default="")

    def handle(self, *args: object, **options: str) -> None:
        if current_schema_name() == "public":
            raise CommandError(
                "Run it for a shop: manage.py tenant_command rotate_ticket_signing_key -s SHOP"
            )
        try:
            if options["revoke"]:
                key = revoke_signing_key(key_id=options["revoke"], actor=None, reason=options["reason"])
                self.stdout.write(f"Revoked {key.key_id}.")
            else:
                key = rotate_signing_key(actor=None, reason=options["reason"])
                self.stdout.write(f"Now signing with {key.key_id}.")
        except DomainError as error:
            raise CommandError(error.message) from None
