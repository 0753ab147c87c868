from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "billing.reports"
    label = "billing_reports"
    verbose_name = "Reports"
