from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "ticketing.catalog"
    label = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        from billing.entitlements import Limit, count_usage_with
        from ticketing.catalog.selectors import live_event_count

        count_usage_with(Limit.EVENTS, lambda tenant: live_event_count())  # plan changes check it
