"""Discount reads. The order path reads everything that may apply to an event in one query."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.money import Money
from ticketing.catalog.models import Event
from ticketing.discounts.errors import DiscountError, DiscountErrorCode
from ticketing.discounts.models import Discount


def canonical_code(text: str) -> str:
    """Codes are matched without regard to case or surrounding blanks."""
    return text.strip().upper()


@dataclass(frozen=True)
class DiscountRule:
    """A discount as plain data, with the ticket types it names, detached from the ORM."""

    id: int
    name: str
    code: str
    kind: str
    event_id: int | None
    percent_bp: int
    amount_minor: int
    currency: str
    min_tickets: int
    ticket_type_ids: frozenset[int]
    package: tuple[tuple[int, int], ...]  # (ticket type id, quantity per bundle)
    valid_from: datetime | None
    valid_until: datetime | None
    usage_limit: int | None
    times_used: int
    is_active: bool

    def covers(self, ticket_type_id: int) -> bool:
        """Whether a per-ticket rule reaches this ticket type (no ticket types named: all of them)."""
        return not self.ticket_type_ids or ticket_type_id in self.ticket_type_ids

    @property
    def unlocks(self) -> frozenset[int]:
        """Ticket types this rule names: a code shows the code-only ones among them."""
        return self.ticket_type_ids | {ticket_type_id for ticket_type_id, _ in self.package}

    def describe(self, ticket_type_names: Mapping[int, str]) -> str:
        """What the rule gives, in words: "10 % off from 10 tickets", "2 × VIP for $90.00"."""
        percent = f"{(Decimal(self.percent_bp) / 100).normalize():f} %"
        named = [ticket_type_names[pk] for pk in sorted(self.ticket_type_ids) if pk in ticket_type_names]
        where = f" ({', '.join(named)})" if named else ""
        if self.kind == Discount.Kind.PACKAGE:
            unnamed = _("ticket")
            contents = " + ".join(
                f"{per} × {ticket_type_names.get(pk) or unnamed}" for pk, per in self.package
            )
            return _("%(contents)s for %(price)s") % {
                "contents": contents,
                "price": Money(self.amount_minor, self.currency),
            }
        if self.kind == Discount.Kind.GROUP:
            return (
                _("%(percent)s off from %(minimum)s tickets")
                % {
                    "percent": percent,
                    "minimum": self.min_tickets,
                }
                + where
            )
        if self.kind == Discount.Kind.AMOUNT:
            return (
                _("%(amount)s off each ticket") % {"amount": Money(self.amount_minor, self.currency)} + where
            )
        if self.percent_bp:
            return _("%(percent)s off") % {"percent": percent} + where
        return _("Unlocks tickets") + where

    def is_current(self, now: datetime) -> bool:
        return (
            self.is_active
            and (self.valid_from is None or self.valid_from <= now)
            and (self.valid_until is None or now < self.valid_until)
        )


@dataclass(frozen=True)
class EventDiscounts:
    """What may discount an order for one event: the automatic rules, and the buyer's code if any."""

    automatic: tuple[DiscountRule, ...] = ()
    code: str = ""
    promo: DiscountRule | None = None  # the rule behind ``code``, whatever its state

    def usable_promo(self, *, event_id: int, now: datetime | None = None) -> DiscountRule | None:
        """The buyer's code, if they entered one and it may be used now; raises DiscountError otherwise."""
        if not self.code:
            return None
        now = now or timezone.now()
        promo = self.promo
        if promo is None:
            raise _code_error(
                DiscountErrorCode.UNKNOWN_CODE, _("We do not know the code “%(code)s”.") % {"code": self.code}
            )
        if promo.event_id is not None and promo.event_id != event_id:
            raise _code_error(
                DiscountErrorCode.CODE_NOT_APPLICABLE,
                _("The code “%(code)s” is not valid for this event.") % {"code": self.code},
            )
        if not promo.is_active:
            raise _code_error(
                DiscountErrorCode.CODE_EXPIRED,
                _("The code “%(code)s” is no longer valid.") % {"code": self.code},
            )
        if promo.valid_from is not None and now < promo.valid_from:
            when = date_format(timezone.localtime(promo.valid_from), "DATETIME_FORMAT")
            raise _code_error(
                DiscountErrorCode.CODE_NOT_YET_VALID,
                _("The code “%(code)s” is valid from %(when)s.") % {"code": self.code, "when": when},
            )
        if promo.valid_until is not None and now >= promo.valid_until:
            raise _code_error(
                DiscountErrorCode.CODE_EXPIRED, _("The code “%(code)s” has expired.") % {"code": self.code}
            )
        if promo.usage_limit is not None and promo.times_used >= promo.usage_limit:
            raise code_exhausted(self.code)
        return promo

    def unlocked_ticket_type_ids(self, *, event_id: int, now: datetime | None = None) -> frozenset[int]:
        promo = self.usable_promo(event_id=event_id, now=now)
        return promo.unlocks if promo is not None else frozenset()


def _code_error(code: DiscountErrorCode, message: str) -> DiscountError:
    return DiscountError(code, message, field="promo_code")


def code_exhausted(code: str) -> DiscountError:
    return _code_error(
        DiscountErrorCode.CODE_EXHAUSTED, _("The code “%(code)s” has been used up.") % {"code": code}
    )


NO_DISCOUNTS = EventDiscounts()


# The order path runs this read on every request, usually to find nothing, so it is one
# fixed statement rather than a queryset: compiling the ORM version (two ArraySubquery
# annotations) cost about ten times the query itself. Columns follow DiscountRule's fields.
_RULES_SQL = """
SELECT d.id, d.name, d.code, d.kind, d.event_id, d.percent_bp, d.amount_minor, d.currency,
       d.min_tickets,
       ARRAY(SELECT t.tickettype_id FROM "discounts_discount_ticket_types" t
             WHERE t.discount_id = d.id ORDER BY t.id),
       ARRAY(SELECT ARRAY[p.ticket_type_id, p.quantity] FROM "discounts_packageitem" p
             WHERE p.discount_id = d.id ORDER BY p.id),
       d.valid_from, d.valid_until, d.usage_limit, d.times_used, d.is_active
FROM "discounts_discount" d
WHERE (d.code = '' AND d.is_active AND (d.event_id = %(event)s OR d.event_id IS NULL)
       AND (d.valid_from IS NULL OR d.valid_from <= %(now)s)
       AND (d.valid_until IS NULL OR d.valid_until > %(now)s))
"""
_AUTOMATIC_RULES_SQL = _RULES_SQL + "ORDER BY d.id"
_AUTOMATIC_AND_CODE_RULES_SQL = _RULES_SQL + "OR d.code = %(code)s ORDER BY d.id"


def _rule(row: tuple[Any, ...]) -> DiscountRule:
    (pk, name, code, kind, event_id, percent_bp, amount_minor, currency, min_tickets) = row[:9]
    ticket_type_ids, package, valid_from, valid_until, usage_limit, times_used, is_active = row[9:]
    return DiscountRule(
        id=pk,
        name=name,
        code=code,
        kind=kind,
        event_id=event_id,
        percent_bp=percent_bp,
        amount_minor=amount_minor,
        currency=currency,
        min_tickets=min_tickets,
        ticket_type_ids=frozenset(ticket_type_ids),
        package=tuple((int(ticket_type_id), int(quantity)) for ticket_type_id, quantity in package),
        valid_from=valid_from,
        valid_until=valid_until,
        usage_limit=usage_limit,
        times_used=times_used,
        is_active=is_active,
    )


def discounts_for(event: Event, *, code: str = "", now: datetime | None = None) -> EventDiscounts:
    """The automatic discounts running now for ``event`` and the rule behind ``code``: one query."""
    now = now or timezone.now()
    code = canonical_code(code)
    with connection.cursor() as cursor:
        cursor.execute(
            _AUTOMATIC_AND_CODE_RULES_SQL if code else _AUTOMATIC_RULES_SQL,
            {"event": event.pk, "now": now, "code": code},
        )
        rules = [_rule(row) for row in cursor.fetchall()]
    return EventDiscounts(
        automatic=tuple(rule for rule in rules if not rule.code),
        code=code,
        promo=next((rule for rule in rules if rule.code and rule.code == code), None),
    )


def all_discounts(*, event: Event | None = None) -> QuerySet[Discount]:
    """For the back office: every discount (of one event, or shop-wide ones too), newest first."""
    discounts = Discount.objects.select_related("event").prefetch_related(
        "ticket_types", "package_items__ticket_type"
    )
    if event is not None:
        discounts = discounts.filter(Q(event=event) | Q(event__isnull=True))
    return discounts


@dataclass(frozen=True)
class DescribedDiscount:
    discount: Discount
    description: str


def described(discounts: QuerySet[Discount]) -> list[DescribedDiscount]:
    """Discounts with their terms in words (from prefetched ticket types: no query per discount)."""
    result = []
    for discount in discounts:
        ticket_types = list(discount.ticket_types.all())
        items = list(discount.package_items.all())
        names = {ticket_type.pk: ticket_type.name for ticket_type in ticket_types}
        names.update({item.ticket_type_id: item.ticket_type.name for item in items})
        rule = DiscountRule(
            id=discount.pk,
            name=discount.name,
            code=discount.code,
            kind=discount.kind,
            event_id=discount.event_id,
            percent_bp=discount.percent_bp,
            amount_minor=discount.amount_minor,
            currency=discount.currency,
            min_tickets=discount.min_tickets,
            ticket_type_ids=frozenset(ticket_type.pk for ticket_type in ticket_types),
            package=tuple((item.ticket_type_id, item.quantity) for item in items),
            valid_from=discount.valid_from,
            valid_until=discount.valid_until,
            usage_limit=discount.usage_limit,
            times_used=discount.times_used,
            is_active=discount.is_active,
        )
        result.append(DescribedDiscount(discount=discount, description=rule.describe(names)))
    return result
