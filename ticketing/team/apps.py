from django.apps import AppConfig


class TeamConfig(AppConfig):
    name = "ticketing.team"
    label = "team"
    verbose_name = "Team and roles"

    def ready(self) -> None:
        from billing.entitlements import Limit, count_usage_with
        from ticketing.team.selectors import staff_seat_count

        count_usage_with(Limit.STAFF_SEATS, lambda tenant: staff_seat_count())  # plan changes check it
