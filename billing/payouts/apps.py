from django.apps import AppConfig


class PayoutsConfig(AppConfig):
    name = "billing.payouts"
    label = "payouts"
    verbose_name = "Payouts"
