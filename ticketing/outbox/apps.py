from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "ticketing.outbox"
    label = "outbox"
    verbose_name = "Domain events (outbox)"
