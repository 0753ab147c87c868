"""Discount use cases: staff set discounts up; the order path counts promo code uses.

A code's uses are counted like inventory: one guarded UPDATE inside the order's
transaction, ``times_used = times_used + 1 WHERE times_used < usage_limit``, which
PostgreSQL re-checks against the newest row once a concurrent order commits. However
many buyers race for the last use, exactly one gets it; the check constraint
``discount_never_overused`` refuses anything else.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q

from accounts.models import User
from core.money import known_currency
from ticketing.audit.services import record
from ticketing.catalog.models import Event, TicketType
from ticketing.catalog.services import shop_currency
from ticketing.discounts.errors import DiscountError, DiscountErrorCode
from ticketing.discounts.models import CODE_PATTERN, Discount, PackageItem
from ticketing.discounts.selectors import canonical_code, code_exhausted
from ticketing.inventory.locking import bounded_wait
from ticketing.team.access import require_permission
from ticketing.team.roles import Permission

_UPDATABLE = {"name", "percent_bp", "amount_minor", "min_tickets", "valid_from", "valid_until", "usage_limit"}


def _invalid(message: str, field: str | None = None) -> DiscountError:
    return DiscountError(DiscountErrorCode.INVALID, message, field=field)


def _validated(discount: Discount) -> None:
    """Field and constraint validation; the first problem becomes a DiscountError on its field."""
    try:
        discount.full_clean(validate_constraints=False)  # the database has the last word on those
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise _invalid(messages[0], None if field == "__all__" else field) from None


def _check_rule(discount: Discount) -> None:
    """Rules the database constraints state too, with a message a person understands."""
    kind = discount.kind
    if kind not in Discount.Kind.values:
        raise _invalid("Choose a kind of discount.", "kind")
    if not discount.name:
        raise _invalid("Give the discount a name: buyers see it next to their price.", "name")
    if kind in (Discount.Kind.PERCENT, Discount.Kind.GROUP) and not (
        (0 if kind == Discount.Kind.PERCENT else 1) <= discount.percent_bp <= 10_000
    ):
        raise _invalid("The percentage is between 0.01 % and 100 %.", "percent_bp")
    if kind == Discount.Kind.GROUP and discount.min_tickets < 2:
        raise _invalid("A group discount starts at 2 tickets or more.", "min_tickets")
    if kind == Discount.Kind.AMOUNT and discount.amount_minor < 1:
        raise _invalid("Enter the amount taken off each ticket.", "amount_minor")
    if discount.usage_limit is not None:
        if not discount.code:
            raise _invalid("Only promo codes have a usage limit.", "usage_limit")
        if discount.usage_limit < max(discount.times_used, 1):
            raise _invalid(
                f"The limit cannot be below the {discount.times_used} uses so far (or zero).", "usage_limit"
            )
    if discount.valid_from and discount.valid_until and discount.valid_until <= discount.valid_from:
        raise _invalid("The discount must end after it starts.", "valid_until")


def _ticket_types(event: Event | None, ids: Collection[int], field: str) -> list[TicketType]:
    if not ids:
        return []
    if event is None:
        raise _invalid("Only a discount for one event can name its ticket types.", field)
    ticket_types = list(TicketType.objects.filter(event=event, pk__in=set(ids)))
    if len(ticket_types) != len(set(ids)):
        raise _invalid("Choose ticket types of this event.", field)
    return ticket_types


def _set_package(discount: Discount, package: Mapping[int, int]) -> None:
    items = {ticket_type_id: quantity for ticket_type_id, quantity in package.items() if quantity}
    if any(quantity < 0 for quantity in items.values()):
        raise _invalid("Quantities in a package are whole numbers.", "package")
    if sum(items.values()) < 2:
        raise _invalid("A package bundles at least two tickets.", "package")
    ticket_types = _ticket_types(discount.event, list(items), "package")
    discount.package_items.all().delete()
    PackageItem.objects.bulk_create(
        [
            PackageItem(discount=discount, ticket_type=ticket_type, quantity=items[ticket_type.pk])
            for ticket_type in ticket_types
        ]
    )


def create_discount(
    *,
    actor: User | None,
    kind: str,
    name: str = "",
    code: str = "",
    event: Event | None = None,
    percent_bp: int = 0,
    amount_minor: int = 0,
    min_tickets: int = 0,
    ticket_type_ids: Collection[int] = (),
    package: Mapping[int, int] | None = None,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    usage_limit: int | None = None,
    currency: str = "",
) -> Discount:
    """Set up a promo code (with ``code``) or an automatic discount (without) for one event or all.

    Fixed amounts and package prices are in ``currency`` (the shop's when blank) and apply only
    to orders in it; percentages apply in every currency.
    """
    require_permission(actor, Permission.MANAGE_CATALOG)
    code = canonical_code(code)
    try:
        currency = known_currency(currency) if currency else shop_currency()
    except ValueError:
        raise _invalid(f"“{currency}” is not a currency we know.", "currency") from None
    if code and (len(code) > 64 or not re.match(CODE_PATTERN, code)):
        raise _invalid("Codes use letters, digits, - and _ only, and start with a letter or digit.", "code")
    discount = Discount(
        kind=kind,
        name=" ".join(name.split()) or code,
        code=code,
        event=event,
        percent_bp=percent_bp,
        amount_minor=amount_minor,
        currency=currency,
        min_tickets=min_tickets,
        valid_from=valid_from,
        valid_until=valid_until,
        usage_limit=usage_limit,
    )
    if kind == Discount.Kind.PACKAGE:
        if event is None:
            raise _invalid("A package belongs to one event.", "event")
        if ticket_type_ids:
            raise _invalid("A package names its ticket types with their quantities.", "ticket_types")
    elif package:
        raise _invalid("Only packages bundle tickets.", "package")
    _check_rule(discount)
    if code and Discount.objects.filter(code=code).exists():
        raise DiscountError(DiscountErrorCode.CODE_TAKEN, f"The code “{code}” is taken.", field="code")
    _validated(discount)
    try:
        with transaction.atomic(durable=True):
            discount.save()
            if kind == Discount.Kind.PACKAGE:
                _set_package(discount, package or {})
            discount.ticket_types.set(_ticket_types(event, ticket_type_ids, "ticket_types"))
            record(
                action="discount.created",
                target=discount,
                actor=actor,
                kind=kind,
                code=code,
                event=event.pk if event else None,
            )
    except IntegrityError as error:
        if "discount_code_unique" in str(error):
            raise DiscountError(
                DiscountErrorCode.CODE_TAKEN, f"The code “{code}” is taken.", field="code"
            ) from error
        raise
    return discount


def update_discount(
    *,
    actor: User | None,
    discount: Discount,
    ticket_type_ids: Collection[int] | None = None,
    package: Mapping[int, int] | None = None,
    is_active: bool | None = None,
    **changes: Any,
) -> Discount:
    """Change a discount's terms, or switch it on or off; its code, kind and event stay."""
    require_permission(actor, Permission.MANAGE_CATALOG)
    unknown = set(changes) - _UPDATABLE
    if unknown:
        raise TypeError(f"Cannot change {', '.join(sorted(unknown))} on a discount.")
    with transaction.atomic(durable=True):
        locked = Discount.objects.select_for_update(of=("self",)).select_related("event")
        discount = locked.get(pk=discount.pk)
        for name, value in changes.items():
            setattr(discount, name, value)
        if "name" in changes:
            discount.name = " ".join(str(changes["name"]).split()) or discount.code
        if is_active is not None:
            discount.is_active = is_active
        _check_rule(discount)
        _validated(discount)
        discount.save()
        changed = sorted(changes) + (["is_active"] if is_active is not None else [])
        if package is not None:
            if discount.kind != Discount.Kind.PACKAGE:
                raise _invalid("Only packages bundle tickets.", "package")
            _set_package(discount, package)
            changed.append("package")
        if ticket_type_ids is not None:
            if discount.kind == Discount.Kind.PACKAGE and ticket_type_ids:
                raise _invalid("A package names its ticket types with their quantities.", "ticket_types")
            discount.ticket_types.set(_ticket_types(discount.event, ticket_type_ids, "ticket_types"))
            changed.append("ticket_types")
        record(action="discount.updated", target=discount, actor=actor, fields=changed)
    return discount


def use_code(*, discount_id: int, code: str) -> None:
    """Count one use of a promo code for the order being placed, or refuse: it is used up.

    Runs inside the order's transaction, before the inventory counters (the same lock order
    everywhere: code row, then stock rows), and holds the code's row lock until commit.
    """
    with bounded_wait():
        counted = (
            Discount.objects.filter(pk=discount_id)
            .filter(Q(usage_limit__isnull=True) | Q(times_used__lt=F("usage_limit")))
            .update(times_used=F("times_used") + 1)
        )
    if counted != 1:
        raise code_exhausted(code)


def give_back_code_use(*, code: str) -> None:
    """An order that used ``code`` was cancelled or lapsed unpaid: its use is free again.

    Runs inside the caller's transaction (refunded orders keep theirs: the sale happened).
    """
    if not code:
        return
    with bounded_wait():
        Discount.objects.filter(code=canonical_code(code), times_used__gte=1).update(
            times_used=F("times_used") - 1
        )
