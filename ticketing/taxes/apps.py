from django.apps import AppConfig


class TaxesConfig(AppConfig):
    name = "ticketing.taxes"
    label = "taxes"
    verbose_name = "Regions, currencies and taxes"
