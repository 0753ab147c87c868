from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    """The reseller's back office: an edge, like the API. Pages parse, check the role, call one service."""

    name = "ticketing.backoffice"
    label = "backoffice"
    verbose_name = "Back office"
