from django.apps import AppConfig


class InvoicesConfig(AppConfig):
    name = "ticketing.invoices"
    label = "invoices"
    verbose_name = "Invoices and credit notes"
