"""Back-office forms: they parse and show input; the services decide what is allowed.

Field names match the services' keyword arguments, so a service's refusal lands on the
field it is about. Amounts are typed in major units ("12.50") and become integer minor
units exactly; times are typed as wall-clock times in the event's own time zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.money import currency_exponent, parse_major
from ticketing.catalog.models import AddOn, Event, TaxCategory, TicketType, Venue
from ticketing.discounts.models import Discount
from ticketing.inventory.selectors import TicketTypeOffer
from ticketing.orders.models import Order
from ticketing.team.roles import ROLE_DESCRIPTIONS, Role

WALL_TIME_FORMAT = "%Y-%m-%dT%H:%M"


class BackofficeForm(forms.Form):
    """Django marks invalid widgets (aria-invalid) and ties them to their help and error texts."""

    def add_domain_error(self, error: DomainError) -> None:
        """Show a refused use case's message on its field, or above the form."""
        self.add_error(error.field if error.field in self.fields else None, error.message)


class AmountField(forms.CharField):
    """An amount typed in major units ("12.50"), cleaned to integer minor units of ``currency``."""

    def __init__(self, *, currency: str, **kwargs: Any) -> None:
        self.currency = currency
        kwargs.setdefault("max_length", 16)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            exponent = currency_exponent(self.currency)
            units, minor = divmod(value, 10**exponent)
            return f"{units}.{minor:0{exponent}d}" if exponent else str(units)
        return value

    def clean(self, value: Any) -> int | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            amount = parse_major(str(text).replace(",", "."), self.currency)
        except ValueError:
            example = self.prepare_value(1250)
            raise forms.ValidationError(
                _("Enter an amount like %(example)s, without the currency sign.") % {"example": example}
            ) from None
        if amount.amount_minor < 0:
            raise forms.ValidationError(_("Enter an amount of zero or more."))
        return amount.amount_minor


class PercentField(forms.CharField):
    """A percentage typed as "12.5", cleaned to basis points (1,250)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 8)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{(Decimal(value) / 100).normalize():f}"
        return value

    def clean(self, value: Any) -> int | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            basis_points = Decimal(str(text).replace(",", ".").strip().rstrip("%")) * 100
        except InvalidOperation:
            raise forms.ValidationError(_("Enter a percentage like 10 or 12.5.")) from None
        if basis_points != basis_points.to_integral_value() or not 0 <= basis_points <= 10_000:
            raise forms.ValidationError(_("Enter a percentage between 0 and 100, with at most two decimals."))
        return int(basis_points)


def wall_time_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=[WALL_TIME_FORMAT, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=WALL_TIME_FORMAT),
    )


def in_zone(value: datetime | None, zone: str) -> datetime | None:
    """The wall-clock time typed into the form, read in ``zone`` (forms parse it in UTC)."""
    if value is None:
        return None
    return timezone.make_aware(value.replace(tzinfo=None), ZoneInfo(zone))


def wall_time(value: datetime | None, zone: str) -> datetime | None:
    """An instant as the wall-clock time of ``zone``, for a form's initial value."""
    if value is None:
        return None
    return timezone.localtime(value, ZoneInfo(zone)).replace(tzinfo=None)


def _zone_or_utc(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return "UTC"
    return name


class EventForm(BackofficeForm):
    name = forms.CharField(max_length=200, label=_("Name"))
    slug = forms.SlugField(
        max_length=200, label=_("Slug"), help_text=_("The event's address: letters, digits and hyphens.")
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), required=False, label=_("Description")
    )
    starts_at = wall_time_field(_("Starts"))
    ends_at = wall_time_field(_("Ends"))
    timezone = forms.CharField(
        max_length=64,
        initial="UTC",
        label=_("Time zone"),
        help_text=_("For example Europe/Berlin or America/Chicago."),
    )
    venue = forms.ModelChoiceField(
        queryset=Venue.objects.all(), required=False, empty_label=_("No venue"), label=_("Venue")
    )
    capacity = forms.IntegerField(
        min_value=0, label=_("Capacity"), help_text=_("Most tickets of all types together.")
    )
    attendance_mode = forms.ChoiceField(choices=Event.AttendanceMode.choices, label=_("Attendance"))
    online_url = forms.URLField(
        required=False, assume_scheme="https", label=_("Online link"),
        help_text=_("For online and hybrid events."),
    )  # fmt: skip
    hold_minutes = forms.IntegerField(
        min_value=1, max_value=120, initial=15, label=_("Reservation time (minutes)"),
        help_text=_("How long a buyer's selection stays reserved during checkout."),
    )  # fmt: skip

    @classmethod
    def for_event(cls, event: Event) -> EventForm:
        initial = {name: getattr(event, name) for name in cls.base_fields if name not in ("venue",)}
        initial.update(
            venue=event.venue_id,
            starts_at=wall_time(event.starts_at, event.timezone),
            ends_at=wall_time(event.ends_at, event.timezone),
        )
        return cls(initial=initial)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        zone = _zone_or_utc(data.get("timezone") or "UTC")
        for name in ("starts_at", "ends_at"):
            data[name] = in_zone(data.get(name), zone)
        return data


class TicketTypeForm(BackofficeForm):
    name = forms.CharField(max_length=100, label=_("Name"))
    kind = forms.ChoiceField(choices=TicketType.Kind.choices, label=_("Kind"))
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Description")
    )
    price_minor: AmountField
    quantity = forms.IntegerField(
        min_value=0, label=_("Quantity"), help_text=_("How many of this type may be sold.")
    )
    sale_starts_at = wall_time_field(_("Sale starts"), required=False, help_text=_("Blank: on sale at once."))
    sale_ends_at = wall_time_field(
        _("Sale ends"), required=False, help_text=_("Blank: until the event ends.")
    )
    min_per_order = forms.IntegerField(min_value=1, initial=1, label=_("At least per order"))
    max_per_order = forms.IntegerField(min_value=1, initial=10, label=_("At most per order"))
    visibility = forms.ChoiceField(choices=TicketType.Visibility.choices, label=_("Visibility"))
    position = forms.IntegerField(
        min_value=0, initial=0, label=_("Position"), help_text=_("Lower numbers are listed first.")
    )

    tax_category = forms.TypedChoiceField(
        choices=TaxCategory.choices,
        initial=TaxCategory.STANDARD,
        required=False,
        empty_value=TaxCategory.STANDARD,
        label=_("Tax category"),
        help_text=_("Which of the tax rates of the buyer's region applies."),
    )

    def __init__(
        self, *args: Any, event: Event, currency: str, other_currencies: Sequence[str] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["price_minor"] = AmountField(
            currency=currency, label=_("Price (%(currency)s)") % {"currency": currency}
        )
        add_price_fields(self, other_currencies)
        self.order_fields(
            ["name", "kind", "description", "price_minor", *price_field_names(other_currencies)]
        )

    @classmethod
    def for_ticket_type(
        cls, ticket_type: TicketType, *, currency: str, other_currencies: Sequence[str] = ()
    ) -> TicketTypeForm:
        initial = {name: getattr(ticket_type, name) for name in cls.base_fields}
        initial.update(
            price_minor=ticket_type.price_minor,
            sale_starts_at=wall_time(ticket_type.sale_starts_at, ticket_type.event.timezone),
            sale_ends_at=wall_time(ticket_type.sale_ends_at, ticket_type.event.timezone),
            **{f"price_{price.currency}": price.amount_minor for price in ticket_type.prices.all()},
        )
        return cls(
            initial=initial, event=ticket_type.event, currency=currency, other_currencies=other_currencies
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for name in ("sale_starts_at", "sale_ends_at"):
            data[name] = in_zone(data.get(name), self.event.timezone)
        return data


class AddOnForm(BackofficeForm):
    name = forms.CharField(max_length=100, label=_("Name"))
    kind = forms.ChoiceField(choices=AddOn.Kind.choices, label=_("Kind"))
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Description")
    )
    quantity = forms.IntegerField(min_value=0, label=_("Quantity"))
    max_per_order = forms.IntegerField(min_value=1, initial=4, label=_("At most per order"))
    position = forms.IntegerField(
        min_value=0, initial=0, label=_("Position"), help_text=_("Lower numbers are listed first.")
    )

    tax_category = forms.TypedChoiceField(
        choices=TaxCategory.choices,
        initial=TaxCategory.STANDARD,
        required=False,
        empty_value=TaxCategory.STANDARD,
        label=_("Tax category"),
        help_text=_("Which of the tax rates of the buyer's region applies."),
    )

    def __init__(
        self, *args: Any, currency: str, other_currencies: Sequence[str] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["price_minor"] = AmountField(
            currency=currency, label=_("Price (%(currency)s)") % {"currency": currency}
        )
        add_price_fields(self, other_currencies)
        self.order_fields(
            ["name", "kind", "description", "price_minor", *price_field_names(other_currencies)]
        )

    @classmethod
    def for_addon(cls, addon: AddOn, *, currency: str, other_currencies: Sequence[str] = ()) -> AddOnForm:
        initial = {name: getattr(addon, name) for name in cls.base_fields}
        initial["price_minor"] = addon.price_minor
        initial.update({f"price_{price.currency}": price.amount_minor for price in addon.prices.all()})
        return cls(initial=initial, currency=currency, other_currencies=other_currencies)


def price_field_names(currencies: Sequence[str]) -> list[str]:
    return [f"price_{currency}" for currency in currencies]


def add_price_fields(form: forms.Form, currencies: Sequence[str]) -> None:
    """One optional amount per other currency the shop sells in: blank means not offered in it."""
    for currency in currencies:
        form.fields[f"price_{currency}"] = AmountField(
            currency=currency,
            required=False,
            label=_("Price (%(currency)s)") % {"currency": currency},
            help_text=_("Blank: not offered to buyers paying in %(currency)s.") % {"currency": currency},
        )


def pop_prices(fields: dict[str, Any], currencies: Sequence[str]) -> dict[str, int | None]:
    """Take the per-currency prices out of a form's cleaned data, for the catalog services."""
    return {currency: fields.pop(f"price_{currency}", None) for currency in currencies}


class CancelEventForm(BackofficeForm):
    reason = forms.CharField(
        max_length=200, help_text=_("Shown in the audit trail and on each refund."), label=_("Reason")
    )
    confirm = forms.BooleanField(
        label=_("Yes, cancel this event: stop sales, cancel unpaid orders and refund paid ones in full.")
    )


class OrderSearchForm(BackofficeForm):
    q = forms.CharField(max_length=150, required=False, label=_("Order code, e-mail or name"))


class RefundForm(BackofficeForm):
    WHOLE, CHOSEN = "whole", "chosen"
    scope = forms.ChoiceField(
        choices=[(WHOLE, _("Everything not yet refunded")), (CHOSEN, _("Only the tickets chosen below"))],
        widget=forms.RadioSelect,
        initial=WHOLE,
        label=_("Refund"),
    )
    tickets = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label=_("Tickets")
    )
    reason = forms.CharField(max_length=200, required=False, label=_("Reason"))

    def __init__(self, *args: Any, ticket_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tickets"].choices = ticket_choices  # type: ignore[attr-defined]

    def ticket_ids(self) -> list[int] | None:
        if self.cleaned_data["scope"] == self.WHOLE:
            return None
        return [int(pk) for pk in self.cleaned_data["tickets"]]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("scope") == self.CHOSEN and not data.get("tickets"):
            self.add_error("tickets", _("Choose the tickets to refund."))
        return data


class ReasonForm(BackofficeForm):
    reason = forms.CharField(max_length=200, required=False, label=_("Reason"))


class DiscountForm(BackofficeForm):
    """One form for every kind; fields a kind does not use are ignored by the service."""

    kind = forms.ChoiceField(choices=Discount.Kind.choices, label=_("Kind"))
    name = forms.CharField(
        max_length=100, required=False, label=_("Name"), help_text=_("Shown to buyers. Blank: the code.")
    )
    code = forms.CharField(
        max_length=64, required=False, label=_("Promo code"),
        help_text=_("Blank: the discount applies by itself. Letters, digits, - and _."),
    )  # fmt: skip
    percent_bp = PercentField(
        required=False, label=_("Percentage off"), help_text=_("Percentage and group kinds.")
    )
    min_tickets = forms.IntegerField(
        min_value=0, required=False, label=_("From how many tickets"), help_text=_("Group kind.")
    )
    valid_from = wall_time_field(
        _("Valid from"), required=False,
        help_text=_("In the event's time zone (UTC for every event). Blank: now."),
    )  # fmt: skip
    valid_until = wall_time_field(_("Valid until"), required=False, help_text=_("Blank: no end."))
    usage_limit = forms.IntegerField(
        min_value=1,
        required=False,
        label=_("Usage limit"),
        help_text=_("Promo codes: orders that may use it."),
    )
    ticket_types = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label=_("Only for these ticket types"),
        help_text=_("None chosen: every ticket type."),
    )  # fmt: skip

    def __init__(
        self, *args: Any, currency: str, event: Event | None, editing: Discount | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        self.zone = event.timezone if event is not None else "UTC"
        self.fields["amount_minor"] = AmountField(
            currency=currency, required=False, label=_("Amount (%(currency)s)") % {"currency": currency},
            help_text=_("Fixed amount: taken off each ticket. Package: the price of one bundle."),
        )  # fmt: skip
        self.order_fields(["kind", "name", "code", "percent_bp", "amount_minor"])
        ticket_types = list(event.ticket_types.all()) if event is not None else []
        self.fields["ticket_types"].choices = [(tt.pk, tt.name) for tt in ticket_types]  # type: ignore[attr-defined]
        self.package_fields = []
        for ticket_type in ticket_types:
            name = f"package_{ticket_type.pk}"
            self.fields[name] = forms.IntegerField(
                min_value=0,
                required=False,
                initial=0,
                label=_("%(ticket_type)s per bundle") % {"ticket_type": ticket_type.name},
            )
            self.package_fields.append(name)
        if event is None:
            del self.fields["ticket_types"]
        if editing is not None:  # a discount's kind and code never change
            for name in ("kind", "code"):
                self.fields[name].disabled = True

    @classmethod
    def for_discount(cls, discount: Discount, *, currency: str) -> DiscountForm:
        zone = discount.event.timezone if discount.event else "UTC"
        initial: dict[str, Any] = {
            name: getattr(discount, name)
            for name in ("kind", "name", "code", "percent_bp", "amount_minor", "min_tickets", "usage_limit")
        }
        initial.update(
            valid_from=wall_time(discount.valid_from, zone),
            valid_until=wall_time(discount.valid_until, zone),
            ticket_types=[ticket_type.pk for ticket_type in discount.ticket_types.all()],
        )
        for item in discount.package_items.all():
            initial[f"package_{item.ticket_type_id}"] = item.quantity
        return cls(initial=initial, currency=currency, event=discount.event, editing=discount)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for name in ("valid_from", "valid_until"):
            data[name] = in_zone(data.get(name), self.zone)
        return data

    def terms(self) -> dict[str, Any]:
        """The service's keyword arguments for the discount's terms."""
        data = self.cleaned_data
        kind = data.get("kind")
        terms: dict[str, Any] = {
            "name": data.get("name") or "",
            "percent_bp": data.get("percent_bp") or 0,
            "amount_minor": data.get("amount_minor") or 0,
            "min_tickets": data.get("min_tickets") or 0,
            "valid_from": data.get("valid_from"),
            "valid_until": data.get("valid_until"),
            "usage_limit": data.get("usage_limit"),
        }
        if kind == Discount.Kind.PACKAGE:
            terms["package"] = {
                int(name.removeprefix("package_")): data.get(name) or 0 for name in self.package_fields
            }
        elif "ticket_types" in self.fields:
            terms["ticket_type_ids"] = [int(pk) for pk in data.get("ticket_types") or []]
        return terms


class InviteForm(BackofficeForm):
    email = forms.EmailField(label=_("E-mail address"))
    full_name = forms.CharField(max_length=150, required=False, label=_("Name (optional)"))
    role = forms.ChoiceField(
        choices=[(role.value, format_lazy("{}: {}", role.label, ROLE_DESCRIPTIONS[role])) for role in Role],
        widget=forms.RadioSelect,
        initial=Role.BOX_OFFICE,
        label=_("Role"),
    )


class RoleForm(BackofficeForm):
    role = forms.ChoiceField(choices=Role.choices, label=_("Role"))


class VenueForm(BackofficeForm):
    name = forms.CharField(max_length=200, label=_("Name"))
    address = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Address"))
    city = forms.CharField(max_length=100, required=False, label=_("City"))
    country = forms.CharField(
        max_length=2, required=False, label=_("Country"), help_text=_("Two letters, for example DE or US.")
    )
    timezone = forms.CharField(
        max_length=64, initial="UTC", label=_("Time zone"),
        help_text=_("New events at this venue start in it. For example Europe/Berlin."),
    )  # fmt: skip

    @classmethod
    def for_venue(cls, venue: Venue) -> VenueForm:
        return cls(initial={name: getattr(venue, name) for name in cls.base_fields})


class SeriesForm(BackofficeForm):
    """A series' shared details and the rule that gives its dates (wall-clock times in its time zone)."""

    WEEKLY, LIST = "weekly", "list"
    WEEKDAYS = [
        (0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")),
        (4, _("Friday")), (5, _("Saturday")), (6, _("Sunday")),
    ]  # fmt: skip

    name = forms.CharField(max_length=200, label=_("Name"))
    slug = forms.SlugField(
        max_length=180, label=_("Address"),
        help_text=_("Each date's address is this followed by its date, e.g. jazz-night-20310704-2000."),
    )  # fmt: skip
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, label=_("Description")
    )
    venue = forms.ModelChoiceField(
        queryset=Venue.objects.all(), required=False, empty_label=_("No venue"), label=_("Venue")
    )
    timezone = forms.CharField(
        max_length=64, initial="UTC", label=_("Time zone"), help_text=_("The times below are in it.")
    )
    capacity = forms.IntegerField(min_value=0, label=_("Capacity per date"))
    duration_minutes = forms.IntegerField(
        min_value=1, max_value=60 * 24 * 14, initial=120, label=_("Length (minutes)")
    )
    hold_minutes = forms.IntegerField(
        min_value=1, max_value=120, initial=15, label=_("Reservation time (minutes)")
    )
    template = forms.ModelChoiceField(
        queryset=Event.objects.none(), required=False, empty_label=_("None: add tickets to each date later"),
        label=_("Copy ticket types and add-ons from"),
    )  # fmt: skip
    rule = forms.ChoiceField(
        choices=[
            (WEEKLY, _("Weekly, on the weekdays chosen, between two dates")),
            (LIST, _("On the dates listed")),
        ],
        widget=forms.RadioSelect, initial=WEEKLY, label=_("Dates"),
    )  # fmt: skip
    weekdays = forms.TypedMultipleChoiceField(
        choices=WEEKDAYS, coerce=int, required=False, widget=forms.CheckboxSelectMultiple, label=_("Weekdays")
    )
    first_date = forms.DateField(
        required=False, label=_("First date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    last_date = forms.DateField(
        required=False, label=_("Last date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    start_time = forms.TimeField(
        required=False, label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    dates = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), required=False, label=_("Dates and times"),
        help_text=_("One per line, like 2031-07-04 20:00."),
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = Event.objects.exclude(  # type: ignore[attr-defined]
            status=Event.Status.CANCELLED
        ).order_by("-starts_at", "-pk")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("rule") == self.WEEKLY:
            for name in ("weekdays", "first_date", "last_date", "start_time"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("Needed for a weekly series."))
        elif data.get("rule") == self.LIST:
            moments, bad = [], []
            for line in (data.get("dates") or "").splitlines():
                if not line.strip():
                    continue
                try:
                    moments.append(datetime.strptime(" ".join(line.split()), "%Y-%m-%d %H:%M"))
                except ValueError:
                    bad.append(line.strip())
            if bad:
                self.add_error(
                    "dates",
                    _("Not a date and time like 2031-07-04 20:00: %(lines)s") % {"lines": ", ".join(bad)},
                )
            elif not moments:
                self.add_error("dates", _("List at least one date."))
            data["moments"] = moments
        return data


class EventImageForm(BackofficeForm):
    image = forms.FileField(
        label=_("Image"), help_text=_("A PNG, JPEG, GIF or WebP file of up to 2 MB and 4,000 pixels a side.")
    )


class BoxOfficeSaleForm(BackofficeForm):
    """Quantities per ticket type (hidden box-office types too), the desk's payment, an optional buyer."""

    payment_method = forms.ChoiceField(
        choices=[
            (Order.PaymentMethod.CASH.value, Order.PaymentMethod.CASH.label),
            (Order.PaymentMethod.CARD_TERMINAL.value, Order.PaymentMethod.CARD_TERMINAL.label),
        ],
        widget=forms.RadioSelect, initial=Order.PaymentMethod.CASH.value, label=_("Paid with"),
    )  # fmt: skip
    buyer_name = forms.CharField(max_length=150, required=False, label=_("Buyer's name (optional)"))
    buyer_email = forms.EmailField(
        required=False, label=_("Buyer's e-mail (optional)"), help_text=_("The tickets are e-mailed to it.")
    )

    def __init__(self, *args: Any, offers: list[TicketTypeOffer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.quantity_fields: list[tuple[TicketTypeOffer, str]] = []
        for offer in offers:
            name = f"ticket_{offer.ticket_type.pk}"
            self.fields[name] = forms.IntegerField(
                min_value=0, max_value=max(offer.available, 0), required=False, initial=0,
                label=f"{offer.ticket_type.name} · {offer.price}",
                help_text=_("%(count)s left") % {"count": offer.available},
            )  # fmt: skip
            self.quantity_fields.append((offer, name))
        self.order_fields([name for _offer, name in self.quantity_fields])

    def quantities(self) -> dict[int, int]:
        return {
            offer.ticket_type.pk: self.cleaned_data.get(name) or 0
            for offer, name in self.quantity_fields
            if self.cleaned_data.get(name)
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        if not self.errors and not self.quantities():
            raise forms.ValidationError(_("Choose at least one ticket."))
        return self.cleaned_data


class RegionForm(BackofficeForm):
    code = forms.CharField(
        max_length=16,
        label=_("Code"),
        help_text=_("Short and stable: EU, UK, JP. Saving an existing code changes it."),
    )
    name = forms.CharField(max_length=100, label=_("Name"))
    currency = forms.CharField(
        max_length=3, label=_("Currency"), help_text=_("ISO 4217: EUR, GBP, JPY, KWD …")
    )
    tax_jurisdiction = forms.CharField(
        max_length=6,
        required=False,
        label=_("Tax jurisdiction"),
        help_text=_("Whose tax rules apply: DE, GB, JP, US-NY. Blank: no tax."),
    )
    languages = forms.CharField(
        max_length=200,
        required=False,
        label=_("Languages"),
        help_text=_("Language codes that suggest this region, comma-separated."),
    )
    hostnames = forms.CharField(
        max_length=500,
        required=False,
        label=_("Host names"),
        help_text=_("Shop host names that open in this region, comma-separated."),
    )
    is_default = forms.BooleanField(required=False, label=_("Default region"))
    position = forms.IntegerField(min_value=0, initial=0, label=_("Position"))


class TaxRuleForm(BackofficeForm):
    jurisdiction = forms.CharField(max_length=6, label=_("Jurisdiction"), help_text=_("DE, GB, JP, US-NY …"))
    category = forms.ChoiceField(choices=TaxCategory.choices, label=_("Tax category"))
    rate_bp = PercentField(label=_("Rate (%)"))
    prices_include_tax = forms.BooleanField(
        required=False,
        initial=True,
        label=_("Prices include the tax (VAT); unticked: added on top (sales tax)"),
    )
    name = forms.CharField(
        max_length=40,
        initial="VAT",
        label=_("Tax name"),
        help_text=_("As invoices name it: VAT, GST, Sales tax."),
    )
    reverse_charge = forms.BooleanField(
        required=False,
        label=_("Reverse charge for business buyers with a VAT ID from another EU country"),
    )
