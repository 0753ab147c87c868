from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "ticketing.orders"
    label = "orders"
    verbose_name = "Orders and tickets"
