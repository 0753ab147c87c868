"""The permission map: what each back-office role may do. Data, not code paths.

Views check it before they call a service; services check it again whenever a person
(``actor=``) acts, so an API or a script cannot do more than the page would allow.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

StrOrPromise = str | Promise


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    MANAGER = "manager", _("Manager")
    BOX_OFFICE = "box_office", _("Box office")
    SCANNER = "scanner", _("Scanner")
    ANALYST = "analyst", _("Analyst")


class Permission(StrEnum):
    MANAGE_CATALOG = "manage_catalog"  # events, ticket types, add-ons, discounts and promo codes
    VIEW_ORDERS = "view_orders"  # find orders and read buyers' details
    MANAGE_ORDERS = "manage_orders"  # cancel orders, refund them, cancel whole events
    SELL_BOX_OFFICE = "sell_box_office"  # sell and take payments at the door (mark orders paid)
    SCAN = "scan"  # check tickets in at the entrance
    VIEW_REPORTS = "view_reports"  # sales figures
    MANAGE_TEAM = "manage_team"  # invite, change roles, remove
    MANAGE_BRANDING = "manage_branding"  # the shop's look, legal pages, translations, custom domains
    MANAGE_BILLING = "manage_billing"  # the plan, the payout account, schedule and statements
    MANAGE_WEBHOOKS = "manage_webhooks"  # webhook endpoints, their secrets and deliveries


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OWNER: frozenset(Permission),
    Role.MANAGER: frozenset(Permission) - {Permission.MANAGE_TEAM, Permission.MANAGE_BILLING},
    Role.BOX_OFFICE: frozenset({Permission.VIEW_ORDERS, Permission.SELL_BOX_OFFICE, Permission.SCAN}),
    Role.SCANNER: frozenset({Permission.SCAN}),
    Role.ANALYST: frozenset({Permission.VIEW_REPORTS}),
}

ROLE_DESCRIPTIONS: dict[Role, StrOrPromise] = {
    Role.OWNER: _("Everything, including the team and payouts."),
    Role.MANAGER: _(
        "Events, discounts, orders, refunds, box office, reports, branding and domains; "
        "not the team or payouts."
    ),
    Role.BOX_OFFICE: _("Sells at the desk, finds orders, takes payments at the door and scans tickets."),
    Role.SCANNER: _("Scans tickets at the entrance."),
    Role.ANALYST: _("Reads sales reports."),
}


def permissions_of(role: Role | str | None) -> frozenset[Permission]:
    return ROLE_PERMISSIONS[Role(role)] if role else frozenset()
