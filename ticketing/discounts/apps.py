from django.apps import AppConfig


class DiscountsConfig(AppConfig):
    name = "ticketing.discounts"
    label = "discounts"
    verbose_name = "Discounts and promo codes"
