from django.apps import AppConfig


class CheckinConfig(AppConfig):
    name = "ticketing.checkin"
    label = "checkin"
    verbose_name = "Check-in"
