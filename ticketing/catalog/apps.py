from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "ticketing.catalog"
    label = "catalog"
    verbose_name = "Catalog"
