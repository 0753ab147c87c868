"""The payout schedule form of the back office; the schedule service decides what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from billing.payouts.models import PayoutSchedule
from billing.payouts.selectors import platform_minimum
from ticketing.backoffice.forms import AmountField, BackofficeForm

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class PayoutScheduleForm(BackofficeForm):
    """Field names are the service's, so its refusals (minimum, holding period) land on them."""

    interval = forms.ChoiceField(
        label=_("How often"),
        choices=[
            (PayoutSchedule.Interval.DAILY, _("Daily")),
            (PayoutSchedule.Interval.WEEKLY, _("Weekly")),
            (PayoutSchedule.Interval.MONTHLY, _("Monthly")),
        ],
    )
    weekly_anchor = forms.TypedChoiceField(
        label=_("Weekday (weekly payouts)"), choices=WEEKDAYS, coerce=int, initial=0
    )
    monthly_anchor = forms.IntegerField(label=_("Day of the month (monthly payouts)"), initial=1)
    holding_days = forms.IntegerField(
        label=_("Holding period (days)"),
        help_text=_("Days after an event ends before its money is paid out."),
    )

    def __init__(self, *args: Any, currency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.currency = currency
        floor = platform_minimum(currency)
        self.fields["minimum_amounts"] = AmountField(
            currency=currency,
            required=False,
            label=_("Minimum payout (%(currency)s)") % {"currency": currency},
            help_text=_("Smaller balances wait for the next payout. The platform's minimum is %(minimum)s.")
            % {"minimum": floor},
        )

    @classmethod
    def for_schedule(cls, schedule: PayoutSchedule | None, *, currency: str, default_holding: int) -> Any:
        if schedule is None:
            initial: dict[str, Any] = {"interval": "weekly", "holding_days": default_holding}
        else:
            initial = {
                "interval": schedule.interval,
                "weekly_anchor": schedule.weekly_anchor,
                "monthly_anchor": schedule.monthly_anchor,
                "holding_days": schedule.holding_days,
                "minimum_amounts": schedule.minimum_amounts.get(currency),
            }
        return cls(initial=initial, currency=currency)

    def schedule_terms(self) -> dict[str, Any]:
        """The cleaned form as the service's keyword arguments."""
        data = self.cleaned_data
        minimum = data.get("minimum_amounts")
        return {
            "interval": data["interval"],
            "weekly_anchor": data["weekly_anchor"],
            "monthly_anchor": data["monthly_anchor"],
            "holding_days": data["holding_days"],
            "minimum_amounts": {self.currency: minimum} if minimum is not None else {},
        }
