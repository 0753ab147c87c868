from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "ticketing.tickets"
    label = "tickets"
    verbose_name = "Signed tickets"
